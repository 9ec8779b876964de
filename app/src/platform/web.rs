//! Browser platform services: the worker pool, file pickers, downloads.

use lumen_worker::{Executor, Waker, web::WebExecutor};
use wasm_bindgen::JsCast as _;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Dropped, Started};
use crate::dialogs::{FileRequest, SystemDialogs};
use crate::tasks::{ExportTarget, TaskResult, Tasks};

/// The most workers the pool starts, whatever the core count.
pub const MAX_WORKERS: usize = 8;

/// URL of the worker bundle, relative to the page (trunk writes it beside
/// index.html), so the app works under any path. The build renames it
/// after its content and names it in index.html's
/// `<meta name="lumen-worker">`; this is the name without
/// that step.
pub const WORKER_URL: &str = "./lumen-worker.js";

/// URL of the codec worker's bundle ([`codec`]), as [`WORKER_URL`] is of
/// the filter workers'.
pub const CODEC_URL: &str = "./lumen-codec.js";

/// A worker bundle this page was built with: the content-hashed name in
/// `<meta name="{meta}" content="...">`, so a cached page never pairs with
/// another build's worker; `fallback` without it.
fn bundle_url(meta: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("meta[name={meta}]"))
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

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
    let mut pool = WebExecutor::new(
        worker_count(),
        &bundle_url("lumen-worker", WORKER_URL),
        waker,
    );
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

/// Runs `f` now. There are no threads on the page's main thread; of the
/// work given to this, counting a histogram is the page's only pixel work
/// outside the workers (decoding and encoding go to the codec worker:
/// [`decode`], [`export_in_background`], [`load_sample`],
/// [`open_pasted`]).
pub fn spawn_task(_name: &str, f: impl FnOnce() + Send + 'static) -> bool {
    f();
    true
}

/// No system dialogs stand behind the page's pickers (the browser's file
/// chooser always works).
pub fn system_dialogs() -> Arc<dyn SystemDialogs> {
    struct Browser;
    impl SystemDialogs for Browser {
        fn available(&self) -> bool {
            true
        }
        fn ask(&self, _: &FileRequest, _: Option<&Path>) -> Option<PathBuf> {
            None
        }
    }
    Arc::new(Browser)
}

/// Starts asking for a file with the browser's chooser; what it yields
/// comes back as a task result (a decoded image, a recipe's text, a
/// download of the recipe).
pub fn start_file_dialog(
    _dialogs: &Arc<dyn SystemDialogs>,
    request: FileRequest,
    _start_dir: Option<PathBuf>,
    tasks: &Tasks,
    budget: u64,
) -> Started {
    let tasks = tasks.clone();
    match request {
        FileRequest::OpenImage => pick_image(tasks, budget),
        FileRequest::LoadRecipe => pick_recipe(tasks),
        FileRequest::ImportCube { step } => pick_cube(tasks, step),
        FileRequest::SaveRecipe { json } => save_recipe(&tasks, &json),
        FileRequest::ExportImage { default_name } => {
            tasks.send(TaskResult::Failed(format!(
                "{default_name}: the browser downloads exports, it cannot ask where"
            )));
        }
    }
    Started::Page
}

/// Opens the browser's file picker; decodes the chosen image if it fits
/// `budget` bytes ([`crate::tasks::decode_task`]).
fn pick_image(tasks: Tasks, budget: u64) {
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

/// Decodes bytes the user handed over off the event handler; the result
/// comes as a task result. Always true (a future is always started).
pub fn decode_in_background(tasks: &Tasks, bytes: Vec<u8>, name: String, budget: u64) -> bool {
    let tasks = tasks.clone();
    wasm_bindgen_futures::spawn_local(async move {
        tasks.send(decode(bytes, name, budget).await);
    });
    true
}

/// Decodes a file's bytes for the editor within `budget` bytes; autosave
/// keeps a copy of the bytes. AVIF goes to the browser's decoder, every
/// other format to the codec worker ([`codec`]), which first checks the
/// image against the budget ([`crate::tasks::admit`]).
pub async fn decode(bytes: Vec<u8>, name: String, budget: u64) -> TaskResult {
    use crate::autosave::SourceRef;
    if crate::io::heif::is_avif(&bytes) {
        return avif::decode_avif(bytes, name, budget).await;
    }
    match codec::open(&bytes, &name, budget).await {
        Ok(codec::Opened::Photo(decoded)) => {
            crate::tasks::loaded(Ok(decoded), name, SourceRef::Stored, Some(bytes))
        }
        Ok(codec::Opened::TooBig { size, fit, needed }) => {
            TaskResult::TooBig(Box::new(crate::tasks::TooBig {
                name,
                bytes,
                source: SourceRef::Stored,
                keep: true,
                size,
                fit,
                needed,
                budget,
            }))
        }
        Err(e) => TaskResult::Failed(e),
    }
}

/// Decodes a too-large image and resamples it to the size that fits, in
/// the codec worker ([`codec`]); the result comes as a task result.
/// Always true.
pub fn downscale_in_background(tasks: &Tasks, big: crate::tasks::TooBig) -> bool {
    let tasks = tasks.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let decoded = codec::decode_to_fit(&big.bytes, &big.name, Some(big.fit)).await;
        tasks.send(big.loaded(decoded));
    });
    true
}

/// Encodes an export in the codec worker ([`codec`]) and hands the bytes
/// over as a download; the result comes as a task result. Always true (a
/// future is always started).
pub fn export_in_background(tasks: &Tasks, job: crate::export::ExportJob) -> bool {
    let tasks = tasks.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let encoded = codec::encode(&job.request).await;
        tasks.send(job.deliver(encoded));
    });
    true
}

/// URL of the bundled sample photo, beside the page (index.html copies it
/// there): fetched rather than built into the page's WASM.
pub const SAMPLE_URL: &str = "./sample.png";

/// Fetches the bundled sample photo and decodes it in the codec worker;
/// the result comes as open `generation`'s task result. Always true.
pub fn load_sample(tasks: &Tasks, generation: u64) -> bool {
    let tasks = tasks.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let name = crate::tasks::SAMPLE_NAME;
        let decoded = match fetch_bytes(SAMPLE_URL).await {
            Ok(bytes) => codec::decode_to_fit(&bytes, name, None).await,
            Err(e) => Err(format!(
                "{name}: the bundled sample could not be loaded ({e})"
            )),
        };
        tasks.send(crate::tasks::sample_loaded(generation, decoded));
    });
    true
}

/// The body of the file at `url` (relative to the page).
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let body = response.array_buffer().map_err(|e| format!("{e:?}"))?;
    let buffer = JsFuture::from(body).await.map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Opens pasted pixels, encoding the PNG autosave keeps in the codec
/// worker ([`crate::tasks::paste_request`]); the result comes as a task
/// result. Always true.
pub fn open_pasted(tasks: &Tasks, image: Arc<egui::ColorImage>) -> bool {
    let tasks = tasks.clone();
    wasm_bindgen_futures::spawn_local(async move {
        tasks.send(match crate::tasks::paste_request(&image) {
            Ok(request) => {
                let png = codec::encode(&request).await;
                crate::tasks::pasted(request, png)
            }
            Err(refused) => *refused,
        });
    });
    true
}

#[path = "web_codec.rs"]
pub mod codec;

/// Starts the codec worker ([`codec`]) from the bundle this page was built
/// with (`<meta name="lumen-codec">`).
pub fn start_codec_worker() {
    codec::start(&bundle_url("lumen-codec", CODEC_URL));
}

/// On the web a plain Export downloads under the default name.
pub fn default_export_target(default_name: &str) -> Option<ExportTarget> {
    Some(ExportTarget::Download(default_name.to_owned()))
}

/// Opens the file picker for a recipe and reports its text.
fn pick_recipe(tasks: Tasks) {
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

/// Opens the file picker for a `.cube` file and reports its table for
/// step `step` (or why it could not be read, including a file above
/// [`MAX_CUBE_FILE_BYTES`](crate::dialogs::MAX_CUBE_FILE_BYTES)).
fn pick_cube(tasks: Tasks, step: usize) {
    wasm_bindgen_futures::spawn_local(async move {
        let Some(file) = rfd::AsyncFileDialog::new()
            .add_filter("3D LUT (.cube)", crate::dialogs::CUBE_EXTENSIONS)
            .pick_file()
            .await
        else {
            tasks.send(TaskResult::Nothing);
            return;
        };
        let name = file.file_name();
        // The size limit is checked on the bytes the browser read.
        let bytes = file.read().await;
        tasks.send(crate::tasks::cube_task(&bytes, name, step));
    });
}

/// Downloads the recipe as `recipe.json`.
fn save_recipe(tasks: &Tasks, json: &str) {
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

/// Installs the logger: lines go to the browser console, at their level
/// ([`crate::logging`]; the browser tests read them), from the level the
/// page's address asks for (`?log=debug`; info without one).
pub fn init_logging() {
    let query = web_sys::window().and_then(|w| w.location().search().ok());
    let level = crate::logging::level_from_query(query.as_deref().unwrap_or(""));
    crate::logging::install(level, |level, line| {
        let line = line.into();
        match level {
            log::Level::Error => web_sys::console::error_1(&line),
            log::Level::Warn => web_sys::console::warn_1(&line),
            log::Level::Info => web_sys::console::info_1(&line),
            log::Level::Debug | log::Level::Trace => web_sys::console::debug_1(&line),
        }
    });
}

/// True in the browser build.
pub const IS_WEB: bool = true;

/// A page cannot open a file by its path.
pub fn read_image(path: PathBuf, _budget: u64) -> TaskResult {
    TaskResult::Failed(format!(
        "{}: the browser cannot open a file by its path",
        path.display()
    ))
}

/// A page cannot read a file by its path.
pub fn read_cube(path: &Path, _step: usize) -> TaskResult {
    read_recipe(path)
}

/// A page cannot write a file by its path.
pub fn write_file(path: &Path, _bytes: &[u8]) -> Result<(), String> {
    Err(format!(
        "{}: the browser cannot write files",
        path.display()
    ))
}

/// A file dropped on the page: its bytes are read and decoded within
/// `budget` bytes, reporting through `tasks`.
pub fn take_dropped(file: egui::DroppedFileHandle, tasks: &Tasks, budget: u64) -> Dropped {
    let tasks = tasks.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let name = crate::app::display_name(file.path());
        match file.bytes_async().await {
            Ok(bytes) => tasks.send(decode(bytes.to_vec(), name, budget).await),
            Err(e) => tasks.send(TaskResult::Failed(format!("{name}: {e}"))),
        }
    });
    Dropped::Reading
}

/// A page cannot read a file by its path.
pub fn read_recipe(path: &Path) -> TaskResult {
    TaskResult::Failed(format!(
        "{}: the browser cannot open a file by its path",
        path.display()
    ))
}

/// A page cannot write a file by its path.
pub fn write_recipe(path: &Path, _json: &str) -> TaskResult {
    TaskResult::Failed(format!(
        "{}: the browser cannot write files",
        path.display()
    ))
}

thread_local! {
    /// Key presses that reached the page while nothing had the focus,
    /// waiting for the editor's next frame.
    static STRAY_KEYS: std::cell::RefCell<Vec<egui::Event>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// Image files pasted into the page, read and waiting for the editor.
    static PASTED: std::cell::RefCell<Vec<(String, Vec<u8>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Watches every key press on the page (capture phase, before eframe):
///
/// - the browser's own action is blocked for the shortcuts the editor owns
///   ([`crate::keys::owned_by_app`]: Ctrl+K would also focus the address
///   bar, Ctrl+0 reset the page zoom);
/// - a key pressed while nothing has the focus (the page was never
///   clicked, or was clicked before the editor had started, when the canvas
///   could not take the focus) gives the canvas the focus and is handed to
///   the editor, which would otherwise never see it: eframe listens on the
///   canvas only. This made Ctrl+O right after loading open nothing.
pub fn install_page_keys(canvas: &web_sys::HtmlCanvasElement) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let canvas = canvas.clone();
    let on_key = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
        move |event: web_sys::KeyboardEvent| {
            let Some(key) =
                egui::Key::from_name(&event.key()).or_else(|| egui::Key::from_name(&event.code()))
            else {
                return;
            };
            let command = event.ctrl_key() || event.meta_key();
            if crate::keys::owned_by_app(key, command) {
                event.prevent_default();
            }
            let body = document.body().map(web_sys::Element::from);
            let root = document.document_element();
            let stray = match document.active_element() {
                None => true,
                Some(el) => Some(&el) == body.as_ref() || Some(&el) == root.as_ref(),
            };
            if !stray {
                return;
            }
            canvas.focus().ok();
            let modifiers = egui::Modifiers {
                alt: event.alt_key(),
                ctrl: event.ctrl_key(),
                shift: event.shift_key(),
                mac_cmd: event.meta_key(),
                command,
            };
            STRAY_KEYS.with(|keys| {
                let mut keys = keys.borrow_mut();
                for pressed in [true, false] {
                    keys.push(egui::Event::Key {
                        key,
                        physical_key: None,
                        pressed,
                        repeat: false,
                        modifiers,
                    });
                }
            });
        },
    );
    window
        .add_event_listener_with_callback_and_bool("keydown", on_key.as_ref().unchecked_ref(), true)
        .map_err(|_| "could not listen to key presses".to_owned())?;
    on_key.forget(); // lives as long as the page
    Ok(())
}

/// Hands the editor the key presses [`install_page_keys`] caught.
pub fn take_stray_keys(raw: &mut egui::RawInput) {
    STRAY_KEYS.with(|keys| raw.events.append(&mut keys.borrow_mut()));
}

/// Listens for pastes on the page: an image file on the clipboard (a
/// copied image or screenshot) is read and handed to the editor, which
/// opens it ([`take_pasted_files`]). Text pastes go on to eframe.
pub fn install_paste(ctx: egui::Context) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let on_paste = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::ClipboardEvent)>::new(
        move |event: web_sys::ClipboardEvent| {
            let Some(files) = event.clipboard_data().and_then(|d| d.files()) else {
                return;
            };
            let images: Vec<web_sys::File> = (0..files.length())
                .filter_map(|i| files.item(i))
                .filter(|f| f.type_().starts_with("image/"))
                .collect();
            let Some(file) = images.into_iter().next() else {
                return;
            };
            event.prevent_default();
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = match file.name() {
                    n if n.is_empty() || n == "image.png" => crate::tasks::PASTED_NAME.to_owned(),
                    n => n,
                };
                let read = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
                match read {
                    Ok(buffer) => {
                        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                        PASTED.with(|p| p.borrow_mut().push((name, bytes)));
                        ctx.request_repaint();
                    }
                    Err(_) => log::warn!("could not read the pasted image {name}"),
                }
            });
        },
    );
    document
        .add_event_listener_with_callback("paste", on_paste.as_ref().unchecked_ref())
        .map_err(|_| "could not listen to pastes".to_owned())?;
    on_paste.forget(); // lives as long as the page
    Ok(())
}

/// Image files pasted into the page since the last call.
pub fn take_pasted_files() -> Vec<(String, Vec<u8>)> {
    PASTED.with(|p| std::mem::take(&mut *p.borrow_mut()))
}

/// Names the browser tab `title` (eframe leaves the page's title alone).
pub fn set_title(_ctx: &egui::Context, title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// A handler of page events, kept alive from Rust.
type EventHandler = wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>;

thread_local! {
    /// The page's `beforeunload` handler, set while there are unexported
    /// edits.
    static LEAVE_GUARD: std::cell::RefCell<Option<EventHandler>> =
        const { std::cell::RefCell::new(None) };
}

/// While `dirty` (unexported edits), closing or reloading the tab makes the
/// browser ask first; otherwise it leaves without asking.
pub fn warn_before_leaving(dirty: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    LEAVE_GUARD.with(|guard| {
        let mut guard = guard.borrow_mut();
        if dirty == guard.is_some() {
            return;
        }
        if dirty {
            let handler = EventHandler::new(|event: web_sys::Event| {
                event.prevent_default();
                // Older browsers ask only when returnValue is set.
                js_sys::Reflect::set(&event, &"returnValue".into(), &"unexported edits".into())
                    .ok();
            });
            window.set_onbeforeunload(Some(handler.as_ref().unchecked_ref()));
            *guard = Some(handler);
        } else {
            window.set_onbeforeunload(None);
            *guard = None;
        }
    });
}
