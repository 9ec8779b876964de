//! The command palette fits small windows: the search field stays on
//! screen and the list scrolls, so every filter can be reached with the
//! arrow keys.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use lumen_kernels::spec::{FILTERS, label_of};

mod common;
use common::{app, harness, settle};

#[test]
fn the_palette_fits_and_scrolls_at_1024x640() {
    let mut h = harness(lumen_app::Options::default());
    h.set_size(egui::vec2(1024.0, 640.0));
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run_steps(3);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 640.0));
    let field = h.get_by_role(Role::TextInput).rect();
    assert!(
        screen.contains_rect(field),
        "the search field {field:?} is on screen"
    );

    // Walk down to the last filter: it is scrolled into view.
    for _ in 1..FILTERS.len() {
        h.key_press(Key::ArrowDown);
        h.run_steps(1);
    }
    h.run_steps(3);
    let last = FILTERS[FILTERS.len() - 1].info.name;
    let item = h
        .get_by_label(&format!("{}   ({last})", label_of(last)))
        .rect();
    assert!(
        screen.contains_rect(item),
        "the last filter {item:?} is on screen"
    );
    h.key_press(Key::Enter);
    h.run_steps(2);
    let steps = app(&h).document().unwrap().steps();
    assert_eq!(steps.last().map(|s| s.spec.name()), Some(last));
}
