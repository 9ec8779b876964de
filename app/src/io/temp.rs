//! Temporary files of atomic writes, and making sure none is left behind.
//!
//! * A temporary is named `.NAME.lumen-PID-N.tmp` beside its target, with
//!   `NAME` shortened so that the whole name stays within the 255 bytes a
//!   file name may have (a target name of 250 bytes must still work).
//! * Its writer holds an OS lock on it from creation until it is renamed
//!   or removed; the OS drops the lock when the process dies, however it
//!   dies.
//! * Every live temporary is listed in a registry. On Unix, the first
//!   temporary starts a thread (`lumen-signals`) that waits for SIGINT,
//!   SIGTERM and SIGHUP: it removes every listed temporary, then lets the
//!   signal end the process as it would have.
//! * SIGKILL cannot be caught, so the first write into a directory also
//!   sweeps it once per process: a temporary whose lock can be taken has
//!   no writer; it is removed when its process is gone or it is older
//!   than [`STALE_AFTER`].

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// A temporary whose lock is free is removed by a sweep once it is this
/// old, even if a process with its id is running (ids are reused).
pub const STALE_AFTER: Duration = Duration::from_secs(10);

/// The longest file name most file systems allow, in bytes.
const NAME_MAX_BYTES: usize = 255;

const MARK: &str = ".lumen-";
const SUFFIX: &str = ".tmp";

/// Temporaries being written, and whether a signal is ending the process.
struct Registry {
    live: Vec<PathBuf>,
    ending: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    live: Vec::new(),
    ending: false,
});

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The bytes of a file name (Unix names are bytes; elsewhere, its text).
fn name_bytes(name: &OsStr) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        name.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned().into_bytes()
    }
}

fn name_from_bytes(bytes: Vec<u8>) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt as _;
        OsString::from_vec(bytes)
    }
    #[cfg(not(unix))]
    {
        OsString::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The temporary's name for target `name`, number `n` of process `pid`:
/// `.NAME.lumen-PID-N.tmp`, never longer than [`NAME_MAX_BYTES`].
pub fn temp_name(name: &OsStr, pid: u32, n: u64) -> OsString {
    let tail = format!("{MARK}{pid}-{n}{SUFFIX}");
    let room = NAME_MAX_BYTES - 1 - tail.len();
    let mut bytes = name_bytes(name);
    if bytes.len() > room {
        bytes.truncate(room);
        #[cfg(not(unix))]
        while !bytes.is_empty() && std::str::from_utf8(&bytes).is_err() {
            bytes.pop();
        }
    }
    let mut out = vec![b'.'];
    out.extend_from_slice(&bytes);
    out.extend_from_slice(tail.as_bytes());
    name_from_bytes(out)
}

/// The process id in a temporary's name, if it is one of Lumen's.
pub fn temp_pid(name: &OsStr) -> Option<u32> {
    let bytes = name_bytes(name);
    let text = String::from_utf8_lossy(&bytes);
    if !text.starts_with('.') {
        return None;
    }
    let rest = text.strip_suffix(SUFFIX)?;
    let (_, ids) = rest.rsplit_once(MARK)?;
    let (pid, n) = ids.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// A temporary file being written; removed when dropped unless
/// committed.
pub struct TempFile {
    guard: Guard,
    file: File,
}

/// Removes its temporary when dropped, unless disarmed.
struct Guard {
    path: PathBuf,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut reg = registry();
        if let Some(i) = reg.live.iter().position(|p| p == &self.path) {
            reg.live.swap_remove(i);
            std::fs::remove_file(&self.path).ok();
        }
    }
}

impl TempFile {
    /// Creates a new, locked temporary in `dir` for the target `name`.
    pub fn create(dir: &Path, name: &OsStr) -> std::io::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        install_signal_cleanup();
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(temp_name(name, std::process::id(), n));
        let mut reg = registry();
        if reg.ending {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "the process is ending",
            ));
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        // Taken at once, so a sweep never mistakes it for an orphan; a file
        // system without locks still writes.
        file.try_lock().ok();
        reg.live.push(path.clone());
        Ok(Self {
            guard: Guard { path },
            file,
        })
    }

    /// The open file.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Closes the file and renames it to `target`; on failure the
    /// temporary is removed.
    pub fn commit(self, target: &Path) -> std::io::Result<()> {
        let Self { guard, file } = self;
        drop(file);
        std::fs::rename(&guard.path, target)?;
        registry().live.retain(|p| p != &guard.path);
        Ok(())
    }
}

/// Removes every live temporary and stops new ones being made: what a
/// terminating signal does before the process ends. Returns how many were
/// removed.
pub fn remove_all_for_exit() -> usize {
    let mut reg = registry();
    reg.ending = true;
    let live = std::mem::take(&mut reg.live);
    for p in &live {
        std::fs::remove_file(p).ok();
    }
    // The guard is leaked on purpose: the process is about to end, and no
    // other thread may create a temporary meanwhile.
    std::mem::forget(reg);
    live.len()
}

/// Starts the signal thread once (Unix).
fn install_signal_cleanup() {
    #[cfg(unix)]
    {
        static STARTED: std::sync::Once = std::sync::Once::new();
        STARTED.call_once(|| {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            // Without the thread, signals keep their default action and
            // stale temporaries are swept by the next write.
            std::thread::Builder::new()
                .name("lumen-signals".into())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        remove_all_for_exit();
                        signal_hook::low_level::emulate_default_handler(signal).ok();
                        std::process::exit(128 + signal);
                    }
                })
                .ok();
        });
    }
}

/// Whether process `pid` is running, where that can be told (Linux's
/// `/proc`); `true` where it cannot.
fn process_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Removes the temporaries of dead writers in `dir` (see the module
/// docs); returns their names.
pub fn sweep_stale(dir: &Path) -> Vec<OsString> {
    let own = std::process::id();
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = temp_pid(&name) else { continue };
        if pid == own {
            continue;
        }
        let path = entry.path();
        // Only plain files; never follow a link out of the directory.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if file.try_lock().is_err() {
            continue; // a writer holds it
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if (old || !process_running(pid)) && std::fs::remove_file(&path).is_ok() {
            removed.push(name);
        }
    }
    removed
}

/// [`sweep_stale`], at most once per directory per process (a batch
/// writing thousands of files into one folder lists it once).
pub fn sweep_stale_once(dir: &Path) {
    static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let first = SWEPT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert_with(HashSet::new)
        .insert(key);
    if first {
        sweep_stale(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_fit_the_file_name_limit_and_parse_back() {
        let long = OsString::from("x".repeat(255));
        let t = temp_name(&long, 4_000_000, u64::MAX);
        assert!(
            name_bytes(&t).len() <= NAME_MAX_BYTES,
            "{}",
            name_bytes(&t).len()
        );
        assert_eq!(temp_pid(&t), Some(4_000_000));
        let short = temp_name(OsStr::new("a.png"), 12, 3);
        assert_eq!(short, OsStr::new(".a.png.lumen-12-3.tmp"));
        assert_eq!(temp_pid(OsStr::new("a.png")), None);
        assert_eq!(temp_pid(OsStr::new(".a.lumen-x-1.tmp")), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_sweep_removes_unlocked_temporaries_of_dead_writers_only() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        // A writer that died: no lock, an old file.
        let dead = dir.path().join(temp_name(OsStr::new("a.png"), 7, 0));
        std::fs::write(&dead, b"partial").unwrap();
        File::options()
            .write(true)
            .open(&dead)
            .unwrap()
            .set_modified(old)
            .unwrap();
        // A live writer: its file is locked (by another open file).
        let live = dir.path().join(temp_name(OsStr::new("b.png"), 8, 0));
        std::fs::write(&live, b"partial").unwrap();
        let holder = File::open(&live).unwrap();
        holder.lock().unwrap();
        File::options()
            .write(true)
            .open(&live)
            .unwrap()
            .set_modified(old)
            .unwrap();
        // A fresh file of a running process (this one's parent) whose
        // lock is not yet taken.
        let parent = std::os::unix::process::parent_id();
        let fresh = dir.path().join(temp_name(OsStr::new("c.png"), parent, 0));
        std::fs::write(&fresh, b"partial").unwrap();
        // Not ours at all.
        std::fs::write(dir.path().join("photo.png"), b"keep").unwrap();

        let removed = sweep_stale(dir.path());
        assert_eq!(removed, vec![dead.file_name().unwrap().to_owned()]);
        assert!(live.exists() && fresh.exists());
        assert!(dir.path().join("photo.png").exists());
        drop(holder);
    }
}
