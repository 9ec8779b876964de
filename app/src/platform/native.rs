//! Desktop platform services: file dialogs, background tasks, the executor.

use lumen_worker::{Executor, NativeExecutor, Waker, default_threads};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Dropped, Started};
use crate::autosave::SourceRef;
use crate::dialogs::{FileRequest, SystemDialogs};
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

/// The system file dialogs (rfd).
pub fn system_dialogs() -> Arc<dyn SystemDialogs> {
    Arc::new(super::system_dialogs::RfdDialogs)
}

/// Starts asking for a file: the system dialog on a background thread
/// (the result comes as [`TaskResult::Picked`]), or, where there is no
/// system dialog, [`Started::BuiltIn`]: the editor shows its own browser.
pub fn start_file_dialog(
    dialogs: &Arc<dyn SystemDialogs>,
    request: FileRequest,
    start_dir: Option<PathBuf>,
    tasks: &Tasks,
    _budget: u64,
) -> Started {
    if !dialogs.available() {
        return Started::BuiltIn(request);
    }
    let dialogs = dialogs.clone();
    let tasks = tasks.clone();
    let asked = request.clone();
    let spawned = std::thread::Builder::new()
        .name("lumen-dialog".into())
        .spawn(move || {
            let path = dialogs.ask(&asked, start_dir.as_deref());
            tasks.send(TaskResult::Picked {
                request: asked,
                path,
            });
        });
    match spawned {
        Ok(_) => Started::Waiting,
        Err(e) => {
            log::warn!("no thread for the file dialog ({e}); using the built-in browser");
            Started::BuiltIn(request)
        }
    }
}

/// Reads a recipe file's text (the body of a background task).
pub fn read_recipe(path: &Path) -> TaskResult {
    match crate::io::read_recipe_file(path) {
        Ok(text) => TaskResult::RecipeText {
            name: path.display().to_string(),
            text,
        },
        Err(e) => TaskResult::Failed(e.to_string()),
    }
}

/// Reads a `.cube` file for step `step` (the body of a background task);
/// a file larger than a table can be is refused before it is read.
pub fn read_cube(path: &Path, step: usize) -> TaskResult {
    let name = crate::app::display_name(path);
    let limit = crate::dialogs::MAX_CUBE_FILE_BYTES;
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limit => {
            return TaskResult::Failed(format!(
                "{name}: {} MB is larger than a .cube file Lumen reads ({} MB)",
                m.len() >> 20,
                limit >> 20
            ));
        }
        Ok(_) => {}
        Err(e) => return TaskResult::Failed(format!("{}: {e}", path.display())),
    }
    match std::fs::read(path) {
        Ok(bytes) => crate::tasks::cube_task(&bytes, name, step),
        Err(e) => TaskResult::Failed(format!("{}: {e}", path.display())),
    }
}

/// Writes a recipe file atomically (the body of a background task).
pub fn write_recipe(path: &Path, json: &str) -> TaskResult {
    match crate::io::write_atomic(path, json.as_bytes()) {
        Ok(()) => TaskResult::Info(format!("Saved recipe {}", path.display())),
        Err(e) => TaskResult::Failed(e.to_string()),
    }
}

/// Hands exported bytes to the user: writes the file atomically.
pub fn deliver(target: &ExportTarget, bytes: &[u8]) -> Result<(), String> {
    match target {
        ExportTarget::Path(path) => crate::io::write_atomic(path, bytes).map_err(|e| e.to_string()),
        ExportTarget::Download(name) => Err(format!("{name}: downloads exist only on the web")),
    }
}

/// Where a plain Export goes when nothing was exported before: `None`,
/// ask for a file.
pub fn default_export_target(_default_name: &str) -> Option<ExportTarget> {
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

/// Nothing to add on the desktop: the window gets every key.
pub fn take_stray_keys(_raw: &mut egui::RawInput) {}

/// Decodes bytes the user handed over (not from a file) within `budget`
/// bytes; autosave is given a copy.
pub fn decode(bytes: Vec<u8>, name: String, budget: u64) -> TaskResult {
    crate::tasks::decode_task(bytes, name, SourceRef::Stored, true, budget)
}

/// Decodes bytes the user handed over on a background thread; the result
/// comes as a task result. False if no thread could be started.
pub fn decode_in_background(tasks: &Tasks, bytes: Vec<u8>, name: String, budget: u64) -> bool {
    let tasks = tasks.clone();
    spawn_task("decode", move || tasks.send(decode(bytes, name, budget)))
}

/// Decodes a too-large image and resamples it to the size that fits, on a
/// background thread ([`crate::tasks::decode_downscaled`]); the result
/// comes as a task result. False if no thread could be started.
pub fn downscale_in_background(tasks: &Tasks, big: crate::tasks::TooBig) -> bool {
    let tasks = tasks.clone();
    spawn_task("decode", move || {
        tasks.send(crate::tasks::decode_downscaled(big));
    })
}

/// Decodes the bundled sample photo ([`crate::app::SAMPLE_PNG`]) on a
/// background thread; the result comes as open `generation`'s task result.
/// False if no thread could be started.
pub fn load_sample(tasks: &Tasks, generation: u64) -> bool {
    let tasks = tasks.clone();
    spawn_task("decode", move || {
        let decoded = crate::io::decode_photo(crate::app::SAMPLE_PNG, crate::tasks::SAMPLE_NAME)
            .map_err(|e| e.to_string());
        tasks.send(crate::tasks::sample_loaded(generation, decoded));
    })
}

/// Opens pasted pixels on a background thread, encoding the PNG autosave
/// keeps ([`crate::tasks::paste_request`]); the result comes as a task
/// result. False if no thread could be started.
pub fn open_pasted(tasks: &Tasks, image: std::sync::Arc<egui::ColorImage>) -> bool {
    let tasks = tasks.clone();
    spawn_task("paste", move || {
        tasks.send(match crate::tasks::paste_request(&image) {
            Ok(request) => {
                let png = request.encode();
                crate::tasks::pasted(request, png)
            }
            Err(refused) => *refused,
        });
    })
}

/// Encodes and writes an export on a background thread; the result comes
/// as a task result. False if no thread could be started.
pub fn export_in_background(tasks: &Tasks, job: crate::export::ExportJob) -> bool {
    let tasks = tasks.clone();
    spawn_task("export", move || tasks.send(job.run()))
}

/// Files pasted into a page: none on the desktop (images pasted with
/// Ctrl+V arrive as egui events).
pub fn take_pasted_files() -> Vec<(String, Vec<u8>)> {
    Vec::new()
}

/// Names the window `title`.
pub fn set_title(ctx: &egui::Context, title: &str) {
    ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.to_owned()));
}

/// The desktop asks about unexported edits itself when the window closes.
pub fn warn_before_leaving(_dirty: bool) {}
