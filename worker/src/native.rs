//! Running jobs on native OS threads.
//!
//! [`render_steps`] renders a pipeline synchronously: each step is prepared
//! once and planned into row bands by [`plan_step_bands`], and `threads`
//! named scoped threads (`lumen-worker-{i}`) pull band indices from a shared
//! counter and render each band with [`run_prepared`] straight into its own
//! disjoint slice of the output buffer, so the result is assembled in place without copies. Every
//! band reads the whole previous image through a shared borrow.
//!
//! [`NativeExecutor`] wraps that in an [`Executor`]: one coordinator thread
//! (`lumen-scheduler`) takes jobs from a channel and runs them one at a time,
//! reporting progress, results, failures and cancellations as
//! [`JobEvent`]s.

use std::any::Any;
use std::collections::HashSet;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use lumen_kernels::image::CHANNELS;
use lumen_kernels::{KernelError, PrepareStep, PreparedStep, RgbaImage, SourceBand};

use crate::executor::{Executor, Waker};
use crate::protocol::{Job, JobError, JobEvent, JobId, JobOutput};
use crate::run::run_prepared;
use crate::scheduler::plan_step_bands;

/// Smallest progress change reported, as a fraction of the whole job.
const PROGRESS_STEP: f32 = 0.01;

/// The number of threads to render with: the machine's available
/// parallelism, or 1 when it cannot be read.
pub fn default_threads() -> usize {
    thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

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
        /// Index of the failed step.
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

/// Renders `steps` one after another on `input`, each tiled across
/// `threads` scoped threads (0 counts as 1), and returns the image after
/// each step. Bit-identical to applying each step's
/// [`FilterSpec::apply`](lumen_kernels::FilterSpec::apply) (or
/// [`RenderStep::apply`](lumen_kernels::RenderStep::apply)) in turn; `steps`
/// are bare filters or [`RenderStep`](lumen_kernels::RenderStep)s.
///
/// Blocks until done. Checks `control` before every band and stops with
/// [`StepError::Cancelled`] once it is cancelled. `on_progress` is called on
/// the calling thread with the fraction of the whole pipeline done, at most
/// about once per percent. A panic inside a filter is caught and reported
/// as [`StepError::Failed`].
pub fn render_steps<S: PrepareStep>(
    input: &RgbaImage,
    steps: &[S],
    threads: usize,
    control: &JobControl,
    on_progress: &dyn Fn(f32),
) -> Result<Vec<RgbaImage>, StepError> {
    render_steps_timed(input, steps, threads, control, on_progress).map(|(images, _)| images)
}

/// [`render_steps`], also returning each step's wall-clock compute time in
/// milliseconds.
pub fn render_steps_timed<S: PrepareStep>(
    input: &RgbaImage,
    steps: &[S],
    threads: usize,
    control: &JobControl,
    on_progress: &dyn Fn(f32),
) -> Result<(Vec<RgbaImage>, Vec<f64>), StepError> {
    render_steps_with(run_prepared, input, steps, threads, control, on_progress)
}

/// The function that renders one band of a prepared step; [`run_prepared`]
/// except in tests.
type BandFn = fn(&PreparedStep, &SourceBand<'_>, Range<u32>, &mut [u8]) -> Result<(), KernelError>;

fn render_steps_with<S: PrepareStep>(
    band_fn: BandFn,
    input: &RgbaImage,
    steps: &[S],
    threads: usize,
    control: &JobControl,
    on_progress: &dyn Fn(f32),
) -> Result<(Vec<RgbaImage>, Vec<f64>), StepError> {
    let mut images: Vec<RgbaImage> = Vec::with_capacity(steps.len());
    let mut step_ms = Vec::with_capacity(steps.len());
    let total = steps.len() as f32;
    let mut reported = 0.0_f32;
    for (step, spec) in steps.iter().enumerate() {
        if control.is_cancelled() {
            return Err(StepError::Cancelled);
        }
        let src = images.last().unwrap_or(input);
        let started = Instant::now();
        let mut report = |done: usize, bands: usize| {
            let fraction = (step as f32 + done as f32 / bands.max(1) as f32) / total;
            let finished = done >= bands && step + 1 == steps.len();
            if fraction - reported >= PROGRESS_STEP || (finished && reported < 1.0) {
                reported = fraction;
                on_progress(fraction.min(1.0));
            }
        };
        let out = render_step(band_fn, spec, src, threads, control, &mut report)
            .map_err(|failure| failure.into_step_error(step, spec))?;
        step_ms.push(started.elapsed().as_secs_f64() * 1e3);
        images.push(out);
    }
    Ok((images, step_ms))
}

/// Why one step stopped, before it is described for the user.
enum StepFailure {
    Kernel(KernelError),
    Panic(String),
    Cancelled,
}

impl StepFailure {
    fn into_step_error(self, step: usize, spec: &dyn PrepareStep) -> StepError {
        let filter = spec.step_name();
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
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The text of a panic payload.
fn panic_message(payload: &(dyn Any + Send)) -> String {
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
fn split_bands<'a>(
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

/// Renders one step across `threads` scoped threads, assembling the output
/// in place. `report(done, total)` runs on the calling thread after each
/// band.
fn render_step(
    band_fn: BandFn,
    spec: &dyn PrepareStep,
    src: &RgbaImage,
    threads: usize,
    control: &JobControl,
    report: &mut dyn FnMut(usize, usize),
) -> Result<RgbaImage, StepFailure> {
    let step = spec
        .prepare_step(src.width(), src.height())
        .map_err(StepFailure::Kernel)?;
    let (ow, oh) = step.output_size();
    let mut out = RgbaImage::new(ow, oh).map_err(StepFailure::Kernel)?;
    let bands = plan_step_bands(&step, threads);
    let slots = split_bands(out.pixels_mut(), &bands, ow as usize * CHANNELS);
    let source = src.as_band();
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
            let result = match catch_unwind(AssertUnwindSafe(|| {
                band_fn(&step, &source, rows.clone(), dst)
            })) {
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

    let runners = threads.clamp(1, bands.len().max(1));
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
    Ok(out)
}

/// State shared by the caller's side of a [`NativeExecutor`] and its
/// coordinator thread.
#[derive(Default)]
struct Shared {
    /// Jobs cancelled by the caller whose terminal event was not yet
    /// drained.
    cancelled: HashSet<JobId>,
    /// The job being rendered and its control.
    running: Option<(JobId, Arc<JobControl>)>,
    /// Set when the executor is dropped.
    shutdown: bool,
}

/// An [`Executor`] on native threads: a `lumen-scheduler` coordinator
/// thread runs jobs one at a time with [`render_steps`] on `threads` render
/// threads. Dropping it cancels the running job, drops queued ones and
/// joins the coordinator (waiting at most for the bands in progress).
pub struct NativeExecutor {
    jobs: Option<Sender<Job>>,
    events: Receiver<JobEvent>,
    /// Events produced on the caller's side (when no thread runs).
    local: Vec<JobEvent>,
    shared: Arc<Mutex<Shared>>,
    /// Submitted jobs whose terminal event was not yet drained.
    pending: HashSet<JobId>,
    /// Pending jobs the caller cancelled.
    cancelled: HashSet<JobId>,
    waker: Waker,
    coordinator: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for NativeExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeExecutor")
            .field("pending", &self.pending.len())
            .field("running", &self.coordinator.is_some())
            .finish_non_exhaustive()
    }
}

impl NativeExecutor {
    /// Starts the coordinator thread; jobs render on `threads` threads (0
    /// counts as 1; [`default_threads`] is the usual choice). `waker` is
    /// called after each queued event.
    pub fn new(threads: usize, waker: Waker) -> Self {
        Self::with_band_fn(threads, waker, run_prepared)
    }

    fn with_band_fn(threads: usize, waker: Waker, band_fn: BandFn) -> Self {
        let (jobs_tx, jobs_rx) = mpsc::channel();
        let (events_tx, events_rx) = mpsc::channel();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let coordinator = {
            let shared = Arc::clone(&shared);
            let waker = Arc::clone(&waker);
            thread::Builder::new()
                .name("lumen-scheduler".to_owned())
                .spawn(move || {
                    coordinate(
                        &jobs_rx,
                        &events_tx,
                        &shared,
                        &waker,
                        threads.max(1),
                        band_fn,
                    );
                })
                .ok()
        };
        Self {
            jobs: coordinator.as_ref().map(|_| jobs_tx),
            events: events_rx,
            local: Vec::new(),
            shared,
            pending: HashSet::new(),
            cancelled: HashSet::new(),
            waker,
            coordinator,
        }
    }
}

/// The coordinator thread's loop: one job at a time, until the job channel
/// closes or the executor shuts down.
fn coordinate(
    jobs: &Receiver<Job>,
    events: &Sender<JobEvent>,
    shared: &Mutex<Shared>,
    waker: &Waker,
    threads: usize,
    band_fn: BandFn,
) {
    let emit = |event: JobEvent| {
        // A panicking waker (a bug in the caller) must not take this
        // thread, and every later job, down with it: the event is queued
        // either way.
        if events.send(event).is_ok() {
            catch_unwind(AssertUnwindSafe(|| waker())).ok();
        }
    };
    while let Ok(job) = jobs.recv() {
        let control = Arc::new(JobControl::new());
        {
            let mut state = lock(shared);
            if state.shutdown {
                return;
            }
            if state.cancelled.contains(&job.id) {
                drop(state);
                emit(JobEvent::Cancelled(job.id));
                continue;
            }
            state.running = Some((job.id, Arc::clone(&control)));
        }
        let event = run_job(&job, threads, &control, band_fn, &emit);
        lock(shared).running = None;
        emit(event);
    }
}

/// Runs one job to its terminal event.
fn run_job(
    job: &Job,
    threads: usize,
    control: &JobControl,
    band_fn: BandFn,
    emit: &dyn Fn(JobEvent),
) -> JobEvent {
    let id = job.id;
    let on_progress = |fraction: f32| emit(JobEvent::Progress { id, fraction });
    let result = catch_unwind(AssertUnwindSafe(|| {
        render_steps_with(
            band_fn,
            &job.input,
            &job.steps,
            threads,
            control,
            &on_progress,
        )
    }));
    match result {
        Ok(Ok((images, step_ms))) => JobEvent::Done(JobOutput {
            id,
            images: images.into_iter().map(Arc::new).collect(),
            step_ms,
        }),
        Ok(Err(StepError::Cancelled)) => JobEvent::Cancelled(id),
        Ok(Err(StepError::Failed { step, message, .. })) => JobEvent::Failed(JobError {
            id,
            step: Some(step),
            message,
        }),
        Err(payload) => JobEvent::Failed(JobError {
            id,
            step: None,
            message: format!("internal error: {}", panic_message(payload.as_ref())),
        }),
    }
}

impl Executor for NativeExecutor {
    fn submit(&mut self, job: Job) {
        let id = job.id;
        self.pending.insert(id);
        let sent = match &self.jobs {
            Some(tx) => tx.send(job).is_ok(),
            None => false,
        };
        if !sent {
            self.local.push(JobEvent::Failed(JobError {
                id,
                step: None,
                message: "the render thread is not running".to_owned(),
            }));
            (self.waker)();
        }
    }

    fn drain(&mut self) -> Vec<JobEvent> {
        let mut raw = std::mem::take(&mut self.local);
        raw.extend(self.events.try_iter());
        let mut out = Vec::with_capacity(raw.len());
        for event in raw {
            let id = event.id();
            let cancelled = self.cancelled.contains(&id);
            if event.is_terminal() {
                self.pending.remove(&id);
                if cancelled {
                    self.cancelled.remove(&id);
                    lock(&self.shared).cancelled.remove(&id);
                    out.push(JobEvent::Cancelled(id));
                    continue;
                }
                out.push(event);
            } else if !cancelled {
                out.push(event);
            }
        }
        out
    }

    fn cancel(&mut self, id: JobId) {
        if !self.pending.contains(&id) || !self.cancelled.insert(id) {
            return;
        }
        let mut state = lock(&self.shared);
        state.cancelled.insert(id);
        if let Some((running, control)) = &state.running
            && *running == id
        {
            control.cancel();
        }
    }

    fn in_flight(&self) -> usize {
        self.pending.len()
    }
}

impl Drop for NativeExecutor {
    fn drop(&mut self) {
        {
            let mut state = lock(&self.shared);
            state.shutdown = true;
            if let Some((_, control)) = &state.running {
                control.cancel();
            }
        }
        self.jobs = None;
        if let Some(handle) = self.coordinator.take() {
            // A panic on the coordinator was already reported; nothing to do.
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests;
