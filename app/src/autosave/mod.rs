//! Autosave and crash recovery.
//!
//! While a document is open, its whole undo history (every recipe with its
//! label), the live recipe and a reference to its source are saved as a
//! [`Session`] after every change (at most one save per
//! [`MIN_INTERVAL_S`], so a slider drag is saved as it goes without writing
//! every frame). A clean exit removes it. If Lumen is killed or crashes,
//! the session stays behind, and the next start offers to restore it.
//!
//! What a save costs follows what changed, not how long the history is:
//! the [`Autosaver`] keeps each history entry's saved text, so only new
//! entries are serialized, and on the desktop they are appended to a
//! journal ([`journal`]) that is rewritten whole only now and then.
//!
//! Where sessions live is the platform's business: on the desktop, one file
//! per running editor in the app data directory, each guarded by a file
//! lock that the OS drops when the process dies (so a session whose lock
//! is free is an orphan, whatever the reason its editor stopped); on the
//! web, the origin-private file system (OPFS), which also keeps a copy of
//! the opened file's bytes, since a page cannot reopen a path. Either
//! store reports failed saves ([`StoreHealth`]) so that the editor can say
//! so until saving works again.

use std::path::PathBuf;

use lumen_kernels::Recipe;
use serde::{Deserialize, Serialize};

use crate::document::Document;

pub mod journal;
mod saver;
#[cfg(not(target_arch = "wasm32"))]
mod store_native;

pub use saver::{Autosaver, Save, SaveAction};
#[cfg(not(target_arch = "wasm32"))]
pub use store_native::{SessionStore, default_data_dir};
#[cfg(target_arch = "wasm32")]
mod store_web;
#[cfg(target_arch = "wasm32")]
pub use store_web::SessionStore;

/// A session left behind by an editor that did not exit cleanly.
#[derive(Clone, Debug)]
pub struct Orphan {
    /// The saved session.
    pub session: Session,
    /// Where the store keeps it (a file path on the desktop).
    pub key: String,
    /// [`Session::summary`], computed once (a long history makes it slow).
    pub summary: String,
    /// Why the session may be out of date (autosave was failing when its
    /// editor stopped, or its last write was cut short); `None` if not.
    pub warning: Option<String>,
}

impl Orphan {
    /// An orphan of `session`, found under `key`.
    pub fn new(session: Session, key: String, warning: Option<String>) -> Self {
        Self {
            summary: session.summary(),
            session,
            key,
            warning,
        }
    }
}

/// The largest session file read back, in bytes (64 MiB). A session that
/// would be larger is saved without its undo history (the current state
/// only), so what is written can always be read.
pub const MAX_SESSION_BYTES: u64 = 64 << 20;

/// How the store's saves are going.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreHealth {
    /// Why the last save failed, while saves fail; `None` once one works.
    pub failing: Option<String>,
    /// The undo history is too long to save; only the current state is.
    pub collapsed: bool,
}

/// The session format version this build writes and reads.
pub const SESSION_VERSION: u32 = 1;

/// The least time between two autosaves, in seconds.
pub const MIN_INTERVAL_S: f64 = 0.5;

/// Where a session's source image comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceRef {
    /// The bundled sample image.
    Sample,
    /// A file on disk, with its length when it was opened (a changed
    /// length means the file was replaced since).
    File {
        /// The file's path.
        path: PathBuf,
        /// Its length in bytes when opened.
        len: u64,
    },
    /// A copy of the opened file's bytes kept by the platform's session
    /// store (the web, where a page cannot reopen a path).
    Stored,
}

/// One saved history entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedEntry {
    /// The label shown in the history panel.
    pub label: String,
    /// The recipe after this entry, as recipe JSON.
    pub recipe: String,
}

/// Everything needed to bring a document back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Format version, [`SESSION_VERSION`].
    pub lumen_session: u32,
    /// The document's display name.
    pub name: String,
    /// Where the source image comes from.
    pub source: SourceRef,
    /// The source image's size when the session was saved, pixels (absent
    /// in sessions of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_size: Option<(u32, u32)>,
    /// The undo history, oldest first.
    pub history: Vec<SavedEntry>,
    /// The index of the current history entry.
    pub current: usize,
    /// The live recipe (differs from the current entry while an edit, such
    /// as a slider drag, is in progress).
    pub live: String,
}

/// A session restored into plain values, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Restored {
    /// History entries as (label, recipe).
    pub entries: Vec<(String, Recipe)>,
    /// The current entry.
    pub current: usize,
    /// The live recipe.
    pub live: Recipe,
}

impl Session {
    /// The session of an open document.
    pub fn of(doc: &Document, source: SourceRef) -> Self {
        let (entries, current) = doc.history_entries();
        Self {
            lumen_session: SESSION_VERSION,
            name: doc.name.clone(),
            source,
            source_size: Some((doc.source.width(), doc.source.height())),
            history: entries
                .into_iter()
                .map(|(label, recipe)| SavedEntry {
                    label,
                    recipe: recipe.to_json(),
                })
                .collect(),
            current,
            live: doc.recipe().to_json(),
        }
    }

    /// The JSON text written to the store.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses and checks a stored session; the error says what is wrong.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let session: Self =
            serde_json::from_str(text).map_err(|e| format!("not a Lumen session: {e}"))?;
        if session.lumen_session != SESSION_VERSION {
            return Err(format!(
                "session format {} is not supported (this Lumen reads {SESSION_VERSION})",
                session.lumen_session
            ));
        }
        session.restored()?;
        Ok(session)
    }

    /// Parses a stored session in either format: a journal (the
    /// desktop's) or whole-file JSON ([`Session::from_json`]). Also says
    /// whether a journal's last line was cut short (and ignored).
    pub fn parse(text: &str) -> Result<(Self, bool), String> {
        if journal::is_journal(text) {
            journal::parse(text)
        } else {
            Self::from_json(text).map(|s| (s, false))
        }
    }

    /// The history and live recipe, parsed.
    pub fn restored(&self) -> Result<Restored, String> {
        let entries = self
            .history
            .iter()
            .enumerate()
            .map(|(i, e)| {
                Recipe::from_json(&e.recipe)
                    .map(|r| (e.label.clone(), r))
                    .map_err(|err| format!("history entry {}: {err}", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.current >= entries.len() {
            return Err(format!(
                "current entry {} is outside the {}-entry history",
                self.current,
                entries.len()
            ));
        }
        let live = Recipe::from_json(&self.live).map_err(|e| format!("live recipe: {e}"))?;
        Ok(Restored {
            entries,
            current: self.current,
            live,
        })
    }

    /// True when there is anything to lose: an edit beyond opening.
    pub fn has_edits(&self) -> bool {
        self.history.len() > 1
            || self
                .restored()
                .is_ok_and(|r| r.live != r.entries[r.current].1)
    }

    /// A one-line description for the restore prompt.
    pub fn summary(&self) -> String {
        let steps = self
            .restored()
            .map_or(0, |r| r.live.steps.len())
            .to_string();
        let edits = self.history.len().saturating_sub(1);
        format!("{}: {steps} step(s), {edits} edit(s)", self.name)
    }

    /// Puts the saved history into `doc` (whose source must already be the
    /// session's source).
    pub fn restore_into(&self, doc: &mut Document) -> Result<(), String> {
        let r = self.restored()?;
        doc.restore_history(r.entries, r.current, r.live)
            .ok_or_else(|| "the saved history is empty".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use lumen_kernels::spec::GaussianBlurParams;
    use lumen_kernels::{FilterSpec, RgbaImage};

    use super::*;

    fn doc() -> Document {
        Document::new(Arc::new(RgbaImage::new(2, 2).unwrap()), "t.png")
    }

    fn blur(s: f32) -> FilterSpec {
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: s })
    }

    #[test]
    fn a_session_round_trips_history_and_live_edit() {
        let mut d = doc();
        d.add_step(blur(1.0));
        d.add_step(blur(2.0));
        d.undo();
        d.edit_step(0, blur(5.0)); // in progress, not committed
        let s = Session::of(&d, SourceRef::Sample);
        let text = s.to_json();
        let back = Session::from_json(&text).unwrap();
        assert_eq!(back, s);
        assert!(back.has_edits());

        let mut fresh = doc();
        back.restore_into(&mut fresh).unwrap();
        assert_eq!(fresh.recipe(), d.recipe());
        assert_eq!(fresh.history().0, d.history().0);
        assert_eq!(fresh.history().1, d.history().1);
        assert!(fresh.is_dirty());
        // Committing the restored live edit records it, as it would have.
        fresh.commit();
        assert_eq!(fresh.history().0.last(), Some(&"Restored edit"));

        // Without a live edit, redo reaches the undone step.
        let mut d = doc();
        d.add_step(blur(1.0));
        d.add_step(blur(2.0));
        d.undo();
        let mut fresh = doc();
        Session::of(&d, SourceRef::Sample)
            .restore_into(&mut fresh)
            .unwrap();
        assert!(fresh.redo());
        assert_eq!(fresh.steps().len(), 2);
    }

    #[test]
    fn bad_sessions_are_rejected_with_a_reason() {
        assert!(
            Session::from_json("")
                .unwrap_err()
                .contains("not a Lumen session")
        );
        let mut s = Session::of(&doc(), SourceRef::Sample);
        s.lumen_session = 99;
        assert!(
            Session::from_json(&s.to_json())
                .unwrap_err()
                .contains("format 99")
        );
        let mut s = Session::of(&doc(), SourceRef::Sample);
        s.current = 5;
        assert!(
            Session::from_json(&s.to_json())
                .unwrap_err()
                .contains("outside")
        );
        let mut s = Session::of(&doc(), SourceRef::Sample);
        s.history[0].recipe = r#"{"lumen_recipe":1,"steps":[{"filter":"nope"}]}"#.into();
        assert!(
            Session::from_json(&s.to_json())
                .unwrap_err()
                .contains("history entry 1")
        );
    }
}
