//! Saving must never lose the file already at the target: each failure
//! (read-only directory or file, a directory or device as target, a full
//! disk part way through, two writers at once) gives a clear error, leaves
//! the original byte for byte, and leaves no temporary file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod corpus;

use std::io::Write as _;
use std::path::Path;

use lumen_app::io::{self, write_atomic, write_atomic_with};

const ORIGINAL: &[u8] = b"the original file, which must survive";

/// Every entry of `dir` except `keep`.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

/// A new image's bytes (large enough to need several writes).
fn new_bytes() -> Vec<u8> {
    io::encode(&corpus::picture(300, 200), io::ExportFormat::Png).unwrap()
}

#[test]
fn a_full_disk_part_way_keeps_the_original_and_removes_the_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("photo.png");
    std::fs::write(&target, ORIGINAL).unwrap();
    let bytes = new_bytes();
    let mut calls = 0;
    let err = write_atomic_with(&target, &mut |f| {
        calls += 1;
        // Half the file goes to disk, then the disk is full.
        f.write_all(&bytes[..bytes.len() / 2])?;
        f.flush()?;
        Err(std::io::Error::from_raw_os_error(28)) // ENOSPC
    })
    .unwrap_err()
    .to_string();
    assert_eq!(calls, 1);
    assert!(err.contains("photo.png"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), ORIGINAL);
    assert_eq!(others(dir.path(), &["photo.png"]), Vec::<String>::new());
}

#[test]
fn a_full_disk_on_a_new_file_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new.png");
    let err = write_atomic_with(&target, &mut |f| {
        f.write_all(b"partial")?;
        Err(std::io::Error::from_raw_os_error(28))
    });
    assert!(err.is_err());
    assert_eq!(others(dir.path(), &[]), Vec::<String>::new());
}

#[test]
fn a_target_that_is_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.png");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inside"), ORIGINAL).unwrap();
    let err = write_atomic(&target, &new_bytes()).unwrap_err().to_string();
    assert!(
        err.contains("out.png") && err.contains("is a directory"),
        "{err}"
    );
    assert!(target.is_dir());
    assert_eq!(std::fs::read(target.join("inside")).unwrap(), ORIGINAL);
    assert_eq!(others(dir.path(), &["out.png"]), Vec::<String>::new());
}

#[test]
fn a_read_only_file_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("locked.png");
    std::fs::write(&target, ORIGINAL).unwrap();
    let mut perms = std::fs::metadata(&target).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&target, perms).unwrap();
    let err = write_atomic(&target, &new_bytes()).unwrap_err().to_string();
    assert!(
        err.contains("locked.png") && err.contains("read-only"),
        "{err}"
    );
    assert_eq!(std::fs::read(&target).unwrap(), ORIGINAL);
    assert_eq!(others(dir.path(), &["locked.png"]), Vec::<String>::new());
}

/// A directory no one may create files in, for as long as it lives: mode
/// 0555 for an ordinary user; for root, who ignores permissions, also the
/// immutable attribute (`chattr +i`, which binds root too). Dropping it
/// makes the directory writable again.
#[cfg(unix)]
struct LockedDir<'a> {
    path: &'a Path,
    immutable: bool,
}

#[cfg(unix)]
impl<'a> LockedDir<'a> {
    /// Locks `path`, or says why this machine cannot (then `path` is left
    /// writable).
    fn lock(path: &'a Path) -> Result<Self, String> {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).unwrap();
        let mut locked = Self {
            path,
            immutable: false,
        };
        if !Self::can_create_in(path) {
            return Ok(locked);
        }
        // Root: permissions do not apply, the immutable attribute does.
        let chattr = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .output();
        match chattr {
            Ok(out) if out.status.success() => locked.immutable = true,
            Ok(out) => {
                return Err(format!(
                    "this user (root) ignores directory permissions and `chattr +i` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            Err(e) => {
                return Err(format!(
                    "this user (root) ignores directory permissions and chattr cannot run: {e}"
                ));
            }
        }
        if Self::can_create_in(path) {
            return Err("files can still be created in an immutable directory".to_owned());
        }
        Ok(locked)
    }

    fn can_create_in(dir: &Path) -> bool {
        let probe = dir.join("probe");
        let created = std::fs::write(&probe, b"").is_ok();
        std::fs::remove_file(&probe).ok();
        created
    }
}

#[cfg(unix)]
impl Drop for LockedDir<'_> {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt as _;
        if self.immutable {
            std::process::Command::new("chattr")
                .arg("-i")
                .arg(self.path)
                .status()
                .ok();
        }
        std::fs::set_permissions(self.path, std::fs::Permissions::from_mode(0o755)).ok();
    }
}

/// Says on the terminal, past the test harness's capture of `eprintln!`,
/// that a test checked nothing and why.
#[cfg(unix)]
fn skip(test: &str, why: &str) {
    writeln!(std::io::stderr(), "{test}: skipped: {why}").ok();
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("ro");
    std::fs::create_dir(&sub).unwrap();
    let target = sub.join("photo.png");
    std::fs::write(&target, ORIGINAL).unwrap();
    let locked = match LockedDir::lock(&sub) {
        Ok(locked) => locked,
        Err(why) => {
            skip("a_read_only_directory_keeps_the_original", &why);
            return;
        }
    };
    let result = write_atomic(&target, &new_bytes());
    drop(locked);
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("photo.png")
            && err.contains("cannot create a file in")
            && (err.contains("ermission denied") || err.contains("not permitted")),
        "{err}"
    );
    assert_eq!(std::fs::read(&target).unwrap(), ORIGINAL);
    assert_eq!(others(&sub, &["photo.png"]), Vec::<String>::new());
}

#[test]
fn a_directory_nobody_can_create_files_in_gives_a_clear_error() {
    // /proc refuses new files even for root.
    let err = write_atomic(Path::new("/proc/lumen-test.png"), b"x")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("lumen-test.png") && err.contains("cannot create a file in /proc"),
        "{err}"
    );
}

#[test]
fn a_missing_directory_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-dir").join("photo.png");
    let err = write_atomic(&target, b"x").unwrap_err().to_string();
    assert!(
        err.contains("photo.png") && err.contains("No such file"),
        "{err}"
    );
    assert_eq!(others(dir.path(), &[]), Vec::<String>::new());
}

/// A pipe (or a device such as /dev/null) at the target is not replaced by
/// a regular file.
#[cfg(unix)]
#[test]
fn a_pipe_at_the_target_is_not_replaced() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("pipe.png");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&target)
            .status()
            .unwrap()
            .success()
    );
    let err = write_atomic(&target, &new_bytes()).unwrap_err().to_string();
    assert!(err.contains("not a regular file"), "{err}");
    let kind = std::fs::symlink_metadata(&target).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced");
    assert_eq!(others(dir.path(), &["pipe.png"]), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_followed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.png");
    let link = dir.path().join("link.png");
    std::fs::write(&real, ORIGINAL).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write_atomic(&link, b"new").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
    let mut left = others(dir.path(), &[]);
    left.sort();
    assert_eq!(left, vec!["link.png".to_owned(), "real.png".to_owned()]);
}

#[cfg(unix)]
#[test]
fn the_replacement_keeps_the_originals_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("private.png");
    std::fs::write(&target, ORIGINAL).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    write_atomic(&target, b"new").unwrap();
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// Two writers (say two export threads) saving the same path at once must
/// each succeed, and the file must end up as exactly one of the two.
#[test]
fn two_writers_at_once_never_mix_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("shared.png");
    let a = vec![b'a'; 1 << 20];
    let b = vec![b'b'; 1 << 19];
    std::thread::scope(|s| {
        for bytes in [&a, &b] {
            let target = &target;
            s.spawn(move || {
                for _ in 0..40 {
                    write_atomic(target, bytes).unwrap();
                }
            });
        }
    });
    let got = std::fs::read(&target).unwrap();
    assert!(got == a || got == b, "mixed: {} bytes", got.len());
    assert_eq!(others(dir.path(), &["shared.png"]), Vec::<String>::new());
}

/// The CLI's output path fails in the same ways, keeping what was there.
#[test]
fn lumen_apply_keeps_the_existing_output_when_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = dir.path().join("r.json");
    std::fs::write(
        &recipe,
        r#"{"lumen_recipe":1,"steps":[{"filter":"invert"}]}"#,
    )
    .unwrap();
    let input = dir.path().join("in.png");
    std::fs::write(&input, corpus::png()).unwrap();
    let locked = dir.path().join("locked.png");
    std::fs::write(&locked, ORIGINAL).unwrap();
    let mut perms = std::fs::metadata(&locked).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&locked, perms).unwrap();
    let a_dir = dir.path().join("dir.png");
    std::fs::create_dir(&a_dir).unwrap();
    let missing = dir.path().join("missing").join("x.png");
    for (output, words) in [
        (&locked, "read-only"),
        (&a_dir, "is a directory"),
        (&missing, "No such file"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_lumen"))
            .arg("apply")
            .arg("--recipe")
            .arg(&recipe)
            .arg(&input)
            .arg(output)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(words), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert_eq!(std::fs::read(&locked).unwrap(), ORIGINAL);
    assert!(a_dir.is_dir());
    let mut left = others(dir.path(), &[]);
    left.sort();
    assert_eq!(left, vec!["dir.png", "in.png", "locked.png", "r.json"]);
}
