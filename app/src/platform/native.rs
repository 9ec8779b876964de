//! Desktop platform services: file dialogs, background tasks, the executor.

use std::path::PathBuf;

use lumen_worker::{Executor, NativeExecutor, Waker, default_threads};

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

/// Asks for an image to open.
pub fn pick_image() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Open image")
        .add_filter(
            "Images",
            &["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"],
        )
        .add_filter("All files", &["*"])
        .pick_file()
}

/// Asks where to export, suggesting `default_name`.
pub fn pick_export_path(default_name: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Export image")
        .set_file_name(default_name)
        .add_filter("PNG", &["png"])
        .add_filter("JPEG", &["jpg", "jpeg"])
        .add_filter("WebP", &["webp"])
        .save_file()
}

/// Asks for a recipe file to load.
pub fn pick_recipe_to_load() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Load recipe")
        .add_filter("Lumen recipe", &["json"])
        .pick_file()
}

/// Asks where to save a recipe.
pub fn pick_recipe_to_save(default_name: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Save recipe")
        .set_file_name(default_name)
        .add_filter("Lumen recipe", &["json"])
        .save_file()
}
