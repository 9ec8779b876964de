//! The editor's settings that outlive a session (window size, export
//! settings, compare mode, the file-browser choice), in `settings.json`
//! in the app data directory (`$LUMEN_DATA_DIR` when set), written
//! atomically. eframe's own persistence is off: it wrote `app.ron`
//! outside that directory, by truncating and rewriting it in place.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file name in the data directory.
pub const FILE_NAME: &str = "settings.json";

/// What is remembered. Unknown or missing fields take their defaults, so
/// an older or newer file never stops the editor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The window's inner size, points.
    pub window_size: Option<[f32; 2]>,
    /// Whether the window was maximized.
    pub maximized: bool,
    /// The export format: `png`, `jpg`, `webp` or `avif`.
    pub export_format: Option<String>,
    /// Quality of the lossy formats (JPEG, lossy WebP, AVIF), 1..=100.
    pub quality: Option<u8>,
    /// WebP exports are lossless.
    pub webp_lossless: Option<bool>,
    /// Exports leave out the source's EXIF, XMP and IPTC.
    pub strip_metadata: bool,
    /// The JPEG matte colour, sRGB.
    pub matte: Option<[u8; 3]>,
    /// The compare mode: `off`, `split` or `side_by_side`.
    pub compare: Option<String>,
    /// Use the editor's own file browser instead of the system's.
    pub builtin_dialogs: bool,
}

/// Where the settings of `data_dir` live.
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

impl Settings {
    /// Reads the settings in `data_dir`; defaults when there are none or
    /// they cannot be read (said in the log).
    pub fn load(data_dir: &Path) -> Self {
        let path = path_in(data_dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                log::warn!("{}: {e}; using default settings", path.display());
                Self::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(e) => {
                log::warn!("{}: {e}; using default settings", path.display());
                Self::default()
            }
        }
    }

    /// The settings as the file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_tolerate_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        let s = Settings {
            window_size: Some([900.0, 600.0]),
            quality: Some(70),
            webp_lossless: Some(false),
            strip_metadata: true,
            compare: Some("split".into()),
            ..Default::default()
        };
        std::fs::write(path_in(dir.path()), s.to_json()).unwrap();
        assert_eq!(Settings::load(dir.path()), s);
        std::fs::write(path_in(dir.path()), "{ not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        std::fs::write(path_in(dir.path()), r#"{"maximized":true,"future":1}"#).unwrap();
        assert!(Settings::load(dir.path()).maximized);
    }
}
