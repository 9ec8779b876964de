//! The real editor keeps its settings in the data directory only, written
//! atomically: started with `$LUMEN_DATA_DIR`, a home and an XDG data
//! folder of its own, and quit with Ctrl+Q, it leaves `settings.json` in
//! the data directory and nothing anywhere else (eframe wrote `app.ron`
//! to `$XDG_DATA_HOME/lumen`, truncating it in place).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::path::{Path, PathBuf};

mod common;
use common::xwindow::{Editor, Xvfb};

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
    for d in [&home, &xdg, &data, &runtime] {
        std::fs::create_dir_all(d).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let env = [
        ("HOME", home.as_path()),
        ("XDG_DATA_HOME", xdg.as_path()),
        ("XDG_CONFIG_HOME", home.as_path()),
        ("XDG_RUNTIME_DIR", runtime.as_path()),
        ("LUMEN_DATA_DIR", data.as_path()),
    ];
    let mut editor = Editor::start(&x, &[], &env);
    editor.wait_for("rendered 0 steps", 0);
    x.xdotool(&["search", "--sync", "--onlyvisible", "--name", "Lumen", "windowfocus"]);
    x.xdotool(&["mousemove", "640", "400"]);
    x.xdotool(&["key", "c"]); // compare: split, a setting to remember
    x.xdotool(&["key", "ctrl+q"]);
    let status = editor.wait_exit();
    assert!(status.success(), "a clean exit: {status}\n{}", editor.log());

    let strays: Vec<PathBuf> = files_under(&home).into_iter().chain(files_under(&xdg)).collect();
    assert!(strays.is_empty(), "files outside the data directory: {strays:?}");
    let settings = data.join("settings.json");
    let text = std::fs::read_to_string(&settings).unwrap_or_else(|e| {
        panic!("{}: {e}; data dir holds {:?}", settings.display(), files_under(&data))
    });
    assert!(text.contains("\"compare\": \"split\""), "{text}");
    assert!(
        files_under(&data).iter().all(|p| !p.to_string_lossy().contains(".tmp")),
        "no temporary files left: {:?}",
        files_under(&data)
    );
}
