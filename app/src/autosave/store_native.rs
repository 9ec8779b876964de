//! The desktop session store: `session-<pid>-<n>.json` journals
//! ([`super::journal`]) in the app data directory, each beside a
//! `session-<pid>-<n>.lock` that its editor holds locked for as long as it
//! runs. The OS releases a lock when its process dies, however it dies,
//! so a session whose lock can be taken is an orphan.
//!
//! Saves go through one background thread. A whole session is written
//! atomically (a failure leaves the last good file); new entries are
//! appended, and an append that fails is cut back off, so the file always
//! ends with complete records. A failed save is reported
//! ([`SessionStore::health`]) and recorded in the lock file, which was
//! given its full size when it was created (rewriting it in place needs no
//! new disk space), so a later restore can say that the session may be out
//! of date. Sessions are looked for on a background thread, and only
//! regular files of at most [`MAX_SESSION_BYTES`] are read.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use super::journal::{self, Write};
use super::{MAX_SESSION_BYTES, Orphan, Save, Session, StoreHealth};
use crate::tasks::{TaskResult, Tasks};

/// The lock file's size: a status line, padded, written in place.
const STATUS_BYTES: usize = 512;

enum Msg {
    Write(Write),
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
    health: Arc<Mutex<Health>>,
    /// Our own lock, and the locks of orphans being offered (so a second
    /// editor started meanwhile does not offer them too).
    locks: Arc<Mutex<Vec<File>>>,
}

#[derive(Default)]
struct Health {
    failing: Option<String>,
    /// A save was lost; the editor must send the whole session again.
    lost: bool,
    /// The editor was told (each failure tells it again).
    told: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Opens (creating) and locks a lock file, without blocking on anything
/// that is not a regular file.
fn locked(path: &Path) -> Option<File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    file.try_lock().ok()?;
    Some(file)
}

/// Writes the status line at the start of the lock file, in place.
fn write_status(file: &mut File, status: &str) -> std::io::Result<()> {
    let mut line: Vec<u8> = status.bytes().take(STATUS_BYTES - 1).collect();
    line.resize(STATUS_BYTES - 1, b' ');
    line.push(b'\n');
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&line)?;
    file.sync_data()
}

/// Seconds since 1970, for the status line.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What a lock file's status line says about its session: why it may be
/// out of date, if it may.
fn read_status(path: &Path) -> Option<String> {
    let (file, _) = crate::io::open_regular(path, "a lock file").ok()?;
    let mut text = String::new();
    file.take(STATUS_BYTES as u64 * 2)
        .read_to_string(&mut text)
        .ok()?;
    let rest = text.trim().strip_prefix("failed ")?;
    let (since, why) = rest.split_once(' ').unwrap_or((rest, ""));
    let ago = since
        .parse::<u64>()
        .ok()
        .map(|t| unix_now().saturating_sub(t));
    let when = ago.map_or_else(String::new, |s| match s {
        0..120 => format!(" {s} s before it stopped"),
        _ => format!(" {} min before it stopped", s / 60),
    });
    Some(format!(
        "autosave was failing{when} ({why}); edits after that were not saved"
    ))
}

/// Appends `text` to `path`; on failure cuts the file back to its length
/// before, so it never ends in a partial record.
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    let before = file.metadata()?.len();
    let result = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_data());
    if result.is_err() {
        file.set_len(before).ok();
    }
    result
}

/// The body of the `lumen-autosave` thread.
fn writer(
    rx: Receiver<Msg>,
    target: PathBuf,
    mut status: File,
    health: Arc<Mutex<Health>>,
    tasks: Tasks,
) {
    while let Ok(first) = rx.recv() {
        // Newer messages: a whole write or a clear replaces what is
        // pending; appends are kept, in order.
        let mut whole: Option<String> = None;
        let mut appends = String::new();
        let mut clear = false;
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            match msg {
                Msg::Clear => (clear, whole, appends) = (true, None, String::new()),
                Msg::Write(Write::Whole(t)) => {
                    (clear, whole, appends) = (false, Some(t), String::new())
                }
                Msg::Write(Write::Append(t)) => appends.push_str(&t),
            }
        }
        if clear {
            std::fs::remove_file(&target).ok();
            continue;
        }
        let lost = lock(&health).lost;
        let mut result = Ok(());
        if let Some(text) = &whole {
            result = crate::io::write_atomic(&target, text.as_bytes()).map_err(|e| e.to_string());
        } else if lost {
            continue; // waiting for the whole session the editor will send
        }
        if result.is_ok() && !appends.is_empty() {
            result = append(&target, &appends).map_err(|e| format!("{}: {e}", target.display()));
        }
        let mut h = lock(&health);
        match result {
            Ok(()) => {
                if h.failing.take().is_some() {
                    write_status(&mut status, "ok").ok();
                }
                if whole.is_some() {
                    h.lost = false;
                }
            }
            Err(e) => {
                log::warn!("autosave failed: {e}");
                write_status(&mut status, &format!("failed {} {e}", unix_now())).ok();
                h.failing = Some(e);
                h.lost = true;
                h.told = false;
            }
        }
        drop(h);
        tasks.wake();
    }
}

impl SessionStore {
    /// Whether saves may be appended ([`super::journal`]).
    pub const APPENDS: bool = true;

    /// Opens the store in `dir` (created if missing) and takes this
    /// process's lock; `tasks` is woken when a save fails or works again.
    /// The error names the directory.
    pub fn open(dir: &Path, tasks: &Tasks) -> Result<Self, String> {
        let fail = |e: std::io::Error| format!("{}: {e}", dir.display());
        std::fs::create_dir_all(dir).map_err(fail)?;
        if !dir.is_dir() {
            return Err(format!("{}: not a directory", dir.display()));
        }
        // The process id, and a counter for several editors in one process
        // (tests).
        static OPENED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{}-{n}", std::process::id());
        let json = dir.join(format!("session-{id}.json"));
        let lock_path = dir.join(format!("session-{id}.lock"));
        let mut own = locked(&lock_path)
            .ok_or_else(|| format!("could not create and lock {}", lock_path.display()))?;
        write_status(&mut own, "ok").map_err(fail)?;
        let status = own.try_clone().map_err(fail)?;
        let (tx, rx) = channel::<Msg>();
        let health = Arc::new(Mutex::new(Health::default()));
        let (target, thread_health, thread_tasks) = (json.clone(), health.clone(), tasks.clone());
        std::thread::Builder::new()
            .name("lumen-autosave".into())
            .spawn(move || writer(rx, target, status, thread_health, thread_tasks))
            .map_err(fail)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            json,
            lock_path,
            tx,
            health,
            locks: Arc::new(Mutex::new(vec![own])),
        })
    }

    /// The file this editor's session is written to.
    pub fn path(&self) -> &Path {
        &self.json
    }

    /// Saves in the background.
    pub fn save(&self, save: &Save) {
        self.tx.send(Msg::Write(journal::write_for(save))).ok();
    }

    /// How saves are going.
    pub fn health(&self) -> StoreHealth {
        StoreHealth {
            failing: lock(&self.health).failing.clone(),
            collapsed: false,
        }
    }

    /// True once after each failed save: the editor must save the whole
    /// session again ([`super::Autosaver::resave_all`]).
    pub fn take_lost(&self) -> bool {
        let mut h = lock(&self.health);
        let tell = h.lost && !h.told;
        h.told = true;
        tell
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

    /// Looks, on a background thread, for sessions of editors that are no
    /// longer running, and reports them as [`TaskResult::Recoverable`].
    /// Orphans with no edits are removed without asking; unreadable ones
    /// are reported as an error and left in place.
    pub fn find_orphans(&self, tasks: &Tasks) {
        let (dir, own, locks, report) = (
            self.dir.clone(),
            self.json.clone(),
            self.locks.clone(),
            tasks.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("lumen-sessions".into())
            .spawn(move || report.send(scan(&dir, &own, &locks)));
        if spawned.is_err() {
            tasks.send(TaskResult::Recoverable {
                orphans: Vec::new(),
                problems: vec!["could not look for autosaved sessions (no thread)".into()],
            });
        }
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

/// The orphans in `dir` (see [`SessionStore::find_orphans`]).
fn scan(dir: &Path, own: &Path, locks: &Mutex<Vec<File>>) -> TaskResult {
    let mut orphans = Vec::new();
    let mut problems = Vec::new();
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path == own || !name.starts_with("session-") || !name.ends_with(".json") {
            continue;
        }
        let lock_path = path.with_extension("lock");
        let Some(held) = locked(&lock_path) else {
            continue; // its editor is running (or the lock is not a file)
        };
        let text = crate::io::read_text(&path, MAX_SESSION_BYTES, "an autosaved session");
        let parsed = text
            .map_err(|e| e.to_string())
            .and_then(|t| Session::parse(&t).map_err(|e| format!("{}: {e}", path.display())));
        match parsed {
            Ok((session, _)) if !session.has_edits() => {
                std::fs::remove_file(&path).ok();
                std::fs::remove_file(&lock_path).ok();
            }
            Ok((session, torn)) => {
                let warning = read_status(&lock_path).or_else(|| {
                    torn.then(|| {
                        "its last autosave was cut short; the edit before it is the last saved"
                            .to_owned()
                    })
                });
                lock(locks).push(held);
                orphans.push(Orphan::new(session, path.display().to_string(), warning));
            }
            Err(e) => problems.push(format!(
                "an autosaved session could not be read and is left in place: {e}"
            )),
        }
    }
    TaskResult::Recoverable { orphans, problems }
}
