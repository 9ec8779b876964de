//! Autosave and crash recovery, tested by killing a real editor process:
//! start `lumen` in a real X window with a recipe, wait for its autosave,
//! SIGKILL it, then start an editor on the same data directory and restore.
//!
//! Needs an X server: uses `$DISPLAY` if set, else starts `Xvfb` (which
//! `scripts/check.sh` installs).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lumen_app::Options;
use lumen_kernels::Recipe;

mod common;
use common::{State, app, settle, wait_unlocked};

const RECIPE: &str = r#"{"lumen_recipe":1,"steps":[
  {"filter":"gaussian_blur","params":{"sigma_px":3.0}},
  {"filter":"invert"}]}"#;

fn harness(data_dir: &Path) -> Harness<'static, State> {
    common::harness(Options {
        data_dir: Some(data_dir.to_path_buf()),
        ..Default::default()
    })
}

fn sessions(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    // Sessions only: the settings live beside them.
    v.retain(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("session-"))
            && p.extension().is_some_and(|e| e == "json")
    });
    v
}

/// A display for the real editor: `$DISPLAY`, or a private Xvfb.
struct Display {
    name: String,
    xvfb: Option<Child>,
}

impl Display {
    fn get() -> Self {
        if let Some(d) = std::env::var_os("DISPLAY").filter(|d| !d.is_empty()) {
            return Self {
                name: d.to_string_lossy().into_owned(),
                xvfb: None,
            };
        }
        // `-displayfd`: Xvfb picks a free display itself and writes its
        // number once it accepts connections (no guessing, no races with
        // other servers or stale lock files).
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("this test needs Xvfb (scripts/check.sh installs it) or a $DISPLAY");
        let mut line = String::new();
        if let Some(out) = xvfb.stdout.take() {
            std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line).ok();
        }
        let n: u32 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb did not report a display (got {line:?})"));
        Self {
            name: format!(":{n}"),
            xvfb: Some(xvfb),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(x) = &mut self.xvfb {
            x.kill().ok();
            x.wait().ok();
        }
    }
}

#[test]
fn a_killed_editor_is_restored_with_its_history() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let runtime = tmp.path().join("xdg");
    std::fs::create_dir_all(&runtime).unwrap();
    let recipe_path = tmp.path().join("recipe.json");
    std::fs::write(&recipe_path, RECIPE).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/sample.png");

    let display = Display::get();
    let mut editor = Command::new(env!("CARGO_BIN_EXE_lumen"))
        .arg(&sample)
        .arg("--recipe")
        .arg(&recipe_path)
        .env("DISPLAY", &display.name)
        .env("LUMEN_DATA_DIR", &data)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Wait until the autosave holds the recipe, then kill the editor hard.
    let deadline = Instant::now() + Duration::from_secs(120);
    let saved = loop {
        let found = sessions(&data)
            .into_iter()
            .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("gaussian_blur")));
        if let Some(p) = found {
            break p;
        }
        if let Ok(Some(status)) = editor.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = editor.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut err).ok();
            }
            panic!("the editor exited ({status}) before autosaving: {err}");
        }
        assert!(
            Instant::now() < deadline,
            "no autosave with the recipe appeared in {}",
            data.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    editor.kill().unwrap(); // SIGKILL: no clean-up code runs
    editor.wait().unwrap();
    assert!(saved.exists(), "the session survives the kill");

    // A new editor on the same data directory offers the session.
    let mut h = harness(&data);
    settle(&mut h);
    assert_eq!(app(&h).recoverable().len(), 1, "one session to restore");
    h.get_by_label("Restore your last session?");
    h.get_by_label("Restore").click();
    h.run_steps(2);
    settle(&mut h);

    let doc = app(&h).document().expect("a document");
    assert_eq!(doc.name, "sample.png");
    assert_eq!(doc.path.as_deref(), Some(sample.as_path()));
    assert_eq!(doc.recipe(), &Recipe::from_json(RECIPE).unwrap());
    let (labels, current) = doc.history();
    assert_eq!(labels, vec!["Open", "Load recipe given at start-up"]);
    assert_eq!(current, 1);
    assert!(doc.is_dirty(), "restored edits are not saved anywhere yet");
    assert!(
        app(&h).full_result().is_some(),
        "the restored recipe renders"
    );
    assert!(!saved.exists(), "the restored session is removed");
    assert!(app(&h).recoverable().is_empty());

    // Undo works on the restored history.
    h.state_mut()
        .as_mut()
        .unwrap()
        .document_mut()
        .unwrap()
        .undo();
    assert!(app(&h).document().unwrap().steps().is_empty());
}

#[test]
fn a_clean_exit_leaves_nothing_to_restore_and_discard_deletes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    {
        let mut h = harness(&data);
        settle(&mut h);
        h.state_mut().as_mut().unwrap().add_filter("invert");
        h.run_steps(3);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !sessions(&data)
            .iter()
            .any(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("invert")))
        {
            assert!(Instant::now() < deadline, "the edit was not autosaved");
            h.run_steps(1);
            std::thread::sleep(Duration::from_millis(50));
        }
        h.state_mut().as_mut().unwrap().exit_cleanly();
        assert!(
            sessions(&data).is_empty(),
            "a clean exit removes the session"
        );
    }
    // Dropped without a clean exit (as after a crash): the next editor
    // offers it; Discard deletes it.
    {
        let mut h = harness(&data);
        settle(&mut h);
        h.state_mut().as_mut().unwrap().add_filter("invert");
        h.run_steps(3);
        let deadline = Instant::now() + Duration::from_secs(10);
        while sessions(&data).is_empty()
            || !sessions(&data)
                .iter()
                .any(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("invert")))
        {
            assert!(Instant::now() < deadline, "the edit was not autosaved");
            h.run_steps(1);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    wait_unlocked(&data);
    let mut h = harness(&data);
    settle(&mut h);
    assert_eq!(app(&h).recoverable().len(), 1);
    h.get_by_label("Discard").click();
    h.run_steps(2);
    assert!(app(&h).recoverable().is_empty());
    assert!(
        !sessions(&data)
            .iter()
            .any(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("invert"))),
        "the discarded session is deleted"
    );
}

#[test]
fn a_running_editors_session_is_never_offered_to_another() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut first = harness(&data);
    settle(&mut first);
    first.state_mut().as_mut().unwrap().add_filter("invert");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !sessions(&data)
        .iter()
        .any(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("invert")))
    {
        assert!(Instant::now() < deadline, "the edit was not autosaved");
        first.run_steps(1);
        std::thread::sleep(Duration::from_millis(50));
    }

    // A second editor while the first runs: its session holds a lock.
    let mut second = harness(&data);
    settle(&mut second);
    assert!(
        app(&second).recoverable().is_empty(),
        "a live editor's session was offered"
    );
    drop(second);

    // Once the first is gone (no clean exit), its session is an orphan.
    drop(first);
    wait_unlocked(&data);
    let mut third = harness(&data);
    settle(&mut third);
    assert_eq!(app(&third).recoverable().len(), 1);
}
