//! Crash recovery in the editor: offering orphaned sessions, restoring
//! one (load its source, then put its history back), and a clean exit.

use super::LumenApp;
use crate::autosave::{Orphan, SourceRef};
use crate::document::Document;
use crate::tasks::TaskResult;

impl LumenApp {
    /// Sessions of editors that did not exit cleanly, not yet answered.
    pub fn recoverable(&self) -> &[Orphan] {
        &self.recoverable
    }

    /// Restores the first recoverable session: opens its source, then puts
    /// its history and live recipe back. If the source cannot be opened,
    /// the error is shown and the session is kept for next time.
    pub fn restore_session(&mut self) {
        if self.recoverable.is_empty() {
            return;
        }
        let orphan = self.recoverable.remove(0);
        let source = orphan.session.source.clone();
        self.restoring = Some(orphan);
        match source {
            SourceRef::Sample => self.load_sample(),
            SourceRef::File { path, .. } => self.load_path(path),
            SourceRef::Stored => match (&self.store, &self.restoring) {
                (Some(store), Some(o)) => {
                    self.tasks_running += 1;
                    store.load_source(o, &self.tasks);
                }
                _ => self.tasks.send(TaskResult::Failed(
                    "no stored copy of the image is available here".into(),
                )),
            },
        }
    }

    /// Declines the first recoverable session and deletes it.
    pub fn discard_session(&mut self) {
        if self.recoverable.is_empty() {
            return;
        }
        let orphan = self.recoverable.remove(0);
        if let Some(store) = &self.store {
            store.discard(&orphan);
        }
    }

    /// Called with a freshly loaded document: if it is a session's source,
    /// puts the session's history into it. Returns the message to show.
    pub(super) fn finish_restore(&mut self, doc: &mut Document) -> Option<(String, bool)> {
        let orphan = self.restoring.take()?;
        if let Err(e) = orphan.session.restore_into(doc) {
            return Some((
                format!(
                    "Could not restore the session: {e}. It is kept in {}",
                    orphan.key
                ),
                true,
            ));
        }
        if let Some(store) = &self.store {
            store.discard(&orphan);
        }
        let changed = match (&orphan.session.source, &self.source) {
            (SourceRef::File { len: a, .. }, SourceRef::File { len: b, .. }) => a != b,
            _ => false,
        };
        let mut msg = format!("Restored {}", orphan.session.summary());
        if changed {
            msg.push_str(" (the source file has changed since)");
        }
        Some((msg, changed))
    }

    /// Removes this editor's autosaved session: the last thing a clean
    /// exit does (after any unsaved-changes prompt has been answered).
    pub fn exit_cleanly(&mut self) {
        if let Some(store) = &self.store {
            store.clear_now();
        }
    }

    /// The restore prompt, shown while sessions wait for an answer.
    pub(super) fn recovery_ui(&mut self, ui: &mut egui::Ui) {
        if self.confirm.is_some() || self.restoring.is_some() {
            return;
        }
        let Some(first) = self.recoverable.first() else {
            return;
        };
        let summary = first.session.summary();
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("recover")).show(ui.ctx(), |ui| {
            ui.heading("Restore your last session?");
            ui.label("Lumen did not close normally last time. Your edits were autosaved:");
            ui.monospace(&summary);
            ui.horizontal(|ui| {
                if ui.button("Restore").clicked() {
                    choice = Some(true);
                }
                if ui.button("Discard").clicked() {
                    choice = Some(false);
                }
            });
        });
        match choice {
            Some(true) => self.restore_session(),
            Some(false) => self.discard_session(),
            None => {}
        }
    }
}

impl LumenApp {
    /// The prompt for an image too large to edit at full size.
    pub(super) fn too_big_ui(&mut self, ui: &mut egui::Ui) {
        let Some(big) = &self.too_big else { return };
        let text = format!(
            "{} is {}x{} pixels. Editing it at full size needs about {}, more than the {} \
             Lumen may use on this machine. Open it downscaled to {}x{}? (The file itself \
             is not changed.)",
            big.name,
            big.size.0,
            big.size.1,
            crate::governor::human_bytes(big.needed),
            crate::governor::human_bytes(big.budget),
            big.fit.0,
            big.fit.1
        );
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("too-big")).show(ui.ctx(), |ui| {
            ui.set_max_width(420.0);
            ui.heading("Image too large");
            ui.label(text);
            ui.horizontal(|ui| {
                if ui.button("Open downscaled").clicked() {
                    choice = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(false);
                }
            });
        });
        match choice {
            Some(true) => {
                if let Some(big) = self.too_big.take() {
                    self.spawn("decode", move || crate::tasks::decode_downscaled(*big));
                }
            }
            Some(false) => {
                self.too_big = None;
                self.restoring = None;
            }
            None => {}
        }
    }
}
