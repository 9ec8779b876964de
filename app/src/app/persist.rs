//! Settings that outlive a session ([`crate::settings`]): applied at
//! start, saved (atomically, off the UI thread) a moment after they
//! change, and once more on a clean exit.

use std::sync::{Arc, Mutex};

use super::LumenApp;
use crate::export::FileKind;
use crate::platform;
use crate::settings::{self, Settings};
use crate::ui::canvas::CompareMode;

/// The settings writes started (a count) and the newest one done, shared
/// with the threads that write.
#[derive(Debug, Default)]
pub(super) struct SettingsWrites(u64, Arc<Mutex<Option<u64>>>);

/// Seconds between checks for changed settings.
const CHECK_EVERY_S: f64 = 1.0;

impl LumenApp {
    /// Applies saved settings to the editor.
    pub(super) fn apply_settings(&mut self, s: &Settings) {
        self.exporter.kind = match s.export_format.as_deref() {
            Some("jpg") => FileKind::Jpeg,
            Some("webp") => FileKind::WebP,
            Some("avif") => FileKind::Avif,
            _ => FileKind::Png,
        };
        if let Some(q) = s.quality {
            self.exporter.jpeg_quality = q.clamp(1, 100);
        }
        if let Some(lossless) = s.webp_lossless {
            self.exporter.webp_lossless = lossless;
        }
        self.exporter.strip_metadata = s.strip_metadata;
        if let Some(m) = s.matte {
            self.exporter.matte = m;
        }
        self.canvas.compare = match s.compare.as_deref() {
            Some("split") => CompareMode::Split,
            Some("side_by_side") => CompareMode::SideBySide,
            _ => CompareMode::Off,
        };
        self.builtin_dialogs = s.builtin_dialogs;
        self.saved_settings = s.clone();
    }

    /// The settings as they are now.
    fn current_settings(&self, ctx: &egui::Context) -> Settings {
        let (size, maximized) = ctx.input(|i| {
            let v = i.viewport();
            (v.inner_rect.map(|r| [r.width(), r.height()]), v.maximized)
        });
        Settings {
            // Keep the size from before maximizing.
            window_size: if maximized == Some(true) {
                self.saved_settings.window_size
            } else {
                size.or(self.saved_settings.window_size)
            },
            maximized: maximized.unwrap_or(false),
            export_format: Some(self.exporter.kind.extension().to_owned()),
            quality: Some(self.exporter.jpeg_quality),
            webp_lossless: Some(self.exporter.webp_lossless),
            strip_metadata: self.exporter.strip_metadata,
            matte: Some(self.exporter.matte),
            compare: Some(
                match self.canvas.compare {
                    CompareMode::Off => "off",
                    CompareMode::Split => "split",
                    CompareMode::SideBySide => "side_by_side",
                }
                .to_owned(),
            ),
            builtin_dialogs: self.builtin_dialogs,
        }
    }

    /// Saves the settings if they changed (at most once a second; on a
    /// background thread unless `now`).
    pub(super) fn save_settings(&mut self, ctx: &egui::Context, now: bool) {
        let Some(dir) = self.settings_dir.clone() else {
            return;
        };
        let time = ctx.input(|i| i.time);
        if !now && time - self.settings_checked_at < CHECK_EVERY_S {
            return;
        }
        self.settings_checked_at = time;
        let current = self.current_settings(ctx);
        if current == self.saved_settings {
            return;
        }
        let json = current.to_json();
        self.saved_settings = current;
        let (order, written) = (self.settings_writes.0, Arc::clone(&self.settings_writes.1));
        self.settings_writes.0 += 1;
        let write = move || {
            // Writes may finish out of order: the newest settings win.
            let Ok(mut last) = written.lock() else {
                return;
            };
            if last.is_some_and(|l| l > order) {
                return;
            }
            *last = Some(order);
            if let Err(e) = std::fs::create_dir_all(&dir)
                .map_err(|e| e.to_string())
                .and_then(|()| platform::write_file(&settings::path_in(&dir), json.as_bytes()))
            {
                log::warn!("could not save the settings: {e}");
            }
        };
        if now || !platform::spawn_task("settings", write.clone()) {
            write();
        }
    }
}
