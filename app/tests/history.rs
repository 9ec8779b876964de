//! The history panel: tall enough to read, scrolled to the current entry,
//! and each edit labelled with the values it changed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use lumen_kernels::FilterSpec;

mod common;
use common::{State, app, app_mut, harness, settle};

fn sigma(h: &egui_kittest::Harness<'_, State>) -> f32 {
    match &app(h).document().unwrap().steps()[0].spec {
        FilterSpec::GaussianBlur(p) => p.sigma_px,
        other => panic!("expected a blur, got {other:?}"),
    }
}

#[test]
fn history_labels_values_and_follows_the_current_entry() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("gaussian_blur");
    settle(&mut h);
    // Room for many rows from the start, not just the few entries there.
    let heading = h.get_by_label("History").rect();
    assert!(
        heading.top() < 800.0 - 200.0,
        "the history panel starts {} px above the bottom",
        800.0 - heading.top()
    );
    let start = sigma(&h);
    h.get_by_role(Role::Slider).set_value_accesskit(5.5);
    h.run_steps(3);
    settle(&mut h);
    let expected = format!("Gaussian blur sigma {start:.1} -> 5.5");
    h.get_by_label(&expected);

    // Many edits: the newest entry is scrolled into view, and many rows
    // are visible at once.
    for i in 0..30 {
        h.get_by_role(Role::Slider)
            .set_value_accesskit(6.0 + f64::from(i) * 0.5);
        h.run_steps(2);
    }
    settle(&mut h);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1200.0, 800.0));
    let (labels, current) = app(&h).document().unwrap().history();
    assert_eq!(current, labels.len() - 1);
    let last = h.get_by_label(labels[current]).rect();
    assert!(
        window.contains_rect(last),
        "the current entry {last:?} is visible"
    );
    let visible = labels
        .iter()
        .filter(|l| {
            h.query_by_label(l)
                .is_some_and(|n| window.contains_rect(n.rect()) && n.rect().top() > 300.0)
        })
        .count();
    assert!(visible >= 8, "only {visible} history rows fit");

    // Undo back to the start: the panel follows.
    for _ in 0..30 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run_steps(1);
    }
    h.run_steps(3);
    let (labels, current) = app(&h).document().unwrap().history();
    assert_eq!(labels[current], expected);
    let row = h.get_by_label(&expected).rect();
    assert!(
        window.contains_rect(row),
        "the current entry {row:?} is visible"
    );
}
