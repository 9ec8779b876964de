//! The memory a Linux control group (a container, a systemd slice, a
//! `memory.max` set by hand) leaves this process.
//!
//! The process's groups come from `/proc/self/cgroup`, where they are
//! mounted from `/proc/self/mountinfo`. For cgroup v2 (`cgroup2`), each
//! level from the process's group up to the mount's root may set
//! `memory.max` and reports `memory.current`; for v1 (the `memory`
//! controller), `memory.limit_in_bytes` and `memory.usage_in_bytes`. What
//! is left at a level is its limit minus its usage, counting the inactive
//! page cache (`inactive_file`, reclaimable) as free; the tightest level
//! wins. Levels without a limit ("max", or v1's huge number) are skipped.

use std::path::{Path, PathBuf};

/// A v1 limit at or above this means "no limit" (v1 reports
/// `PAGE_COUNTER_MAX` pages, about 2^63 bytes).
const UNLIMITED: u64 = 1 << 60;

/// One group's limit and use, bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level {
    /// The limit.
    pub limit: u64,
    /// Memory in use, minus the reclaimable page cache.
    pub used: u64,
}

impl Level {
    /// What is left under the limit.
    pub fn left(self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
}

/// Reads files under a root: `/` for the real system, a folder of fake
/// files in tests.
pub struct CgroupFs {
    root: PathBuf,
}

/// Which hierarchy a group belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

impl CgroupFs {
    /// The real system.
    pub fn system() -> Self {
        Self::at(Path::new("/"))
    }

    /// Files under `root` (which holds `proc/self/cgroup`,
    /// `proc/self/mountinfo` and the mounted hierarchies).
    pub fn at(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    fn read(&self, abs: &Path) -> Option<String> {
        let rel = abs.strip_prefix("/").unwrap_or(abs);
        std::fs::read_to_string(self.root.join(rel)).ok()
    }

    fn number(&self, abs: &Path) -> Option<u64> {
        self.read(abs)?.trim().parse().ok()
    }

    /// The memory the tightest limited group leaves this process, bytes;
    /// `None` when no group limits it (or none can be read).
    pub fn memory_left(&self) -> Option<u64> {
        self.levels().into_iter().map(Level::left).min()
    }

    /// Every limited level, from the process's own group upwards, of the
    /// memory hierarchies this process is in.
    pub fn levels(&self) -> Vec<Level> {
        let (Some(groups), Some(mounts)) = (
            self.read(Path::new("/proc/self/cgroup")),
            self.read(Path::new("/proc/self/mountinfo")),
        ) else {
            return Vec::new();
        };
        let mut levels = Vec::new();
        for (version, group) in memory_groups(&groups) {
            let Some((mount_root, mount_point)) = find_mount(&mounts, version) else {
                continue;
            };
            let Some(dir) = group_dir(&mount_root, &mount_point, &group) else {
                continue;
            };
            let mut at = dir.as_path();
            loop {
                if let Some(level) = self.level(at, version) {
                    levels.push(level);
                }
                if at == mount_point {
                    break;
                }
                match at.parent() {
                    Some(parent) if parent.starts_with(&mount_point) => at = parent,
                    _ => break,
                }
            }
        }
        levels
    }

    /// The limit and use of the group in `dir`, if it has a limit.
    fn level(&self, dir: &Path, version: Version) -> Option<Level> {
        let (limit_file, usage_file, inactive_key) = match version {
            Version::V2 => ("memory.max", "memory.current", "inactive_file"),
            Version::V1 => (
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
                "total_inactive_file",
            ),
        };
        let limit = self.number(&dir.join(limit_file))?; // "max" does not parse
        if limit >= UNLIMITED {
            return None;
        }
        let usage = self.number(&dir.join(usage_file)).unwrap_or(0);
        let inactive = self
            .read(&dir.join("memory.stat"))
            .and_then(|stat| stat_value(&stat, inactive_key))
            .unwrap_or(0);
        Some(Level {
            limit,
            used: usage.saturating_sub(inactive),
        })
    }
}

/// The process's groups in memory hierarchies, from `/proc/self/cgroup`:
/// the v2 group (`0::/path`) and the v1 `memory` controller's group.
fn memory_groups(text: &str) -> Vec<(Version, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if id == "0" && controllers.is_empty() {
            out.push((Version::V2, path.to_owned()));
        } else if controllers.split(',').any(|c| c == "memory") {
            out.push((Version::V1, path.to_owned()));
        }
    }
    out
}

/// The root and mount point of the hierarchy `version` is mounted from,
/// from `/proc/self/mountinfo` (fields: id, parent, dev, root, mount
/// point, options, optional fields, `-`, type, source, super options).
fn find_mount(mountinfo: &str, version: Version) -> Option<(PathBuf, PathBuf)> {
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let (Some(root), Some(point), Some(fstype), Some(supers)) = (
            fields.get(3),
            fields.get(4),
            fields.get(dash + 1),
            fields.get(dash + 3),
        ) else {
            continue;
        };
        let matches = match version {
            Version::V2 => *fstype == "cgroup2",
            Version::V1 => *fstype == "cgroup" && supers.split(',').any(|o| o == "memory"),
        };
        if matches {
            return Some((
                PathBuf::from(unescape(root)),
                PathBuf::from(unescape(point)),
            ));
        }
    }
    None
}

/// mountinfo escapes spaces, tabs, newlines and backslashes as `\ooo`.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)))
            .map(|d| d.iter().fold(0u32, |v, c| v * 8 + u32::from(c - b'0')));
        match octal.and_then(|v| u8::try_from(v).ok()) {
            Some(v) => {
                out.push(v);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The folder of `group` (a path within the hierarchy) under a mount of
/// the hierarchy's `mount_root` at `mount_point`; `None` when the group
/// lies outside what is mounted.
fn group_dir(mount_root: &Path, mount_point: &Path, group: &str) -> Option<PathBuf> {
    let group = Path::new(group);
    let rel = group.strip_prefix(mount_root).ok()?;
    Some(mount_point.join(rel))
}

/// A value from a `memory.stat` file.
fn stat_value(stat: &str, key: &str) -> Option<u64> {
    stat.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake system: files relative to a temporary root.
    fn fake(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    const MOUNT_V2: &str = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n";

    #[test]
    fn v2_takes_the_tightest_level_and_counts_inactive_cache_as_free() {
        let dir = fake(&[
            ("proc/self/cgroup", "0::/app.slice/lumen.scope\n"),
            ("proc/self/mountinfo", MOUNT_V2),
            ("sys/fs/cgroup/app.slice/lumen.scope/memory.max", "max\n"),
            (
                "sys/fs/cgroup/app.slice/lumen.scope/memory.current",
                "100\n",
            ),
            ("sys/fs/cgroup/app.slice/memory.max", "1073741824\n"),
            ("sys/fs/cgroup/app.slice/memory.current", "300000000\n"),
            (
                "sys/fs/cgroup/app.slice/memory.stat",
                "anon 200000000\ninactive_file 100000000\n",
            ),
            ("sys/fs/cgroup/memory.max", "8589934592\n"),
            ("sys/fs/cgroup/memory.current", "0\n"),
        ]);
        let fs = CgroupFs::at(dir.path());
        assert_eq!(
            fs.levels(),
            vec![
                Level {
                    limit: 1 << 30,
                    used: 200_000_000
                },
                Level {
                    limit: 8 << 30,
                    used: 0
                },
            ]
        );
        assert_eq!(fs.memory_left(), Some((1 << 30) - 200_000_000));
    }

    #[test]
    fn v1_memory_controller_with_a_namespaced_mount() {
        let dir = fake(&[
            (
                "proc/self/cgroup",
                "5:cpu,cpuacct:/\n4:memory:/docker/abc\n0::/\n",
            ),
            (
                "proc/self/mountinfo",
                "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n\
                 41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
            ),
            ("sys/fs/cgroup/memory/memory.limit_in_bytes", "536870912\n"),
            ("sys/fs/cgroup/memory/memory.usage_in_bytes", "36870912\n"),
            (
                "sys/fs/cgroup/memory/memory.stat",
                "cache 5\ntotal_inactive_file 6870912\n",
            ),
            // The unified hierarchy has no memory controller here.
        ]);
        let fs = CgroupFs::at(dir.path());
        assert_eq!(fs.memory_left(), Some(536_870_912 - 30_000_000));
    }

    #[test]
    fn no_limit_anywhere_is_none() {
        let dir = fake(&[
            ("proc/self/cgroup", "4:memory:/\n0::/\n"),
            (
                "proc/self/mountinfo",
                "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
            ),
            (
                "sys/fs/cgroup/memory/memory.limit_in_bytes",
                "9223372036854771712\n",
            ),
            ("sys/fs/cgroup/memory/memory.usage_in_bytes", "1000\n"),
        ]);
        assert_eq!(CgroupFs::at(dir.path()).memory_left(), None);
        let empty = fake(&[]);
        assert_eq!(CgroupFs::at(empty.path()).memory_left(), None);
    }

    #[test]
    fn mount_points_with_spaces_are_unescaped() {
        assert_eq!(unescape(r"/a\040b\134c"), r"/a b\c");
        assert_eq!(unescape(r"/plain\9"), r"/plain\9");
    }
}
