//! The canvas's view: before/after with recipes that change the size,
//! fitting, zoom keys and the status bar's sizes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::Key;
use egui_kittest::kittest::Queryable as _;
use lumen_app::ui::canvas::CompareMode;
use lumen_kernels::FilterSpec;

mod common;
use common::{State, app, app_mut, harness, settle};

fn spec(json: &str) -> FilterSpec {
    serde_json::from_str(json).unwrap()
}

fn add(h: &mut egui_kittest::Harness<'_, State>, json: &str) {
    app_mut(h).document_mut().unwrap().add_step(spec(json));
    settle(h);
    h.run_steps(3);
}

#[test]
fn before_after_shows_the_original_in_its_own_geometry() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    add(
        &mut h,
        r#"{"filter":"crop","params":{"x":0,"y":0,"width":128,"height":64}}"#,
    );
    h.get_by_label("128×64 px");
    h.key_press(Key::F); // fit the result
    h.run_steps(3);
    let canvas = app(&h).canvas().last_rect;

    h.key_down(Key::Backslash);
    h.run_steps(3);
    assert!(app(&h).showing_before());
    let shown = app(&h).canvas().last_image_rect;
    assert!(
        canvas.expand(0.5).contains_rect(shown),
        "the whole original is on the canvas: {shown:?} in {canvas:?}"
    );
    assert!(
        (shown.width() / shown.height() - 1.0).abs() < 0.01,
        "drawn square, as the 512x512 original is: {shown:?}"
    );
    // Fitted: as large as fits, but never above 100% (512 points here).
    assert!(
        (shown.width() - 512.0).abs() < 1.0
            || shown.height() > canvas.height() * 0.9
            || shown.width() > canvas.width() * 0.9,
        "fitted, not a fragment: {shown:?} in {canvas:?}"
    );
    h.get_by_label("512×512 px");

    h.key_up(Key::Backslash);
    h.run_steps(3);
    assert!(!app(&h).showing_before());
    h.get_by_label("128×64 px");
    let back = app(&h).canvas().last_image_rect;
    assert!(
        (back.width() / back.height() - 2.0).abs() < 0.01,
        "{back:?}"
    );
}

#[test]
fn fit_stops_at_100_percent_and_follows_size_changes() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    h.run_steps(2);
    // The 512x512 sample fits the 1200x800 window at more than 100%:
    // Fit shows it at 100%.
    assert!(
        (app(&h).canvas().zoom - 1.0).abs() < 1e-4,
        "zoom {}",
        app(&h).canvas().zoom
    );

    // Zoom in with +, then crop: the new size is fitted again.
    for _ in 0..3 {
        h.key_press(Key::Plus);
        h.run_steps(1);
    }
    assert!(app(&h).canvas().zoom > 1.9);
    add(
        &mut h,
        r#"{"filter":"crop","params":{"x":0,"y":0,"width":500,"height":300}}"#,
    );
    assert!(
        (app(&h).canvas().zoom - 1.0).abs() < 1e-4,
        "zoom {}",
        app(&h).canvas().zoom
    );

    // A smaller window: the fitted view follows.
    h.set_size(egui::vec2(700.0, 400.0));
    h.run_steps(3);
    let canvas = app(&h).canvas().last_rect;
    let shown = app(&h).canvas().last_image_rect;
    assert!(canvas.contains_rect(shown), "{shown:?} fits {canvas:?}");
    assert!(app(&h).canvas().zoom < 0.99);
}

#[test]
fn zoom_keys_and_buttons() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    h.run_steps(2);
    let zoom = |h: &egui_kittest::Harness<'_, State>| app(h).canvas().zoom;
    h.key_press(Key::Minus);
    h.run_steps(1);
    assert!((zoom(&h) - 0.8).abs() < 1e-3, "{}", zoom(&h));
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Num1);
    h.run_steps(1);
    assert!((zoom(&h) - 1.0).abs() < 1e-3);
    h.get_by_label("+").click();
    h.run_steps(1);
    assert!((zoom(&h) - 1.25).abs() < 1e-3, "{}", zoom(&h));
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::Num0);
    h.run_steps(2);
    assert!(
        (zoom(&h) - 1.0).abs() < 1e-3,
        "Ctrl+0 fits (capped at 100%)"
    );
    h.get_by_label("-").click();
    h.run_steps(1);
    h.get_by_label("80%");
}

#[test]
fn the_status_bar_shows_the_pixel_under_the_pointer() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    h.run_steps(2);
    let rect = app(&h).canvas().last_image_rect;
    let zoom = app(&h).canvas().zoom;
    let (x, y) = (100u32, 50u32);
    h.hover_at(rect.min + egui::vec2(x as f32 + 0.5, y as f32 + 0.5) * zoom);
    h.run_steps(2);
    let src = app(&h).document().unwrap().source.clone();
    let i = (y as usize) * src.stride() + (x as usize) * 4;
    let p = &src.pixels()[i..i + 4];
    h.get_by_label_contains(&format!(
        "x {x:>5} y {y:>5}  RGBA {:>3} {:>3} {:>3} {:>3}",
        p[0], p[1], p[2], p[3]
    ));
}

#[test]
fn the_image_stays_put_as_the_pointer_comes_and_goes() {
    // A long notice (the heal tool's) and the pixel readout share the
    // status bar; neither may change its height, or the canvas (and the
    // image under the pointer) would jump.
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("heal");
    settle(&mut h);
    assert!(app_mut(&mut h).start_heal_tool(0));
    settle(&mut h);
    h.hover_at(egui::pos2(2.0, 400.0)); // off the image
    h.run_steps(3);
    let away = app(&h).canvas().last_image_rect;
    h.hover_at(away.center());
    h.run_steps(3);
    assert!(app(&h).canvas().probe.is_some());
    assert_eq!(app(&h).canvas().last_image_rect, away);
}

#[test]
fn the_image_stays_put_as_a_tool_starts() {
    // R starts the crop tool, whose hint ("Drag the handles ...") is longer
    // than the row's room left of it: it is cut to that room, never moved
    // to a second row, which would lift the canvas (and the handles a
    // finger is about to take) by half a row.
    // At widths where the bar has room for the hint and where it has not.
    for width in [1200.0, 800.0, 640.0] {
        let mut h = harness(lumen_app::Options::default());
        h.set_size(egui::vec2(width, 700.0));
        settle(&mut h);
        h.run_steps(3);
        let before = app(&h).canvas().last_image_rect;
        h.key_press(Key::R);
        settle(&mut h);
        h.run_steps(3);
        assert!(app(&h).document().unwrap().recipe().steps.len() == 1);
        assert_eq!(app(&h).canvas().last_image_rect, before, "{width} wide");
    }
}

#[test]
fn split_view_with_a_draggable_divider_and_side_by_side() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    add(&mut h, r#"{"filter":"invert"}"#);
    h.key_press(Key::C);
    h.run_steps(3);
    assert_eq!(app(&h).canvas().compare, CompareMode::Split);
    let c = app(&h).canvas();
    assert_eq!(
        c.last_before_rect, c.last_image_rect,
        "one geometry for both"
    );
    // Drag the divider to a quarter of the canvas.
    let canvas = c.last_rect;
    let from = egui::pos2(canvas.center().x, canvas.center().y);
    let to = egui::pos2(canvas.left() + canvas.width() * 0.25, canvas.center().y);
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for k in 1..=8 {
        h.hover_at(from + (to - from) * (k as f32 / 8.0));
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(2);
    let split = app(&h).canvas().split;
    assert!((split - 0.25).abs() < 0.02, "divider at {split}");
    assert!(
        (app(&h).canvas().zoom - 1.0).abs() < 1e-4,
        "dragging the divider does not pan"
    );

    // The Compare button moves on to side by side.
    h.get_by_label("Split").click();
    h.run_steps(3);
    let c = app(&h).canvas();
    assert_eq!(c.compare, CompareMode::SideBySide);
    let mid = c.last_rect.center().x;
    assert!(
        c.last_before_rect.right() <= mid + 0.5,
        "{:?}",
        c.last_before_rect
    );
    assert!(
        c.last_image_rect.left() >= mid - 0.5,
        "{:?}",
        c.last_image_rect
    );
    h.get_by_label("Side by side").click();
    h.run_steps(2);
    assert_eq!(app(&h).canvas().compare, CompareMode::Off);
}
