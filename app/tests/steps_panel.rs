//! The recipe panel: long titles stop before the buttons, a disabled step
//! is greyed out, and a step is dragged to a new place by its handle.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::epaint::Shape;
use egui_kittest::kittest::Queryable as _;
use lumen_kernels::spec::FILTERS;

mod common;
use common::{State, app, app_mut, harness, settle, step_names as names};

/// The opacity (alpha) the text starting with `prefix` was painted with.
fn text_opacity(h: &egui_kittest::Harness<'_, State>, prefix: &str) -> Option<f32> {
    h.output()
        .shapes
        .iter()
        .find_map(|clipped| match &clipped.shape {
            Shape::Text(t) if t.galley.text().starts_with(prefix) => {
                Some(f32::from(t.fallback_color.a()) / 255.0)
            }
            _ => None,
        })
}

#[test]
fn a_long_title_stops_before_the_buttons() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    let longest = FILTERS
        .iter()
        .max_by_key(|e| e.info.label.len())
        .unwrap()
        .info;
    app_mut(&mut h).add_filter(longest.name);
    settle(&mut h);
    let title = h
        .get_by_label_contains(&format!("1. {}", longest.label))
        .rect();
    let reset = h.get_by_label("Reset").rect();
    assert!(
        title.right() <= reset.left() + 0.5,
        "the title {title:?} runs under Reset {reset:?}"
    );
}

#[test]
fn a_disabled_step_is_greyed_out() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("invert");
    settle(&mut h);
    h.run_steps(2);
    assert_eq!(text_opacity(&h, "1. Invert"), Some(1.0));
    app_mut(&mut h).document_mut().unwrap().toggle_step(0);
    settle(&mut h);
    h.run_steps(2);
    let faded = text_opacity(&h, "1. Invert").unwrap();
    assert!(faded < 0.6, "a disabled step's title is drawn at {faded}");
}

#[test]
fn a_step_is_dragged_to_a_new_place() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    for name in ["invert", "grayscale", "sepia"] {
        app_mut(&mut h).add_filter(name);
    }
    settle(&mut h);
    h.run_steps(2);
    let handles: Vec<egui::Rect> = h.get_all_by_label("::").map(|n| n.rect()).collect();
    assert_eq!(handles.len(), 3);
    let from = handles[0].center();
    let to = handles[2].center() + egui::vec2(40.0, 10.0);
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for k in 1..=10 {
        h.hover_at(from + (to - from) * (k as f32 / 10.0));
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(3);
    assert_eq!(names(&h), ["grayscale", "sepia", "invert"]);
    let (labels, _) = app(&h).document().unwrap().history();
    assert_eq!(labels.last().copied(), Some("Move Invert"));
}
