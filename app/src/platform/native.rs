//! Desktop platform services: file dialogs, background tasks, the executor.

use lumen_worker::{Executor, NativeExecutor, Waker, default_threads};

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
            &[
                "png", "jpg", "jpeg", "webp", "avif", "jxl", "gif", "bmp", "tif", "tiff",
            ],
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
        .add_filter("AVIF", &["avif"])
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

/// Diagnostics: nothing on the desktop (the status bar shows what matters).
pub fn log(_message: &str) {}

/// The desktop has no startup recipe (the command line opens images only).
pub fn startup_recipe() -> Option<String> {
    None
}

/// Where sessions are autosaved: the app data directory
/// ([`crate::autosave::default_data_dir`]).
pub fn data_dir() -> Option<std::path::PathBuf> {
    crate::autosave::default_data_dir()
}
