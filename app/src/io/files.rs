//! Reading and writing files without hanging, without reading without
//! bound, and without ever leaving a half-written file in place.
//!
//! Reads open the file first with `O_NONBLOCK` and check what was opened
//! (so a named pipe or a device is refused instead of blocking or never
//! ending), then read at most a stated number of bytes. Writes go to a
//! temporary file beside the target ([`super::temp`]), which is renamed
//! over it only once complete.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{ErrorKind, Read as _};
use std::path::{Path, PathBuf};

use super::IoError;
use super::temp;

/// Largest image file [`read_file`] reads, in bytes (1 GiB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Largest recipe file Lumen reads, in bytes (4 MiB: a recipe of a
/// thousand steps is well under 1 MiB).
pub const MAX_RECIPE_BYTES: u64 = 4 << 20;

fn file_err(path: &Path, source: std::io::Error) -> IoError {
    IoError::File {
        path: path.display().to_string(),
        source,
    }
}

fn refused(path: &Path, kind: ErrorKind, why: String) -> IoError {
    file_err(path, std::io::Error::new(kind, why))
}

/// A byte count for messages: "4 MiB", "160.0 MiB", "3.0 GiB".
fn size_text(bytes: u64) -> String {
    const MIB: f64 = (1 << 20) as f64;
    let mib = bytes as f64 / MIB;
    if mib >= 1024.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if mib >= 1.0 {
        format!("{mib:.1} MiB")
    } else {
        format!("{bytes} bytes")
    }
}

/// Opens `path` for reading if, and only if, it is a regular file
/// (following symbolic links). It is opened before it is checked, with
/// `O_NONBLOCK` on Unix, so that a named pipe without a writer cannot
/// block the caller and nothing can be swapped in between the check and
/// the read. `what` names the expected content in messages ("a recipe").
pub fn open_regular(path: &Path, what: &str) -> Result<(File, Metadata), IoError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ENXIO) {
            return refused(
                path,
                ErrorKind::InvalidInput,
                format!("is a socket, not {what}"),
            );
        }
        file_err(path, e)
    })?;
    let meta = file.metadata().map_err(|e| file_err(path, e))?;
    if meta.is_dir() {
        return Err(refused(
            path,
            ErrorKind::IsADirectory,
            format!("is a directory, not {what}"),
        ));
    }
    if !meta.is_file() {
        return Err(refused(
            path,
            ErrorKind::InvalidInput,
            format!("is not a regular file (a device, pipe or socket), not {what}"),
        ));
    }
    Ok((file, meta))
}

/// Reads a regular file of at most `max_bytes` ([`open_regular`]); a
/// larger one is refused before it is read, and one that grows while it
/// is read stops at the limit.
pub fn read_limited(path: &Path, max_bytes: u64, what: &str) -> Result<Vec<u8>, IoError> {
    let (file, meta) = open_regular(path, what)?;
    let too_large = |len: Option<u64>| {
        let len = len.map_or_else(
            || "larger".to_owned(),
            |n| format!("{} ({n} bytes)", size_text(n)),
        );
        refused(
            path,
            ErrorKind::FileTooLarge,
            format!(
                "is {len}, more than the {max_bytes} bytes Lumen reads for {what} ({})",
                size_text(max_bytes)
            ),
        )
    };
    if meta.len() > max_bytes {
        return Err(too_large(Some(meta.len())));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| file_err(path, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(None));
    }
    Ok(bytes)
}

/// [`read_limited`] for UTF-8 text.
pub fn read_text(path: &Path, max_bytes: u64, what: &str) -> Result<String, IoError> {
    let bytes = read_limited(path, max_bytes, what)?;
    String::from_utf8(bytes).map_err(|e| {
        refused(
            path,
            ErrorKind::InvalidData,
            format!(
                "is not UTF-8 text (a byte at offset {} is not), not {what}",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Reads a whole image file, naming the path in the error. Refuses a
/// directory, anything that is not a regular file (a pipe would block, a
/// device never end) and files over [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, IoError> {
    read_limited(path, MAX_FILE_BYTES, "an image file")
}

/// Reads a recipe file's text: a regular file of at most
/// [`MAX_RECIPE_BYTES`].
pub fn read_recipe_file(path: &Path) -> Result<String, IoError> {
    read_text(path, MAX_RECIPE_BYTES, "a recipe")
}

/// What [`write_atomic_opts`] does when the target is a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Replace the file the link points to; the link stays (the editor's
    /// exports, a single CLI output).
    Follow,
    /// Replace the link itself with the new file; whatever it pointed to
    /// is left alone (a batch writing into an output folder, which must
    /// never write outside it).
    Replace,
}

/// Writes `bytes` to `path` atomically: into a new temporary file beside it
/// (a name no other writer uses), flushed to disk, then renamed over the
/// target. A failure at any point (a read-only or missing directory, a full
/// disk, a target that is a directory) leaves an existing file at `path`
/// untouched and removes the temporary; so does SIGINT, SIGTERM or SIGHUP
/// during the write ([`super::temp`]).
///
/// Refuses to replace anything but a regular file (a device such as
/// `/dev/null`, a pipe, a socket), and a file marked read-only. A symbolic
/// link is followed: the file it points to is replaced and the link kept.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    use std::io::Write as _;
    write_atomic_opts(path, Links::Follow, &mut |f| f.write_all(bytes))
}

/// [`write_atomic`], with the step that writes the contents into the
/// temporary file given as `write` (tests use it to fail part way, as a
/// full disk does).
pub fn write_atomic_with(
    path: &Path,
    write: &mut dyn FnMut(&mut File) -> std::io::Result<()>,
) -> Result<(), IoError> {
    write_atomic_opts(path, Links::Follow, write)
}

/// The target of a write, once links are dealt with, and the metadata of
/// what it replaces (if anything).
fn resolve_target(path: &Path, links: Links) -> Result<(PathBuf, Option<Metadata>), IoError> {
    let link = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.file_type().is_symlink());
    let target = match (links, &link) {
        (Links::Follow, Some(_)) => std::fs::canonicalize(path).map_err(|e| file_err(path, e))?,
        _ => path.to_path_buf(),
    };
    let existing = match (links, link) {
        (Links::Replace, Some(m)) => Some(m),
        _ => std::fs::metadata(&target).ok(),
    };
    match &existing {
        Some(m) if m.is_dir() => Err(refused(
            &target,
            ErrorKind::IsADirectory,
            "is a directory".to_owned(),
        )),
        Some(m) if !m.is_file() && !m.file_type().is_symlink() => Err(refused(
            &target,
            ErrorKind::InvalidInput,
            "is not a regular file (a device, pipe or socket); not replacing it".to_owned(),
        )),
        Some(m) if m.is_file() && m.permissions().readonly() => Err(refused(
            &target,
            ErrorKind::PermissionDenied,
            "the file is read-only; not replacing it".to_owned(),
        )),
        _ => Ok((target, existing)),
    }
}

/// [`write_atomic_with`], saying what to do with a symbolic link at the
/// target.
pub fn write_atomic_opts(
    path: &Path,
    links: Links,
    write: &mut dyn FnMut(&mut File) -> std::io::Result<()>,
) -> Result<(), IoError> {
    let (path, existing) = resolve_target(path, links)?;
    let path = path.as_path();
    let Some(file_name) = path.file_name() else {
        return Err(refused(
            path,
            ErrorKind::InvalidInput,
            "not a file name".to_owned(),
        ));
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    temp::sweep_stale_once(&dir);
    let mut tmp = temp::TempFile::create(&dir, file_name).map_err(|e| {
        let why = format!("cannot create a file in {}: {e}", dir.display());
        file_err(path, std::io::Error::new(e.kind(), why))
    })?;
    let result = (|| {
        // The new file keeps the permissions of the one it replaces.
        if let Some(m) = existing.as_ref().filter(|m| m.is_file()) {
            tmp.file().set_permissions(m.permissions())?;
        }
        write(tmp.file())?;
        tmp.file().sync_all()
    })();
    // On any failure, dropping `tmp` removes the temporary.
    result
        .and_then(|()| tmp.commit(path))
        .map_err(|e| file_err(path, e))?;
    // Make the rename itself durable where the platform allows it.
    if let Ok(d) = File::open(&dir) {
        d.sync_all().ok();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size_text(4 << 20), "4 MiB");
        assert_eq!(size_text(160 << 20 | 1), "160.0 MiB");
        assert_eq!(size_text(3 << 30), "3.0 GiB");
        assert_eq!(size_text(12), "12 bytes");
    }

    #[test]
    fn oversized_and_non_regular_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.json");
        let f = File::create(&big).unwrap();
        f.set_len(3 << 30).unwrap(); // sparse: nothing is written
        let e = read_recipe_file(&big).unwrap_err().to_string();
        assert!(e.contains("big.json") && e.contains("is 3.0 GiB"), "{e}");
        let e = read_recipe_file(dir.path()).unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
        #[cfg(unix)]
        {
            let e = read_recipe_file(Path::new("/dev/zero"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("not a regular file"), "{e}");
        }
        let ok = dir.path().join("ok.json");
        std::fs::write(&ok, "{}").unwrap();
        assert_eq!(read_recipe_file(&ok).unwrap(), "{}");
        std::fs::write(&ok, b"\xff\xfe{}").unwrap();
        let e = read_recipe_file(&ok).unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
    }
}
