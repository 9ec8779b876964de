//! The command palette fits small windows: the search field stays on
//! screen and the list scrolls, so every filter can be reached with the
//! arrow keys. It takes what is typed right after Ctrl+K, even in the same
//! frame, and a canvas tool sees none of its keys.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use lumen_kernels::spec::{FILTERS, label_of};

mod common;
use common::{add_from_palette, app, harness, settle, step_names};

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
    assert_eq!(step_names(&h).last(), Some(&last));
}

/// A key's press or release, with `modifiers` held.
fn key(key: Key, pressed: bool, modifiers: Modifiers) -> egui::Event {
    egui::Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers,
    }
}

/// Puts into the next frame's input the events a browser or window system
/// sends for Ctrl+K, then `text` typed quickly (a key press, its text and
/// the release, letter by letter), then Enter: all in one frame, as when
/// the page is busy.
fn type_fast(h: &mut egui_kittest::Harness<'static, common::State>, text: &str) {
    let events = &mut h.input_mut().events;
    events.push(key(Key::K, true, Modifiers::COMMAND));
    events.push(key(Key::K, false, Modifiers::COMMAND));
    for c in text.chars() {
        let k = Key::from_name(&c.to_ascii_uppercase().to_string()).unwrap();
        events.push(key(k, true, Modifiers::NONE));
        events.push(egui::Event::Text(c.to_string()));
        events.push(key(k, false, Modifiers::NONE));
    }
    events.push(key(Key::Enter, true, Modifiers::NONE));
    events.push(key(Key::Enter, false, Modifiers::NONE));
}

/// Ctrl+K, "invert" and Enter typed so fast that they reach the editor in
/// one frame: the letters go to the palette (the `r` does not start the
/// crop tool) and Enter adds the filter they name.
#[test]
fn keys_typed_in_the_frame_of_ctrl_k_go_to_the_palette() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    type_fast(&mut h, "invert");
    h.step(); // one frame takes every event
    h.run_steps(2);
    assert!(
        app(&h).crop_tool().is_none(),
        "the typed r started the crop tool"
    );
    assert_eq!(step_names(&h), ["invert"]);
}

/// With the crop tool on, the palette's Escape and Enter are its own: they
/// close the palette or add a filter, and the crop goes on.
#[test]
fn the_palettes_keys_do_not_end_a_canvas_tool() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    h.key_press(Key::R);
    h.run_steps(2);
    assert_eq!(app(&h).crop_tool().map(|t| t.step), Some(0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run_steps(2);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert_eq!(
        app(&h).crop_tool().map(|t| t.step),
        Some(0),
        "Escape in the palette cancelled the crop"
    );
    add_from_palette(&mut h, "invert");
    assert_eq!(
        app(&h).crop_tool().map(|t| t.step),
        Some(0),
        "Enter in the palette applied the crop"
    );
    assert_eq!(step_names(&h).last(), Some(&"invert"));
}
