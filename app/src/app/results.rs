//! Results of background tasks, taken on the UI thread once per frame.

use std::sync::Arc;

use lumen_kernels::RgbaImage;

use super::LumenApp;
use crate::autosave::SourceRef;
use crate::document::Document;
use crate::platform;
use crate::tasks::TaskResult;

impl LumenApp {
    /// Drains the task channel and acts on each result.
    pub(super) fn take_task_results(&mut self) {
        while let Ok(result) = self.tasks_rx.try_recv() {
            self.tasks_running = self.tasks_running.saturating_sub(1);
            self.take_task_result(result);
        }
    }

    fn take_task_result(&mut self, result: TaskResult) {
        match result {
            TaskResult::Load { generation, .. } if generation != self.load_generation => {
                log::info!("an earlier open was superseded; its result is dropped");
            }
            TaskResult::Load { result, .. } => self.take_task_result(*result),
            TaskResult::Loaded {
                image,
                metadata,
                name,
                source,
                keep,
            } => self.loaded(image, metadata, name, source, keep),
            TaskResult::Exported(target, notes) => self.exported(target, &notes),
            TaskResult::Picked { request, path } => self.picked(request, path),
            TaskResult::RecipeText { name, text } => self.apply_recipe_text(&name, &text),
            TaskResult::CubeLoaded { step, name, lut } => self.cube_loaded(step, &name, *lut),
            TaskResult::Info(msg) => self.set_notice(msg, false),
            TaskResult::Failed(msg) => self.failed(msg),
            TaskResult::Histogram { key, hist } => self.histogram.finish(key, *hist),
            TaskResult::TooBig(big) => {
                log::info!(
                    "{} is too large to edit here ({}x{})",
                    big.name,
                    big.size.0,
                    big.size.1
                );
                self.too_big = Some(big);
            }
            TaskResult::Recoverable { orphans, problems } => {
                for p in problems {
                    log::warn!("{p}");
                    self.set_notice(p, true);
                }
                // Logged even when none is found: the scan is over.
                log::info!("{} session(s) to restore", orphans.len());
                self.recoverable.extend(orphans);
            }
            TaskResult::Nothing => {}
        }
    }

    /// A decoded image: becomes the open document (with a restored
    /// session's history, and the start-up recipe, when there are any).
    fn loaded(
        &mut self,
        image: RgbaImage,
        metadata: crate::io::Metadata,
        name: String,
        source: SourceRef,
        keep: Option<Vec<u8>>,
    ) {
        // However this image came (a numbered open, or a file picked in the
        // browser), an open still running is older: it must not replace it.
        self.load_generation += 1;
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
        log::info!("opened {name}");
        if let Some((msg, is_error)) = restored {
            log::info!("{msg}");
            self.set_notice(msg, is_error);
        } else {
            self.set_notice(format!("Opened {name}"), false);
        }
        if let Some(text) = self.startup_recipe.take() {
            self.apply_recipe_text("given at start-up", &text);
        }
        platform::set_title(&self.ctx, &format!("{name} — Lumen"));
    }

    fn failed(&mut self, msg: String) {
        // An export that failed does not go on to the action it held back.
        self.after_export = None;
        let msg = match self.restoring.take() {
            Some(o) => format!(
                "Could not restore the session: {msg}. It is kept in {}",
                o.key
            ),
            None => msg,
        };
        log::error!("{msg}");
        self.set_notice(msg, true);
    }
}
