//! Display levels: screen-sized copies of large images, made by the
//! executor (worker threads natively, the worker pool on the web), so the
//! canvas uploads a few megapixels to show a 24 MP photo at fit instead of
//! all of it, and full-resolution tiles only where it is zoomed in
//! ([`crate::ui::tiles`]).

use std::sync::{Arc, Weak};

use lumen_kernels::spec::{ResizeMethod, ResizeParams};
use lumen_kernels::{FilterSpec, RenderStep, RgbaImage};
use lumen_worker::{Executor, Job, JobId};

/// The display side assumed before the canvas has said its size, pixels.
pub const DEFAULT_DISPLAY_SIDE_PX: u32 = 2048;

/// The range a display side is held to, pixels.
pub const DISPLAY_SIDE_RANGE_PX: std::ops::RangeInclusive<u32> = 512..=8192;

/// Whether an image shown on a display `side` pixels long gets a level:
/// only when its longer side exceeds the display's by more than a quarter
/// (a smaller one is uploaded whole, as it is).
pub fn needs_level(image: &RgbaImage, side: u32) -> bool {
    u64::from(image.width().max(image.height())) * 4 > u64::from(side) * 5
}

/// Where a level stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelState {
    /// The image is small enough to be shown whole, or its level failed
    /// (then the canvas uploads the image itself).
    NotNeeded,
    /// The executor is making it.
    Pending,
    /// Made: [`DisplayLevel::level`] has it.
    Ready,
}

/// The level of one image (a full-resolution result or the original).
#[derive(Default)]
pub struct DisplayLevel {
    /// The image it is the level of, held weakly: a result dropped from
    /// the renderer's cache must go back to the executor's frame pool,
    /// which reuses only an image nobody else holds.
    of: Option<Weak<RgbaImage>>,
    job: Option<JobId>,
    level: Option<Arc<RgbaImage>>,
    not_needed: bool,
}

impl DisplayLevel {
    /// The state of the level of `image` for a display `side` pixels long,
    /// asking the executor for it the first time it is wanted; a level of
    /// an earlier image is dropped (its job cancelled).
    pub fn want(
        &mut self,
        executor: &mut dyn Executor,
        image: &Arc<RgbaImage>,
        side: u32,
    ) -> LevelState {
        if !self
            .of
            .as_ref()
            .is_some_and(|of| std::ptr::eq(of.as_ptr(), Arc::as_ptr(image)))
        {
            self.forget(executor);
            self.of = Some(Arc::downgrade(image));
            self.not_needed = !needs_level(image, side);
            if !self.not_needed {
                let id = JobId::next();
                executor.submit(Job {
                    id,
                    input: image.clone(),
                    steps: vec![RenderStep::from(FilterSpec::Resize(ResizeParams {
                        long_edge_px: side,
                        method: ResizeMethod::Box,
                        linear_light: false,
                        ..Default::default()
                    }))],
                });
                self.job = Some(id);
            }
        }
        if self.level.is_some() {
            LevelState::Ready
        } else if self.not_needed {
            LevelState::NotNeeded
        } else {
            LevelState::Pending
        }
    }

    /// The level, once made, of the image last wanted.
    pub fn level(&self) -> Option<&Arc<RgbaImage>> {
        self.level.as_ref()
    }

    /// Takes the result of job `id` out of `images` if it is this level's;
    /// true if it was.
    pub fn take_done(&mut self, id: JobId, images: &mut Vec<Option<Arc<RgbaImage>>>) -> bool {
        if self.job != Some(id) {
            return false;
        }
        self.job = None;
        self.level = images.pop().flatten();
        // A job that answered without an image leaves the image to be
        // shown whole rather than waiting for ever.
        self.not_needed = self.level.is_none();
        true
    }

    /// Takes the failure of job `id` if it is this level's (the image is
    /// then shown whole); true if it was.
    pub fn take_failed(&mut self, id: JobId) -> bool {
        if self.job != Some(id) {
            return false;
        }
        self.job = None;
        self.not_needed = true;
        true
    }

    /// Drops the level and cancels its job.
    pub fn forget(&mut self, executor: &mut dyn Executor) {
        if let Some(id) = self.job.take() {
            executor.cancel(id);
        }
        *self = Self::default();
    }
}
