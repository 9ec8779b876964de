//! Desktop platform services: file dialogs, background tasks, the executor.

use lumen_worker::{Executor, NativeExecutor, Waker, default_threads};

use std::path::{Path, PathBuf};

use super::Dropped;
use crate::autosave::SourceRef;
use crate::tasks::{ExportTarget, TaskResult, Tasks};

/// The executor that runs filter jobs: named std threads, one per core.
pub fn new_executor(waker: Waker) -> Box<dyn Executor> {
    Box::new(NativeExecutor::new(default_threads(), waker))
}

/// Runs `f` on a named background thread. Returns false if the thread
/// could not be started (the caller reports it).
pub fn spawn_task(name: &str, f: impl FnOnce() + Send + 'static) -> bool {
    std::thread::Builder::new()
        .name(format!("lumen-{name}"))
        .spawn(f)
        .is_ok()
}

/// Asks for an image to open; reports [`TaskResult::PickedImage`] (the
/// budget applies when it is decoded).
pub fn pick_image(tasks: Tasks, _budget: u64) {
    let picked = rfd::FileDialog::new()
        .set_title("Open image")
        .add_filter(
            "Images",
            &["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"],
        )
        .add_filter("All files", &["*"])
        .pick_file();
    tasks.send(picked.map_or(TaskResult::Nothing, TaskResult::PickedImage));
}

/// Asks where to export, suggesting `default_name`; reports
/// [`TaskResult::PickedExport`].
pub fn pick_export(tasks: Tasks, default_name: &str) {
    let picked = rfd::FileDialog::new()
        .set_title("Export image")
        .set_file_name(default_name)
        .add_filter("PNG", &["png"])
        .add_filter("JPEG", &["jpg", "jpeg"])
        .add_filter("WebP", &["webp"])
        .save_file();
    tasks.send(picked.map_or(TaskResult::Nothing, TaskResult::PickedExport));
}

/// Asks for a recipe file and reports its text.
pub fn pick_recipe(tasks: Tasks) {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Load recipe")
        .add_filter("Lumen recipe", &["json"])
        .pick_file()
    else {
        tasks.send(TaskResult::Nothing);
        return;
    };
    tasks.send(match std::fs::read_to_string(&path) {
        Ok(text) => TaskResult::RecipeText {
            name: path.display().to_string(),
            text,
        },
        Err(e) => TaskResult::Failed(format!("{}: {e}", path.display())),
    });
}

/// Asks where to save a recipe and writes it (atomically).
pub fn save_recipe(tasks: Tasks, json: String) {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Save recipe")
        .set_file_name("recipe.json")
        .add_filter("Lumen recipe", &["json"])
        .save_file()
    else {
        tasks.send(TaskResult::Nothing);
        return;
    };
    tasks.send(match crate::io::write_atomic(&path, json.as_bytes()) {
        Ok(()) => TaskResult::Info(format!("Saved recipe {}", path.display())),
        Err(e) => TaskResult::Failed(e.to_string()),
    });
}

/// Hands exported bytes to the user: writes the file atomically.
pub fn deliver(target: &ExportTarget, bytes: &[u8]) -> Result<(), String> {
    match target {
        ExportTarget::Path(path) => crate::io::write_atomic(path, bytes).map_err(|e| e.to_string()),
        ExportTarget::Download(name) => Err(format!("{name}: downloads exist only on the web")),
    }
}

/// Where a plain Export goes when nothing was exported before: ask.
pub fn default_export_target(tasks: Tasks, default_name: &str) -> Option<ExportTarget> {
    pick_export(tasks, default_name);
    None
}

/// Installs the logger: lines go to stderr, from the level in
/// `LUMEN_LOG` (default info; [`crate::logging`]).
pub fn init_logging() {
    let level = crate::logging::level_from(std::env::var("LUMEN_LOG").ok().as_deref());
    crate::logging::install(level, |_, line| eprintln!("{line}"));
}

/// True in the browser build.
pub const IS_WEB: bool = false;

/// Reads an image file and decodes it within `budget` bytes (the body of
/// a background task).
pub fn read_image(path: PathBuf, budget: u64) -> TaskResult {
    let name = crate::app::display_name(&path);
    match crate::io::read_file(&path) {
        Ok(bytes) => {
            let len = bytes.len() as u64;
            crate::tasks::decode_task(bytes, name, SourceRef::File { path, len }, false, budget)
        }
        Err(e) => TaskResult::Failed(e.to_string()),
    }
}

/// Writes a small file (a recipe) atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::io::write_atomic(path, bytes).map_err(|e| e.to_string())
}

/// A file dropped on the window: the desktop opens it by path.
pub fn take_dropped(file: egui::DroppedFileHandle, _tasks: &Tasks, _budget: u64) -> Dropped {
    if file.path().as_os_str().is_empty() {
        Dropped::Nothing
    } else {
        Dropped::Path(file.path().to_path_buf())
    }
}

/// The desktop has no startup recipe (the command line opens images only).
pub fn startup_recipe() -> Option<String> {
    None
}

/// Where sessions are autosaved: the app data directory
/// ([`crate::autosave::default_data_dir`]).
pub fn data_dir() -> Option<std::path::PathBuf> {
    crate::autosave::default_data_dir()
}
