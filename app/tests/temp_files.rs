//! Temporary files of atomic writes are never left behind: SIGINT,
//! SIGTERM and SIGHUP during a write remove them before the process ends,
//! and the temporary of a writer killed with SIGKILL is removed by the
//! next write into its directory.
//!
//! A child process (this test binary, running the ignored
//! `child_writes_until_killed`) starts a write that never finishes; the
//! parent signals it once the temporary exists.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DIR_VAR: &str = "LUMEN_TEST_WRITER_DIR";

/// Run only as the child of the tests below: writes part of
/// `photo.png`'s temporary, says so by creating `ready`, then waits to be
/// killed.
#[test]
#[ignore = "a helper process started by the signal tests"]
fn child_writes_until_killed() {
    let dir = PathBuf::from(std::env::var_os(DIR_VAR).expect("run by the signal tests"));
    lumen_app::io::write_atomic_with(&dir.join("photo.png"), &mut |f| {
        f.write_all(&[7u8; 1 << 20])?;
        f.flush()?;
        std::fs::write(dir.join("ready"), b"")?;
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    })
    .unwrap();
}

fn start_writer(dir: &Path) -> Child {
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_writes_until_killed",
            "--ignored",
            "--test-threads=1",
        ])
        .env(DIR_VAR, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dir.join("ready").exists() {
        assert!(Instant::now() < deadline, "the writer never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".lumen-") && n.ends_with(".tmp"))
        .collect()
}

fn send(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{signal} failed");
}

#[test]
fn a_terminating_signal_during_a_write_removes_the_temporary() {
    use std::os::unix::process::ExitStatusExt as _;
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = start_writer(dir.path());
        assert_eq!(temporaries(dir.path()).len(), 1, "the write has begun");
        send(&child, signal);
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(number), "SIG{signal} still ends it");
        assert_eq!(temporaries(dir.path()), Vec::<String>::new(), "SIG{signal}");
        assert!(!dir.path().join("photo.png").exists());
    }
}

#[test]
fn the_temporary_of_a_killed_writer_is_removed_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = start_writer(dir.path());
    send(&child, "KILL");
    child.wait().unwrap();
    let left = temporaries(dir.path());
    assert_eq!(left.len(), 1, "SIGKILL cannot be caught: {left:?}");
    lumen_app::io::write_atomic(&dir.path().join("other.png"), b"new").unwrap();
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());

    // A live writer's temporary is left alone.
    let live_dir = tempfile::tempdir().unwrap();
    let mut live = start_writer(live_dir.path());
    lumen_app::io::write_atomic(&live_dir.path().join("other.png"), b"new").unwrap();
    assert_eq!(
        temporaries(live_dir.path()).len(),
        1,
        "a live writer's file"
    );
    live.kill().unwrap();
    live.wait().unwrap();
}
