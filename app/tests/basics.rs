//! What people expect in the first ten minutes: menus that open with one
//! click and show shortcuts, a shortcuts overlay, undo that says what it
//! undid, an export dialog with format and quality, Cancel for a long
//! render, and the clipboard.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::sync::Arc;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;

mod common;
use common::{State, app, app_mut, builtin_dialogs, harness, settle, step_until};

type H = egui_kittest::Harness<'static, State>;

fn notice(h: &H) -> String {
    app(h).notice().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn with_file_open_one_click_opens_edit() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    h.get_by_label("File").click();
    h.run_steps(2);
    // Shortcuts are shown beside the items.
    h.get_by_label("Open… Ctrl+O");
    h.get_by_label("Export as… Ctrl+Shift+S");
    // The pointer travels to Edit, then clicks once.
    h.get_by_label("Edit").hover();
    h.run_steps(2);
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Undo Ctrl+Z");
    assert!(h.query_by_label("Open… Ctrl+O").is_none(), "File closed");
    // A click on the open menu's title closes it.
    h.get_by_label("Edit").click();
    h.run_steps(2);
    assert!(h.query_by_label("Undo Ctrl+Z").is_none());
}

#[test]
fn f1_and_question_mark_show_the_shortcuts() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    h.key_press(Key::F1);
    h.run_steps(2);
    h.get_by_label("Keyboard shortcuts");
    for b in lumen_app::keys::BINDINGS {
        h.get_by_label(b.keys);
    }
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    h.event(egui::Event::Text("?".into()));
    h.key_press(Key::Questionmark);
    h.run_steps(2);
    h.get_by_label("Keyboard shortcuts");
}

#[test]
fn undo_and_redo_say_what_they_did() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("invert");
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(notice(&h), "Undid Add Invert");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(notice(&h), "Redid Add Invert");
}

#[test]
fn the_export_dialog_sets_format_and_quality() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(builtin_dialogs());
    settle(&mut h);
    app_mut(&mut h).add_filter("invert");
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run_steps(2);
    h.get_by_label("JPEG").click();
    h.run_steps(2);
    h.get_by_label("Background for transparent pixels");
    h.get_by_role(Role::Slider).set_value_accesskit(55.0);
    h.run_steps(2);
    h.get_by_label("Export…").click();
    h.run_steps(2);
    let target = dir.path().join("out.jpg");
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Path")
        .type_text(&target.display().to_string());
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(2);
    step_until(&mut h, "the export", |_| target.exists());
    settle(&mut h);
    let expected = lumen_app::io::encode(
        &app(&h).full_result().unwrap(),
        lumen_app::io::ExportFormat::Jpeg { quality: 55 },
    )
    .unwrap();
    assert_eq!(
        std::fs::read(&target).unwrap(),
        expected,
        "a quality 55 JPEG"
    );
    // The File menu no longer carries export settings.
    h.get_by_label("File").click();
    h.run_steps(2);
    assert!(h.query_by_label("JPEG quality").is_none());
}

#[test]
fn a_long_render_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.png");
    let img = lumen_kernels::RgbaImage::from_pixels(
        3000,
        2000,
        (0..3000u32 * 2000 * 4).map(|i| (i % 251) as u8).collect(),
    )
    .unwrap();
    std::fs::write(
        &big,
        lumen_app::io::encode(&img, lumen_app::io::ExportFormat::Png).unwrap(),
    )
    .unwrap();
    let mut h = harness(lumen_app::Options {
        image: Some(big),
        ..Default::default()
    });
    settle(&mut h);
    let slow: lumen_kernels::FilterSpec =
        serde_json::from_str(r#"{"filter":"median","params":{"radius_px":40}}"#).unwrap();
    app_mut(&mut h).document_mut().unwrap().add_step(slow);
    step_until(&mut h, "the full render to start", |a| {
        a.is_rendering_full()
    });
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(notice(&h).starts_with("Render cancelled"), "{}", notice(&h));
    settle(&mut h);
    assert!(
        app(&h).full_result().is_none(),
        "the full render was stopped"
    );
    h.get_by_label("render cancelled (the preview shows)");
}

#[test]
fn paste_opens_an_image_and_copy_hands_out_the_result() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    let pixels = vec![egui::Color32::from_rgb(10, 200, 30); 8 * 4];
    let pasted = egui::ColorImage::new([8, 4], pixels);
    h.event(egui::Event::PasteImage(Arc::new(pasted)));
    h.run_steps(2);
    step_until(&mut h, "the pasted image", |a| {
        a.document().is_some_and(|d| d.name == "pasted.png")
    });
    let doc = app(&h).document().unwrap();
    assert_eq!((doc.source.width(), doc.source.height()), (8, 4));
    assert_eq!(&doc.source.pixels()[..4], &[10, 200, 30, 255]);

    app_mut(&mut h).add_filter("invert");
    settle(&mut h);
    // One event, one frame: the frame that copies is the one inspected.
    h.event(egui::Event::Key {
        key: Key::C,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::COMMAND | Modifiers::SHIFT,
    });
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyImage(img) => Some(img.clone()),
            _ => None,
        });
    let copied = copied.expect("the result goes to the clipboard");
    assert_eq!(copied.size, [8, 4]);
    assert_eq!(copied.pixels[0], egui::Color32::from_rgb(245, 55, 225));
}
