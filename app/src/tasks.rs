//! Background tasks (decoding, encoding, file dialogs) and how their results
//! come back to the UI thread: a channel drained once per frame, with a
//! repaint request so the result is seen at once.

use std::path::PathBuf;
use std::sync::mpsc::Sender;

use lumen_kernels::RgbaImage;

use crate::autosave::{Orphan, SourceRef};

/// Where an export goes.
#[derive(Clone, Debug)]
pub enum ExportTarget {
    /// A file (desktop), written atomically.
    Path(PathBuf),
    /// A browser download with this file name (web).
    Download(String),
}

impl std::fmt::Display for ExportTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Path(p) => write!(f, "{}", p.display()),
            Self::Download(name) => write!(f, "{name} (download)"),
        }
    }
}

/// What a background task reports.
pub enum TaskResult {
    /// An image was decoded.
    Loaded {
        /// The pixels.
        image: RgbaImage,
        /// Display name.
        name: String,
        /// Where it came from (autosave keeps this reference).
        source: SourceRef,
        /// The file's bytes, when autosave must keep its own copy (the web,
        /// where a page cannot reopen a file).
        keep: Option<Vec<u8>>,
    },
    /// Sessions left by editors that did not exit cleanly, and any that
    /// could not be read.
    Recoverable {
        /// Sessions that can be restored.
        orphans: Vec<Orphan>,
        /// Why some could not be read.
        problems: Vec<String>,
    },
    /// The user picked a file to open (desktop: decoded next).
    PickedImage(PathBuf),
    /// The user picked where to export (desktop).
    PickedExport(PathBuf),
    /// A recipe file's text.
    RecipeText {
        /// Display name.
        name: String,
        /// The JSON text.
        text: String,
    },
    /// An export was written.
    Exported(ExportTarget),
    /// A message to show, not an error.
    Info(String),
    /// Something failed; the message says what.
    Failed(String),
    /// The user cancelled a dialog.
    Nothing,
}

/// A handle for tasks to report through.
#[derive(Clone)]
pub struct Tasks {
    tx: Sender<TaskResult>,
    ctx: egui::Context,
}

impl Tasks {
    /// A handle sending to `tx` and waking `ctx`.
    pub fn new(tx: Sender<TaskResult>, ctx: egui::Context) -> Self {
        Self { tx, ctx }
    }

    /// Reports a result (exactly one per started task).
    pub fn send(&self, result: TaskResult) {
        self.tx.send(result).ok();
        self.ctx.request_repaint();
    }
}
