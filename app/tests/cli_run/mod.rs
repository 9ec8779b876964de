//! Running the built `lumen` binary from a test, with a time limit.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Each test binary uses a subset.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run may take before the test fails as hung.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    /// The signal that ended it, if any.
    pub signal: Option<i32>,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// Panics unless the run exited with `code` and no panic message.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        assert_eq!(self.code, Some(code), "{self:?}");
        self
    }
}

/// The `lumen` binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_lumen")
}

/// Runs `cmd`, killing it (and failing the test) after [`TIMEOUT`].
pub fn run(mut cmd: Command) -> Run {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr_pipe, &mut text).ok();
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            child.kill().ok();
            child.wait().ok();
            panic!("{cmd:?} hung for {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    use std::os::unix::process::ExitStatusExt as _;
    Run {
        code: status.code(),
        signal: status.signal(),
        stderr: reader.join().unwrap(),
    }
}

/// Runs `lumen` with `args`.
pub fn lumen<S: AsRef<OsStr>>(args: &[S]) -> Run {
    let mut cmd = Command::new(bin());
    cmd.args(args);
    run(cmd)
}

/// A recipe that inverts, written into `dir`.
pub fn invert_recipe(dir: &Path) -> PathBuf {
    let path = dir.join("recipe.json");
    std::fs::write(&path, r#"{"lumen_recipe":1,"steps":[{"filter":"invert"}]}"#).unwrap();
    path
}

/// A small PNG's bytes.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = lumen_kernels::RgbaImage::from_pixels(
        w,
        h,
        (0..w * h * 4).map(|i| (i * 7 % 251) as u8).collect(),
    )
    .unwrap();
    lumen_app::io::encode(&img, lumen_app::io::ExportFormat::Png).unwrap()
}

/// Names in `dir`, sorted, as text.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
