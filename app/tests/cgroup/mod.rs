//! A real memory control group for a test, standing in for a small
//! machine or a container: created when this process may (root, and a
//! cgroup v1 `memory` or v2 hierarchy it can write), and otherwise a
//! visible "skipped" message.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Each test binary uses a subset.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A memory cgroup with a limit, removed when dropped.
pub struct MemoryCgroup {
    dir: PathBuf,
    /// The file a process id is written to, to move it in.
    procs: PathBuf,
}

fn mount_point(fstype: &str, option: Option<&str>) -> Option<PathBuf> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    mountinfo.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(' ').collect();
        let dash = fields.iter().position(|f| *f == "-")?;
        let root = fields.get(3)?;
        let ok = fields.get(dash + 1) == Some(&fstype)
            && *root == "/"
            && option.is_none_or(|o| {
                fields
                    .get(dash + 3)
                    .is_some_and(|s| s.split(',').any(|x| x == o))
            });
        ok.then(|| PathBuf::from(fields[4]))
    })
}

impl MemoryCgroup {
    /// A new group limited to `limit` bytes, or why one cannot be made.
    pub fn create(limit: u64) -> Result<Self, String> {
        let name = format!("lumen-test-{}-{}", std::process::id(), unique());
        let mut why = Vec::new();
        // cgroup v1: the memory controller's own hierarchy.
        if let Some(root) = mount_point("cgroup", Some("memory")) {
            let dir = root.join(&name);
            match std::fs::create_dir(&dir)
                .and_then(|()| std::fs::write(dir.join("memory.limit_in_bytes"), limit.to_string()))
            {
                Ok(()) => {
                    // Without swap accounting this file is absent; fine.
                    std::fs::write(dir.join("memory.memsw.limit_in_bytes"), limit.to_string()).ok();
                    return Ok(Self {
                        procs: dir.join("cgroup.procs"),
                        dir,
                    });
                }
                Err(e) => {
                    std::fs::remove_dir(&dir).ok();
                    why.push(format!("v1 {}: {e}", root.display()));
                }
            }
        }
        // cgroup v2: needs the memory controller enabled for children.
        if let Some(root) = mount_point("cgroup2", None) {
            let enabled = std::fs::read_to_string(root.join("cgroup.subtree_control"))
                .is_ok_and(|c| c.split_whitespace().any(|x| x == "memory"));
            if enabled {
                let dir = root.join(&name);
                match std::fs::create_dir(&dir)
                    .and_then(|()| std::fs::write(dir.join("memory.max"), limit.to_string()))
                {
                    Ok(()) => {
                        std::fs::write(dir.join("memory.swap.max"), "0").ok();
                        return Ok(Self {
                            procs: dir.join("cgroup.procs"),
                            dir,
                        });
                    }
                    Err(e) => {
                        std::fs::remove_dir(&dir).ok();
                        why.push(format!("v2 {}: {e}", root.display()));
                    }
                }
            } else {
                why.push(format!(
                    "v2 {}: no memory controller for children",
                    root.display()
                ));
            }
        }
        if why.is_empty() {
            why.push("no cgroup hierarchy with a memory controller is mounted".into());
        }
        Err(why.join("; "))
    }

    /// `program args...`, run inside this group (moved in by a shell
    /// before it execs the program, so nothing runs outside).
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"echo $$ > "$0" && exec "$@""#)
            .arg(&self.procs)
            .arg(program);
        cmd
    }
}

impl Drop for MemoryCgroup {
    fn drop(&mut self) {
        // Empty once its processes have exited.
        for _ in 0..100 {
            if std::fs::remove_dir(&self.dir).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A 1 GiB group, or `None` after printing why the test is skipped.
pub fn one_gib(test: &str) -> Option<MemoryCgroup> {
    match MemoryCgroup::create(1 << 30) {
        Ok(g) => Some(g),
        Err(why) => {
            eprintln!("skipped: {test}: cannot create a memory cgroup here ({why})");
            None
        }
    }
}
