//! Messages for the user. Errors stay, in a banner under the menu, until
//! the user dismisses them (a later "Opened ..." never hides one); the
//! latest confirmation shows in the status bar. Autosave's trouble has its
//! own banner, which stays for as long as autosave is off or failing.

use super::{LumenApp, Notice};

/// The most errors kept at once; older ones give way to newer.
const MAX_ERRORS: usize = 6;

/// The messages being shown.
#[derive(Default)]
pub struct Notices {
    items: Vec<Notice>,
}

impl Notices {
    /// Adds a message: a confirmation replaces the previous confirmation;
    /// an error joins the others (once, however often it is repeated).
    pub fn push(&mut self, notice: Notice) {
        if notice.is_error {
            self.items.retain(|n| n.text != notice.text);
        } else {
            self.items.retain(|n| n.is_error);
        }
        self.items.push(notice);
        while self.items.iter().filter(|n| n.is_error).count() > MAX_ERRORS {
            if let Some(i) = self.items.iter().position(|n| n.is_error) {
                self.items.remove(i);
            }
        }
    }

    /// Every message shown, oldest first.
    pub fn all(&self) -> &[Notice] {
        &self.items
    }

    /// Removes message `index` of [`Notices::all`].
    pub fn dismiss(&mut self, index: usize) {
        if index < self.items.len() {
            self.items.remove(index);
        }
    }
}

impl LumenApp {
    /// The newest message for the user.
    pub fn notice(&self) -> Option<&Notice> {
        self.notices.all().last()
    }

    /// Every message shown (errors until dismissed, the last
    /// confirmation), oldest first.
    pub fn notices(&self) -> &[Notice] {
        self.notices.all()
    }

    /// Dismisses message `index` of [`LumenApp::notices`].
    pub fn dismiss_notice(&mut self, index: usize) {
        self.notices.dismiss(index);
    }

    pub(super) fn set_notice(&mut self, text: impl Into<String>, is_error: bool) {
        self.notices.push(Notice {
            text: text.into(),
            is_error,
        });
    }

    /// What the autosave banner says: autosave is off, or failing, or
    /// saves only the current state; `None` while it works.
    pub fn autosave_banner(&self) -> Option<String> {
        if let Some(why) = &self.autosave_off {
            return Some(format!(
                "Autosave is off: {why}. If Lumen stops unexpectedly, your edits are lost."
            ));
        }
        let store = self.store.as_ref()?;
        if let Some(why) = store.health().failing {
            return Some(format!(
                "Autosave is failing: {why}. Your latest edits are not saved; Lumen keeps \
                 trying."
            ));
        }
        self.autosaver.collapsed().then(|| {
            "The undo history is too long to autosave: only the current state is saved.".to_owned()
        })
    }

    /// Follows the store's health: a lost save makes the next one whole.
    pub(super) fn watch_autosave(&mut self) {
        if self.store.as_ref().is_some_and(|s| s.take_lost()) {
            self.autosaver.resave_all();
        }
    }

    /// The banners under the menu: autosave's, and each error with its
    /// dismiss button.
    pub(super) fn banners_ui(&mut self, ui: &mut egui::Ui) {
        let autosave = self.autosave_banner();
        let errors: Vec<(usize, String)> = self
            .notices
            .all()
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_error)
            .map(|(i, n)| (i, n.text.clone()))
            .collect();
        if autosave.is_none() && errors.is_empty() {
            return;
        }
        let mut dismiss = None;
        egui::Panel::top("banners").show(ui, |ui| {
            let red = ui.visuals().error_fg_color;
            if let Some(text) = &autosave {
                ui.colored_label(red, egui::RichText::new(text).strong());
            }
            for (i, text) in &errors {
                ui.horizontal(|ui| {
                    if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                        dismiss = Some(*i);
                    }
                    ui.colored_label(red, text);
                });
            }
        });
        if let Some(i) = dismiss {
            self.notices.dismiss(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str, is_error: bool) -> Notice {
        Notice {
            text: text.into(),
            is_error,
        }
    }

    #[test]
    fn errors_stay_until_dismissed_and_confirmations_replace_each_other() {
        let mut all = Notices::default();
        all.push(n("a session could not be read", true));
        all.push(n("Opened a.png", false));
        all.push(n("Exported a.png", false));
        let texts: Vec<&str> = all.all().iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["a session could not be read", "Exported a.png"]);
        all.push(n("a session could not be read", true));
        assert_eq!(all.all().len(), 2, "an error is shown once");
        all.dismiss(1);
        all.dismiss(0);
        assert!(all.all().is_empty());
        for i in 0..20 {
            all.push(n(&format!("error {i}"), true));
        }
        assert_eq!(all.all().len(), MAX_ERRORS);
        assert_eq!(all.all()[0].text, "error 14");
    }
}
