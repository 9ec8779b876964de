//! `LumenApp`: wires the document, the renderer and the panels together.
//! `logic` takes results and input each frame; `ui` only draws and
//! delegates. No pixel work happens here: decoding, filtering and encoding
//! all run on background threads.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use lumen_kernels::histogram::Histogram;
use lumen_kernels::{FilterSpec, Recipe, RenderStep, RgbaImage};

use crate::autosave::{Autosaver, Orphan, SaveAction, SessionStore, SourceRef};
use crate::dialogs::{DialogBackend, FileRequest, SystemDialogs};
use crate::document::Document;
use crate::export::Exporter;
use crate::histogram_job::HistogramJob;
use crate::platform;
use crate::render::Renderer;
use crate::tasks::{TaskResult, Tasks};
use crate::ui::canvas::{CanvasImage, CanvasState, CanvasView};
use crate::ui::palette::Palette;
use crate::ui::panels;
use crate::ui::params::initial_spec;

mod crop_tool;
mod exporting;
mod files;
mod heal_tool;
mod input;
mod layout;
mod mask_tool;
mod menus;
mod notices;
mod persist;
mod recovery;
mod results;
mod status;
mod step_tools;
mod straighten_tool;
mod tool_keys;

/// The sample photo shown when no file is given. The desktop build holds
/// it; the web page fetches `sample.png` from beside itself
/// ([`platform::load_sample`]), which keeps it out of the page's WASM.
#[cfg(not(target_arch = "wasm32"))]
pub const SAMPLE_PNG: &[u8] = include_bytes!("../../assets/sample.png");

/// Something that would discard unsaved edits, waiting for confirmation.
#[derive(Clone, Debug)]
enum Pending {
    Close,
    OpenDialog,
    OpenPath(PathBuf),
    /// An image pasted from the clipboard.
    OpenPasted(Arc<egui::ColorImage>),
    /// A file's bytes pasted into the page (web).
    OpenBytes(String, Vec<u8>),
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
    exporter: Exporter,
    confirm: Option<Pending>,
    close_confirmed: bool,
    notices: notices::Notices,
    show_before: bool,
    /// The last full-resolution result announced in the log.
    announced: Option<Arc<RgbaImage>>,
    /// A recipe to apply to the first image (web: from the page URL;
    /// desktop: `--recipe`).
    startup_recipe: Option<String>,
    /// Where sessions are autosaved; `None` when autosave is off.
    store: Option<SessionStore>,
    /// Why autosave is off, when it was asked for and could not start.
    autosave_off: Option<String>,
    /// A restored session whose source has changed, waiting for the user
    /// to decide, with what changed.
    mismatch: Option<(Orphan, String)>,
    autosaver: Autosaver,
    /// Where the open document's source came from.
    source: SourceRef,
    /// Sessions of editors that did not exit cleanly, offered in turn.
    recoverable: Vec<Orphan>,
    /// The session being restored while its source loads.
    restoring: Option<Orphan>,
    /// How many opens were started ([`TaskResult::Load`]).
    load_generation: u64,
    /// Memory the editor may use, bytes ([`crate::governor`]).
    memory_budget: u64,
    /// An image waiting for the user to accept opening it downscaled.
    too_big: Option<Box<crate::tasks::TooBig>>,
    /// The histogram of the displayed result.
    histogram: HistogramJob,
    /// The system file dialogs.
    dialogs: Arc<dyn SystemDialogs>,
    /// True while a system file dialog is open.
    dialog_open: bool,
    /// The editor's own file browser, while it is open.
    file_browser: Option<crate::ui::file_browser::FileBrowser>,
    /// Use the editor's own file browser even where a system dialog exists.
    builtin_dialogs: bool,
    /// The folder of the last file chosen.
    last_dir: Option<PathBuf>,
    /// What to do once the running export is written (the unsaved-changes
    /// prompt's Export).
    after_export: Option<Pending>,
    /// True while the export dialog is open.
    export_dialog_open: bool,
    /// True while the list of shortcuts is shown.
    show_help: bool,
    /// On a narrow screen: the steps drawer is open.
    steps_open: bool,
    /// Where the settings are kept (desktop; `None` without a data
    /// directory, and on the web).
    settings_dir: Option<PathBuf>,
    /// The settings as last saved.
    saved_settings: crate::settings::Settings,
    /// When the settings were last compared with the saved ones, seconds.
    settings_checked_at: f64,
    /// Keeps settings writes in order.
    settings_writes: persist::SettingsWrites,
    /// The `temperature_tint` step whose eyedropper is on.
    picking: Option<usize>,
    /// The on-canvas crop tool, while it is on.
    crop_tool: Option<crate::ui::tools::crop::CropTool>,
    /// The on-canvas mask tool, while it is on.
    mask_tool: Option<crate::ui::tools::mask::MaskTool>,
    /// The straighten tool, while it is on.
    straighten: Option<crate::ui::tools::straighten::StraightenTool>,
    /// The heal tool, while it is on.
    heal_tool: Option<crate::ui::tools::heal::HealTool>,
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
    /// The system file dialogs; `None` for the platform's own.
    pub dialogs: Option<DialogBackend>,
}

/// For each step, how many enabled steps come before it (its input is the
/// image after that many steps of the rendered chain).
fn step_input_positions(doc: &Document) -> Vec<usize> {
    doc.steps()
        .iter()
        .scan(0, |enabled, step| {
            let k = *enabled;
            *enabled += usize::from(step.enabled);
            Some(k)
        })
        .collect()
}

/// Steps whose editor draws (and reads) the histogram of their input.
fn uses_input_histogram(spec: &FilterSpec) -> bool {
    matches!(spec, FilterSpec::Levels(_) | FilterSpec::Curves(_))
}

/// The file name of `path`, for titles and messages.
pub fn display_name(path: &Path) -> String {
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
                dialogs: None,
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
            exporter: Exporter::default(),
            confirm: None,
            close_confirmed: false,
            notices: notices::Notices::default(),
            show_before: false,
            announced: None,
            startup_recipe: options.recipe,
            store: None,
            autosave_off: None,
            mismatch: None,
            autosaver: Autosaver::default(),
            source: SourceRef::Sample,
            recoverable: Vec::new(),
            restoring: None,
            load_generation: 0,
            memory_budget,
            too_big: None,
            histogram: HistogramJob::default(),
            dialogs: options
                .dialogs
                .map_or_else(platform::system_dialogs, |d| d.0),
            dialog_open: false,
            file_browser: None,
            builtin_dialogs: false,
            last_dir: None,
            after_export: None,
            export_dialog_open: false,
            show_help: false,
            steps_open: false,
            settings_dir: options.data_dir.clone().filter(|_| !platform::IS_WEB),
            saved_settings: crate::settings::Settings::default(),
            settings_checked_at: 0.0,
            settings_writes: persist::SettingsWrites::default(),
            picking: None,
            crop_tool: None,
            mask_tool: None,
            straighten: None,
            heal_tool: None,
        };
        if let Some(dir) = &app.settings_dir {
            let saved = crate::settings::Settings::load(dir);
            app.apply_settings(&saved);
        }
        if let Some(dir) = &options.data_dir {
            match SessionStore::open(dir, &app.tasks) {
                Ok(store) => {
                    app.tasks_running += 1;
                    store.find_orphans(&app.tasks);
                    app.store = Some(store);
                }
                Err(e) => {
                    log::warn!("autosave is off: {e}");
                    app.autosave_off = Some(e);
                }
            }
        }
        match options.image {
            Some(path) => app.load_path(path),
            None => app.load_sample(),
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

    /// The canvas: zoom, pan and where the image was drawn.
    pub fn canvas(&self) -> &CanvasState {
        &self.canvas
    }

    /// What the canvas shows of the result (the preview, or the full
    /// resolution with its screen-sized level).
    pub fn displayed(&self) -> Option<&crate::render::Displayed> {
        self.renderer.displayed()
    }

    /// The export settings (the export dialog's choices).
    pub fn exporter(&self) -> &crate::export::Exporter {
        &self.exporter
    }

    /// On a narrow screen, true while the steps drawer is open.
    pub fn steps_drawer_open(&self) -> bool {
        self.steps_open
    }

    /// True while the original is shown instead of the result.
    pub fn showing_before(&self) -> bool {
        self.show_before
    }

    /// True when nothing is loading, rendering or exporting, and the
    /// canvas's textures are those of the result.
    pub fn is_idle(&self) -> bool {
        self.tasks_running == 0
            && !self.exporter.is_pending()
            && self.doc.is_some()
            && !self.renderer.is_busy()
            && self.renderer.jobs_in_flight() == 0
            && !self.canvas.is_uploading()
    }

    /// True while a full-resolution render runs (its progress and Cancel
    /// show in the status bar).
    pub fn is_rendering_full(&self) -> bool {
        self.renderer.is_busy() && self.renderer.progress().is_some()
    }

    /// The full-resolution result of the current recipe, once rendered.
    pub fn full_result(&self) -> Option<Arc<RgbaImage>> {
        self.renderer.full_result()
    }

    // ----- background tasks -----

    fn spawn(&mut self, name: &str, f: impl FnOnce() -> TaskResult + Send + 'static) {
        self.start_task(name, |tasks| {
            let tasks = tasks.clone();
            platform::spawn_task(name, move || tasks.send(f()))
        });
    }

    /// Counts a background task `start` starts (it reports through the
    /// handle it is given); says so when it could not be started.
    pub(crate) fn start_task(&mut self, name: &str, start: impl FnOnce(&Tasks) -> bool) {
        self.tasks_running += 1;
        if !start(&self.tasks) {
            self.tasks_running -= 1;
            self.set_notice(
                format!("could not start a background thread for {name}"),
                true,
            );
        }
    }

    /// Opens an image in the background ([`TaskResult::Load`]): this open
    /// supersedes any still running.
    fn spawn_load(&mut self, f: impl FnOnce() -> TaskResult + Send + 'static) {
        let generation = self.next_load();
        self.spawn("decode", move || TaskResult::Load {
            generation,
            result: Box::new(f()),
        });
    }

    /// The number of an open that supersedes any still running.
    fn next_load(&mut self) -> u64 {
        self.load_generation += 1;
        self.load_generation
    }

    fn load_sample(&mut self) {
        let generation = self.next_load();
        self.start_task("decode", |tasks| platform::load_sample(tasks, generation));
    }

    fn load_path(&mut self, path: PathBuf) {
        let budget = self.memory_budget;
        self.spawn_load(move || platform::read_image(path, budget));
    }

    /// Opens an image file, asking first if there are unsaved changes.
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
            Pending::OpenDialog => self.ask_file(FileRequest::OpenImage),
            Pending::OpenPath(path) => self.load_path(path),
            Pending::OpenPasted(image) => self.open_pasted(image),
            Pending::OpenBytes(name, bytes) => {
                let budget = self.memory_budget;
                self.start_task("decode", |tasks| {
                    platform::decode_in_background(tasks, bytes, name, budget)
                });
            }
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
    pub fn save_recipe(&mut self, path: &Path) {
        let Some(doc) = &self.doc else { return };
        match platform::write_file(path, doc.recipe().to_json().as_bytes()) {
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

    /// Starts computing the histogram of a newly displayed result, on a
    /// background task ([`crate::histogram_job`]).
    fn request_histogram(&mut self) {
        if let Some(task) = self
            .renderer
            .displayed()
            .and_then(|d| self.histogram.start(d))
        {
            self.spawn("histogram", task);
        }
        let Some(doc) = &self.doc else { return };
        let chain: Vec<RenderStep> = doc.recipe().render_steps();
        let wanted: Vec<usize> = step_input_positions(doc)
            .into_iter()
            .zip(doc.steps())
            .filter(|(_, step)| uses_input_histogram(&step.spec))
            .map(|(k, _)| k)
            .collect();
        for k in wanted {
            if let Some(input) = self.renderer.step_input(k)
                && let Some(task) = self.histogram.start_input(&chain[..k], input)
            {
                self.spawn("histogram", task);
            }
        }
    }

    /// The histogram of the image entering step `index` (what a levels or
    /// curves step draws behind its editor), once counted.
    pub fn step_input_histogram(&self, index: usize) -> Option<&Histogram> {
        let doc = self.doc.as_ref()?;
        let k = *step_input_positions(doc).get(index)?;
        let mut chain: Vec<RenderStep> = doc.recipe().render_steps();
        chain.truncate(k);
        self.histogram.input(&chain)
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
        log::info!(
            "rendered {steps} step{plural}, {}x{}",
            result.width(),
            result.height()
        );
        self.announced = Some(result);
    }

    /// Per-frame work that draws nothing; `eframe`'s `App::logic`.
    pub fn logic(&mut self, ctx: &egui::Context) {
        self.take_task_results();
        self.take_dropped_files(ctx);
        self.take_pasted(ctx);
        if ctx.input(|i| i.viewport().close_requested())
            && !self.close_confirmed
            && self.doc.as_ref().is_some_and(Document::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm = Some(Pending::Close);
        }
        platform::warn_before_leaving(self.doc.as_ref().is_some_and(Document::is_dirty));
        self.shortcuts(ctx);
        self.step_tool_logic(ctx);
        self.crop_tool_logic(ctx);
        self.mask_tool_logic(ctx);
        self.straighten_logic(ctx);
        self.heal_tool_logic(ctx);
        self.watch_autosave();
        if let Some(doc) = self.doc.as_mut() {
            if !ctx.input(|i| i.pointer.any_down()) {
                doc.commit();
            }
            if let Some(store) = &self.store {
                let now = ctx.input(|i| i.time);
                match self.autosaver.check(doc, &self.source, now) {
                    SaveAction::Save(save) => store.save(&save),
                    SaveAction::Later(s) => {
                        ctx.request_repaint_after(std::time::Duration::from_secs_f64(s));
                    }
                    SaveAction::Nothing => {}
                }
            }
        }
        if let Some(doc) = self.doc.as_ref() {
            match self.tool_recipe(doc.recipe()) {
                Some(input) => self.renderer.request_recipe(&input),
                None => self.renderer.request_recipe(doc.recipe()),
            }
        }
        self.renderer.poll();
        self.request_histogram();
        self.announce_render();
        self.try_export();
        self.save_settings(ctx, false);
        if self.renderer.is_busy() {
            // Results wake us through the waker; this keeps the progress
            // display moving while nothing else happens. A background task
            // (decoding, encoding) shows nothing that moves, and its result
            // wakes us too ([`Tasks::send`]): no frames meanwhile, which on
            // the web would only take the page's thread (and, drawn in
            // software, a core) from the codec worker.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// Draws the editor; `eframe`'s `App::ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let narrow = layout::is_narrow(ui.ctx());
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui, narrow));
        self.banners_ui(ui);
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui, narrow));
        self.steps_panel_ui(ui, narrow);
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.canvas_ui(ui));
        if let Some(name) = self.palette.ui(ui) {
            self.add_filter(name);
        }
        self.confirm_ui(ui);
        self.export_dialog_ui(ui);
        self.file_browser_ui(ui);
        self.help_ui(ui);
        self.too_big_ui(ui);
        self.recovery_ui(ui);
    }

    /// The canvas: the result, compared with the original as asked.
    fn canvas_ui(&mut self, ui: &mut egui::Ui) {
        let last = self.canvas.last_rect;
        if last.is_positive() {
            let px = last.width().max(last.height()) * ui.ctx().pixels_per_point();
            self.renderer.set_display_side(px.ceil() as u32);
        }
        // The original only where a compare view draws it (its level is
        // made the first time it is asked for).
        let compared =
            self.show_before || self.canvas.compare != crate::ui::canvas::CompareMode::Off;
        let original = if compared && self.doc.is_some() {
            self.renderer.original()
        } else {
            None
        };
        let view = CanvasView {
            after: self.renderer.displayed().map(|d| CanvasImage {
                image: &d.image,
                scale: d.scale,
                level: d.level.as_ref(),
                is_before: false,
            }),
            before: original.as_ref().map(|o| CanvasImage {
                image: &o.image,
                scale: o.scale,
                level: o.level.as_ref(),
                is_before: true,
            }),
            hold_before: self.show_before,
        };
        self.canvas.ui(ui, view);
        self.crop_tool_ui(ui);
        self.mask_tool_ui(ui);
        self.straighten_ui(ui);
        self.heal_tool_ui(ui);
    }
}

impl eframe::App for LumenApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        LumenApp::logic(self, ctx);
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        platform::take_stray_keys(raw_input);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        let ctx = self.ctx.clone();
        self.save_settings(&ctx, true);
        self.exit_cleanly();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        LumenApp::ui(self, ui);
    }
}
