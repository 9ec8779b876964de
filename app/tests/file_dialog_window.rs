//! The real editor in an X session with no XDG desktop portal and no
//! zenity (Xvfb, a cleared environment, no session bus): Ctrl+O shows
//! Lumen's own file browser, a typed path opens, and Ctrl+Shift+S exports
//! through it. Keys go in as real key events (xdotool, XTEST).
//!
//! `LUMEN_SCREENSHOT_DIR=dir` saves a screenshot of the browser there.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

mod common;
use common::xwindow::{Editor, Xvfb, make_dirs};

#[test]
fn without_portal_or_zenity_the_built_in_browser_opens_and_exports() {
    let Some(x) = Xvfb::start(1280, 800) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let runtime = tmp.path().join("run");
    let empty = tmp.path().join("empty");
    make_dirs(&[&home, &empty], &runtime);
    let photo = home.join("holiday.png");
    std::fs::write(&photo, lumen_app::app::SAMPLE_PNG).unwrap();
    // No zenity on PATH, no session bus, no portal service files.
    let env = [
        ("HOME", home.as_path()),
        ("PATH", empty.as_path()),
        ("XDG_RUNTIME_DIR", runtime.as_path()),
        ("XDG_DATA_HOME", empty.as_path()),
        ("XDG_DATA_DIRS", empty.as_path()),
        ("LUMEN_DATA_DIR", tmp.path()),
    ];
    let mut editor = Editor::start(&x, &[], &env);
    editor.wait_for("rendered 0 steps", 0);
    x.focus_editor();

    let mark = editor.mark();
    x.xdotool(&["key", "ctrl+o"]);
    editor.wait_for("file browser: Open image", mark);
    // Completion: "hol" + Tab becomes holiday.png in the home folder.
    x.xdotool(&["key", "ctrl+a"]);
    x.xdotool(&["type", "--delay", "20", &format!("{}/hol", home.display())]);
    x.xdotool(&["key", "Tab"]);
    if let Some(dir) = std::env::var_os("LUMEN_SCREENSHOT_DIR") {
        std::thread::sleep(std::time::Duration::from_millis(500)); // let the frame land
        assert!(x.screenshot(&std::path::Path::new(&dir).join("file-browser.png")));
    }
    x.xdotool(&["key", "Return"]);
    editor.wait_for("opened holiday.png", mark);
    editor.wait_for("rendered 0 steps", mark);

    // Export as: the export dialog, then Enter (Export…) opens the browser,
    // which suggests holiday-edited.png beside the photo.
    let mark = editor.mark();
    x.xdotool(&["key", "ctrl+shift+s"]);
    editor.wait_for("export dialog", mark);
    x.xdotool(&["key", "Return"]);
    editor.wait_for("file browser: Export image", mark);
    x.xdotool(&["key", "Return"]);
    let line = editor.wait_for("exported", mark);
    let exported = home.join("holiday-edited.png");
    assert!(line.contains("holiday-edited.png"), "{line}");
    let pixels = lumen_app::io::load(&exported, "holiday-edited.png").unwrap();
    assert_eq!((pixels.width(), pixels.height()), (512, 512));
}
