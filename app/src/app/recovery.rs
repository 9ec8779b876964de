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
    /// puts the session's history into it. Returns the message to show. If
    /// the source has changed since the session was saved, nothing is put
    /// back yet: the user is asked ([`LumenApp::mismatch_ui`]).
    pub(super) fn finish_restore(&mut self, doc: &mut Document) -> Option<(String, bool)> {
        let orphan = self.restoring.take()?;
        if let Some(change) = source_change(&orphan, &self.source, doc) {
            let msg = format!(
                "{} has changed since the session was saved ({change})",
                doc.name
            );
            self.mismatch = Some((orphan, change));
            return Some((msg, false));
        }
        Some(restore_onto(self.store.as_ref(), &orphan, doc))
    }

    /// A restored session's source that has changed, while the user
    /// decides what to do.
    pub fn source_mismatch(&self) -> Option<&str> {
        self.mismatch.as_ref().map(|(_, change)| change.as_str())
    }

    /// Answers the changed-source question: restore the edits onto the
    /// image as it is now (`Some(true)`), keep the session for a later
    /// start (`None`), or discard it (`Some(false)`).
    pub fn answer_mismatch(&mut self, restore: Option<bool>) {
        let Some((orphan, _)) = self.mismatch.take() else {
            return;
        };
        let (msg, is_error) = match restore {
            Some(true) => match self.doc.as_mut() {
                Some(doc) => restore_onto(self.store.as_ref(), &orphan, doc),
                None => return,
            },
            Some(false) => {
                if let Some(store) = &self.store {
                    store.discard(&orphan);
                }
                ("The session was discarded".to_owned(), false)
            }
            None => (
                format!(
                    "The session is kept in {}; it is offered again at the next start",
                    orphan.key
                ),
                false,
            ),
        };
        log::info!("{msg}");
        self.set_notice(msg, is_error);
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
        if self.mismatch.is_some() {
            self.mismatch_ui(ui);
            return;
        }
        let Some(first) = self.recoverable.first() else {
            return;
        };
        let summary = first.summary.clone();
        let warning = first.warning.clone();
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("recover")).show(ui.ctx(), |ui| {
            ui.heading("Restore your last session?");
            ui.label("Lumen did not close normally last time. Your edits were autosaved:");
            ui.monospace(&summary);
            if let Some(w) = &warning {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("This session may be out of date: {w}."),
                );
            }
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

/// What changed in a session's source since it was saved: its size in
/// pixels, or the file's length; `None` if neither did (or is known).
fn source_change(orphan: &Orphan, now: &SourceRef, doc: &Document) -> Option<String> {
    let mut changes = Vec::new();
    let size = (doc.source.width(), doc.source.height());
    if let Some((w, h)) = orphan.session.source_size
        && (w, h) != size
    {
        changes.push(format!(
            "it was {w}x{h} pixels, it is {}x{}",
            size.0, size.1
        ));
    }
    if let (SourceRef::File { len: was, .. }, SourceRef::File { len: is, .. }) =
        (&orphan.session.source, now)
        && was != is
    {
        changes.push(format!("the file was {was} bytes, it is {is}"));
    }
    (!changes.is_empty()).then(|| changes.join("; "))
}

/// Puts `orphan`'s history into `doc` and removes the session; the
/// message says what happened, and is an error when the session may be
/// out of date or could not be restored.
fn restore_onto(
    store: Option<&crate::autosave::SessionStore>,
    orphan: &Orphan,
    doc: &mut Document,
) -> (String, bool) {
    if let Err(e) = orphan.session.restore_into(doc) {
        return (
            format!(
                "Could not restore the session: {e}. It is kept in {}",
                orphan.key
            ),
            true,
        );
    }
    if let Some(store) = store {
        store.discard(orphan);
    }
    match &orphan.warning {
        Some(w) => (
            format!(
                "Restored {}, but it may be out of date: {w}",
                orphan.summary
            ),
            true,
        ),
        None => (format!("Restored {}", orphan.summary), false),
    }
}

impl LumenApp {
    /// Asks what to do with a session whose source has changed.
    pub(super) fn mismatch_ui(&mut self, ui: &mut egui::Ui) {
        let Some((orphan, change)) = &self.mismatch else {
            return;
        };
        let text = format!(
            "The image of this session has changed since it was saved: {change}. Its edits \
             may not fit the image as it is now ({}).",
            orphan.summary
        );
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("mismatch")).show(ui.ctx(), |ui| {
            ui.set_max_width(440.0);
            ui.heading("The image has changed");
            ui.label(text);
            ui.horizontal(|ui| {
                if ui.button("Restore the edits anyway").clicked() {
                    choice = Some(Some(true));
                }
                if ui.button("Keep the session for later").clicked() {
                    choice = Some(None);
                }
                if ui.button("Discard the session").clicked() {
                    choice = Some(Some(false));
                }
            });
        });
        if let Some(answer) = choice {
            self.answer_mismatch(answer);
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
                    self.start_task("decode", |tasks| {
                        crate::platform::downscale_in_background(tasks, *big)
                    });
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
