//! The desktop's system file dialogs (rfd), and whether there is one.
//!
//! On Linux and the BSDs rfd asks the XDG desktop portal and falls back
//! to `zenity`; with neither (a plain X session, many minimal desktops,
//! containers) it shows nothing and reports a cancel. So the editor checks
//! first ([`RfdDialogs::available`]) and uses its own file browser when no
//! system dialog can appear. `LUMEN_FILE_DIALOG=builtin` or `=system`
//! overrides the check.

use std::path::{Path, PathBuf};

use crate::dialogs::{FileRequest, SystemDialogs};

/// rfd's dialogs, run synchronously on the caller's (background) thread.
pub struct RfdDialogs;

impl SystemDialogs for RfdDialogs {
    fn available(&self) -> bool {
        match std::env::var("LUMEN_FILE_DIALOG").ok().as_deref() {
            Some("builtin") => false,
            Some("system") => true,
            _ => detect(),
        }
    }

    fn ask(&self, request: &FileRequest, start_dir: Option<&Path>) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new().set_title(request.title());
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        if let Some(name) = request.default_name() {
            dialog = dialog.set_file_name(name);
        }
        match request {
            FileRequest::OpenImage => dialog
                .add_filter("Images", request.extensions())
                .add_filter("All files", &["*"])
                .pick_file(),
            FileRequest::LoadRecipe => dialog
                .add_filter("Lumen recipe", request.extensions())
                .pick_file(),
            FileRequest::ImportCube { .. } => dialog
                .add_filter("3D LUT (.cube)", request.extensions())
                .add_filter("All files", &["*"])
                .pick_file(),
            FileRequest::ExportImage { .. } => dialog
                .add_filter("PNG", &["png"])
                .add_filter("JPEG", &["jpg", "jpeg"])
                .add_filter("WebP", &["webp"])
                .save_file(),
            FileRequest::SaveRecipe { .. } => dialog
                .add_filter("Lumen recipe", request.extensions())
                .save_file(),
        }
    }
}

/// Whether rfd can show a dialog here.
fn detect() -> bool {
    if !cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    )) {
        return true; // Windows and macOS always have one.
    }
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let path = env("PATH");
    let zenity = path
        .as_ref()
        .is_some_and(|p| std::env::split_paths(p).any(|d| is_executable(&d.join("zenity"))));
    zenity
        || Path::new("/.flatpak-info").exists()
        || portal_file_chooser(&Probe {
            bus_address: env("DBUS_SESSION_BUS_ADDRESS").is_some(),
            runtime_dir: env("XDG_RUNTIME_DIR").map(PathBuf::from),
            data_home: env("XDG_DATA_HOME")
                .map(PathBuf::from)
                .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/share"))),
            data_dirs: env("XDG_DATA_DIRS").map_or_else(
                || {
                    vec![
                        PathBuf::from("/usr/local/share"),
                        PathBuf::from("/usr/share"),
                    ]
                },
                |d| std::env::split_paths(&d).collect(),
            ),
        })
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Where to look for an XDG desktop portal with a file chooser.
pub struct Probe {
    /// `DBUS_SESSION_BUS_ADDRESS` is set.
    pub bus_address: bool,
    /// `XDG_RUNTIME_DIR` (whose `bus` socket is the default session bus).
    pub runtime_dir: Option<PathBuf>,
    /// `XDG_DATA_HOME`.
    pub data_home: Option<PathBuf>,
    /// `XDG_DATA_DIRS`.
    pub data_dirs: Vec<PathBuf>,
}

/// True when a session bus is reachable, the portal service can be
/// started on it (its D-Bus service file), and some installed portal
/// backend implements the file chooser.
pub fn portal_file_chooser(probe: &Probe) -> bool {
    let bus = probe.bus_address
        || probe
            .runtime_dir
            .as_ref()
            .is_some_and(|d| d.join("bus").exists());
    if !bus {
        return false;
    }
    let dirs: Vec<&PathBuf> = probe.data_home.iter().chain(&probe.data_dirs).collect();
    let service = dirs.iter().any(|d| {
        d.join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .is_file()
    });
    service
        && dirs.iter().any(|d| {
            let Ok(entries) = std::fs::read_dir(d.join("xdg-desktop-portal/portals")) else {
                return false;
            };
            entries.flatten().any(|e| {
                e.path().extension().is_some_and(|x| x == "portal")
                    && std::fs::read_to_string(e.path())
                        .is_ok_and(|t| t.contains("org.freedesktop.impl.portal.FileChooser"))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_portal_needs_a_bus_a_service_and_a_file_chooser_backend() {
        let dir = tempfile::tempdir().unwrap();
        let share = dir.path().join("share");
        let mut probe = Probe {
            bus_address: true,
            runtime_dir: None,
            data_home: None,
            data_dirs: vec![share.clone()],
        };
        assert!(!portal_file_chooser(&probe), "nothing installed");
        std::fs::create_dir_all(share.join("dbus-1/services")).unwrap();
        std::fs::write(
            share.join("dbus-1/services/org.freedesktop.portal.Desktop.service"),
            "[D-BUS Service]\n",
        )
        .unwrap();
        assert!(!portal_file_chooser(&probe), "a portal without backends");
        let portals = share.join("xdg-desktop-portal/portals");
        std::fs::create_dir_all(&portals).unwrap();
        std::fs::write(
            portals.join("gtk.portal"),
            "[portal]\nInterfaces=org.freedesktop.impl.portal.FileChooser;\n",
        )
        .unwrap();
        assert!(portal_file_chooser(&probe));
        probe.bus_address = false;
        assert!(!portal_file_chooser(&probe), "no session bus");
        let runtime = dir.path().join("run");
        std::fs::create_dir_all(runtime.join("bus")).unwrap();
        probe.runtime_dir = Some(runtime);
        assert!(portal_file_chooser(&probe), "the default bus socket");
    }
}
