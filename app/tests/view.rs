//! The canvas's view: before/after with recipes that change the size,
//! fitting, zoom keys and the status bar's sizes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::Key;
use egui_kittest::kittest::Queryable as _;
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
    assert!(
        shown.height() > canvas.height() * 0.9 || shown.width() > canvas.width() * 0.9,
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
