//! Rendering a chain of steps on native threads: [`render_steps`] (every
//! step's image, for the editor's cache) and [`render_chain_owned`] (the
//! final image only, in place where it can, for the CLI).
//!
//! A chain is rendered unit by unit as [`prepare_unit`] plans it: a step
//! alone, or a run of point steps fused into one pass. Each unit is planned
//! into row bands by [`plan_step_bands`], and `threads` named scoped
//! threads (`lumen-worker-{i}`) pull band indices from a shared counter
//! and render each band straight into its own disjoint slice of the output
//! buffer, so the result is assembled in place without copies. Every band
//! reads the whole previous image through a shared borrow.

use std::any::Any;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Instant;

use lumen_kernels::image::CHANNELS;
use lumen_kernels::registry::prepare_unit;
use lumen_kernels::{FilterSpec, KernelError, PreparedStep, RgbaImage, SourceBand};

use crate::frames::FramePool;
use crate::run::run_prepared;
use crate::scheduler::plan_step_bands;

/// Smallest progress change reported, as a fraction of the whole job.
pub(crate) const PROGRESS_STEP: f32 = 0.01;

/// Shared control of one running job: its cancel flag, checked by the
/// render threads before each band. Progress goes through the callback
/// given to [`render_steps`].
#[derive(Debug, Default)]
pub struct JobControl {
    cancelled: AtomicBool,
}

impl JobControl {
    /// A control that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the job to stop; bands already running finish first.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`JobControl::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// Why [`render_steps`] stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StepError {
    /// A step failed: bad parameters, a size the filter refuses, or a panic
    /// inside the filter.
    #[error("step {step}: {message}")]
    Failed {
        /// Index of the failed step (the first of a fused run).
        step: usize,
        /// Stable name of its filter.
        filter: &'static str,
        /// What went wrong; starts with the filter's name, or with
        /// `internal error in FILTER:` for a panic.
        message: String,
    },
    /// The [`JobControl`] was cancelled.
    #[error("cancelled")]
    Cancelled,
}

/// The images of a rendered chain, one entry per step: `Some` for a step
/// whose result was produced, `None` for a step inside a fused run (only
/// the run's last step has an image, the run's result).
pub type StepImages = Vec<Option<RgbaImage>>;

/// Renders `steps` one after another on `input`, each unit tiled across
/// `threads` scoped threads (0 counts as 1), and returns the image after
/// each step (`None` inside fused runs, see [`StepImages`]). The last
/// image is bit-identical to [`lumen_kernels::Recipe::apply`].
///
/// Blocks until done. Checks `control` before every band and stops with
/// [`StepError::Cancelled`] once it is cancelled. `on_progress` is called on
/// the calling thread with the fraction of the whole pipeline done, at most
/// about once per percent. A panic inside a filter is caught and reported
/// as [`StepError::Failed`].
pub fn render_steps(
    input: &RgbaImage,
    steps: &[FilterSpec],
    threads: usize,
    control: &JobControl,
    on_progress: &dyn Fn(f32),
) -> Result<StepImages, StepError> {
    render_steps_timed(input, steps, threads, control, on_progress).map(|(images, _)| images)
}

/// [`render_steps`], also returning each step's wall-clock compute time in
/// milliseconds (a fused run's time on its last step, 0 on the others).
pub fn render_steps_timed(
    input: &RgbaImage,
    steps: &[FilterSpec],
    threads: usize,
    control: &JobControl,
    on_progress: &dyn Fn(f32),
) -> Result<(StepImages, Vec<f64>), StepError> {
    let frames = FramePool::new(0, 0);
    render_steps_with(
        run_prepared,
        input,
        steps,
        &Options {
            threads,
            control,
            on_progress,
            frames: &frames,
        },
    )
}

/// The function that renders one band of a prepared step; [`run_prepared`]
/// except in tests.
pub(crate) type BandFn =
    fn(&PreparedStep, &SourceBand<'_>, Range<u32>, &mut [u8]) -> Result<(), KernelError>;

/// How a chain is rendered.
pub(crate) struct Options<'a> {
    /// Render threads (0 counts as 1).
    pub threads: usize,
    /// Checked before every band.
    pub control: &'a JobControl,
    /// Called with the fraction done.
    pub on_progress: &'a dyn Fn(f32),
    /// Where output frames come from.
    pub frames: &'a FramePool,
}

/// Reports progress over a whole chain, throttled to [`PROGRESS_STEP`].
struct Progress<'a> {
    total: f32,
    reported: f32,
    on_progress: &'a dyn Fn(f32),
}

impl Progress<'_> {
    /// `done` of `bands` bands of the unit covering `steps` are rendered.
    fn band(&mut self, steps: &Range<usize>, done: usize, bands: usize) {
        let within = done as f32 / bands.max(1) as f32;
        let fraction = (steps.start as f32 + within * steps.len() as f32) / self.total;
        let finished = done >= bands && steps.end as f32 >= self.total;
        if fraction - self.reported >= PROGRESS_STEP || (finished && self.reported < 1.0) {
            self.reported = fraction;
            (self.on_progress)(fraction.min(1.0));
        }
    }
}

pub(crate) fn render_steps_with(
    band_fn: BandFn,
    input: &RgbaImage,
    steps: &[FilterSpec],
    opts: &Options<'_>,
) -> Result<(StepImages, Vec<f64>), StepError> {
    let mut images: StepImages = Vec::with_capacity(steps.len());
    let mut step_ms = Vec::with_capacity(steps.len());
    let mut progress = Progress {
        total: steps.len() as f32,
        reported: 0.0,
        on_progress: opts.on_progress,
    };
    let mut start = 0;
    while start < steps.len() {
        if opts.control.is_cancelled() {
            return Err(StepError::Cancelled);
        }
        let src = images
            .iter()
            .rev()
            .find_map(Option::as_ref)
            .unwrap_or(input);
        let started = Instant::now();
        let fail = |failure: StepFailure| failure.into_step_error(start, &steps[start]);
        let (unit, count) = prepare_unit(&steps[start..], src.width(), src.height())
            .map_err(|e| fail(StepFailure::Kernel(e)))?;
        let covers = start..start + count;
        let mut report = |done: usize, bands: usize| progress.band(&covers, done, bands);
        let out = render_unit(band_fn, &unit, src, opts, &mut report).map_err(fail)?;
        images.extend((1..count).map(|_| None));
        step_ms.extend((1..count).map(|_| 0.0));
        step_ms.push(started.elapsed().as_secs_f64() * 1e3);
        images.push(Some(out));
        start += count;
    }
    Ok((images, step_ms))
}

/// What [`render_chain_owned`] reports after each unit.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitDone {
    /// The steps the unit rendered (more than one for a fused run).
    pub steps: Range<usize>,
    /// Wall-clock time of the unit, in milliseconds (preparing included).
    pub wall_ms: f64,
    /// Whether it rendered in place, into the frame it read.
    pub in_place: bool,
}

/// Renders `steps` on `input`, which it consumes, and returns only the
/// final image: what a batch run needs. Units whose output rows need only
/// the same source rows (point steps and fused runs) render **in place**,
/// into the frame they read; other units render into a frame from
/// `frames`, and the frame they read goes back to `frames` for the next
/// unit. The result is bit-identical to [`render_steps`]' last image.
/// `on_unit` runs on the calling thread after each unit.
pub fn render_chain_owned(
    input: RgbaImage,
    steps: &[FilterSpec],
    threads: usize,
    control: &JobControl,
    frames: &FramePool,
    on_unit: &mut dyn FnMut(&UnitDone),
) -> Result<RgbaImage, StepError> {
    let opts = Options {
        threads,
        control,
        on_progress: &|_| {},
        frames,
    };
    let mut image = input;
    let mut start = 0;
    while start < steps.len() {
        if control.is_cancelled() {
            return Err(StepError::Cancelled);
        }
        let started = Instant::now();
        let fail = |failure: StepFailure| failure.into_step_error(start, &steps[start]);
        let (unit, count) = prepare_unit(&steps[start..], image.width(), image.height())
            .map_err(|e| fail(StepFailure::Kernel(e)))?;
        let in_place = unit.in_place();
        if in_place {
            render_in_place(&unit, &mut image, &opts).map_err(fail)?;
        } else {
            let out =
                render_unit(run_prepared, &unit, &image, &opts, &mut |_, _| {}).map_err(fail)?;
            frames.recycle(std::mem::replace(&mut image, out));
        }
        on_unit(&UnitDone {
            steps: start..start + count,
            wall_ms: started.elapsed().as_secs_f64() * 1e3,
            in_place,
        });
        start += count;
    }
    Ok(image)
}

/// Why one unit stopped, before it is described for the user.
pub(crate) enum StepFailure {
    Kernel(KernelError),
    Panic(String),
    Cancelled,
}

impl StepFailure {
    fn into_step_error(self, step: usize, spec: &FilterSpec) -> StepError {
        let filter = spec.name();
        let message = match self {
            Self::Kernel(KernelError::Param { param, problem, .. }) => {
                format!("{filter}: parameter `{param}` {problem}")
            }
            Self::Kernel(e) => format!("{filter}: {e}"),
            Self::Panic(msg) => format!("internal error in {filter}: {msg}"),
            Self::Cancelled => return StepError::Cancelled,
        };
        StepError::Failed {
            step,
            filter,
            message,
        }
    }
}

/// Locks a mutex, recovering the data if another thread panicked with it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

/// Splits `buf` into one slice per band (`stride` bytes a row), each behind
/// a mutex so that exactly one runner takes it.
pub(crate) fn split_bands<'a>(
    mut rest: &'a mut [u8],
    bands: &[Range<u32>],
    stride: usize,
) -> Vec<Mutex<Option<&'a mut [u8]>>> {
    bands
        .iter()
        .map(|band| {
            let whole = std::mem::take(&mut rest);
            let len = (band.len() * stride).min(whole.len());
            let (head, tail) = whole.split_at_mut(len);
            rest = tail;
            Mutex::new(Some(head))
        })
        .collect()
}

/// Renders one unit across the threads into a frame from the pool,
/// assembling the output in place. `report(done, total)` runs on the
/// calling thread after each band.
fn render_unit(
    band_fn: BandFn,
    step: &PreparedStep,
    src: &RgbaImage,
    opts: &Options<'_>,
    report: &mut dyn FnMut(usize, usize),
) -> Result<RgbaImage, StepFailure> {
    let (ow, oh) = step.output_size();
    let mut out = opts.frames.image(ow, oh).map_err(StepFailure::Kernel)?;
    let bands = plan_step_bands(step, opts.threads);
    let source = src.as_band();
    let done = run_bands(
        &bands,
        out.pixels_mut(),
        ow as usize * CHANNELS,
        opts,
        report,
        &|rows, dst| band_fn(step, &source, rows, dst),
    );
    match done {
        Ok(()) => Ok(out),
        Err(failure) => {
            opts.frames.recycle(out);
            Err(failure)
        }
    }
}

/// Renders a unit that works in place across the threads, each band
/// rewriting its own rows of `image`.
fn render_in_place(
    step: &PreparedStep,
    image: &mut RgbaImage,
    opts: &Options<'_>,
) -> Result<(), StepFailure> {
    let bands = plan_step_bands(step, opts.threads);
    let stride = image.stride();
    run_bands(
        &bands,
        image.pixels_mut(),
        stride,
        opts,
        &mut |_, _| {},
        &|rows, buf| step.render_in_place(rows, buf),
    )
}

/// Renders output rows into their slice of the output.
type BandWork<'a> = dyn Fn(Range<u32>, &mut [u8]) -> Result<(), KernelError> + Sync + 'a;

/// Runs `band(rows, slice)` for every band of `buf` on up to
/// `opts.threads` scoped threads; stops at the first failure or panic and
/// when the job is cancelled.
fn run_bands(
    bands: &[Range<u32>],
    buf: &mut [u8],
    stride: usize,
    opts: &Options<'_>,
    report: &mut dyn FnMut(usize, usize),
    band: &BandWork<'_>,
) -> Result<(), StepFailure> {
    let control = opts.control;
    let slots = split_bands(buf, bands, stride);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);

    let work = |tx: Sender<Result<(), StepFailure>>| {
        while !stop.load(Ordering::Relaxed) && !control.is_cancelled() {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let (Some(rows), Some(slot)) = (bands.get(i), slots.get(i)) else {
                break;
            };
            let Some(dst) = lock(slot).take() else {
                continue;
            };
            let result = match catch_unwind(AssertUnwindSafe(|| band(rows.clone(), dst))) {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(StepFailure::Kernel(e)),
                Err(payload) => Err(StepFailure::Panic(panic_message(payload.as_ref()))),
            };
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            if tx.send(result).is_err() {
                break;
            }
        }
    };

    let runners = opts.threads.clamp(1, bands.len().max(1));
    let mut done = 0;
    let mut failure = None;
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let work = &work;
        let mut spawned = 0;
        for t in 0..runners {
            let tx = tx.clone();
            let builder = thread::Builder::new().name(format!("lumen-worker-{t}"));
            if builder.spawn_scoped(s, move || work(tx)).is_err() {
                break;
            }
            spawned += 1;
        }
        if spawned == 0 {
            // No thread could be started: render on this one.
            work(tx.clone());
        }
        drop(tx);
        for msg in rx {
            match msg {
                Ok(()) => {
                    done += 1;
                    report(done, bands.len());
                }
                Err(f) => {
                    failure.get_or_insert(f);
                }
            }
        }
    });
    drop(slots);
    if let Some(f) = failure {
        return Err(f);
    }
    if control.is_cancelled() {
        return Err(StepFailure::Cancelled);
    }
    if done < bands.len() {
        return Err(StepFailure::Panic(format!(
            "only {done} of {} bands were rendered",
            bands.len()
        )));
    }
    Ok(())
}
