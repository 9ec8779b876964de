//! Running jobs on native OS threads.
//!
//! [`render_steps`] renders a pipeline synchronously (see [`render`] for
//! how a chain is split into units, bands and threads);
//! [`render_chain_owned`] does the same for a batch run that needs only the
//! final image, in place where it can.
//!
//! [`NativeExecutor`] wraps that in an [`Executor`]: one coordinator thread
//! (`lumen-scheduler`) takes jobs from a channel and runs them one at a time,
//! reporting progress, results, failures and cancellations as
//! [`JobEvent`]s. Its output frames come from a [`FramePool`] that the
//! caller refills with the images it no longer needs
//! ([`Executor::recycle`]), so re-renders reuse memory already mapped.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use lumen_kernels::RgbaImage;

use crate::executor::{Executor, Waker};
use crate::frames::FramePool;
use crate::protocol::{Job, JobError, JobEvent, JobId, JobOutput};
use crate::run::run_prepared;

pub mod render;

use render::{BandFn, Options, lock, panic_message, render_steps_with};
pub use render::{
    JobControl, StepError, StepImages, UnitDone, render_chain_owned, render_steps,
    render_steps_timed,
};

/// Frames an executor keeps for reuse: a few full-size frames (output,
/// the previous one, the proxy's) and at most this many bytes.
pub const POOL_MAX_FRAMES: usize = 6;
/// Bytes of frames an executor keeps for reuse.
pub const POOL_MAX_BYTES: usize = 512 << 20;

/// The number of threads to render with: the machine's available
/// parallelism, or 1 when it cannot be read.
pub fn default_threads() -> usize {
    thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
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
    /// Output frames for the render threads, refilled by [`Executor::recycle`].
    frames: Arc<FramePool>,
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
        let frames = Arc::new(FramePool::new(POOL_MAX_FRAMES, POOL_MAX_BYTES));
        let coordinator = {
            let shared = Arc::clone(&shared);
            let waker = Arc::clone(&waker);
            let frames = Arc::clone(&frames);
            thread::Builder::new()
                .name("lumen-scheduler".to_owned())
                .spawn(move || {
                    let ctx = Coordinator {
                        events: &events_tx,
                        shared: &shared,
                        waker: &waker,
                        threads: threads.max(1),
                        band_fn,
                        frames: &frames,
                    };
                    ctx.run(&jobs_rx);
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
            frames,
        }
    }

    /// Frames and bytes its pool keeps for reuse now.
    pub fn pooled_frames(&self) -> (usize, usize) {
        self.frames.kept()
    }
}

/// What the coordinator thread works with.
struct Coordinator<'a> {
    events: &'a Sender<JobEvent>,
    shared: &'a Mutex<Shared>,
    waker: &'a Waker,
    threads: usize,
    band_fn: BandFn,
    frames: &'a FramePool,
}

impl Coordinator<'_> {
    fn emit(&self, event: JobEvent) {
        // A panicking waker (a bug in the caller) must not take this
        // thread, and every later job, down with it: the event is queued
        // either way.
        if self.events.send(event).is_ok() {
            catch_unwind(AssertUnwindSafe(|| (self.waker)())).ok();
        }
    }

    /// The coordinator thread's loop: one job at a time, until the job
    /// channel closes or the executor shuts down.
    fn run(&self, jobs: &Receiver<Job>) {
        while let Ok(job) = jobs.recv() {
            let control = Arc::new(JobControl::new());
            {
                let mut state = lock(self.shared);
                if state.shutdown {
                    return;
                }
                if state.cancelled.contains(&job.id) {
                    drop(state);
                    self.emit(JobEvent::Cancelled(job.id));
                    continue;
                }
                state.running = Some((job.id, Arc::clone(&control)));
            }
            let event = self.run_job(&job, &control);
            lock(self.shared).running = None;
            self.emit(event);
        }
    }

    /// Runs one job to its terminal event.
    fn run_job(&self, job: &Job, control: &JobControl) -> JobEvent {
        let id = job.id;
        let on_progress = |fraction: f32| self.emit(JobEvent::Progress { id, fraction });
        let opts = Options {
            threads: self.threads,
            control,
            on_progress: &on_progress,
            frames: self.frames,
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            render_steps_with(self.band_fn, &job.input, &job.steps, &opts)
        }));
        match result {
            Ok(Ok((images, step_ms))) => JobEvent::Done(JobOutput {
                id,
                images: images.into_iter().map(|i| i.map(Arc::new)).collect(),
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

    fn recycle(&mut self, image: Arc<RgbaImage>) {
        if let Ok(image) = Arc::try_unwrap(image) {
            self.frames.recycle(image);
        }
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
