//! The desktop session store: `session-<pid>-<n>.json` files in the app
//! data directory, each beside a `session-<pid>-<n>.lock` that its editor holds
//! locked for as long as it runs. The OS releases a lock when its process
//! dies, however it dies, so a session whose lock can be taken is an orphan.
//! Writes go through one background thread (newest wins) and are atomic.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};

use super::{Orphan, Session};
use crate::tasks::{TaskResult, Tasks};

enum Msg {
    Save(String),
    Clear,
}

/// The app data directory: `$LUMEN_DATA_DIR` if set, else the platform's
/// per-user data directory (`$XDG_DATA_HOME/lumen`, `~/.local/share/lumen`,
/// `~/Library/Application Support/Lumen`, `%APPDATA%\Lumen`).
pub fn default_data_dir() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(dir) = env("LUMEN_DATA_DIR") {
        return Some(dir.into());
    }
    if cfg!(target_os = "windows") {
        return env("APPDATA").map(|d| PathBuf::from(d).join("Lumen"));
    }
    let home = env("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library/Application Support/Lumen"));
    }
    env("XDG_DATA_HOME")
        .map(|d| PathBuf::from(d).join("lumen"))
        .or_else(|| home.map(|h| h.join(".local/share/lumen")))
}

/// This editor's sessions on disk.
pub struct SessionStore {
    dir: PathBuf,
    json: PathBuf,
    lock_path: PathBuf,
    tx: Sender<Msg>,
    /// Our own lock, and the locks of orphans being offered (so a second
    /// editor started meanwhile does not offer them too).
    locks: Mutex<Vec<File>>,
}

fn locked(path: &Path) -> Option<File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .ok()?;
    file.try_lock().ok()?;
    Some(file)
}

impl SessionStore {
    /// Opens the store in `dir` (created if missing) and takes this
    /// process's lock. The error names the directory.
    pub fn open(dir: &Path) -> Result<Self, String> {
        let fail = |e: std::io::Error| format!("autosave is off: {}: {e}", dir.display());
        std::fs::create_dir_all(dir).map_err(fail)?;
        // The process id, and a counter for several editors in one process
        // (tests).
        static OPENED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{}-{n}", std::process::id());
        let json = dir.join(format!("session-{id}.json"));
        let lock_path = dir.join(format!("session-{id}.lock"));
        let own = locked(&lock_path)
            .ok_or_else(|| format!("autosave is off: could not lock {}", lock_path.display()))?;
        let (tx, rx) = channel::<Msg>();
        let target = json.clone();
        std::thread::Builder::new()
            .name("lumen-autosave".into())
            .spawn(move || {
                while let Ok(mut msg) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        msg = newer;
                    }
                    match msg {
                        Msg::Save(text) => {
                            if let Err(e) = crate::io::write_atomic(&target, text.as_bytes()) {
                                eprintln!("lumen: autosave failed: {e}");
                            }
                        }
                        Msg::Clear => {
                            std::fs::remove_file(&target).ok();
                        }
                    }
                }
            })
            .map_err(fail)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            json,
            lock_path,
            tx,
            locks: Mutex::new(vec![own]),
        })
    }

    /// The file this editor's session is written to.
    pub fn path(&self) -> &Path {
        &self.json
    }

    /// Saves `session` in the background.
    pub fn save(&self, session: &Session) {
        self.tx.send(Msg::Save(session.to_json())).ok();
    }

    /// Keeps a copy of the source file's bytes (only the web needs one; a
    /// desktop session refers to the file by path).
    pub fn save_source(&self, _bytes: &[u8]) {}

    /// Removes this editor's session (a clean exit).
    pub fn clear(&self) {
        self.tx.send(Msg::Clear).ok();
    }

    /// Removes this editor's session and lock now, on the calling thread
    /// (the last thing a clean exit does).
    pub fn clear_now(&self) {
        std::fs::remove_file(&self.json).ok();
        std::fs::remove_file(&self.lock_path).ok();
    }

    /// Looks for sessions of editors that are no longer running, and
    /// reports them as [`TaskResult::Recoverable`]. Orphans with no edits
    /// are removed without asking; unreadable ones are reported as an error
    /// and left in place.
    pub fn find_orphans(&self, tasks: &Tasks) {
        let mut found = Vec::new();
        let mut problems = Vec::new();
        let entries = std::fs::read_dir(&self.dir).into_iter().flatten().flatten();
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path == self.json || !name.starts_with("session-") || !name.ends_with(".json") {
                continue;
            }
            let Some(lock) = locked(&path.with_extension("lock")) else {
                continue; // its editor is running
            };
            match std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|t| Session::from_json(&t))
            {
                Ok(session) if session.has_edits() => {
                    if let Ok(mut locks) = self.locks.lock() {
                        locks.push(lock);
                    }
                    found.push(Orphan {
                        session,
                        key: path.display().to_string(),
                    });
                }
                Ok(_) => {
                    std::fs::remove_file(&path).ok();
                    std::fs::remove_file(path.with_extension("lock")).ok();
                }
                Err(e) => problems.push(format!(
                    "an autosaved session could not be read ({}): {e}",
                    path.display()
                )),
            }
        }
        tasks.send(TaskResult::Recoverable {
            orphans: found,
            problems,
        });
    }

    /// Reports an orphan's stored source bytes; the desktop keeps none (its
    /// sessions refer to files by path), so this reports an error.
    pub fn load_source(&self, orphan: &Orphan, tasks: &Tasks) {
        tasks.send(TaskResult::Failed(format!(
            "{}: the session has no stored copy of its image",
            orphan.key
        )));
    }

    /// Deletes an orphan (restored or declined).
    pub fn discard(&self, orphan: &Orphan) {
        let path = PathBuf::from(&orphan.key);
        std::fs::remove_file(&path).ok();
        std::fs::remove_file(path.with_extension("lock")).ok();
    }
}
