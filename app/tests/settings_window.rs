//! The real editor keeps its settings in the data directory only, written
//! atomically: started with `$LUMEN_DATA_DIR`, a home and an XDG data
//! folder of its own, and quit with Ctrl+Q, it leaves `settings.json` in
//! the data directory and nothing anywhere else (eframe wrote `app.ron`
//! to `$XDG_DATA_HOME/lumen`, truncating it in place).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::path::{Path, PathBuf};

mod common;
use common::xwindow::{Editor, Xvfb, make_dirs};

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn settings_stay_in_the_data_directory() {
    let Some(x) = Xvfb::start(1280, 800) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (home, xdg, data, runtime) = (
        tmp.path().join("home"),
        tmp.path().join("xdg-data"),
        tmp.path().join("data"),
        tmp.path().join("run"),
    );
    make_dirs(&[&home, &xdg, &data], &runtime);
    let env = [
        ("HOME", home.as_path()),
        ("XDG_DATA_HOME", xdg.as_path()),
        ("XDG_CONFIG_HOME", home.as_path()),
        ("XDG_RUNTIME_DIR", runtime.as_path()),
        ("LUMEN_DATA_DIR", data.as_path()),
    ];
    let mut editor = Editor::start(&x, &[], &env);
    editor.wait_for("rendered 0 steps", 0);
    x.focus_editor();
    x.xdotool(&["key", "c"]); // compare: split, a setting to remember
    x.xdotool(&["key", "ctrl+q"]);
    let status = editor.wait_exit();
    assert!(status.success(), "a clean exit: {status}\n{}", editor.log());

    let strays: Vec<PathBuf> = files_under(&home)
        .into_iter()
        .chain(files_under(&xdg))
        .collect();
    assert!(
        strays.is_empty(),
        "files outside the data directory: {strays:?}"
    );
    let settings = data.join("settings.json");
    let text = std::fs::read_to_string(&settings).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; data dir holds {:?}",
            settings.display(),
            files_under(&data)
        )
    });
    assert!(text.contains("\"compare\": \"split\""), "{text}");
    let names: Vec<String> = files_under(&data)
        .iter()
        .filter_map(|p| p.strip_prefix(&data).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("tmp")),
        "no temporary files left: {names:?}"
    );
}

/// The export dialog's choices and the compare mode, made in one editor,
/// are those of the next editor started on the same data directory.
#[test]
fn export_choices_and_compare_carry_to_the_next_start() {
    use common::{app, harness, settle, step_until};
    use egui_kittest::kittest::Queryable as _;
    use lumen_app::export::FileKind;
    use lumen_app::ui::canvas::CompareMode;

    let data = tempfile::tempdir().unwrap();
    let options = lumen_app::Options {
        data_dir: Some(data.path().to_path_buf()),
        ..lumen_app::Options::default()
    };
    let mut h = harness(options.clone());
    settle(&mut h);
    let defaults = app(&h).exporter();
    assert!(defaults.kind == FileKind::Png && defaults.webp_lossless && !defaults.strip_metadata);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export as… Ctrl+Shift+S").click();
    h.run();
    h.get_by_label("WebP").click();
    h.run();
    h.get_by_label("Lossless WebP").click();
    h.run();
    h.get_by_role(egui::accesskit::Role::Slider)
        .set_value_accesskit(55.0);
    h.run();
    h.get_by_label("Remove location and camera data").click();
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    h.key_press(egui::Key::C); // compare: split
    h.run();
    assert_eq!(app(&h).canvas().compare, CompareMode::Split);
    let path = data.path().join("settings.json");
    step_until(&mut h, "the settings to be saved", |_| {
        std::fs::read_to_string(&path).is_ok_and(|t| t.contains("\"split\""))
    });
    drop(h);

    let mut h = harness(options);
    h.run_steps(2);
    let e = app(&h).exporter();
    assert_eq!(
        (e.kind, e.webp_lossless, e.jpeg_quality, e.strip_metadata),
        (FileKind::WebP, false, 55, true),
        "{}",
        std::fs::read_to_string(&path).unwrap()
    );
    assert_eq!(app(&h).canvas().compare, CompareMode::Split);
}
