//! `LumenApp`: wires the document, the renderer and the panels together.
//! `logic` takes results and input each frame; `ui` only draws and
//! delegates. No pixel work happens here: decoding, filtering and encoding
//! all run on background threads.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use egui::{Key, KeyboardShortcut, Modifiers};
use lumen_kernels::{Recipe, RgbaImage};

use crate::autosave::{Autosaver, Orphan, SaveAction, SessionStore, SourceRef};
use crate::document::Document;
use crate::io::{self, ExportFormat};
use crate::platform;
use crate::render::Renderer;
use crate::tasks::{ExportTarget, TaskResult, Tasks};
use crate::ui::canvas::{CanvasImage, CanvasState};
use crate::ui::palette::Palette;
use crate::ui::panels::{self, StepAction};
use crate::ui::params::initial_spec;

mod menus;
mod recovery;

/// The sample photo shown when no file is given.
pub const SAMPLE_PNG: &[u8] = include_bytes!("../../assets/sample.png");

/// Something that would discard unsaved edits, waiting for confirmation.
#[derive(Clone, Debug)]
enum Pending {
    Close,
    OpenDialog,
    #[cfg(not(target_arch = "wasm32"))]
    OpenPath(PathBuf),
}

/// A message for the user: an error or a confirmation.
#[derive(Clone, Debug)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// True for errors.
    pub is_error: bool,
}

/// The editor.
pub struct LumenApp {
    ctx: egui::Context,
    doc: Option<Document>,
    renderer: Renderer,
    canvas: CanvasState,
    palette: Palette,
    tasks: Tasks,
    tasks_rx: Receiver<TaskResult>,
    tasks_running: usize,
    pending_export: Option<(ExportTarget, ExportFormat)>,
    web_format: WebFormat,
    confirm: Option<Pending>,
    close_confirmed: bool,
    notice: Option<Notice>,
    jpeg_quality: u8,
    /// Lossless (true) or lossy WebP exports.
    webp_lossless: bool,
    /// Exports leave out EXIF, XMP and IPTC ("Remove location and camera
    /// data").
    strip_metadata: bool,
    show_before: bool,
    /// The last full-resolution result announced in the log.
    announced: Option<Arc<RgbaImage>>,
    /// A recipe to apply to the first image (web: from the page URL;
    /// desktop: `--recipe`).
    startup_recipe: Option<String>,
    /// Where sessions are autosaved; `None` when autosave is off.
    store: Option<SessionStore>,
    autosaver: Autosaver,
    /// Where the open document's source came from.
    source: SourceRef,
    /// Sessions of editors that did not exit cleanly, offered in turn.
    recoverable: Vec<Orphan>,
    /// The session being restored while its source loads.
    restoring: Option<Orphan>,
    /// Memory the editor may use, bytes ([`crate::governor`]).
    memory_budget: u64,
    /// An image waiting for the user to accept opening it downscaled.
    too_big: Option<Box<crate::tasks::TooBig>>,
    /// The histogram of the displayed result, with its render generation.
    histogram: Option<(u64, lumen_kernels::histogram::Histogram)>,
    /// The generation whose histogram is being computed.
    histogram_pending: Option<u64>,
}

/// How the editor starts.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// An image to open instead of the sample (desktop).
    pub image: Option<PathBuf>,
    /// Recipe JSON to apply to the first image.
    pub recipe: Option<String>,
    /// Where to autosave sessions and look for ones to recover; `None`
    /// turns autosave off. On the web the browser's storage is used
    /// whenever this is `Some`.
    pub data_dir: Option<PathBuf>,
    /// Memory the editor may use, bytes; `None` for this machine's
    /// default ([`crate::governor::default_budget`]).
    pub memory_budget: Option<u64>,
}

/// The format of browser downloads (the desktop takes it from the file
/// name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WebFormat {
    Png,
    Jpeg,
    WebP,
    Avif,
}

/// The most pixels the histogram reads; larger images are sampled every
/// k-th row (an estimate of the same shape at a fraction of the work).
pub const HISTOGRAM_MAX_PX: u64 = 4 << 20;

fn histogram_of(image: &RgbaImage) -> lumen_kernels::histogram::Histogram {
    let mut hist = lumen_kernels::histogram::Histogram::new();
    let px = u64::from(image.width()) * u64::from(image.height());
    let every = px.div_ceil(HISTOGRAM_MAX_PX).max(1) as usize;
    for row in image.pixels().chunks(image.stride()).step_by(every) {
        hist.add_pixels(row);
    }
    hist
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl LumenApp {
    /// Creates the editor and starts loading `initial` (or the sample),
    /// autosaving to the platform's data directory
    /// ([`crate::autosave`]).
    pub fn new(ctx: &egui::Context, initial: Option<PathBuf>) -> Self {
        Self::with_options(
            ctx,
            Options {
                image: initial,
                recipe: platform::startup_recipe(),
                data_dir: platform::data_dir(),
                memory_budget: None,
            },
        )
    }

    /// Creates the editor as `options` say.
    pub fn with_options(ctx: &egui::Context, options: Options) -> Self {
        let repaint = ctx.clone();
        let waker: lumen_worker::Waker = Arc::new(move || repaint.request_repaint());
        let (tasks_tx, tasks_rx) = channel();
        let memory_budget = options
            .memory_budget
            .unwrap_or_else(crate::governor::default_budget);
        let mut renderer = Renderer::new(platform::new_executor(waker));
        renderer.set_memory_budget(memory_budget);
        let mut app = Self {
            ctx: ctx.clone(),
            doc: None,
            renderer,
            canvas: CanvasState::default(),
            palette: Palette::default(),
            tasks: Tasks::new(tasks_tx, ctx.clone()),
            tasks_rx,
            tasks_running: 0,
            pending_export: None,
            web_format: WebFormat::Png,
            confirm: None,
            close_confirmed: false,
            notice: None,
            jpeg_quality: 90,
            webp_lossless: true,
            strip_metadata: false,
            show_before: false,
            announced: None,
            startup_recipe: options.recipe,
            store: None,
            autosaver: Autosaver::default(),
            source: SourceRef::Sample,
            recoverable: Vec::new(),
            restoring: None,
            memory_budget,
            too_big: None,
            histogram: None,
            histogram_pending: None,
        };
        if let Some(dir) = &options.data_dir {
            match SessionStore::open(dir) {
                Ok(store) => {
                    app.tasks_running += 1;
                    store.find_orphans(&app.tasks);
                    app.store = Some(store);
                }
                Err(e) => app.set_notice(e, true),
            }
        }
        match options.image {
            #[cfg(not(target_arch = "wasm32"))]
            Some(path) => app.load_path(path),
            _ => app.load_sample(),
        }
        app
    }

    // ----- queries (used by tests and the status bar) -----

    /// The open document, if any.
    pub fn document(&self) -> Option<&Document> {
        self.doc.as_ref()
    }

    /// The open document, mutable.
    pub fn document_mut(&mut self) -> Option<&mut Document> {
        self.doc.as_mut()
    }

    /// The current message for the user.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// True when nothing is loading, rendering or exporting.
    pub fn is_idle(&self) -> bool {
        self.tasks_running == 0
            && self.pending_export.is_none()
            && self.doc.is_some()
            && !self.renderer.is_busy()
            && self.renderer.jobs_in_flight() == 0
    }

    /// The full-resolution result of the current recipe, once rendered.
    pub fn full_result(&self) -> Option<Arc<RgbaImage>> {
        self.renderer.full_result()
    }

    fn set_notice(&mut self, text: impl Into<String>, is_error: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            is_error,
        });
    }

    // ----- background tasks -----

    fn spawn(&mut self, name: &str, f: impl FnOnce() -> TaskResult + Send + 'static) {
        let tasks = self.tasks.clone();
        self.tasks_running += 1;
        let started = platform::spawn_task(name, move || tasks.send(f()));
        if !started {
            self.tasks_running -= 1;
            self.set_notice(
                format!("could not start a background thread for {name}"),
                true,
            );
        }
    }

    fn load_sample(&mut self) {
        self.spawn("decode", || {
            match io::decode_photo(SAMPLE_PNG, "sample.png") {
                Ok(io::Decoded { image, metadata }) => TaskResult::Loaded {
                    image,
                    metadata,
                    name: "sample.png".into(),
                    source: SourceRef::Sample,
                    keep: None,
                },
                Err(e) => TaskResult::Failed(e.to_string()),
            }
        });
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn load_path(&mut self, path: PathBuf) {
        let budget = self.memory_budget;
        self.spawn("decode", move || {
            let name = display_name(&path);
            match io::read_file(&path) {
                Ok(bytes) => {
                    let len = bytes.len() as u64;
                    crate::tasks::decode_task(
                        bytes,
                        name,
                        SourceRef::File { path, len },
                        false,
                        budget,
                    )
                }
                Err(e) => TaskResult::Failed(e.to_string()),
            }
        });
    }

    /// Opens an image file, asking first if there are unsaved changes.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn open_path(&mut self, path: PathBuf) {
        self.guard(Pending::OpenPath(path));
    }

    fn guard(&mut self, action: Pending) {
        if self.doc.as_ref().is_some_and(Document::is_dirty) {
            self.confirm = Some(action);
        } else {
            self.run_pending(action);
        }
    }

    fn run_pending(&mut self, action: Pending) {
        match action {
            Pending::Close => {
                self.close_confirmed = true;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Pending::OpenDialog => {
                self.tasks_running += 1;
                platform::pick_image(self.tasks.clone(), self.memory_budget);
            }
            #[cfg(not(target_arch = "wasm32"))]
            Pending::OpenPath(path) => self.load_path(path),
        }
    }

    /// Exports the full-resolution result to `path`; waits for the render
    /// if it is not finished. The file is written atomically.
    pub fn export_to(&mut self, path: PathBuf, format: ExportFormat) {
        self.export(ExportTarget::Path(path), format);
    }

    fn export(&mut self, target: ExportTarget, format: ExportFormat) {
        if self.doc.is_none() {
            return;
        }
        self.pending_export = Some((target, format));
        self.set_notice("Exporting…", false);
        self.try_export();
    }

    fn try_export(&mut self) {
        if self.pending_export.is_none() {
            return;
        }
        if let Some(err) = self.renderer.error() {
            let msg = format!("Export stopped: {err}");
            self.pending_export = None;
            self.set_notice(msg, true);
            return;
        }
        let Some(image) = self.renderer.full_result() else {
            return;
        };
        let Some((target, format)) = self.pending_export.take() else {
            return;
        };
        let metadata = self
            .doc
            .as_ref()
            .map(|d| d.metadata.clone())
            .unwrap_or_default();
        let policy = if self.strip_metadata {
            io::MetadataPolicy::Strip
        } else {
            io::MetadataPolicy::Keep
        };
        self.spawn("export", move || {
            let written = io::encode_photo(&image, format, &metadata, policy)
                .map_err(|e| e.to_string())
                .and_then(|e| platform::deliver(&target, &e.bytes).map(|()| e.notes));
            match written {
                Ok(notes) => TaskResult::Exported(target, notes),
                Err(e) => {
                    TaskResult::Failed(format!("Export failed, nothing was overwritten: {e}"))
                }
            }
        });
    }

    fn default_export_name(&self) -> Option<String> {
        let doc = self.doc.as_ref()?;
        let stem = doc
            .name
            .rsplit_once('.')
            .map_or(doc.name.as_str(), |(s, _)| s);
        let ext = match self.web_format {
            WebFormat::Png => "png",
            WebFormat::Jpeg => "jpg",
            WebFormat::WebP => "webp",
            WebFormat::Avif => "avif",
        };
        Some(format!("{stem}-edited.{ext}"))
    }

    fn export_dialog(&mut self) {
        let Some(default) = self.default_export_name() else {
            return;
        };
        if let Some(target) = platform::default_export_target(self.tasks.clone(), &default) {
            let format = self.format_for(Path::new(&default));
            self.export(target, format);
        } else {
            self.tasks_running += 1;
        }
    }

    fn format_for(&self, path: &Path) -> ExportFormat {
        match ExportFormat::from_path(&path.to_string_lossy()) {
            Some(ExportFormat::WebP) if !self.webp_lossless => ExportFormat::WebPLossy {
                quality: self.jpeg_quality,
            },
            Some(f) => f.with_quality(self.jpeg_quality),
            None => ExportFormat::Png,
        }
    }

    fn save(&mut self) {
        let target = self.doc.as_ref().and_then(|d| d.export_path.clone());
        match target {
            Some(path) => {
                let format = self.format_for(&path);
                self.export_to(path, format);
            }
            None => self.export_dialog(),
        }
    }

    /// Replaces the document's recipe with one parsed from `text`.
    pub fn apply_recipe_text(&mut self, name: &str, text: &str) {
        match (Recipe::from_json(text), self.doc.as_mut()) {
            (Ok(recipe), Some(doc)) => {
                doc.set_recipe(recipe, format!("Load recipe {name}"));
                self.set_notice(format!("Loaded recipe {name}"), false);
            }
            (Ok(_), None) => self.set_notice("Open an image before loading a recipe", true),
            (Err(e), _) => self.set_notice(format!("{name}: {e}"), true),
        }
    }

    /// Writes the document's recipe to a file (atomically).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn save_recipe(&mut self, path: &Path) {
        let Some(doc) = &self.doc else { return };
        match io::write_atomic(path, doc.recipe().to_json().as_bytes()) {
            Ok(()) => self.set_notice(format!("Saved recipe {}", path.display()), false),
            Err(e) => self.set_notice(e.to_string(), true),
        }
    }

    /// Adds a filter by stable name with parameters fitted to the image.
    pub fn add_filter(&mut self, name: &str) {
        let Some(doc) = self.doc.as_mut() else { return };
        let size = panels::step_input_sizes(doc)
            .last()
            .copied()
            .unwrap_or((1, 1));
        if let Some(spec) = initial_spec(name, size) {
            doc.add_step(spec);
        }
    }

    // ----- per-frame logic -----

    fn take_task_results(&mut self) {
        while let Ok(result) = self.tasks_rx.try_recv() {
            self.tasks_running = self.tasks_running.saturating_sub(1);
            match result {
                TaskResult::Loaded {
                    image,
                    metadata,
                    name,
                    source,
                    keep,
                } => {
                    if let (Some(store), Some(bytes)) = (&self.store, &keep) {
                        store.save_source(bytes);
                    }
                    let image = Arc::new(image);
                    let mut doc = Document::new(image.clone(), name.clone());
                    doc.metadata = metadata;
                    if let SourceRef::File { path, .. } = &source {
                        doc.path = Some(path.clone());
                    }
                    self.source = source;
                    self.autosaver.reset();
                    let restored = self.finish_restore(&mut doc);
                    self.doc = Some(doc);
                    self.renderer.set_source(image);
                    self.canvas.reset();
                    platform::log(&format!("lumen: opened {name}"));
                    if let Some((msg, is_error)) = restored {
                        platform::log(&format!("lumen: {msg}"));
                        self.set_notice(msg, is_error);
                    } else {
                        self.set_notice(format!("Opened {name}"), false);
                    }
                    if let Some(text) = self.startup_recipe.take() {
                        self.apply_recipe_text("the start-up recipe", &text);
                    }
                    self.ctx
                        .send_viewport_cmd(egui::ViewportCommand::Title(format!("{name} — Lumen")));
                }
                TaskResult::Exported(target, notes) => {
                    if let Some(doc) = self.doc.as_mut() {
                        doc.mark_saved();
                        if let ExportTarget::Path(path) = &target {
                            doc.export_path = Some(path.clone());
                        }
                    }
                    platform::log(&format!("lumen: exported {target}"));
                    let mut msg = format!("Exported {target}");
                    for note in &notes {
                        msg.push_str("; ");
                        msg.push_str(note);
                    }
                    self.set_notice(msg, false);
                }
                #[cfg(not(target_arch = "wasm32"))]
                TaskResult::PickedImage(path) => self.load_path(path),
                #[cfg(target_arch = "wasm32")]
                TaskResult::PickedImage(_) => {}
                TaskResult::PickedExport(path) => {
                    let format = self.format_for(&path);
                    self.export_to(path, format);
                }
                TaskResult::RecipeText { name, text } => self.apply_recipe_text(&name, &text),
                TaskResult::Info(msg) => self.set_notice(msg, false),
                TaskResult::Failed(msg) => {
                    let msg = match self.restoring.take() {
                        Some(o) => format!(
                            "Could not restore the session: {msg}. It is kept in {}",
                            o.key
                        ),
                        None => msg,
                    };
                    platform::log(&format!("lumen: error: {msg}"));
                    self.set_notice(msg, true);
                }
                TaskResult::Histogram { generation, hist } => {
                    if self.histogram_pending == Some(generation) {
                        self.histogram_pending = None;
                    }
                    self.histogram = Some((generation, *hist));
                }
                TaskResult::TooBig(big) => {
                    platform::log(&format!(
                        "lumen: {} is too large to edit here ({}x{})",
                        big.name, big.size.0, big.size.1
                    ));
                    self.too_big = Some(big);
                }
                TaskResult::Recoverable { orphans, problems } => {
                    if let Some(p) = problems.into_iter().next() {
                        self.set_notice(p, true);
                    }
                    if !orphans.is_empty() {
                        platform::log(&format!("lumen: {} session(s) to restore", orphans.len()));
                    }
                    self.recoverable.extend(orphans);
                }
                TaskResult::Nothing => {}
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        if self.palette.open || self.confirm.is_some() {
            return;
        }
        let sc = |m, k| KeyboardShortcut::new(m, k);
        let shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let (redo, undo, save_as, save, open, palette, redo_y) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&sc(shift, Key::Z)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::Z)),
                i.consume_shortcut(&sc(shift, Key::S)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::S)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::O)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::K)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::Y)),
            )
        });
        if let Some(doc) = self.doc.as_mut() {
            if undo {
                doc.undo();
            }
            if redo || redo_y {
                doc.redo();
            }
        }
        if palette {
            self.palette.show();
        }
        if open {
            self.guard(Pending::OpenDialog);
        }
        if save_as {
            self.export_dialog();
        } else if save {
            self.save();
        }
        let typing = ctx.egui_wants_keyboard_input();
        let (fit, actual, before) = ctx.input(|i| {
            (
                !typing && i.key_pressed(Key::F),
                !typing && i.key_pressed(Key::Num1),
                !typing && i.key_down(Key::Backslash),
            )
        });
        if fit {
            self.canvas.request_fit();
        }
        if actual {
            self.canvas.actual_size(ctx.pixels_per_point());
        }
        self.show_before = before;
    }

    /// Starts computing the histogram of a newly displayed result, on a
    /// background task (rows are subsampled above [`HISTOGRAM_MAX_PX`]).
    fn request_histogram(&mut self) {
        let Some(shown) = self.renderer.displayed() else {
            return;
        };
        let generation = shown.generation;
        if self
            .histogram
            .as_ref()
            .is_some_and(|(g, _)| *g == generation)
            || self.histogram_pending == Some(generation)
        {
            return;
        }
        let image = shown.image.clone();
        self.histogram_pending = Some(generation);
        self.spawn("histogram", move || TaskResult::Histogram {
            generation,
            hist: Box::new(histogram_of(&image)),
        });
    }

    /// Logs each new full-resolution result once (the browser tests wait
    /// for these lines).
    fn announce_render(&mut self) {
        let Some(result) = self.renderer.full_result() else {
            return;
        };
        if self
            .announced
            .as_ref()
            .is_some_and(|a| Arc::ptr_eq(a, &result))
        {
            return;
        }
        let steps = self
            .doc
            .as_ref()
            .map_or(0, |d| d.recipe().enabled_specs().count());
        let plural = if steps == 1 { "" } else { "s" };
        platform::log(&format!(
            "lumen: rendered {steps} step{plural}, {}x{}",
            result.width(),
            result.height()
        ));
        self.announced = Some(result);
    }

    /// Opens the first file dropped on the window.
    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let Some(file) = ctx.input(|i| i.raw.dropped_files.first().cloned()) else {
            return;
        };
        #[cfg(not(target_arch = "wasm32"))]
        {
            let path = file.path().to_path_buf();
            if !path.as_os_str().is_empty() {
                self.open_path(path);
            }
        }
        #[cfg(target_arch = "wasm32")]
        {
            let tasks = self.tasks.clone();
            let budget = self.memory_budget;
            self.tasks_running += 1;
            wasm_bindgen_futures::spawn_local(async move {
                let name = display_name(file.path());
                match file.bytes_async().await {
                    Ok(bytes) => tasks.send(platform::decode(bytes.to_vec(), name, budget).await),
                    Err(e) => tasks.send(TaskResult::Failed(format!("{name}: {e}"))),
                }
            });
        }
    }

    /// Per-frame work that draws nothing; `eframe`'s `App::logic`.
    pub fn logic(&mut self, ctx: &egui::Context) {
        self.take_task_results();
        self.take_dropped_files(ctx);
        if ctx.input(|i| i.viewport().close_requested())
            && !self.close_confirmed
            && self.doc.as_ref().is_some_and(Document::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm = Some(Pending::Close);
        }
        self.shortcuts(ctx);
        if let Some(doc) = self.doc.as_mut() {
            if !ctx.input(|i| i.pointer.any_down()) {
                doc.commit();
            }
            if let Some(store) = &self.store {
                let now = ctx.input(|i| i.time);
                match self.autosaver.check(doc, &self.source, now) {
                    SaveAction::Save(session) => store.save(&session),
                    SaveAction::Later(s) => {
                        ctx.request_repaint_after(std::time::Duration::from_secs_f64(s));
                    }
                    SaveAction::Nothing => {}
                }
            }
            let chain = doc.recipe().enabled_specs().cloned().collect();
            self.renderer.request(chain);
        }
        self.renderer.poll();
        self.request_histogram();
        self.announce_render();
        self.try_export();
        if self.renderer.is_busy() || self.tasks_running > 0 {
            // Results wake us through the waker; this keeps the progress
            // display moving while nothing else happens.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// Draws the editor; `eframe`'s `App::ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        let mut open_palette = false;
        if let Some(doc) = self.doc.as_mut() {
            egui::Panel::right("steps")
                .default_size(320.0)
                .show(ui, |ui| {
                    egui::Panel::bottom("history")
                        .resizable(true)
                        .default_size(160.0)
                        .show(ui, |ui| panels::history_ui(ui, doc));
                    let hist = self.histogram.as_ref().map(|(_, h)| h);
                    crate::ui::histogram::histogram_ui(ui, hist);
                    ui.separator();
                    if let Some(StepAction::OpenPalette) = panels::steps_ui(ui, doc, hist) {
                        open_palette = true;
                    }
                });
        }
        if open_palette {
            self.palette.show();
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                let source = self.doc.as_ref().map(|d| d.source.clone());
                let shown = match (&source, self.renderer.displayed()) {
                    (Some(src), _) if self.show_before => Some(CanvasImage {
                        image: src,
                        scale: 1.0,
                        is_before: true,
                    }),
                    (_, Some(d)) => Some(CanvasImage {
                        image: &d.image,
                        scale: d.scale,
                        is_before: false,
                    }),
                    _ => None,
                };
                self.canvas.ui(ui, shown);
            });
        if let Some(name) = self.palette.ui(ui) {
            self.add_filter(name);
        }
        self.confirm_ui(ui);
        self.too_big_ui(ui);
        self.recovery_ui(ui);
    }
}

impl eframe::App for LumenApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        LumenApp::logic(self, ctx);
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.exit_cleanly();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        LumenApp::ui(self, ui);
    }
}
