//! The command palette (Ctrl+K): type part of a filter's name, label,
//! description or a common word for it ("sharpen", "white balance"); Enter
//! adds it.

use egui::{Key, Ui};
use lumen_kernels::registry::FilterEntry;
use lumen_kernels::spec::{FILTERS, label_of};

/// Palette state.
#[derive(Default)]
pub struct Palette {
    /// Whether the palette is showing.
    pub open: bool,
    query: String,
    selected: usize,
}

/// The lower-case words of `texts`, split at spaces, underscores and
/// punctuation.
fn words_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    texts
        .into_iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How well `entry` matches the lower-case words of a query: 3 when every
/// word starts a word of its name or label, 2 of those or its keywords, 1
/// when every word occurs anywhere (the description too), 0 for no match.
fn score(entry: &FilterEntry, query: &[String]) -> u8 {
    let info = entry.info;
    let title = words_of([info.name, info.label]);
    let mut known = title.clone();
    known.extend(words_of(info.keywords.iter().copied()));
    let starts = |words: &[String]| {
        query
            .iter()
            .all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
    };
    if starts(&title) {
        return 3;
    }
    if starts(&known) {
        return 2;
    }
    let everything = format!(
        "{} {} {} {}",
        info.name,
        info.label.to_lowercase(),
        info.keywords.join(" "),
        info.description.to_lowercase()
    );
    u8::from(query.iter().all(|q| everything.contains(q.as_str())))
}

/// The filter names matching `query` (case-insensitive, on name, label,
/// keywords and description), best matches first, then in menu order.
pub fn matches(query: &str) -> Vec<&'static str> {
    let words = words_of([query]);
    if words.is_empty() {
        return FILTERS.iter().map(|e| e.info.name).collect();
    }
    let mut found: Vec<(u8, usize, &'static str)> = FILTERS
        .iter()
        .enumerate()
        .map(|(i, e)| (score(e, &words), i, e.info.name))
        .filter(|(s, _, _)| *s > 0)
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().map(|(_, _, n)| n).collect()
}

/// A filter's one-line description, by stable name.
fn description_of(name: &str) -> &'static str {
    FILTERS
        .iter()
        .find(|e| e.info.name == name)
        .map_or("", |e| e.info.description)
}

impl Palette {
    /// Opens the palette with `query` already typed.
    pub fn show(&mut self, query: String) {
        self.open = true;
        self.query = query;
        self.selected = 0;
    }

    /// Draws the palette; returns the chosen filter name, if any.
    pub fn ui(&mut self, ui: &mut Ui) -> Option<&'static str> {
        if !self.open {
            return None;
        }
        let mut chosen = None;
        // The list scrolls within what the window leaves, so the search
        // field and every filter stay reachable on a small screen.
        let screen = ui.ctx().content_rect();
        let list_height = (screen.height() - 150.0).max(80.0);
        let modal = egui::Modal::new(egui::Id::unique("command_palette")).show(ui.ctx(), |ui| {
            ui.set_width((screen.width() - 48.0).clamp(200.0, 420.0));
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
            egui::ScrollArea::vertical()
                .max_height(list_height)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for (i, name) in found.iter().enumerate() {
                        let text = format!("{}   ({name})", label_of(name));
                        let item = ui
                            .selectable_label(i == self.selected, text)
                            .on_hover_text(description_of(name));
                        if i == self.selected && (up || down) {
                            item.scroll_to_me(None);
                        }
                        if item.clicked() {
                            chosen = Some(*name);
                        }
                    }
                });
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
        assert_eq!(matches("").len(), lumen_kernels::spec::FILTERS.len());
        assert!(matches("zzz").is_empty());
        assert!(matches("contrast").contains(&"brightness_contrast"));
    }

    /// The words people use for a filter find it first, though they are
    /// not in its name.
    #[test]
    fn matching_uses_common_words() {
        for (query, name) in [
            ("sharpen", "unsharp_mask"),
            ("white balance", "temperature_tint"),
            ("straighten", "rotate_angle"),
            ("scale", "resize"),
            ("mirror", "flip"),
            ("negative", "invert"),
        ] {
            assert_eq!(matches(query).first(), Some(&name), "{query}");
        }
        // Words of the description count too, after better matches.
        assert!(matches("speckles").contains(&"median"));
    }
}
