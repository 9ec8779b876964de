//! Exporting from the editor: Export (to the last export's file, else
//! ask), Export as (ask), waiting for the full-resolution render, and
//! what happens once the file is written (the document is saved; an
//! action the unsaved-changes prompt held back goes ahead).

use std::path::{Path, PathBuf};

use super::{LumenApp, Pending};
use crate::dialogs::FileRequest;
use crate::export::Ready;
use crate::io::ExportFormat;
use crate::platform;
use crate::tasks::ExportTarget;
use crate::ui::export_dialog::Choice;

impl LumenApp {
    /// Exports the full-resolution result to `path`; waits for the render
    /// if it is not finished. The file is written atomically.
    pub fn export_to(&mut self, path: PathBuf, format: ExportFormat) {
        self.export(ExportTarget::Path(path), format);
    }

    fn export(&mut self, target: ExportTarget, format: ExportFormat) {
        if self.doc.is_none() {
            return;
        }
        self.exporter.request(target, format);
        self.set_notice("Exporting…", false);
        self.try_export();
    }

    /// Starts the waiting export once its image is rendered.
    pub(super) fn try_export(&mut self) {
        let metadata = self
            .doc
            .as_ref()
            .map(|d| d.metadata.clone())
            .unwrap_or_default();
        match self.exporter.take_ready(&self.renderer, &metadata) {
            Ready::Waiting => {}
            Ready::Stopped(msg) => {
                self.after_export = None;
                self.set_notice(msg, true);
            }
            Ready::Go(job) => {
                self.start_task("export", |tasks| platform::export_in_background(tasks, job));
            }
        }
    }

    /// The suggested name: the last export's, else `<name>-edited.<ext>`.
    fn default_export_name(&self) -> Option<String> {
        let doc = self.doc.as_ref()?;
        Some(
            self.exporter
                .default_name(&doc.name, doc.export_path.as_deref()),
        )
    }

    /// Export as: the export dialog (format, quality, matte) first.
    pub(super) fn open_export_dialog(&mut self) {
        if self.doc.is_some() && !self.export_dialog_open {
            self.export_dialog_open = true;
            log::info!("export dialog");
        }
    }

    /// The export dialog, while it is open.
    pub(super) fn export_dialog_ui(&mut self, ui: &egui::Ui) {
        if !self.export_dialog_open {
            return;
        }
        let choice = crate::ui::export_dialog::export_dialog_ui(
            ui.ctx(),
            &mut self.exporter,
            platform::IS_WEB,
        );
        match choice {
            Some(Choice::Export) => {
                self.export_dialog_open = false;
                self.export_dialog();
            }
            Some(Choice::Cancel) => {
                self.export_dialog_open = false;
                self.after_export = None;
            }
            None => {}
        }
    }

    /// Asks where to export (a download on the web), with the dialog's
    /// settings.
    pub(super) fn export_dialog(&mut self) {
        let Some(default) = self.default_export_name() else {
            return;
        };
        if let Some(target) = platform::default_export_target(&default) {
            let format = self.exporter.format_for(Path::new(&default));
            self.export(target, format);
        } else {
            self.ask_file(FileRequest::ExportImage {
                default_name: default,
            });
        }
    }

    /// Export: again to the last export's file (or download), with the
    /// same settings; the first time, the export dialog.
    pub(super) fn save(&mut self) {
        let target = self.doc.as_ref().and_then(|d| d.export_path.clone());
        match target {
            Some(path) if !platform::IS_WEB => {
                let format = self.exporter.format_for(&path);
                self.export_to(path, format);
            }
            Some(_) => self.export_dialog(),
            None => self.open_export_dialog(),
        }
    }

    /// The unsaved-changes prompt's Export: export, then do `action`.
    pub(super) fn export_then(&mut self, action: Pending) {
        self.after_export = Some(action);
        self.save();
    }

    /// An export was written.
    /// A finished export; `notes` say what the format could not hold.
    pub(super) fn exported(&mut self, target: ExportTarget, notes: &[String]) {
        if let ExportTarget::Path(path) = &target {
            self.last_dir = path.parent().map(PathBuf::from);
        }
        if let Some(doc) = self.doc.as_mut() {
            doc.mark_saved();
            doc.export_path = Some(match &target {
                ExportTarget::Path(path) => path.clone(),
                ExportTarget::Download(name) => PathBuf::from(name),
            });
        }
        log::info!("exported {target}");
        let mut msg = format!("Exported {target}");
        for note in notes {
            msg.push_str("; ");
            msg.push_str(note);
        }
        self.set_notice(msg, false);
        if let Some(action) = self.after_export.take() {
            self.run_pending(action);
        }
    }
}
