//! Browser platform services: the worker pool, file pickers, downloads.

use lumen_worker::{Executor, Waker, web::WebExecutor};
use wasm_bindgen::JsCast as _;

use crate::tasks::{ExportTarget, TaskResult, Tasks};

/// The most workers the pool starts, whatever the core count.
pub const MAX_WORKERS: usize = 8;

/// URL of the worker bundle, relative to the page (trunk writes it beside
/// index.html), so the app works under any path.
pub const WORKER_URL: &str = "./lumen-worker.js";

fn worker_count() -> usize {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .filter(|n| n.is_finite() && *n >= 1.0)
        .map_or(2, |n| n as usize)
        .clamp(1, MAX_WORKERS)
}

/// The executor: a pool of web workers, one per core (at most 8).
///
/// With `#lumen-selftest-trap` in the page URL, worker 0 is made to trap as
/// soon as it is ready, so the browser tests can watch it being replaced.
pub fn new_executor(waker: Waker) -> Box<dyn Executor> {
    let mut pool = WebExecutor::new(worker_count(), WORKER_URL, waker);
    let hash = web_sys::window().and_then(|w| w.location().hash().ok());
    if hash.as_deref() == Some("#lumen-selftest-trap") {
        pool.selftest_trap();
    }
    Box::new(pool)
}

/// A recipe given in the page URL as `#recipe=<percent-encoded JSON>`, to
/// apply to the image the editor starts with (shareable links).
pub fn startup_recipe() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let encoded = hash.strip_prefix("#recipe=")?;
    js_sys::decode_uri_component(encoded).ok().map(String::from)
}

/// Runs `f` now. There are no threads on the page's main thread; the work
/// given to this (decoding and encoding files) is the page's only pixel
/// work outside the worker pool.
pub fn spawn_task(_name: &str, f: impl FnOnce() + Send + 'static) -> bool {
    f();
    true
}

/// Opens the browser's file picker; decodes the chosen image if it fits
/// `budget` bytes ([`crate::tasks::decode_task`]).
pub fn pick_image(tasks: Tasks, budget: u64) {
    wasm_bindgen_futures::spawn_local(async move {
        let picked = rfd::AsyncFileDialog::new()
            .add_filter(
                "Images",
                &[
                    "png", "jpg", "jpeg", "webp", "avif", "jxl", "gif", "bmp", "tif", "tiff",
                ],
            )
            .pick_file()
            .await;
        let Some(file) = picked else {
            tasks.send(TaskResult::Nothing);
            return;
        };
        let name = file.file_name();
        let bytes = file.read().await;
        tasks.send(decode(bytes, name, budget).await);
    });
}

#[path = "web_avif.rs"]
mod avif;

/// Decodes a file's bytes for the editor within `budget` bytes; autosave
/// keeps a copy of the bytes. AVIF goes to the browser's decoder.
pub async fn decode(bytes: Vec<u8>, name: String, budget: u64) -> TaskResult {
    if crate::io::heif::is_avif(&bytes) {
        return avif::decode_avif(bytes, name, budget).await;
    }
    crate::tasks::decode_task(
        bytes,
        name,
        crate::autosave::SourceRef::Stored,
        true,
        budget,
    )
}

/// On the web an export is a download; there is nothing to pick.
pub fn pick_export(tasks: Tasks, default_name: &str) {
    tasks.send(TaskResult::Nothing);
    let _ = default_name;
}

/// On the web a plain Export downloads under the default name.
pub fn default_export_target(_tasks: Tasks, default_name: &str) -> Option<ExportTarget> {
    Some(ExportTarget::Download(default_name.to_owned()))
}

/// Opens the file picker for a recipe and reports its text.
pub fn pick_recipe(tasks: Tasks) {
    wasm_bindgen_futures::spawn_local(async move {
        let Some(file) = rfd::AsyncFileDialog::new()
            .add_filter("Lumen recipe", &["json"])
            .pick_file()
            .await
        else {
            tasks.send(TaskResult::Nothing);
            return;
        };
        let name = file.file_name();
        let bytes = file.read().await;
        tasks.send(match String::from_utf8(bytes) {
            Ok(text) => TaskResult::RecipeText { name, text },
            Err(_) => TaskResult::Failed(format!("{name}: not a text file")),
        });
    });
}

/// Downloads the recipe as `recipe.json`.
pub fn save_recipe(tasks: Tasks, json: String) {
    tasks.send(
        match download("recipe.json", json.as_bytes(), "application/json") {
            Ok(()) => TaskResult::Info("Downloaded recipe.json".into()),
            Err(e) => TaskResult::Failed(e),
        },
    );
}

/// Hands exported bytes to the user: a browser download.
pub fn deliver(target: &ExportTarget, bytes: &[u8]) -> Result<(), String> {
    match target {
        ExportTarget::Download(name) => {
            let mime = match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
                Some(e) if e == "jpg" || e == "jpeg" => "image/jpeg",
                Some(e) if e == "webp" => "image/webp",
                Some(e) if e == "avif" => "image/avif",
                _ => "image/png",
            };
            download(name, bytes, mime)
        }
        ExportTarget::Path(p) => Err(format!("{}: the browser cannot write files", p.display())),
    }
}

fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let fail = |what: &str| format!("could not start the download of {name}: {what}");
    let array = js_sys::Uint8Array::new_with_length(bytes.len() as u32);
    array.copy_from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| fail("no Blob"))?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no object URL"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("no anchor"))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).ok();
    Ok(())
}

/// Autosave is on: the store lives in the browser's origin-private file
/// system, so the path is unused.
pub fn data_dir() -> Option<std::path::PathBuf> {
    Some(std::path::PathBuf::new())
}

/// Writes a line to the browser console (tests read it).
pub fn log(message: &str) {
    web_sys::console::info_1(&message.into());
}
