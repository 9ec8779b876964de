//! Asking the user for files: the system dialog on a background thread
//! (the editor keeps drawing), or the editor's own browser where there is
//! no system dialog, and what happens with the answer.

use std::path::PathBuf;

use super::LumenApp;
use crate::dialogs::FileRequest;
use crate::platform::{self, Started};
use crate::ui::file_browser::{FileBrowser, Outcome};

impl LumenApp {
    /// Asks for a file (one dialog at a time).
    pub(super) fn ask_file(&mut self, request: FileRequest) {
        if self.dialog_open || self.file_browser.is_some() {
            self.set_notice("A file dialog is already open", false);
            return;
        }
        let start = self.start_dir();
        let started = if self.builtin_dialogs {
            Started::BuiltIn(request)
        } else {
            platform::start_file_dialog(
                &self.dialogs,
                request,
                start.clone(),
                &self.tasks,
                self.memory_budget,
            )
        };
        match started {
            Started::Waiting => {
                self.tasks_running += 1;
                self.dialog_open = true;
            }
            Started::Page => self.tasks_running += 1,
            Started::BuiltIn(request) => {
                log::info!("file browser: {}", request.title());
                self.file_browser = Some(FileBrowser::new(request, start));
            }
        }
    }

    /// True while a file dialog or the file browser is open.
    pub fn is_asking_for_a_file(&self) -> bool {
        self.dialog_open || self.file_browser.is_some()
    }

    /// The folder dialogs start in: where the last file was chosen, else
    /// the open image's folder.
    fn start_dir(&self) -> Option<PathBuf> {
        self.last_dir.clone().or_else(|| {
            self.doc
                .as_ref()
                .and_then(|d| d.path.as_ref())
                .and_then(|p| p.parent())
                .map(PathBuf::from)
        })
    }

    /// The answer to a file request: `None` if the user cancelled.
    pub(super) fn picked(&mut self, request: FileRequest, path: Option<PathBuf>) {
        self.dialog_open = false;
        let Some(path) = path else {
            if matches!(request, FileRequest::ExportImage { .. }) {
                self.after_export = None; // not exported: the held action waits
            }
            return;
        };
        self.last_dir = path.parent().map(PathBuf::from);
        match request {
            FileRequest::OpenImage => self.load_path(path),
            FileRequest::ExportImage { .. } => {
                let format = self.exporter.format_for(&path);
                self.export_to(path, format);
            }
            FileRequest::LoadRecipe => {
                self.spawn("recipe", move || platform::read_recipe(&path));
            }
            FileRequest::SaveRecipe { json } => {
                self.spawn("recipe", move || platform::write_recipe(&path, &json));
            }
            FileRequest::ImportCube { step } => {
                self.spawn("cube", move || platform::read_cube(&path, step));
            }
        }
    }

    /// The file browser, while it is open.
    pub(super) fn file_browser_ui(&mut self, ui: &mut egui::Ui) {
        let Some(browser) = self.file_browser.as_mut() else {
            return;
        };
        let Some(outcome) = browser.ui(ui.ctx()) else {
            return;
        };
        let request = browser.request().clone();
        self.file_browser = None;
        match outcome {
            Outcome::Chosen(path) => self.picked(request, Some(path)),
            Outcome::Cancelled => self.picked(request, None),
        }
    }
}
