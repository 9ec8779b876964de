//! Recipe files that would hang Lumen or make it read without bound: a
//! named pipe, a device, a huge (sparse) file. The CLI and the editor's
//! `--recipe` refuse each at once with a message naming the file, before
//! reading it.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

mod cli_run;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cli_run::{lumen, png};

/// A named pipe nobody writes to.
fn fifo(dir: &Path) -> PathBuf {
    let path = dir.join("pipe.json");
    let ok = Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo failed");
    path
}

/// A 3 GiB file that takes no disk space.
fn sparse(dir: &Path) -> PathBuf {
    let path = dir.join("huge.json");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    path
}

fn bad_recipes(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    vec![
        (fifo(dir), "not a regular file"),
        (PathBuf::from("/dev/zero"), "not a regular file"),
        (
            sparse(dir),
            "is 3.0 GiB (3221225472 bytes), more than the 4194304 bytes Lumen reads for a recipe (4 MiB)",
        ),
        (dir.to_path_buf(), "is a directory"),
    ]
}

#[test]
fn apply_refuses_pipes_devices_and_huge_recipes_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.png");
    std::fs::write(&input, png(2, 2)).unwrap();
    for (recipe, words) in bad_recipes(dir.path()) {
        let started = Instant::now();
        let run = lumen(&[
            "apply".as_ref(),
            "--recipe".as_ref(),
            recipe.as_os_str(),
            input.as_os_str(),
            dir.path().join("out.png").as_os_str(),
        ]);
        run.assert_code(1);
        let name = recipe.file_name().unwrap().to_string_lossy().into_owned();
        assert!(run.stderr.contains(&name), "{}", run.stderr);
        assert!(run.stderr.contains(words), "{}", run.stderr);
        assert!(started.elapsed() < Duration::from_secs(20), "{words}");
        assert!(!dir.path().join("out.png").exists());
    }
}

#[test]
fn the_editor_refuses_them_before_opening_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("in.png");
    std::fs::write(&image, png(2, 2)).unwrap();
    for (recipe, words) in bad_recipes(dir.path()) {
        let mut cmd = Command::new(cli_run::bin());
        cmd.arg(&image)
            .arg("--recipe")
            .arg(&recipe)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("LUMEN_DATA_DIR", dir.path().join("data"));
        let run = cli_run::run(cmd);
        run.assert_code(1);
        assert!(run.stderr.contains(words), "{}", run.stderr);
        assert!(!run.stderr.contains("editor window"), "{}", run.stderr);
    }
}
