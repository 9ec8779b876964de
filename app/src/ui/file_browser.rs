//! The editor's own file browser, shown where no system file dialog is
//! available (see [`crate::dialogs`]): a path field with Tab completion,
//! the folder's entries (folders first, then files of the wanted types),
//! Up and Home, and Open/Save. A save to an existing file asks first.

use std::path::{Path, PathBuf};

use egui::{Key, Ui};

use crate::dialogs::{FileRequest, has_extension};

/// One entry of a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// File name.
    pub name: String,
    /// True for folders.
    pub is_dir: bool,
}

/// What the user did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Chose this path.
    Chosen(PathBuf),
    /// Closed the browser without choosing.
    Cancelled,
}

/// The browser's state.
pub struct FileBrowser {
    request: FileRequest,
    dir: PathBuf,
    field: String,
    listing: Result<Vec<Entry>, String>,
    all_files: bool,
    confirm_replace: Option<PathBuf>,
    error: Option<String>,
    first_frame: bool,
}

/// The id of the path field (tests find it by its label).
const FIELD_ID: &str = "file-browser-path";

/// The entries of `dir`: folders first, then files, each sorted by name
/// ignoring case; hidden entries (a leading dot) left out.
pub fn read_dir(dir: &Path) -> Result<Vec<Entry>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out: Vec<Entry> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            // Follow links, so a link to a folder is a folder.
            let is_dir = e.path().is_dir();
            (!name.starts_with('.')).then_some(Entry { name, is_dir })
        })
        .collect();
    out.sort_by_key(|e| (!e.is_dir, e.name.to_lowercase()));
    Ok(out)
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// `text` as a path: `~` is the home folder, and a relative path is taken
/// from `base`.
pub fn resolve(text: &str, base: &Path) -> PathBuf {
    let text = text.trim();
    let expanded = match (text.strip_prefix('~'), home_dir()) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(text),
    };
    if expanded.is_absolute() {
        expanded
    } else {
        base.join(expanded)
    }
}

/// Tab completion: extends the last part of `text` to the longest prefix
/// shared by the entries of its folder that start with it (a folder's
/// name gets a `/` once it is the only match). Unchanged if nothing
/// matches.
pub fn complete(text: &str, base: &Path) -> String {
    let (typed_dir, prefix) = match text.rfind('/') {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let dir = if typed_dir.is_empty() {
        base.to_path_buf()
    } else {
        resolve(typed_dir, base)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return text.to_owned();
    };
    let matches: Vec<(String, bool)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let shown = !name.starts_with('.') || prefix.starts_with('.');
            (shown && name.starts_with(prefix)).then(|| (name, e.path().is_dir()))
        })
        .collect();
    let Some((first, first_is_dir)) = matches.first() else {
        return text.to_owned();
    };
    let mut common = first.clone();
    for (name, _) in &matches[1..] {
        let shared = common
            .char_indices()
            .zip(name.chars())
            .find(|((_, a), b)| a != b)
            .map_or(common.len().min(name.len()), |((i, _), _)| i);
        common.truncate(shared);
    }
    let slash = if matches.len() == 1 && *first_is_dir {
        "/"
    } else {
        ""
    };
    format!("{typed_dir}{common}{slash}")
}

/// Puts the text cursor of the field `id` after the end of `text` (its
/// new content, set from outside the field).
fn cursor_to_end(ctx: &egui::Context, id: egui::Id, text: &str) {
    let mut state = egui::TextEdit::load_state(ctx, id).unwrap_or_default();
    let end = egui::text::CCursor::new(text.chars().count());
    state
        .cursor
        .set_char_range(Some(egui::text::CCursorRange::one(end)));
    egui::TextEdit::store_state(ctx, id, state);
    ctx.request_repaint();
}

fn with_slash(dir: &Path) -> String {
    let s = dir.display().to_string();
    if s.ends_with('/') { s } else { format!("{s}/") }
}

impl FileBrowser {
    /// A browser for `request`, in `start_dir` (else the working folder,
    /// else the home folder).
    pub fn new(request: FileRequest, start_dir: Option<PathBuf>) -> Self {
        let dir = start_dir
            .filter(|d| d.is_dir())
            .or_else(|| std::env::current_dir().ok())
            .or_else(home_dir)
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut browser = Self {
            request,
            dir: PathBuf::new(),
            field: String::new(),
            listing: Ok(Vec::new()),
            all_files: false,
            confirm_replace: None,
            error: None,
            first_frame: true,
        };
        browser.go_to(dir);
        browser
    }

    /// What is being asked.
    pub fn request(&self) -> &FileRequest {
        &self.request
    }

    /// The folder shown.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn go_to(&mut self, dir: PathBuf) {
        self.listing = read_dir(&dir);
        self.field = with_slash(&dir);
        if let Some(name) = self.request.default_name() {
            self.field.push_str(name);
        }
        self.dir = dir;
        self.error = None;
        self.confirm_replace = None;
    }

    /// The listing follows the folder typed in the field (the part up to
    /// its last `/`, once that is an existing folder other than the one
    /// shown), so a Tab-completed or typed folder shows its contents. The
    /// field is rewritten from that folder, keeping what follows the `/`,
    /// since a relative path would otherwise now be read from the new
    /// folder.
    /// True when it moved.
    fn follow_typed_folder(&mut self) -> bool {
        let Some(i) = self.field.rfind('/') else {
            return false;
        };
        let typed = resolve(&self.field[..=i], &self.dir);
        let dir = std::fs::canonicalize(&typed).unwrap_or(typed);
        if dir == self.dir || !dir.is_dir() {
            return false;
        }
        let rest = self.field[i + 1..].to_owned();
        self.listing = read_dir(&dir);
        self.field = with_slash(&dir) + &rest;
        self.dir = dir;
        true
    }

    fn wanted(&self, entry: &Entry) -> bool {
        entry.is_dir
            || self.all_files
            || has_extension(Path::new(&entry.name), self.request.extensions())
    }

    /// Interprets the path field: a folder is entered; a file is chosen
    /// if it suits the request (an existing one is replaced only after a
    /// second confirmation).
    fn accept(&mut self) -> Option<PathBuf> {
        let path = resolve(&self.field, &self.dir);
        if path.is_dir() {
            self.go_to(path);
            return None;
        }
        if !self.request.is_save() {
            if path.is_file() {
                return Some(path);
            }
            self.error = Some(format!("{} does not exist", path.display()));
            return None;
        }
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if self.field.trim().ends_with('/') || path.file_name().is_none() {
            self.error = Some("Type a file name to save to".into());
            return None;
        }
        if !parent.is_dir() {
            self.error = Some(format!("The folder {} does not exist", parent.display()));
            return None;
        }
        if path.exists() && self.confirm_replace.as_ref() != Some(&path) {
            self.confirm_replace = Some(path);
            return None;
        }
        Some(path)
    }

    /// Draws the browser; returns what the user did, once.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Outcome> {
        let mut outcome = None;
        let max_list = (ctx.content_rect().height() * 0.45).clamp(80.0, 360.0);
        let modal = egui::Modal::new(egui::Id::unique("file-browser")).show(ctx, |ui| {
            ui.set_width(ui.ctx().content_rect().width().min(620.0) - 40.0);
            ui.heading(self.request.title());
            ui.weak("No system file dialog is available here; this is Lumen's own.");
            self.nav_ui(ui);
            if self.field_ui(ui) {
                outcome = self.accept().map(Outcome::Chosen);
            }
            egui::ScrollArea::vertical()
                .max_height(max_list)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if let Some(o) = self.list_ui(ui) {
                        outcome = Some(o);
                    }
                });
            if let Some(o) = self.buttons_ui(ui) {
                outcome = Some(o);
            }
        });
        if outcome.is_none() && modal.should_close() {
            outcome = Some(Outcome::Cancelled);
        }
        self.first_frame = false;
        outcome
    }

    fn nav_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let parent = self.dir.parent().map(Path::to_path_buf);
            if ui
                .add_enabled(parent.is_some(), egui::Button::new("Up"))
                .on_hover_text("The parent folder")
                .clicked()
                && let Some(p) = parent
            {
                self.go_to(p);
            }
            if let Some(home) = home_dir()
                && ui.button("Home").clicked()
            {
                self.go_to(home);
            }
            ui.label(self.dir.display().to_string());
        });
    }

    /// The path field; true when Enter was pressed in it.
    fn field_ui(&mut self, ui: &mut Ui) -> bool {
        let id = egui::Id::unique(FIELD_ID);
        let had_focus = ui.memory(|m| m.has_focus(id));
        let label = ui.label("Path");
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut self.field)
                    .id(id)
                    .lock_focus(true)
                    .hint_text("Type a path; Tab completes")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if self.first_frame {
            edit.request_focus();
        }
        if edit.changed() {
            self.error = None;
            self.confirm_replace = None;
            if self.field.ends_with('/') && self.follow_typed_folder() {
                cursor_to_end(ui.ctx(), id, &self.field);
            }
        }
        // Completion after the field has taken this frame's typing, so a
        // Tab typed right after some letters completes them.
        if had_focus && ui.input(|i| i.key_pressed(Key::Tab)) {
            self.field = complete(&self.field, &self.dir);
            self.follow_typed_folder();
            cursor_to_end(ui.ctx(), id, &self.field);
        }
        edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
    }

    fn list_ui(&mut self, ui: &mut Ui) -> Option<Outcome> {
        let entries = match &self.listing {
            Ok(entries) => entries.clone(),
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
                return None;
            }
        };
        let entries: Vec<Entry> = entries.into_iter().filter(|e| self.wanted(e)).collect();
        for entry in &entries {
            let text = if entry.is_dir {
                format!("{}/", entry.name)
            } else {
                entry.name.clone()
            };
            let response = ui.selectable_label(false, text);
            let path = self.dir.join(&entry.name);
            if entry.is_dir && response.clicked() {
                self.go_to(path);
                return None;
            }
            if !entry.is_dir && response.double_clicked() {
                self.field = path.display().to_string();
                return self.accept().map(Outcome::Chosen);
            }
            if !entry.is_dir && response.clicked() {
                self.field = path.display().to_string();
                self.error = None;
                self.confirm_replace = None;
            }
        }
        if entries.is_empty() {
            ui.weak("No folders or matching files here");
        }
        None
    }

    fn buttons_ui(&mut self, ui: &mut Ui) -> Option<Outcome> {
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        if let Some(p) = &self.confirm_replace {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("{} exists. Press Replace to overwrite it.", p.display()),
            );
        }
        let mut outcome = None;
        ui.horizontal(|ui| {
            if !self.request.is_save() {
                ui.checkbox(&mut self.all_files, "All files");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let verb = match (self.request.is_save(), &self.confirm_replace) {
                    (true, Some(_)) => "Replace",
                    (true, None) => "Save",
                    (false, _) => "Open",
                };
                if ui.button(verb).clicked() {
                    outcome = self.accept().map(Outcome::Chosen);
                }
                if ui.button("Cancel").clicked() {
                    outcome = Some(Outcome::Cancelled);
                }
            });
        });
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_extends_to_the_shared_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        std::fs::create_dir(base.join("photos")).unwrap();
        std::fs::write(base.join("photo-1.png"), b"").unwrap();
        std::fs::write(base.join("photo-2.png"), b"").unwrap();
        std::fs::write(base.join(".hidden"), b"").unwrap();
        assert_eq!(complete("pho", base), "photo");
        assert_eq!(complete("photos", base), "photos/");
        assert_eq!(complete("photo-", base), "photo-");
        assert_eq!(complete("photo-1", base), "photo-1.png");
        assert_eq!(complete("zzz", base), "zzz");
        assert_eq!(complete(".hid", base), ".hidden");
        let abs = format!("{}/photos", base.display());
        assert_eq!(complete(&abs, base), format!("{abs}/"));
    }

    #[test]
    fn listing_puts_folders_first_and_hides_dotfiles() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.png"), b"").unwrap();
        std::fs::write(dir.path().join("A.jpg"), b"").unwrap();
        std::fs::write(dir.path().join(".x"), b"").unwrap();
        std::fs::create_dir(dir.path().join("zeta")).unwrap();
        let names: Vec<String> = read_dir(dir.path())
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["zeta", "A.jpg", "b.png"]);
        assert!(read_dir(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn saving_over_a_file_asks_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.png");
        std::fs::write(&target, b"old").unwrap();
        let request = FileRequest::ExportImage {
            default_name: "out.png".into(),
        };
        let mut b = FileBrowser::new(request, Some(dir.path().to_path_buf()));
        assert_eq!(b.accept(), None, "first Enter asks");
        assert_eq!(b.accept(), Some(target));
        b.field = format!("{}/missing/x.png", dir.path().display());
        assert_eq!(b.accept(), None);
        assert!(b.error.as_deref().unwrap_or("").contains("does not exist"));
    }
}
