//! The unsaved-changes prompt: Export goes on to the action it held back
//! (open another image, close), the next export suggests the file just
//! written, and Escape cancels.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::Key;
use egui_kittest::kittest::Queryable as _;

mod common;
use common::{app, app_mut, builtin_dialogs, harness, settle, step_until};

#[test]
fn export_from_the_prompt_then_opens_what_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.png");
    std::fs::write(&other, lumen_app::app::SAMPLE_PNG).unwrap();
    let mut h = harness(builtin_dialogs());
    settle(&mut h);
    app_mut(&mut h).add_filter("invert");
    settle(&mut h);

    // Opening another image asks first; Escape cancels.
    app_mut(&mut h).open_path(other.clone());
    h.run_steps(2);
    h.get_by_label("Unsaved changes");
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(
        h.query_by_label("Unsaved changes").is_none(),
        "Escape closes it"
    );
    assert_eq!(app(&h).document().unwrap().name, "sample.png");

    // Again, and Export: the browser asks where, then other.png opens.
    app_mut(&mut h).open_path(other.clone());
    h.run_steps(2);
    h.get_by_label("Export…").click();
    h.run_steps(2);
    h.get_by_label("Export…").click(); // the export dialog
    h.run_steps(2);
    let field = h.get_by_label("Path");
    let suggested = field.value().unwrap();
    assert!(suggested.ends_with("sample-edited.png"), "{suggested}");
    // Export into the temporary folder under another name.
    let chosen = dir.path().join("mine.png");
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.get_by_label("Path")
        .type_text(&chosen.display().to_string());
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(2);
    step_until(&mut h, "other.png to open after the export", |a| {
        a.document().is_some_and(|d| d.name == "other.png")
    });
    assert!(chosen.exists(), "the export was written first");
}

#[test]
fn the_next_export_suggests_the_file_just_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(builtin_dialogs());
    settle(&mut h);
    app_mut(&mut h).add_filter("invert");
    settle(&mut h);
    let first = dir.path().join("holiday-final.png");
    app_mut(&mut h).export_to(first.clone(), lumen_app::io::ExportFormat::Png);
    settle(&mut h);
    app_mut(&mut h).add_filter("grayscale");
    settle(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::S);
    h.run_steps(2);
    h.get_by_label("Export…").click(); // the export dialog
    h.run_steps(2);
    let suggested = h.get_by_label("Path").value().unwrap();
    assert_eq!(suggested, first.display().to_string());
}
