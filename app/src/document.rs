//! The document: a source image, a recipe of steps, and the history of
//! recipe edits. Pure data and logic, no UI and no threads, so every rule
//! here is unit-tested.

use std::sync::Arc;

use lumen_kernels::{FilterSpec, Recipe, RgbaImage, Step};

/// One entry of the undo history: the recipe after an edit, and its label.
#[derive(Clone, Debug)]
struct Entry {
    id: u64,
    label: String,
    recipe: Recipe,
}

/// An open image and its edits.
pub struct Document {
    /// The decoded source image (never modified).
    pub source: Arc<RgbaImage>,
    /// The name shown in the title and used for default export names.
    pub name: String,
    /// Where it was opened from, if from a file.
    pub path: Option<std::path::PathBuf>,
    /// Where the last export went, reused by a plain Save.
    pub export_path: Option<std::path::PathBuf>,
    /// The source file's EXIF, XMP and IPTC, carried into exports.
    pub metadata: crate::metadata::Metadata,
    /// The live recipe; differs from the history's current entry only while
    /// an edit is in progress (a slider drag), until [`Document::commit`].
    recipe: Recipe,
    pending_label: Option<String>,
    /// The step the in-progress edit changes.
    pending_step: Option<usize>,
    history: Vec<Entry>,
    current: usize,
    next_id: u64,
    saved_id: Option<u64>,
}

impl Document {
    /// A document with an empty recipe.
    pub fn new(source: Arc<RgbaImage>, name: impl Into<String>) -> Self {
        Self {
            source,
            name: name.into(),
            path: None,
            export_path: None,
            metadata: crate::metadata::Metadata::default(),
            recipe: Recipe::default(),
            pending_label: None,
            pending_step: None,
            history: vec![Entry {
                id: 0,
                label: "Open".into(),
                recipe: Recipe::default(),
            }],
            current: 0,
            next_id: 1,
            saved_id: Some(0),
        }
    }

    /// The live recipe.
    pub fn recipe(&self) -> &Recipe {
        &self.recipe
    }

    /// The steps of the live recipe.
    pub fn steps(&self) -> &[Step] {
        &self.recipe.steps
    }

    fn push(&mut self, label: String) {
        self.pending_label = None;
        self.pending_step = None;
        self.history.truncate(self.current + 1);
        self.history.push(Entry {
            id: self.next_id,
            label,
            recipe: self.recipe.clone(),
        });
        self.next_id += 1;
        self.current = self.history.len() - 1;
    }

    /// Records any in-progress edit as one history entry.
    pub fn commit(&mut self) {
        let step = self.pending_step.take();
        if let Some(label) = self.pending_label.take()
            && self.recipe != self.history[self.current].recipe
        {
            // Name the values an edit of one step changed.
            let old = &self.history[self.current].recipe.steps;
            let label = step
                .and_then(|i| Some((old.get(i)?, self.recipe.steps.get(i)?)))
                .filter(|(a, b)| a.spec.name() == b.spec.name() && old.len() == self.steps().len())
                .map_or(label, |(a, b)| {
                    crate::history_label::edit_label(&a.spec, &b.spec)
                });
            self.push(label);
        }
    }

    /// Appends a step with the given filter.
    pub fn add_step(&mut self, spec: FilterSpec) {
        self.commit();
        let label = format!("Add {}", spec.label());
        self.recipe.steps.push(Step::new(spec));
        self.push(label);
    }

    /// Changes a step's parameters while an edit is in progress (e.g. during
    /// a slider drag): the live recipe changes at once, and the history gets
    /// one entry for the whole edit on [`Document::commit`].
    pub fn edit_step(&mut self, index: usize, spec: FilterSpec) {
        if self.pending_step.is_some_and(|i| i != index) {
            self.commit(); // another step's edit is its own entry
        }
        let Some(step) = self.recipe.steps.get_mut(index) else {
            return;
        };
        if step.spec == spec {
            return;
        }
        let label = format!("Edit {}", spec.label());
        step.spec = spec;
        self.pending_label = Some(label);
        self.pending_step = Some(index);
    }

    /// Turns a step on or off.
    pub fn toggle_step(&mut self, index: usize) {
        self.commit();
        let Some(step) = self.recipe.steps.get_mut(index) else {
            return;
        };
        step.enabled = !step.enabled;
        let verb = if step.enabled { "Enable" } else { "Disable" };
        let label = format!("{verb} {}", step.spec.label());
        self.push(label);
    }

    /// Removes a step.
    pub fn remove_step(&mut self, index: usize) {
        self.commit();
        if index >= self.recipe.steps.len() {
            return;
        }
        let step = self.recipe.steps.remove(index);
        self.push(format!("Remove {}", step.spec.label()));
    }

    /// Moves the step at `from` to position `to`.
    pub fn move_step(&mut self, from: usize, to: usize) {
        self.commit();
        let n = self.recipe.steps.len();
        if from >= n || to >= n || from == to {
            return;
        }
        let step = self.recipe.steps.remove(from);
        let label = format!("Move {}", step.spec.label());
        self.recipe.steps.insert(to, step);
        self.push(label);
    }

    /// Replaces the whole recipe (loading a recipe file).
    pub fn set_recipe(&mut self, recipe: Recipe, label: impl Into<String>) {
        self.commit();
        self.recipe = recipe;
        self.push(label.into());
    }

    /// Steps back one edit; false if there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        self.commit();
        if self.current == 0 {
            return false;
        }
        self.jump_to(self.current - 1);
        true
    }

    /// Steps forward one edit; false if there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        self.commit();
        if self.current + 1 >= self.history.len() {
            return false;
        }
        self.jump_to(self.current + 1);
        true
    }

    /// Moves to history entry `index` (as listed by [`Document::history`]).
    pub fn jump_to(&mut self, index: usize) {
        self.commit();
        if let Some(entry) = self.history.get(index) {
            self.recipe = entry.recipe.clone();
            self.current = index;
        }
    }

    /// Whether undo would do anything.
    pub fn can_undo(&self) -> bool {
        self.current > 0 || self.pending_label.is_some()
    }

    /// Whether redo would do anything.
    pub fn can_redo(&self) -> bool {
        self.current + 1 < self.history.len()
    }

    /// History labels, oldest first, and the index of the current one.
    pub fn history(&self) -> (Vec<&str>, usize) {
        (
            self.history.iter().map(|e| e.label.as_str()).collect(),
            self.current,
        )
    }

    /// True when the recipe differs from what was last exported or saved.
    pub fn is_dirty(&self) -> bool {
        self.pending_label.is_some() || self.saved_id != Some(self.history[self.current].id)
    }

    /// Marks the current state as saved (after a successful export).
    pub fn mark_saved(&mut self) {
        self.commit();
        self.saved_id = Some(self.history[self.current].id);
    }

    /// The whole history as (label, recipe) pairs, oldest first, and the
    /// index of the current entry: what autosave keeps.
    pub fn history_entries(&self) -> (Vec<(String, Recipe)>, usize) {
        let entries = self
            .history
            .iter()
            .map(|e| (e.label.clone(), e.recipe.clone()))
            .collect();
        (entries, self.current)
    }

    /// How many entries the history has.
    pub fn history_len(&self) -> usize {
        self.history.len()
    }

    /// History entry `index`: its id (never reused within this document,
    /// so a changed id at an index means the entry was replaced), label
    /// and recipe.
    pub fn history_entry(&self, index: usize) -> Option<(u64, &str, &Recipe)> {
        self.history
            .get(index)
            .map(|e| (e.id, e.label.as_str(), &e.recipe))
    }

    /// The index of the current history entry.
    pub fn current_index(&self) -> usize {
        self.current
    }

    /// A counter that changes whenever the history changes (an edit, undo,
    /// redo or jump); with the live recipe it tells autosave what is new.
    pub fn revision(&self) -> (u64, usize) {
        (self.next_id, self.current)
    }

    /// Replaces the history with restored entries (crash recovery). The
    /// live recipe becomes `live` (an edit that was in progress), and the
    /// document counts as unsaved. `None` if `entries` is empty or
    /// `current` is out of range.
    pub fn restore_history(
        &mut self,
        entries: Vec<(String, Recipe)>,
        current: usize,
        live: Recipe,
    ) -> Option<()> {
        if current >= entries.len() {
            return None;
        }
        self.history = entries
            .into_iter()
            .enumerate()
            .map(|(i, (label, recipe))| Entry {
                id: i as u64,
                label,
                recipe,
            })
            .collect();
        self.next_id = self.history.len() as u64;
        self.current = current;
        self.pending_label = (live != self.history[current].recipe).then(|| "Restored edit".into());
        self.pending_step = None;
        self.recipe = live;
        self.saved_id = None;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumen_kernels::spec::{GammaParams, GaussianBlurParams};

    fn doc() -> Document {
        Document::new(Arc::new(RgbaImage::new(2, 2).unwrap()), "t")
    }

    fn blur(s: f32) -> FilterSpec {
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: s })
    }

    #[test]
    fn undo_redo_walks_the_history() {
        let mut d = doc();
        assert!(!d.is_dirty());
        d.add_step(blur(1.0));
        d.add_step(FilterSpec::Gamma(GammaParams { gamma: 2.0 }));
        assert_eq!(d.steps().len(), 2);
        assert!(d.undo());
        assert_eq!(d.steps().len(), 1);
        assert!(d.undo());
        assert!(d.steps().is_empty());
        assert!(!d.undo());
        assert!(d.redo() && d.redo());
        assert_eq!(d.steps().len(), 2);
        assert!(!d.redo());
        assert!(d.is_dirty());
    }

    #[test]
    fn a_drag_is_one_history_entry() {
        let mut d = doc();
        d.add_step(blur(1.0));
        for s in 2..20 {
            d.edit_step(0, blur(s as f32));
        }
        d.commit();
        let (labels, cur) = d.history();
        assert_eq!(labels[..2], ["Open", "Add Gaussian blur"]);
        assert!(labels[2].ends_with("1.0 -> 19.0"), "{}", labels[2]);
        assert_eq!(cur, 2);
        assert!(d.undo());
        assert_eq!(d.steps()[0].spec, blur(1.0));
    }

    #[test]
    fn undo_during_a_drag_commits_then_undoes_it() {
        let mut d = doc();
        d.add_step(blur(1.0));
        d.edit_step(0, blur(5.0));
        assert!(d.can_undo());
        assert!(d.undo());
        assert_eq!(d.steps()[0].spec, blur(1.0));
        assert!(d.redo());
        assert_eq!(d.steps()[0].spec, blur(5.0));
    }

    #[test]
    fn a_new_edit_drops_the_redo_branch() {
        let mut d = doc();
        d.add_step(blur(1.0));
        d.add_step(blur(2.0));
        d.undo();
        d.add_step(FilterSpec::from_name("invert").unwrap());
        assert!(!d.can_redo());
        assert_eq!(d.history().0.len(), 3);
    }

    #[test]
    fn toggle_move_remove_and_dirty_tracking() {
        let mut d = doc();
        d.add_step(blur(1.0));
        d.add_step(FilterSpec::from_name("invert").unwrap());
        d.mark_saved();
        assert!(!d.is_dirty());
        d.toggle_step(0);
        assert!(!d.steps()[0].enabled);
        assert!(d.is_dirty());
        d.move_step(0, 1);
        assert_eq!(d.steps()[1].spec, blur(1.0));
        d.remove_step(1);
        assert_eq!(d.steps().len(), 1);
        // Out-of-range indices are ignored, not panics.
        d.remove_step(9);
        d.move_step(0, 9);
        d.toggle_step(9);
        d.edit_step(9, blur(3.0));
        assert_eq!(d.steps().len(), 1);
        // Undoing back to the saved state is clean again.
        d.undo();
        d.undo();
        d.undo();
        assert!(!d.is_dirty());
    }
}
