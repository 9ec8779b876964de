//! [`Autosaver`]: decides when the open document needs saving and what to
//! save, at a cost that follows the change, not the history's length.

use lumen_kernels::Recipe;

use super::{MAX_SESSION_BYTES, MIN_INTERVAL_S, SESSION_VERSION, SavedEntry, Session, SourceRef};
use crate::document::Document;

/// A journal is rewritten whole once what was appended since the last
/// rewrite exceeds the larger of this and the last rewrite's size (so
/// rewrites cost O(1) per change on average).
const COMPACT_MIN_BYTES: usize = 256 << 10;

/// What to save: the whole session, or what changed since the last save.
#[derive(Clone, Debug, PartialEq)]
pub struct Save {
    /// The whole session, when the store must (re)write everything: the
    /// first save of a document, a store that always writes whole files,
    /// a journal due for compaction, or after a failed save.
    pub full: Option<Session>,
    /// History entries that are new since the last save, with their index
    /// (an index below the saved length replaces the entries from there).
    pub entries: Vec<(usize, SavedEntry)>,
    /// The current entry.
    pub current: usize,
    /// The live recipe, as recipe JSON.
    pub live: String,
}

/// What [`Autosaver::check`] asks the caller to do.
#[derive(Debug, PartialEq)]
pub enum SaveAction {
    /// Nothing has changed.
    Nothing,
    /// Save this now.
    Save(Save),
    /// Something changed; ask again after this many seconds.
    Later(f64),
}

/// Decides when the open document needs saving: whenever its history or
/// live recipe differs from what was last saved, at most once per
/// [`MIN_INTERVAL_S`]. Keeps the saved text of every history entry by its
/// id, so each save serializes only new entries.
pub struct Autosaver {
    /// The document state last saved: its revision and live recipe.
    state: Option<((u64, usize), Recipe)>,
    /// The saved entries, in history order, with their document ids.
    entries: Vec<(u64, SavedEntry)>,
    /// Whether the store holds this document's session at all.
    started: bool,
    /// Bytes appended since the last whole write, and that write's size.
    appended: usize,
    full_len: usize,
    /// Every save is whole (a store that cannot append, or a history too
    /// long to save whole: then only the current state is saved).
    whole_file: bool,
    collapsed: bool,
    /// The next save rewrites everything (a save was lost).
    force_whole: bool,
    last_save_s: f64,
}

impl Default for Autosaver {
    /// An autosaver for this platform's store.
    fn default() -> Self {
        Self::new(!super::SessionStore::APPENDS)
    }
}

fn entry_len(e: &SavedEntry) -> usize {
    e.label.len() + e.recipe.len() + 64
}

impl Autosaver {
    /// An autosaver whose saves are all whole (`whole_file`) or appended.
    pub fn new(whole_file: bool) -> Self {
        Self {
            state: None,
            entries: Vec::new(),
            started: false,
            appended: 0,
            full_len: 0,
            whole_file,
            collapsed: false,
            force_whole: false,
            last_save_s: f64::NEG_INFINITY,
        }
    }

    /// Forgets what was saved (a new document was opened).
    pub fn reset(&mut self) {
        *self = Self::new(self.whole_file);
    }

    /// The store lost saves (a write failed): the next save, no sooner
    /// than [`MIN_INTERVAL_S`] after the last, rewrites the whole session.
    pub fn resave_all(&mut self) {
        self.force_whole = true;
        self.state = None;
    }

    /// Whether the last whole save left out the undo history because it
    /// would not fit [`MAX_SESSION_BYTES`].
    pub fn collapsed(&self) -> bool {
        self.collapsed
    }

    /// Checks `doc` at time `now_s` (seconds, any monotonic origin).
    pub fn check(&mut self, doc: &Document, source: &SourceRef, now_s: f64) -> SaveAction {
        let revision = doc.revision();
        if self
            .state
            .as_ref()
            .is_some_and(|(rev, recipe)| *rev == revision && recipe == doc.recipe())
        {
            return SaveAction::Nothing;
        }
        let since = now_s - self.last_save_s;
        if self.started && since < MIN_INTERVAL_S {
            return SaveAction::Later(MIN_INTERVAL_S - since);
        }
        self.state = Some((revision, doc.recipe().clone()));
        self.last_save_s = now_s;
        SaveAction::Save(self.save(doc, source))
    }

    /// Brings the kept entries up to the document's history; returns the
    /// index of the first new one.
    fn sync_entries(&mut self, doc: &Document) -> usize {
        let n = doc.history_len();
        let kept = (0..n.min(self.entries.len()))
            .find(|&i| doc.history_entry(i).map(|e| e.0) != Some(self.entries[i].0))
            .unwrap_or(n.min(self.entries.len()));
        self.entries.truncate(kept);
        for i in kept..n {
            if let Some((id, label, recipe)) = doc.history_entry(i) {
                self.entries.push((
                    id,
                    SavedEntry {
                        label: label.to_owned(),
                        recipe: recipe.to_json(),
                    },
                ));
            }
        }
        kept
    }

    fn save(&mut self, doc: &Document, source: &SourceRef) -> Save {
        let first_new = self.sync_entries(doc);
        let current = doc.current_index();
        let live = doc.recipe().to_json();
        let compact = self.appended > self.full_len.max(COMPACT_MIN_BYTES);
        if self.whole_file || self.collapsed || self.force_whole || !self.started || compact {
            return self.whole(doc, source, current, live);
        }
        let entries: Vec<(usize, SavedEntry)> = self.entries[first_new..]
            .iter()
            .enumerate()
            .map(|(k, (_, e))| (first_new + k, e.clone()))
            .collect();
        self.appended += entries.iter().map(|(_, e)| entry_len(e)).sum::<usize>() + live.len();
        Save {
            full: None,
            entries,
            current,
            live,
        }
    }

    fn whole(&mut self, doc: &Document, source: &SourceRef, current: usize, live: String) -> Save {
        let size: usize = self
            .entries
            .iter()
            .map(|(_, e)| entry_len(e))
            .sum::<usize>()
            + live.len()
            + 512;
        self.collapsed = size as u64 > MAX_SESSION_BYTES / 2;
        let (history, saved_current) = if self.collapsed {
            // Too long to save whole: keep the current state, not the
            // undo history (a restore then starts from here).
            let now = self.entries.get(current).map(|(_, e)| e.clone());
            (now.into_iter().collect(), 0)
        } else {
            (
                self.entries.iter().map(|(_, e)| e.clone()).collect(),
                current,
            )
        };
        self.started = true;
        self.force_whole = false;
        self.appended = 0;
        self.full_len = size;
        Save {
            full: Some(Session {
                lumen_session: SESSION_VERSION,
                name: doc.name.clone(),
                source: source.clone(),
                source_size: Some((doc.source.width(), doc.source.height())),
                history,
                current: saved_current,
                live: live.clone(),
            }),
            entries: Vec::new(),
            current,
            live,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use lumen_kernels::spec::GaussianBlurParams;
    use lumen_kernels::{FilterSpec, RgbaImage};

    use super::super::journal;
    use super::*;

    fn doc() -> Document {
        Document::new(Arc::new(RgbaImage::new(2, 2).unwrap()), "t.png")
    }

    fn blur(s: f32) -> FilterSpec {
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: s })
    }

    /// What a journal store would hold after these saves.
    fn apply(text: &mut String, save: &Save) {
        match journal::write_for(save) {
            journal::Write::Whole(t) => *text = t,
            journal::Write::Append(t) => text.push_str(&t),
        }
    }

    #[test]
    fn saves_each_change_once_and_throttles() {
        let mut d = doc();
        let mut a = Autosaver::new(false);
        let src = SourceRef::Sample;
        assert!(matches!(a.check(&d, &src, 0.0), SaveAction::Save(_)));
        assert_eq!(a.check(&d, &src, 0.1), SaveAction::Nothing);
        d.add_step(blur(1.0));
        assert!(matches!(a.check(&d, &src, 0.2), SaveAction::Later(_)));
        let SaveAction::Save(s) = a.check(&d, &src, 0.6) else {
            panic!("a change is saved once the interval has passed");
        };
        assert_eq!(s.entries.len(), 1, "only the new entry");
        assert_eq!(a.check(&d, &src, 5.0), SaveAction::Nothing);
        // A live (uncommitted) edit is saved too, with no entry.
        d.edit_step(0, blur(3.0));
        let SaveAction::Save(s) = a.check(&d, &src, 6.0) else {
            panic!("a live edit is saved");
        };
        assert!(s.entries.is_empty() && s.live.contains("3.0"));
    }

    #[test]
    fn appended_saves_rebuild_exactly_the_document() {
        let mut d = doc();
        let mut a = Autosaver::new(false);
        let src = SourceRef::Sample;
        let mut text = String::new();
        let mut t = 0.0;
        let mut step = |d: &Document, a: &mut Autosaver, text: &mut String| {
            t += 1.0;
            if let SaveAction::Save(s) = a.check(d, &src, t) {
                apply(text, &s);
            }
        };
        for i in 0..5 {
            d.add_step(blur(i as f32));
            step(&d, &mut a, &mut text);
        }
        d.undo();
        d.undo();
        step(&d, &mut a, &mut text);
        d.add_step(blur(9.0)); // replaces the redo branch
        step(&d, &mut a, &mut text);
        d.edit_step(0, blur(7.0)); // live
        step(&d, &mut a, &mut text);
        let (saved, torn) = journal::parse(&text).unwrap();
        assert!(!torn);
        assert_eq!(saved, Session::of(&d, src.clone()));
    }

    #[test]
    fn a_long_history_costs_only_its_new_entries() {
        let mut d = doc();
        for i in 0..20_000 {
            d.add_step(blur((i % 50) as f32));
            d.remove_step(0);
        }
        let mut a = Autosaver::new(false);
        let src = SourceRef::Sample;
        let SaveAction::Save(first) = a.check(&d, &src, 0.0) else {
            panic!("the first save");
        };
        assert_eq!(first.full.unwrap().history.len(), 40_001);
        d.add_step(blur(1.0));
        let SaveAction::Save(next) = a.check(&d, &src, 1.0) else {
            panic!("the next save");
        };
        assert!(next.full.is_none(), "appended, not rewritten");
        assert_eq!(next.entries.len(), 1);
        assert_eq!(next.entries[0].0, 40_001);
    }

    #[test]
    fn whole_file_stores_always_get_the_whole_session() {
        let mut d = doc();
        let mut a = Autosaver::new(true);
        let src = SourceRef::Sample;
        a.check(&d, &src, 0.0);
        d.add_step(blur(1.0));
        let SaveAction::Save(s) = a.check(&d, &src, 1.0) else {
            panic!("saved");
        };
        assert_eq!(s.full.unwrap(), Session::of(&d, src));
    }

    #[test]
    fn after_a_lost_save_everything_is_rewritten() {
        let mut d = doc();
        let mut a = Autosaver::new(false);
        let src = SourceRef::Sample;
        a.check(&d, &src, 0.0);
        d.add_step(blur(1.0));
        a.check(&d, &src, 1.0);
        a.resave_all();
        assert!(
            matches!(a.check(&d, &src, 1.1), SaveAction::Later(_)),
            "throttled"
        );
        let SaveAction::Save(s) = a.check(&d, &src, 2.0) else {
            panic!("saved again although nothing changed");
        };
        assert_eq!(s.full.unwrap(), Session::of(&d, src));
    }
}
