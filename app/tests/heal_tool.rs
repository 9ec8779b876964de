//! The heal tool under egui_kittest: a click on the image adds a spot
//! there whose source Lumen chooses, a drag adds one copying from where
//! it ends, `]` makes the next spot larger, each spot is one undo step,
//! and Escape ends the tool; the keys R, Q, L and M start the canvas tools.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::{Key, Pos2, Vec2};
use egui_kittest::kittest::Queryable as _;
use lumen_app::ui::tools::heal::{HEAL_LABEL, START_RADIUS};
use lumen_kernels::FilterSpec;
use lumen_kernels::ops::heal::Spot;

mod common;
use common::{State, app, app_mut, drag, harness, settle, step_names};

/// The spots of the document's first step, a `heal` one.
fn spots(h: &egui_kittest::Harness<'_, State>) -> Vec<Spot> {
    match &app(h).document().unwrap().steps()[0].spec {
        FilterSpec::Heal(p) => p.spots.clone(),
        other => panic!("step 0 is {other:?}"),
    }
}

fn close(a: [f32; 2], b: [f32; 2]) -> bool {
    (a[0] - b[0]).abs() < 0.01 && (a[1] - b[1]).abs() < 0.01
}

#[test]
fn clicks_and_drags_on_the_image_add_spots() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("heal");
    settle(&mut h);
    h.get_by_label(HEAL_LABEL).click();
    h.run_steps(3);
    assert_eq!(app(&h).heal_tool().map(|t| t.step), Some(0));
    settle(&mut h);
    h.run_steps(3);
    // Where a fraction of the image is on screen now (the layout moves as
    // notices come and go and the step's editor grows).
    let at = |h: &egui_kittest::Harness<'_, State>, fx: f32, fy: f32| {
        let rect = app(h).canvas().last_image_rect;
        rect.min + rect.size() * Vec2::new(fx, fy)
    };
    let undo_before = app(&h).document().unwrap().history_len();

    // A click: a spot there, source chosen by Lumen.
    h.hover_at(at(&h, 0.3, 0.4));
    h.run_steps(1);
    let p: Pos2 = at(&h, 0.3, 0.4);
    h.drag_at(p);
    h.run_steps(1);
    h.drop_at(p);
    settle(&mut h);
    let s = spots(&h);
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(close(s[0].target, [0.3, 0.4]), "{s:?}");
    assert_eq!(s[0].source, None);
    assert_eq!(s[0].radius, START_RADIUS);

    // `]` then a drag: a larger spot copying from where the drag ended.
    h.key_press(Key::CloseBracket);
    h.run_steps(2);
    let (from, to) = (at(&h, 0.6, 0.6), at(&h, 0.8, 0.5));
    drag(&mut h, from, to);
    settle(&mut h);
    let s = spots(&h);
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(close(s[1].target, [0.6, 0.6]), "{s:?}");
    assert!(close(s[1].source.unwrap(), [0.8, 0.5]), "{s:?}");
    assert!((s[1].radius - START_RADIUS * 1.25).abs() < 1e-6, "{s:?}");

    // One undo step per spot.
    let doc = app(&h).document().unwrap();
    assert_eq!(doc.history_len(), undo_before + 2);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(app(&h).heal_tool().is_none());
}

#[test]
fn tool_keys_start_the_canvas_tools_on_the_last_step_of_their_kind() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    // M: no step has a mask, so nothing starts and nothing is added.
    h.key_press(Key::M);
    h.run_steps(2);
    assert!(app(&h).mask_tool().is_none());
    assert!(app(&h).document().unwrap().steps().is_empty());
    // R: no crop step yet, so one is added (the whole image) and cropped.
    h.key_press(Key::R);
    h.run_steps(2);
    assert_eq!(app(&h).crop_tool().map(|t| t.step), Some(0));
    h.key_press(Key::Escape);
    h.run_steps(2);
    // Q adds a heal step after it; a second Q works on that same step.
    h.key_press(Key::Q);
    h.run_steps(2);
    assert_eq!(app(&h).heal_tool().map(|t| t.step), Some(1));
    h.key_press(Key::Escape);
    h.run_steps(2);
    h.key_press(Key::Q);
    h.run_steps(2);
    assert_eq!(app(&h).heal_tool().map(|t| t.step), Some(1));
    // L starts straightening, ending the heal tool.
    h.key_press(Key::L);
    h.run_steps(2);
    assert!(app(&h).heal_tool().is_none());
    assert_eq!(app(&h).straighten_tool().map(|t| t.step), Some(2));
    assert_eq!(step_names(&h), ["crop", "heal", "rotate_angle"]);
}
