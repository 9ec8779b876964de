//! File dialogs: where no system dialog exists the editor shows its own
//! browser (open and export through it), and a system dialog runs on a
//! background thread, so the editor keeps drawing while it is open.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use lumen_app::Options;
use lumen_app::dialogs::{DialogBackend, FileRequest, SystemDialogs};

mod common;
use common::{app, app_mut, harness, settle, step_until};

/// A machine without system dialogs.
struct NoDialogs;

impl SystemDialogs for NoDialogs {
    fn available(&self) -> bool {
        false
    }
    fn ask(&self, _: &FileRequest, _: Option<&Path>) -> Option<PathBuf> {
        panic!("asked for a system dialog that is not available");
    }
}

/// A system dialog that stays open until the test answers it.
struct SlowDialog {
    answers: Mutex<Receiver<PathBuf>>,
    asked: AtomicUsize,
}

impl SystemDialogs for SlowDialog {
    fn available(&self) -> bool {
        true
    }
    fn ask(&self, _: &FileRequest, _: Option<&Path>) -> Option<PathBuf> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.answers
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(10))
            .ok()
    }
}

fn photo_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.png");
    std::fs::write(&photo, lumen_app::app::SAMPLE_PNG).unwrap();
    (dir, photo)
}

fn with_dialogs(dialogs: Arc<dyn SystemDialogs>) -> Options {
    Options {
        dialogs: Some(DialogBackend(dialogs)),
        ..Default::default()
    }
}

#[test]
fn without_system_dialogs_the_built_in_browser_opens_and_exports() {
    let (dir, photo) = photo_dir();
    let mut h = harness(with_dialogs(Arc::new(NoDialogs)));
    settle(&mut h);

    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_steps(2);
    assert!(app(&h).is_asking_for_a_file(), "Ctrl+O shows a browser");
    h.get_by_label("Open image");
    h.key_press_modifiers(Modifiers::COMMAND, Key::A); // the field has the focus
    h.run_steps(1);
    h.get_by_label("Path")
        .type_text(&format!("{}/pho", dir.path().display()));
    h.run_steps(2);
    h.key_press(Key::Tab); // completes to photo.png
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    step_until(&mut h, "photo.png to open", |a| {
        a.document().is_some_and(|d| d.name == "photo.png")
    });
    assert_eq!(
        app(&h).document().unwrap().path.as_deref(),
        Some(photo.as_path())
    );
    assert!(!app(&h).is_asking_for_a_file());

    // Export as: the browser suggests photo-edited.png beside the photo.
    app_mut(&mut h).add_filter("invert");
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run_steps(2);
    h.get_by_label("Export…").click(); // the export dialog's settings as they are
    h.run_steps(2);
    h.get_by_label("Export image");
    h.get_by_label("Save").click();
    h.run_steps(2);
    let exported = dir.path().join("photo-edited.png");
    step_until(&mut h, "the export", |_| exported.exists());
    settle(&mut h);
    assert!(!app(&h).document().unwrap().is_dirty());
}

#[test]
fn a_system_dialog_does_not_freeze_the_editor() {
    let (_dir, photo) = photo_dir();
    let (tx, rx): (Sender<PathBuf>, _) = channel();
    let dialog = Arc::new(SlowDialog {
        answers: Mutex::new(rx),
        asked: AtomicUsize::new(0),
    });
    let mut h = harness(with_dialogs(dialog.clone()));
    settle(&mut h);

    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    // Frames keep coming while the dialog is open (were it run on the UI
    // thread, this frame would only end once the dialog closed).
    h.run_steps(3);
    assert!(
        app(&h).is_asking_for_a_file(),
        "the dialog is still open while the editor draws"
    );
    step_until(&mut h, "the dialog to be shown", |_| {
        dialog.asked.load(Ordering::SeqCst) == 1
    });
    // A second Ctrl+O does not stack a second dialog.
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_steps(3);
    let notice = app(&h).notice().expect("a message");
    assert!(notice.text.contains("already open"), "{}", notice.text);

    tx.send(photo.clone()).unwrap();
    step_until(&mut h, "photo.png to open", |a| {
        a.document().is_some_and(|d| d.name == "photo.png")
    });
    assert!(!app(&h).is_asking_for_a_file());
}

#[test]
fn the_listing_follows_a_tab_completed_folder() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    std::fs::write(photos.join("beach.png"), lumen_app::app::SAMPLE_PNG).unwrap();
    let mut h = harness(with_dialogs(Arc::new(NoDialogs)));
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_label("Path")
        .type_text(&format!("{}/pho", dir.path().display()));
    h.run_steps(2);
    h.key_press(Key::Tab); // completes to photos/, whose contents are listed
    h.run_steps(2);
    assert!(
        h.query_by_label("beach.png").is_some(),
        "the listing does not show the completed folder's photo"
    );
    // Typing goes on at the end of the completed path.
    h.get_by_label("Path").type_text("be");
    h.run_steps(2);
    h.key_press(Key::Tab);
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    step_until(&mut h, "beach.png to open", |a| {
        a.document().is_some_and(|d| d.name == "beach.png")
    });
}
