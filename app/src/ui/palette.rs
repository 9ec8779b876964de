//! The command palette (Ctrl+K): type part of a filter's name, Enter adds it.

use egui::{Key, Ui};
use lumen_kernels::spec::{FILTER_NAMES, label_of};

/// Palette state.
#[derive(Default)]
pub struct Palette {
    /// Whether the palette is showing.
    pub open: bool,
    query: String,
    selected: usize,
}

/// The filter names matching `query` (case-insensitive, on name or label).
pub fn matches(query: &str) -> Vec<&'static str> {
    let q = query.trim().to_lowercase().replace(' ', "_");
    let q_label = query.trim().to_lowercase();
    FILTER_NAMES
        .iter()
        .copied()
        .filter(|n| n.contains(&q) || label_of(n).to_lowercase().contains(&q_label))
        .collect()
}

impl Palette {
    /// Opens the palette with an empty query.
    pub fn show(&mut self) {
        self.open = true;
        self.query.clear();
        self.selected = 0;
    }

    /// Draws the palette; returns the chosen filter name, if any.
    pub fn ui(&mut self, ui: &mut Ui) -> Option<&'static str> {
        if !self.open {
            return None;
        }
        let mut chosen = None;
        let modal = egui::Modal::new(egui::Id::unique("command_palette")).show(ui.ctx(), |ui| {
            ui.set_width(360.0);
            ui.heading("Add a filter");
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("Type a filter name…")
                    .desired_width(f32::INFINITY),
            );
            edit.request_focus();
            let found = matches(&self.query);
            if edit.changed() {
                self.selected = 0;
            }
            let (down, up, enter) = ui.input(|i| {
                (
                    i.key_pressed(Key::ArrowDown),
                    i.key_pressed(Key::ArrowUp),
                    i.key_pressed(Key::Enter),
                )
            });
            if down && self.selected + 1 < found.len() {
                self.selected += 1;
            }
            if up {
                self.selected = self.selected.saturating_sub(1);
            }
            for (i, name) in found.iter().enumerate() {
                let text = format!("{}   ({name})", label_of(name));
                if ui
                    .selectable_label(i == self.selected, text)
                    .on_hover_text(super::describe::description_of(name))
                    .clicked()
                {
                    chosen = Some(*name);
                }
            }
            if found.is_empty() {
                ui.weak("No filter matches");
            }
            if enter {
                chosen = chosen.or_else(|| found.get(self.selected).copied());
            }
        });
        if chosen.is_some() || modal.should_close() {
            self.open = false;
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn matching_uses_names_and_labels() {
        assert_eq!(matches("gauss"), ["gaussian_blur"]);
        assert_eq!(matches("Gaussian blur"), ["gaussian_blur"]);
        assert!(matches("").len() >= 12);
        assert!(matches("zzz").is_empty());
        assert!(matches("contrast").contains(&"brightness_contrast"));
    }
}
