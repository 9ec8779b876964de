//! The real editor in a real X window: a private Xvfb (it picks its own
//! display with `-displayfd`), the `lumen` binary started on it with its
//! log lines collected, and `xdotool` to press keys (XTEST: real key
//! events, as from a keyboard).

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A private X server, killed on drop.
pub struct Xvfb {
    /// The display name, e.g. `:3`.
    pub display: String,
    child: Child,
}

impl Xvfb {
    /// Starts Xvfb with a `width`x`height` screen; `None` (after printing
    /// why) when Xvfb or xdotool is missing.
    pub fn start(width: u32, height: u32) -> Option<Self> {
        for tool in ["Xvfb", "xdotool"] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !found {
                println!("skipped: {tool} is not installed (scripts/setup.sh installs it)");
                return None;
            }
        }
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .args(["-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            std::io::BufReader::new(out).read_line(&mut line).ok();
        }
        let n: u32 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb did not report a display (got {line:?})"));
        Some(Self {
            display: format!(":{n}"),
            child,
        })
    }

    /// Focuses the editor's window (waiting for it to be shown) and puts
    /// the pointer over the canvas, so keys go to the editor.
    pub fn focus_editor(&self) {
        self.xdotool(&[
            "search",
            "--sync",
            "--onlyvisible",
            "--name",
            "Lumen",
            "windowfocus",
        ]);
        self.xdotool(&["mousemove", "640", "400"]);
    }

    /// Runs `xdotool` with `args` on this display.
    pub fn xdotool(&self, args: &[&str]) {
        let status = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .status()
            .expect("xdotool runs");
        assert!(status.success(), "xdotool {args:?} failed");
    }

    /// Saves a screenshot of the whole screen (ImageMagick's `import`).
    pub fn screenshot(&self, path: &Path) -> bool {
        Command::new("import")
            .args(["-window", "root"])
            .arg(path)
            .env("DISPLAY", &self.display)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A running editor and the lines it has logged.
pub struct Editor {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Editor {
    /// Starts `lumen` with `args` on `x`'s display, with `env` added to a
    /// cleared environment (so nothing from the test's session leaks in).
    pub fn start(x: &Xvfb, args: &[&str], env: &[(&str, &Path)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lumen"));
        cmd.args(args)
            .env_clear()
            .env("DISPLAY", &x.display)
            .env("LUMEN_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("lumen starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let stderr = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().expect("the log lock").push(line);
            }
        });
        Self { child, lines }
    }

    /// The number of lines logged so far.
    pub fn mark(&self) -> usize {
        self.lines.lock().expect("the log lock").len()
    }

    /// Waits (60 s at most) for a line after `mark` containing `text`.
    pub fn wait_for(&mut self, text: &str, mark: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            {
                let lines = self.lines.lock().expect("the log lock");
                if let Some(l) = lines[mark.min(lines.len())..]
                    .iter()
                    .find(|l| l.contains(text))
                {
                    return l.clone();
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the editor exited ({status}); log:\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "no line with {text:?}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (60 s at most) for the editor to exit by itself.
    pub fn wait_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the editor did not exit; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything logged so far.
    pub fn log(&self) -> String {
        self.lines.lock().expect("the log lock").join("\n")
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Creates `dirs`, and `runtime` too with the mode XDG requires of a
/// runtime directory (0700).
pub fn make_dirs(dirs: &[&Path], runtime: &Path) {
    for d in dirs.iter().chain([&runtime]) {
        std::fs::create_dir_all(d).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}
