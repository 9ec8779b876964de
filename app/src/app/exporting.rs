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
        match self.exporter.take_ready(&self.renderer) {
            Ready::Waiting => {}
            Ready::Stopped(msg) => {
                self.after_export = None;
                self.set_notice(msg, true);
            }
            Ready::Go(job) => self.spawn("export", move || job.run()),
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

    /// Export as: asks where (a download on the web).
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

    /// Export: to the last export's file, else as Export as.
    pub(super) fn save(&mut self) {
        let target = self.doc.as_ref().and_then(|d| d.export_path.clone());
        match target {
            Some(path) if !platform::IS_WEB => {
                let format = self.exporter.format_for(&path);
                self.export_to(path, format);
            }
            _ => self.export_dialog(),
        }
    }

    /// The unsaved-changes prompt's Export: export, then do `action`.
    pub(super) fn export_then(&mut self, action: Pending) {
        self.after_export = Some(action);
        self.save();
    }

    /// An export was written.
    pub(super) fn exported(&mut self, target: ExportTarget) {
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
        self.set_notice(format!("Exported {target}"), false);
        if let Some(action) = self.after_export.take() {
            self.run_pending(action);
        }
    }
}
