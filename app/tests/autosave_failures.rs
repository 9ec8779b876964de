//! Autosave when things go wrong: it is off (the data directory cannot be
//! used) or fails (a full disk), and the editor says so in a banner until
//! it works again; the last good session is never replaced by a partial
//! one, and a restore says when it may be out of date; sessions that are
//! pipes, devices or huge are refused without hanging; error notices stay
//! until dismissed; a restore onto a changed image asks first and never
//! invents history.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{State, app, app_mut, harness, settle, step_until, wait_unlocked};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lumen_app::Options;
use lumen_app::autosave::{SavedEntry, Session, SourceRef};
use lumen_kernels::FilterSpec;
use lumen_kernels::spec::GaussianBlurParams;

fn editor(data_dir: &Path) -> Harness<'static, State> {
    let mut h = harness(Options {
        data_dir: Some(data_dir.to_path_buf()),
        ..Default::default()
    });
    settle(&mut h);
    h
}

fn blur(sigma_px: f32) -> FilterSpec {
    FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px })
}

fn add_steps(h: &mut Harness<'static, State>, n: usize) {
    for i in 0..n {
        app_mut(h)
            .document_mut()
            .unwrap()
            .add_step(blur(i as f32 + 1.0));
        h.run_steps(2);
    }
}

/// The session files in `dir` (not this process's own, when `except`).
fn sessions(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("session-") && n.ends_with(".json")
        })
        .collect()
}

fn saved_history_len(dir: &Path) -> usize {
    let files = sessions(dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    Session::parse(&text).unwrap().0.history.len()
}

#[test]
fn autosave_off_is_a_banner_that_opening_an_image_does_not_hide() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("data");
    std::fs::write(&not_a_dir, b"a file where the data directory should be").unwrap();
    for data_dir in [not_a_dir, PathBuf::from("/proc/self/lumen-data")] {
        let mut h = editor(&data_dir);
        add_steps(&mut h, 1);
        let banner = app(&h).autosave_banner().expect("a banner");
        assert!(banner.contains("Autosave is off"), "{banner}");
        assert!(
            banner.contains("lumen-data") || banner.contains("data"),
            "{banner}"
        );
        h.get_by_label(&banner); // drawn, not only stored
        assert!(app(&h).notice().unwrap().text.starts_with("Opened"));
    }
}

/// A tmpfs of `kib` KiB mounted on `dir`, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, kib: u32) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Self(dir.to_path_buf())),
            Ok(o) => {
                eprintln!(
                    "skipped: cannot mount a small tmpfs here ({})",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped: cannot run mount ({e})");
                None
            }
        }
    }

    /// Fills the disk; returns the filler, to delete to free it again.
    fn fill(&self) -> PathBuf {
        let filler = self.0.join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![7u8; 4096];
        while std::io::Write::write_all(&mut f, &block).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        Command::new("umount").arg("-l").arg(&self.0).status().ok();
    }
}

#[test]
fn a_full_disk_is_a_banner_until_saving_works_keeps_the_last_good_session_and_is_told_at_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let Some(disk) = SmallDisk::mount(&data, 256) else {
        return;
    };
    let mut h = editor(&data);
    add_steps(&mut h, 3);
    step_until(&mut h, "the session saved", |_| {
        sessions(&data).len() == 1 && saved_history_len(&data) == 4
    });
    let filler = disk.fill();
    edit_until_autosave_fails(&mut h);
    let banner = app(&h).autosave_banner().unwrap();
    assert!(banner.contains("Autosave is failing"), "{banner}");
    h.get_by_label(&banner);
    // The last good session is intact: complete (no cut record), and
    // behind the document.
    let text = std::fs::read_to_string(&sessions(&data)[0]).unwrap();
    let (saved, torn) = Session::parse(&text).unwrap();
    assert!(!torn, "a failed append is cut back off");
    let good = saved.history.len();
    assert!(good >= 4 && good < app(&h).document().unwrap().history().0.len());
    // It stays while the disk is full, whatever else happens.
    app_mut(&mut h).document_mut().unwrap().undo();
    h.run_steps(60);
    assert!(app(&h).autosave_banner().is_some());

    // The editor stops (as a crash would: its lock is released, its
    // session left behind); the disk gets room again.
    drop(h);
    wait_unlocked(&data);
    std::fs::remove_file(&filler).unwrap();
    let mut next = harness(Options {
        data_dir: Some(data.clone()),
        ..Default::default()
    });
    step_until(&mut next, "the orphan", |a| !a.recoverable().is_empty());
    let warning = app(&next).recoverable()[0]
        .warning
        .clone()
        .expect("a warning");
    assert!(warning.contains("autosave was failing"), "{warning}");
    next.get_by_label("Restore").click();
    step_until(&mut next, "the restore", |a| {
        a.notices().iter().any(|n| n.text.starts_with("Restored"))
    });
    let restored = app(&next)
        .notices()
        .iter()
        .find(|n| n.text.starts_with("Restored"))
        .unwrap()
        .clone();
    assert!(restored.is_error && restored.text.contains("may be out of date"));
    assert_eq!(app(&next).document().unwrap().history().0.len(), good);
}

/// Adds steps until a save fails (the last page of the session file may
/// still take a few small appends on a full disk).
fn edit_until_autosave_fails(h: &mut Harness<'static, State>) {
    for _ in 0..200 {
        add_steps(h, 1);
        h.run_steps(40);
        if app(h).autosave_banner().is_some() {
            return;
        }
    }
    panic!("autosave never failed on a full disk");
}

#[test]
fn a_banner_clears_once_saving_works_again() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let Some(disk) = SmallDisk::mount(&data, 256) else {
        return;
    };
    let mut h = editor(&data);
    add_steps(&mut h, 1);
    step_until(&mut h, "the session saved", |_| sessions(&data).len() == 1);
    let filler = disk.fill();
    edit_until_autosave_fails(&mut h);
    std::fs::remove_file(&filler).unwrap();
    step_until(&mut h, "the banner to clear", |a| {
        a.autosave_banner().is_none()
    });
    // Everything, the edits made while failing included, is saved.
    let len = app(&h).document().unwrap().history().0.len();
    step_until(&mut h, "the whole session", |_| {
        saved_history_len(&data) == len
    });
}

/// A session file for `source` whose history adds a crop of 4000x3000
/// (saved when the image was 4000x3000).
fn crop_session(source: &Path, len: u64) -> Session {
    let recipe = |steps: &str| format!(r#"{{"lumen_recipe":1,"steps":[{steps}]}}"#);
    let crop = r#"{"filter":"crop","params":{"x":0,"y":0,"width":4000,"height":3000}}"#;
    Session {
        lumen_session: 1,
        name: "photo.png".into(),
        source: SourceRef::File {
            path: source.to_path_buf(),
            len,
        },
        source_size: Some((4000, 3000)),
        history: vec![
            SavedEntry {
                label: "Open".into(),
                recipe: recipe(""),
            },
            SavedEntry {
                label: "Add Crop".into(),
                recipe: recipe(crop),
            },
        ],
        current: 1,
        live: recipe(crop),
    }
}

/// A data directory holding an orphaned crop session for a 64x48 image
/// that has replaced the 4000x3000 one it was saved for.
fn changed_source() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let photo = tmp.path().join("photo.png");
    let img = lumen_kernels::RgbaImage::new(64, 48).unwrap();
    let bytes = lumen_app::io::encode(&img, lumen_app::io::ExportFormat::Png).unwrap();
    std::fs::write(&photo, bytes).unwrap();
    let session = data.join("session-999999-0.json");
    std::fs::write(&session, crop_session(&photo, 12_345_678).to_json()).unwrap();
    (tmp, data, session)
}

#[test]
fn a_restore_onto_a_changed_image_asks_and_never_invents_history() {
    let (_tmp, data, session) = changed_source();
    let mut h = harness(Options {
        data_dir: Some(data),
        ..Default::default()
    });
    step_until(&mut h, "the orphan", |a| !a.recoverable().is_empty());
    h.get_by_label("Restore").click();
    step_until(&mut h, "the question", |a| a.source_mismatch().is_some());
    let change = app(&h).source_mismatch().unwrap().to_owned();
    assert!(
        change.contains("4000x3000") && change.contains("64x48"),
        "{change}"
    );
    h.get_by_label("The image has changed");
    assert_eq!(
        app(&h).document().unwrap().history().0,
        ["Open"],
        "asked first"
    );
    h.get_by_label("Restore the edits anyway").click();
    h.run_steps(10);
    // Clicks elsewhere while the crop editor shows values beyond the
    // image do not make them an edit.
    h.get_by_label("Edit").click();
    h.run_steps(5);
    h.get_by_label("Edit").click();
    h.run_steps(30);
    let doc = app(&h).document().unwrap();
    assert_eq!(doc.history().0, ["Open", "Add Crop"]);
    let FilterSpec::Crop(p) = &doc.steps()[0].spec else {
        panic!("a crop");
    };
    assert_eq!((p.width, p.height), (4000, 3000), "the saved values");
    assert!(!session.exists(), "restored sessions are removed");
}

#[test]
fn a_session_kept_for_later_is_left_on_disk() {
    let (_tmp, data, session) = changed_source();
    let mut h = harness(Options {
        data_dir: Some(data),
        ..Default::default()
    });
    step_until(&mut h, "the orphan", |a| !a.recoverable().is_empty());
    h.get_by_label("Restore").click();
    step_until(&mut h, "the question", |a| a.source_mismatch().is_some());
    h.get_by_label("Keep the session for later").click();
    h.run_steps(5);
    assert!(session.exists());
    assert_eq!(app(&h).document().unwrap().history().0, ["Open"]);
    assert!(app(&h).notice().unwrap().text.contains("kept in"));
}

#[cfg(unix)]
#[test]
fn pipes_devices_and_huge_sessions_are_refused_without_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let ok = Command::new("mkfifo")
        .arg(data.join("session-1-0.json"))
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo failed");
    std::os::unix::fs::symlink("/dev/zero", data.join("session-2-0.json")).unwrap();
    std::fs::File::create(data.join("session-3-0.json"))
        .unwrap()
        .set_len(83 << 20)
        .unwrap();
    std::fs::write(data.join("session-4-0.json"), b"{ not a session").unwrap();
    let mut h = editor(&data);
    step_until(&mut h, "four problems", |a| {
        a.notices().iter().filter(|n| n.is_error).count() == 4
    });
    let all: Vec<String> = app(&h).notices().iter().map(|n| n.text.clone()).collect();
    let text = all.join("\n");
    assert!(
        text.contains("session-1-0.json") && text.contains("not a regular file"),
        "{text}"
    );
    assert!(text.contains("session-2-0.json"), "{text}");
    assert!(
        text.contains("session-3-0.json") && text.contains("more than the 67108864 bytes"),
        "{text}"
    );
    assert!(text.contains("session-4-0.json"), "{text}");
    assert!(app(&h).document().is_some(), "the editor works");
}

#[test]
fn an_error_notice_stays_until_dismissed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("session-5-0.json"), b"{ corrupt").unwrap();
    let mut h = editor(&data);
    step_until(&mut h, "the problem", |a| {
        a.notices().iter().any(|n| n.is_error)
    });
    add_steps(&mut h, 2);
    h.run_steps(10);
    let errors: Vec<String> = app(&h)
        .notices()
        .iter()
        .filter(|n| n.is_error)
        .map(|n| n.text.clone())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("session-5-0.json"), "{errors:?}");
    h.get_by_label(&errors[0]);
    h.get_by_label("×").click();
    h.run_steps(3);
    assert!(app(&h).notices().iter().all(|n| !n.is_error));
}
