//! End-to-end UI flows on the real editor, driven through egui_kittest:
//! start on the sample, add a filter from the palette, move its slider,
//! undo, redo, export, and compare with the CLI's output for the same recipe.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lumen_app::io::ExportFormat;
use lumen_kernels::FilterSpec;

mod common;
use common::{State, add_from_palette, app, harness, settle};

fn steps(h: &Harness<'_, State>) -> Vec<FilterSpec> {
    app(h)
        .document()
        .map(|d| d.steps().iter().map(|s| s.spec.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn palette_slider_undo_redo_export_matches_cli() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    let doc = app(&h).document().expect("the sample opens at start");
    assert_eq!((doc.source.width(), doc.source.height()), (512, 512));
    assert!(steps(&h).is_empty());

    // Ctrl+K, type, Enter: the filter is added with default parameters.
    add_from_palette(&mut h, "gauss");
    assert_eq!(
        steps(&h),
        vec![FilterSpec::from_name("gaussian_blur").unwrap()]
    );
    settle(&mut h);
    let blurred_default = app(&h).full_result().expect("rendered");

    // Move the slider: the recipe and the rendered image follow.
    h.get_by_role(Role::Slider).set_value_accesskit(6.0);
    h.run_steps(2);
    settle(&mut h);
    let FilterSpec::GaussianBlur(p) = steps(&h)[0] else {
        panic!("expected a gaussian blur step, got {:?}", steps(&h));
    };
    assert!((p.sigma_px - 6.0).abs() < 1e-3, "sigma {}", p.sigma_px);
    let blurred_more = app(&h).full_result().expect("rendered");
    assert_ne!(blurred_default.pixels(), blurred_more.pixels());

    // Undo the slider move, then the add; redo both (Ctrl+Shift+Z and Ctrl+Y).
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        steps(&h),
        vec![FilterSpec::from_name("gaussian_blur").unwrap()]
    );
    settle(&mut h);
    assert_eq!(
        app(&h).full_result().unwrap().pixels(),
        blurred_default.pixels()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(steps(&h).is_empty());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert_eq!(steps(&h).len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run_steps(2);
    assert_eq!(steps(&h)[0], FilterSpec::GaussianBlur(p));
    settle(&mut h);
    assert!(app(&h).document().unwrap().is_dirty());

    // Export, save the recipe, and run the CLI on the same input.
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("editor.png");
    let recipe = dir.path().join("recipe.json");
    let sample = dir.path().join("sample.png");
    let cli_out = dir.path().join("cli.png");
    std::fs::write(&sample, lumen_app::app::SAMPLE_PNG).unwrap();
    let app_mut = h.state_mut().as_mut().unwrap();
    app_mut.save_recipe(&recipe);
    app_mut.export_to(exported.clone(), ExportFormat::Png);
    settle(&mut h);
    assert!(
        !app(&h).document().unwrap().is_dirty(),
        "export marks the document saved"
    );
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_lumen"))
        .arg("apply")
        .arg("--recipe")
        .arg(&recipe)
        .arg(&sample)
        .arg(&cli_out)
        .status()
        .unwrap();
    assert!(status.success());
    let editor_bytes = std::fs::read(&exported).unwrap();
    let cli_bytes = std::fs::read(&cli_out).unwrap();
    let editor_px = lumen_app::io::decode(&editor_bytes, "editor.png").unwrap();
    let cli_px = lumen_app::io::decode(&cli_bytes, "cli.png").unwrap();
    assert_eq!(editor_px, cli_px, "the CLI reproduces the editor's pixels");
    assert_eq!(editor_px.pixels(), blurred_more.pixels());
    assert_eq!(editor_bytes, cli_bytes, "and the same file bytes");
}

#[test]
fn export_failure_is_shown_and_the_document_kept() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    h.state_mut().as_mut().unwrap().add_filter("invert");
    settle(&mut h);
    let dir = tempfile::tempdir().unwrap();
    // A path that is a directory cannot be written.
    h.state_mut()
        .as_mut()
        .unwrap()
        .export_to(dir.path().to_path_buf(), ExportFormat::Png);
    settle(&mut h);
    let notice = app(&h).notice().expect("a message is shown");
    assert!(notice.is_error, "{}", notice.text);
    assert!(notice.text.contains("Export failed"), "{}", notice.text);
    let doc = app(&h).document().unwrap();
    assert_eq!(doc.steps().len(), 1);
    assert!(doc.is_dirty());
}

#[test]
fn a_bad_file_gives_an_error_not_a_crash() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.png");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    h.state_mut().as_mut().unwrap().open_path(bad);
    settle(&mut h);
    let notice = app(&h).notice().expect("a message is shown");
    assert!(
        notice.is_error && notice.text.contains("broken.png"),
        "{}",
        notice.text
    );
    // The sample is still open.
    assert_eq!(app(&h).document().unwrap().name, "sample.png");
}

#[test]
fn every_filter_can_be_added_and_rendered() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    for name in lumen_kernels::spec::FILTER_NAMES {
        h.state_mut().as_mut().unwrap().add_filter(name);
        settle(&mut h);
        assert!(
            app(&h).full_result().is_some(),
            "{name}: no result, notice {:?}",
            app(&h).notice()
        );
    }
    assert_eq!(steps(&h).len(), lumen_kernels::spec::FILTER_NAMES.len());
}
