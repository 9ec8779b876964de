//! The on-canvas crop tool under egui_kittest: started from the crop
//! step's editor, it shows the step's input whole; dragging a handle and
//! pressing Enter writes the rectangle into the step (as fractions), and
//! Escape leaves the step as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::{Key, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lumen_app::ui::params::CROP_ON_CANVAS_LABEL;
use lumen_app::ui::tools::crop::APPLY_LABEL;
use lumen_kernels::FilterSpec;
use lumen_kernels::spec::CropParams;

mod common;
use common::{State, app, app_mut, drag, harness, settle};

/// The editor on the sample picture with one crop step (the whole image),
/// and the sample's size.
fn open() -> (Harness<'static, State>, (u32, u32)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.png");
    std::fs::write(&path, lumen_app::app::SAMPLE_PNG).unwrap();
    let mut h = harness(lumen_app::Options {
        image: Some(path),
        ..Default::default()
    });
    settle(&mut h);
    app_mut(&mut h).add_filter("crop");
    settle(&mut h);
    h.run_steps(3);
    let source = &app(&h).document().unwrap().source;
    let size = (source.width(), source.height());
    (h, size)
}

fn crop(h: &Harness<'_, State>) -> CropParams {
    match &app(h).document().unwrap().steps()[0].spec {
        FilterSpec::Crop(p) => *p,
        other => panic!("step 0 is {other:?}"),
    }
}

/// Starts the tool from the step's editor and waits for its input to show.
fn start_tool(h: &mut Harness<'_, State>) -> egui::Rect {
    h.get_by_label(CROP_ON_CANVAS_LABEL).click();
    h.run_steps(3);
    assert_eq!(app(h).crop_tool().map(|t| t.step), Some(0));
    settle(h);
    h.run_steps(3);
    app(h).canvas().last_image_rect
}

#[test]
fn dragging_a_corner_and_pressing_enter_crops_to_that_rectangle() {
    let (mut h, (w, hh)) = open();
    let initial = crop(&h);
    let image = start_tool(&mut h);
    assert!(image.width() > 100.0, "{image:?}");
    // The bottom-right corner to 60% of the width and 70% of the height.
    let to = image.min + image.size() * Vec2::new(0.6, 0.7);
    drag(&mut h, image.max, to);
    let pan = app(&h).canvas().pan;
    assert_eq!(pan, Vec2::ZERO, "a drag on the tool does not pan");
    let rect = app(&h).crop_tool().unwrap().rect;
    assert_eq!(crop(&h), initial, "nothing is written before Enter");

    h.key_press(Key::Enter);
    h.run_steps(3);
    assert!(app(&h).crop_tool().is_none(), "Enter ends the tool");
    let p = crop(&h);
    assert!(
        p.is_relative(),
        "the rectangle is stored as fractions: {p:?}"
    );
    assert_eq!(p.rect_frac, rect);
    let tolerance = 1.5 / image.width().min(image.height());
    for (got, want) in p.rect_frac.iter().zip([0.0, 0.0, 0.6, 0.7]) {
        assert!((got - want).abs() < tolerance, "{:?}", p.rect_frac);
    }
    // The result is the cropped image.
    settle(&mut h);
    let out = app(&h).full_result().unwrap();
    let (_, _, cw, ch) = p.pixels(w, hh);
    assert_eq!((out.width(), out.height()), (cw, ch));
    assert!(cw.abs_diff((w as f32 * 0.6) as u32) <= 2, "{cw} of {w}");
}

#[test]
fn escape_leaves_the_step_as_it_was() {
    let (mut h, _) = open();
    let initial = crop(&h);
    let image = start_tool(&mut h);
    let left = Pos2::new(image.min.x, image.center().y);
    drag(&mut h, left, left + Vec2::new(image.width() * 0.3, 0.0));
    let moved = app(&h).crop_tool().unwrap().rect;
    assert!(moved[0] > 0.2, "the left edge moved: {moved:?}");
    // A drag on the dimmed part neither pans the view nor moves the crop.
    let dimmed = image.min + image.size() * Vec2::new(0.1, 0.5);
    drag(&mut h, dimmed, dimmed + Vec2::new(60.0, 40.0));
    assert_eq!(
        app(&h).canvas().pan,
        Vec2::ZERO,
        "the tool's drags never pan"
    );
    assert_eq!(app(&h).crop_tool().unwrap().rect, moved);
    h.key_press(Key::Escape);
    h.run_steps(3);
    assert!(app(&h).crop_tool().is_none(), "Escape ends the tool");
    assert_eq!(crop(&h), initial);
}

#[test]
fn a_locked_aspect_holds_and_the_bar_applies_the_crop() {
    let (mut h, (w, hh)) = open();
    let image = start_tool(&mut h);
    // The tool bar's 1:1 (the step's editor, on the right, has one too).
    h.get_all_by_label("1:1")
        .min_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .unwrap()
        .click();
    h.run_steps(3);
    assert_eq!(app(&h).crop_tool().unwrap().aspect, Some(1.0));
    let rect = app(&h).crop_tool().unwrap().rect;
    let on_screen = egui::Rect::from_min_size(
        image.min + Vec2::new(rect[0], rect[1]) * image.size(),
        Vec2::new(rect[2], rect[3]) * image.size(),
    );
    // Drag the top-left corner in along the diagonal, unevenly.
    let from = on_screen.min;
    drag(&mut h, from, from + Vec2::new(40.0, 10.0));
    h.get_by_label(APPLY_LABEL).click();
    h.run_steps(3);
    assert!(app(&h).crop_tool().is_none(), "Apply ends the tool");
    let (_, _, cw, ch) = crop(&h).pixels(w, hh);
    assert!(cw.abs_diff(ch) <= 1, "a square crop: {cw} x {ch}");
    assert!(
        cw < w.min(hh),
        "the drag made it smaller: {cw} of {w} x {hh}"
    );
}
