//! The renderer: turns "the document's recipe changed" into jobs for an
//! [`Executor`], caches the image after every step, and says what to show.
//!
//! Two tiers render the same chain of filters: a *proxy* from a copy of the
//! source scaled to screen size (radius-like parameters scaled with it), and
//! the *full* resolution. The proxy answers while a slider moves; the full
//! render starts only once the proxy is current, so it never delays the
//! preview, and it is cancelled as soon as the recipe changes again. Each
//! tier caches the image after every step, so changing step k re-renders
//! from k. Results of stale jobs are dropped by id. Masks are fractions of
//! the image, so the proxy renders them unscaled.

use std::sync::Arc;

use lumen_kernels::spec::{ResizeMethod, ResizeParams};
use lumen_kernels::{FilterSpec, RenderStep, RgbaImage};
use lumen_worker::{Executor, Job, JobEvent, JobId};

pub mod level;

pub use level::{
    DEFAULT_DISPLAY_SIDE_PX, DISPLAY_SIDE_RANGE_PX, DisplayLevel, LevelState, needs_level,
};

/// The longest side of the proxy source, in pixels.
pub const PROXY_MAX_SIDE_PX: u32 = 1280;

/// The most memory cached full-resolution step results may hold.
pub const DEFAULT_CACHE_BUDGET_BYTES: usize = 1 << 30;

/// The least the step cache is given, however small the memory budget.
pub const MIN_CACHE_BUDGET_BYTES: usize = 64 << 20;

/// The step cache's share of a memory budget (see [`crate::governor`]): a
/// quarter of it, at least [`MIN_CACHE_BUDGET_BYTES`] and at most
/// [`DEFAULT_CACHE_BUDGET_BYTES`]. The rest is the working set of a render
/// (its source, every step's output, the texture copy), which the governor
/// checks against the whole budget. On the web (a 3 GiB budget) the cache
/// holds 768 MiB, about eight 24 MP steps, not the 1 GiB it held before;
/// in a 1 GiB container, 192 MiB.
pub fn cache_budget_for(memory_budget: u64) -> usize {
    let quarter = usize::try_from(memory_budget / 4).unwrap_or(usize::MAX);
    quarter.clamp(MIN_CACHE_BUDGET_BYTES, DEFAULT_CACHE_BUDGET_BYTES)
}

#[derive(Clone)]
struct CacheEntry {
    spec: RenderStep,
    image: Option<Arc<RgbaImage>>,
}

struct InFlight {
    id: JobId,
    /// Number of cached steps the job starts after.
    prefix: usize,
    /// The whole chain the job renders towards.
    chain: Vec<RenderStep>,
}

#[derive(Default)]
struct Tier {
    source: Option<Arc<RgbaImage>>,
    /// Source pixels per full-resolution pixel (1 for the full tier).
    scale: f32,
    cache: Vec<CacheEntry>,
    job: Option<InFlight>,
}

impl Tier {
    fn chain_for(&self, wanted: &[RenderStep]) -> Vec<RenderStep> {
        if self.scale == 1.0 {
            wanted.to_vec()
        } else {
            wanted
                .iter()
                .map(|s| RenderStep {
                    spec: s.spec.scaled_for_proxy(self.scale),
                    mask: s.mask.clone(),
                })
                .collect()
        }
    }

    /// How many leading steps of `chain` the cache holds an image for.
    fn usable_prefix(&self, chain: &[RenderStep]) -> usize {
        let matching = self
            .cache
            .iter()
            .zip(chain)
            .take_while(|(c, s)| c.spec == **s)
            .count();
        (0..=matching)
            .rev()
            .find(|&n| n == 0 || self.cache[n - 1].image.is_some())
            .unwrap_or(0)
    }

    /// The image entering step `index` of `chain` and the steps between it
    /// and that input: the cached image at `index` itself when there is
    /// one, else an earlier one followed only by point steps (a fused run
    /// caches no image inside it).
    fn input_of(
        &self,
        chain: &[RenderStep],
        index: usize,
    ) -> Option<(Arc<RgbaImage>, Vec<RenderStep>)> {
        let matching = self
            .cache
            .iter()
            .zip(chain)
            .take_while(|(c, s)| c.spec == **s)
            .count();
        if index > matching {
            return None;
        }
        let mut base = index;
        loop {
            if base == 0 {
                let source = self.source.clone()?;
                return Some((source, chain[..index].to_vec()));
            }
            if let Some(image) = &self.cache[base - 1].image {
                return Some((image.clone(), chain[base..index].to_vec()));
            }
            if !is_point_step(&chain[base - 1]) {
                return None;
            }
            base -= 1;
        }
    }

    fn result(&self, chain: &[RenderStep]) -> Option<Arc<RgbaImage>> {
        let source = self.source.as_ref()?;
        if chain.is_empty() {
            return Some(source.clone());
        }
        if self.usable_prefix(chain) == chain.len() {
            self.cache.get(chain.len() - 1)?.image.clone()
        } else {
            None
        }
    }
}

/// Whether `step` is a per-pixel step that fuses with its neighbours (a
/// masked step never does).
fn is_point_step(step: &RenderStep) -> bool {
    step.prepare(1, 1).is_ok_and(|p| p.fusable())
}

/// The image entering a step, for its histogram.
#[derive(Clone)]
pub struct StepInput {
    /// An image of the chain: the step's input itself, or an earlier one.
    pub image: Arc<RgbaImage>,
    /// Which tier it came from.
    pub quality: Quality,
    /// Point steps to apply to `image` to get the step's input (empty when
    /// `image` is the input); the steps of a fused run before this one.
    pub pending: Vec<RenderStep>,
}

/// Which tier an image on screen came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quality {
    /// The scaled-down preview.
    Proxy,
    /// Full resolution.
    Full,
}

/// What the canvas should show.
#[derive(Clone)]
pub struct Displayed {
    /// The pixels.
    pub image: Arc<RgbaImage>,
    /// Full-resolution pixels per displayed pixel (1 for full quality).
    pub scale: f32,
    /// Which tier it came from.
    pub quality: Quality,
    /// Changes whenever the image does, so textures are rebuilt only then.
    pub generation: u64,
    /// A screen-sized copy of a large full-resolution `image`
    /// ([`level`]): the canvas draws it at fit and uploads full-resolution
    /// tiles only where it is zoomed in.
    pub level: Option<Arc<RgbaImage>>,
}

/// How to show the original (the compare views).
pub struct Original {
    /// The pixels: the source, or the proxy's copy of it while the
    /// source's level is made.
    pub image: Arc<RgbaImage>,
    /// Full-resolution pixels per pixel of `image`.
    pub scale: f32,
    /// The source's screen-sized copy, once made.
    pub level: Option<Arc<RgbaImage>>,
}

/// Drives an executor for one document.
pub struct Renderer {
    executor: Box<dyn Executor>,
    full: Tier,
    proxy: Tier,
    proxy_source_job: Option<JobId>,
    wanted: Vec<RenderStep>,
    /// The place in the recipe of each wanted step (disabled steps count),
    /// for messages; empty when the chain was given without a recipe.
    numbers: Vec<usize>,
    shown: Option<Displayed>,
    generation: u64,
    progress: Option<f32>,
    error: Option<String>,
    budget_bytes: usize,
    memory_budget: u64,
    /// The user cancelled the full-resolution render of the current
    /// request; the next request starts again.
    cancelled: bool,
    /// The canvas's longer side in physical pixels, which levels are made for.
    display_side: u32,
    /// The level of the full-resolution result shown.
    result_level: DisplayLevel,
    /// The level of the source (the original in compare views).
    source_level: DisplayLevel,
}

impl Renderer {
    /// A renderer with nothing to render yet.
    pub fn new(executor: Box<dyn Executor>) -> Self {
        Self {
            executor,
            full: Tier {
                scale: 1.0,
                ..Tier::default()
            },
            proxy: Tier::default(),
            proxy_source_job: None,
            wanted: Vec::new(),
            numbers: Vec::new(),
            shown: None,
            generation: 0,
            progress: None,
            error: None,
            budget_bytes: cache_budget_for(crate::governor::default_budget()),
            memory_budget: crate::governor::default_budget(),
            cancelled: false,
            display_side: DEFAULT_DISPLAY_SIDE_PX,
            result_level: DisplayLevel::default(),
            source_level: DisplayLevel::default(),
        }
    }

    /// Sets the longer side of the canvas in physical pixels (held to
    /// [`DISPLAY_SIDE_RANGE_PX`]): the levels made from now on are that
    /// size. A level made for a smaller canvas stays; the canvas fills in
    /// full-resolution tiles where it falls short.
    pub fn set_display_side(&mut self, px: u32) {
        self.display_side = px.clamp(*DISPLAY_SIDE_RANGE_PX.start(), *DISPLAY_SIDE_RANGE_PX.end());
    }

    /// Sets the memory a full-resolution render may need, in bytes
    /// ([`crate::governor::check_chain`]); a recipe that needs more is
    /// refused with an error while its preview still renders. The step
    /// cache gets its share of it ([`cache_budget_for`]), and drops what
    /// no longer fits at once.
    pub fn set_memory_budget(&mut self, bytes: u64) {
        self.memory_budget = bytes;
        self.budget_bytes = cache_budget_for(bytes);
        self.evict();
    }

    /// The cache budget for full-resolution step results, in bytes.
    pub fn cache_budget(&self) -> usize {
        self.budget_bytes
    }

    /// Sets the cache budget for full-resolution step results, in bytes.
    pub fn set_cache_budget(&mut self, bytes: usize) {
        self.budget_bytes = bytes;
    }

    /// Starts over with a new source image.
    pub fn set_source(&mut self, source: Arc<RgbaImage>) {
        self.cancel_all();
        self.result_level.forget(self.executor.as_mut());
        self.source_level.forget(self.executor.as_mut());
        for tier in [&mut self.full, &mut self.proxy] {
            for image in tier.cache.drain(..).filter_map(|c| c.image) {
                self.executor.recycle(image);
            }
        }
        let (w, h) = (source.width(), source.height());
        self.full = Tier {
            source: Some(source.clone()),
            scale: 1.0,
            ..Tier::default()
        };
        self.proxy = Tier::default();
        self.wanted.clear();
        self.error = None;
        self.shown = None;
        let longest = w.max(h);
        if longest > PROXY_MAX_SIDE_PX {
            let scale = PROXY_MAX_SIDE_PX as f32 / longest as f32;
            let pw = ((w as f32 * scale).round() as u32).max(1);
            let ph = ((h as f32 * scale).round() as u32).max(1);
            let id = JobId::next();
            self.executor.submit(Job {
                id,
                input: source,
                steps: vec![RenderStep::from(FilterSpec::Resize(ResizeParams {
                    width: pw,
                    height: ph,
                    method: ResizeMethod::Bilinear,
                    linear_light: false,
                    ..Default::default()
                }))],
            });
            self.proxy_source_job = Some(id);
            self.proxy.scale = pw as f32 / w as f32;
        }
        self.refresh_shown();
    }

    /// Asks for the result of `chain` (the enabled steps with their masks,
    /// in order). The newest request wins: an outdated full-resolution job
    /// is cancelled.
    pub fn request<S: Into<RenderStep>>(&mut self, chain: impl IntoIterator<Item = S>) {
        let chain: Vec<RenderStep> = chain.into_iter().map(Into::into).collect();
        self.request_numbered(chain, Vec::new());
    }

    /// Asks for the result of a recipe's enabled steps (with their masks);
    /// messages name each step by its place in the recipe.
    pub fn request_recipe(&mut self, recipe: &lumen_kernels::Recipe) {
        let (numbers, chain) = recipe
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.enabled)
            .map(|(i, s)| (i, s.render_step()))
            .unzip();
        self.request_numbered(chain, numbers);
    }

    fn request_numbered(&mut self, chain: Vec<RenderStep>, numbers: Vec<usize>) {
        self.numbers = numbers;
        if chain == self.wanted {
            return;
        }
        self.wanted = chain;
        self.cancelled = false;
        // The level of the result being replaced would only delay the new
        // preview's job behind it: dropped (asked for again on a return).
        self.result_level.forget(self.executor.as_mut());
        self.error = self.full.source.as_ref().and_then(|src| {
            let specs: Vec<FilterSpec> = self.wanted.iter().map(|s| s.spec.clone()).collect();
            crate::governor::check_chain(
                src.width(),
                src.height(),
                &specs,
                &self.numbers,
                self.memory_budget,
            )
            .err()
            .map(|e| format!("Not rendered at full size: {e}"))
        });
        if let Some(job) = &self.full.job
            && job.chain != self.wanted
        {
            self.executor.cancel(job.id);
            self.full.job = None;
            self.progress = None;
        }
        self.schedule();
        self.refresh_shown();
    }

    fn cancel_all(&mut self) {
        for id in [
            self.full.job.take().map(|j| j.id),
            self.proxy.job.take().map(|j| j.id),
            self.proxy_source_job.take(),
        ]
        .into_iter()
        .flatten()
        {
            self.executor.cancel(id);
        }
        self.progress = None;
    }

    fn submit(executor: &mut dyn Executor, tier: &mut Tier, wanted: &[RenderStep]) {
        let Some(source) = tier.source.clone() else {
            return;
        };
        if tier.job.is_some() {
            return;
        }
        let chain = tier.chain_for(wanted);
        let prefix = tier.usable_prefix(&chain);
        if prefix == chain.len() {
            return;
        }
        let input = match prefix {
            0 => source,
            n => match tier.cache.get(n - 1).and_then(|c| c.image.clone()) {
                Some(img) => img,
                None => return,
            },
        };
        let id = JobId::next();
        executor.submit(Job {
            id,
            input,
            steps: chain[prefix..].to_vec(),
        });
        tier.job = Some(InFlight { id, prefix, chain });
    }

    fn schedule(&mut self) {
        let full_ready = self.full.result(&self.wanted).is_some();
        if !full_ready && self.proxy.source.is_some() {
            Self::submit(self.executor.as_mut(), &mut self.proxy, &self.wanted);
            let proxy_chain = self.proxy.chain_for(&self.wanted);
            if self.proxy.result(&proxy_chain).is_none() {
                // The full render waits until the preview is current.
                return;
            }
        }
        if self.error.is_some() || self.cancelled {
            return; // refused by the memory governor, or cancelled
        }
        Self::submit(self.executor.as_mut(), &mut self.full, &self.wanted);
    }

    /// Caches a job's images (`None` inside fused runs) and hands the
    /// images they replace back to the executor for reuse.
    fn store(
        executor: &mut dyn Executor,
        tier: &mut Tier,
        job: InFlight,
        images: Vec<Option<Arc<RgbaImage>>>,
    ) {
        for old in tier.cache.drain(job.prefix.min(tier.cache.len())..) {
            if let Some(image) = old.image {
                executor.recycle(image);
            }
        }
        for (spec, image) in job.chain[job.prefix..].iter().zip(images) {
            tier.cache.push(CacheEntry {
                spec: spec.clone(),
                image,
            });
        }
    }

    fn evict(&mut self) {
        let bytes = |c: &CacheEntry| c.image.as_ref().map_or(0, |i| i.pixels().len());
        let mut total: usize = self.full.cache.iter().map(bytes).sum();
        let last = self.full.cache.len().saturating_sub(1);
        for entry in self.full.cache.iter_mut().take(last) {
            if total <= self.budget_bytes {
                break;
            }
            total -= bytes(entry);
            if let Some(image) = entry.image.take() {
                self.executor.recycle(image);
            }
        }
    }

    /// Takes finished work from the executor; call once per frame.
    pub fn poll(&mut self) {
        for event in self.executor.drain() {
            match event {
                JobEvent::Progress { id, fraction } => {
                    if self.full.job.as_ref().is_some_and(|j| j.id == id) {
                        self.progress = Some(fraction);
                    }
                }
                JobEvent::Done(mut out) => {
                    if self.result_level.take_done(out.id, &mut out.images)
                        || self.source_level.take_done(out.id, &mut out.images)
                    {
                        // A level: shown by `refresh_shown` below.
                    } else if self.proxy_source_job == Some(out.id) {
                        self.proxy_source_job = None;
                        self.proxy.source = out.images.into_iter().last().flatten();
                    } else if self.full.job.as_ref().is_some_and(|j| j.id == out.id) {
                        if let Some(job) = self.full.job.take() {
                            Self::store(self.executor.as_mut(), &mut self.full, job, out.images);
                            self.evict();
                        }
                        self.progress = None;
                    } else if self.proxy.job.as_ref().is_some_and(|j| j.id == out.id)
                        && let Some(job) = self.proxy.job.take()
                    {
                        Self::store(self.executor.as_mut(), &mut self.proxy, job, out.images);
                    }
                }
                JobEvent::Failed(err)
                    if self.result_level.take_failed(err.id)
                        || self.source_level.take_failed(err.id) =>
                {
                    // No level: the image is shown whole.
                    log::warn!("a display level was not made: {}", err.message);
                }
                JobEvent::Failed(err) => {
                    let ours = [
                        self.full.job.as_ref().map(|j| j.id),
                        self.proxy.job.as_ref().map(|j| j.id),
                        self.proxy_source_job,
                    ];
                    if ours.contains(&Some(err.id)) {
                        let message = self.describe_failure(&err);
                        if self.full.job.as_ref().is_some_and(|j| j.id == err.id) {
                            self.full.job = None;
                            self.progress = None;
                        }
                        if self.proxy.job.as_ref().is_some_and(|j| j.id == err.id) {
                            self.proxy.job = None;
                            // The full render reports the same error; show it
                            // without waiting for a preview that won't come.
                            self.proxy.source = None;
                        }
                        if self.proxy_source_job == Some(err.id) {
                            self.proxy_source_job = None;
                        }
                        self.error = Some(message);
                    }
                }
                JobEvent::Cancelled(_) => {}
            }
        }
        if self.error.is_none() {
            self.schedule();
        }
        self.refresh_shown();
    }

    /// A failed job's message, naming the step by its place in the recipe
    /// (a job starts at its tier's cached prefix, so its own step numbers
    /// are not the recipe's).
    fn describe_failure(&self, err: &lumen_worker::JobError) -> String {
        let job = [&self.full.job, &self.proxy.job]
            .into_iter()
            .flatten()
            .find(|j| j.id == err.id);
        let (Some(job), Some(step)) = (job, err.step) else {
            return err.message.clone();
        };
        let at = job.prefix + step;
        let number = self.numbers.get(at).copied().unwrap_or(at) + 1;
        match job.chain.get(at) {
            Some(spec) => format!("step {number} ({}): {}", spec.label(), err.message),
            None => err.message.clone(),
        }
    }

    fn refresh_shown(&mut self) {
        let Some((image, scale, quality, level)) = self.candidate() else {
            return;
        };
        let same = |a: &Option<Arc<RgbaImage>>, b: &Option<Arc<RgbaImage>>| match (a, b) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        if self
            .shown
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(&s.image, &image) && same(&s.level, &level))
        {
            return;
        }
        self.generation += 1;
        self.shown = Some(Displayed {
            image,
            scale,
            quality,
            generation: self.generation,
            level,
        });
    }

    /// What to show: the full result with its level once that is made
    /// (the preview meanwhile), else the preview.
    #[allow(clippy::type_complexity)]
    fn candidate(&mut self) -> Option<(Arc<RgbaImage>, f32, Quality, Option<Arc<RgbaImage>>)> {
        let chain = self.proxy.chain_for(&self.wanted);
        let proxy = self.proxy.result(&chain);
        if let Some(full) = self.full.result(&self.wanted) {
            let state = self
                .result_level
                .want(self.executor.as_mut(), &full, self.display_side);
            match (state, proxy) {
                (LevelState::Pending, Some(proxy)) => {
                    return Some((proxy, self.proxy.scale, Quality::Proxy, None));
                }
                // Nothing to stand in yet (a new source): wait for either.
                (LevelState::Pending, None) => return None,
                (LevelState::Ready, _) => {
                    let level = self.result_level.level().cloned();
                    return Some((full, 1.0, Quality::Full, level));
                }
                _ => return Some((full, 1.0, Quality::Full, None)),
            }
        }
        proxy.map(|img| (img, self.proxy.scale, Quality::Proxy, None))
    }

    /// How to show the original: the source with its level, asked for
    /// here the first time (so only a compare view pays for it); the
    /// proxy's copy while the level is made.
    pub fn original(&mut self) -> Option<Original> {
        let source = self.full.source.clone()?;
        let state = self
            .source_level
            .want(self.executor.as_mut(), &source, self.display_side);
        Some(match (state, &self.proxy.source) {
            (LevelState::Pending, Some(proxy)) => Original {
                image: proxy.clone(),
                scale: self.proxy.scale,
                level: None,
            },
            _ => Original {
                image: source,
                scale: 1.0,
                level: self.source_level.level().cloned(),
            },
        })
    }

    /// The best image for the current request, or the last one shown while
    /// the new one renders.
    pub fn displayed(&self) -> Option<&Displayed> {
        self.shown.as_ref()
    }

    /// The full-resolution result of the current request, once rendered.
    pub fn full_result(&self) -> Option<Arc<RgbaImage>> {
        self.full.result(&self.wanted)
    }

    /// True while the current request is not fully rendered (and no error
    /// or cancel stopped it).
    pub fn is_busy(&self) -> bool {
        self.error.is_none() && !self.cancelled && self.full_result().is_none()
    }

    /// Stops the full-resolution render of the current request (the
    /// preview stays); the next change of the recipe renders again.
    pub fn cancel_full(&mut self) {
        if let Some(job) = self.full.job.take() {
            self.executor.cancel(job.id);
        }
        self.progress = None;
        self.cancelled = self.full_result().is_none();
    }

    /// True when the user cancelled the current request's full render.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled
    }

    /// Fraction done of the running full-resolution job.
    pub fn progress(&self) -> Option<f32> {
        self.progress
    }

    /// The last render error, cleared by the next request.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The image entering step `index` of the current request (the
    /// source for step 0): full resolution when cached, else the proxy's.
    /// Inside a fused run of point steps no image exists on its own: then
    /// the nearest earlier image is returned with the point steps still to
    /// apply to it ([`StepInput::pending`]). `None` while nothing usable is
    /// rendered yet.
    pub fn step_input(&self, index: usize) -> Option<StepInput> {
        if index > self.wanted.len() {
            return None;
        }
        if let Some((image, pending)) = self.full.input_of(&self.wanted, index) {
            return Some(StepInput {
                image,
                quality: Quality::Full,
                pending,
            });
        }
        let proxy_chain = self.proxy.chain_for(&self.wanted);
        let (image, pending) = self.proxy.input_of(&proxy_chain, index)?;
        Some(StepInput {
            image,
            quality: Quality::Proxy,
            pending,
        })
    }

    /// Jobs queued or running.
    pub fn jobs_in_flight(&self) -> usize {
        self.executor.in_flight()
    }
}
