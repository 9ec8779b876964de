//! The job protocol between the app and an executor: a [`Job`] goes in, a
//! stream of [`JobEvent`]s comes out, ending in exactly one of
//! [`JobEvent::Done`], [`JobEvent::Failed`] or [`JobEvent::Cancelled`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use lumen_kernels::{FilterSpec, RgbaImage};

/// Identifies one job. Ids from [`JobId::next`] grow monotonically over the
/// whole process, so a later job always has a larger id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

static NEXT_JOB_ID: AtomicU64 = AtomicU64::new(1);

impl JobId {
    /// A fresh id, larger than every id handed out before in this process.
    pub fn next() -> JobId {
        JobId(NEXT_JOB_ID.fetch_add(1, Ordering::Relaxed))
    }
}

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "job {}", self.0)
    }
}

/// A pipeline to run: `steps` applied to `input` in order.
#[derive(Clone, Debug)]
pub struct Job {
    /// The job's id; events about it carry it.
    pub id: JobId,
    /// The source image (shared, never copied by native executors).
    pub input: Arc<RgbaImage>,
    /// The filters, first to last. An empty list gives an empty result.
    pub steps: Vec<FilterSpec>,
}

impl Job {
    /// A job with a fresh [`JobId::next`] id.
    pub fn new(input: Arc<RgbaImage>, steps: Vec<FilterSpec>) -> Self {
        Self {
            id: JobId::next(),
            input,
            steps,
        }
    }
}

/// The result of a finished job.
#[derive(Clone, Debug)]
pub struct JobOutput {
    /// The job this answers.
    pub id: JobId,
    /// The image after each step (same length as the job's `steps`); the
    /// last one is the final result. `None` for a step inside a run of
    /// point steps rendered as one fused pass
    /// ([`lumen_kernels::registry::prepare_unit`]): only the run's last step
    /// has an image.
    pub images: Vec<Option<Arc<RgbaImage>>>,
    /// Compute time of each step in milliseconds (a fused run's on its last
    /// step, 0.0 on the others); 0.0 where the executor cannot measure
    /// time.
    pub step_ms: Vec<f64>,
}

/// Why a job failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct JobError {
    /// The job that failed.
    pub id: JobId,
    /// Index into the job's `steps` of the step that failed; `None` when the
    /// failure was not tied to a step.
    pub step: Option<usize>,
    /// What went wrong; names the filter when a step failed.
    pub message: String,
}

/// What an executor reports about a job.
#[derive(Clone, Debug)]
pub enum JobEvent {
    /// The job is running; `fraction` of its work (0..=1, over all steps)
    /// is done. Throttled: at most about one event per percent.
    Progress {
        /// The job.
        id: JobId,
        /// Fraction done, 0..=1.
        fraction: f32,
    },
    /// The job finished; its last event.
    Done(JobOutput),
    /// The job failed; its last event.
    Failed(JobError),
    /// The job was cancelled before it finished; its last event.
    Cancelled(JobId),
}

impl JobEvent {
    /// The job this event is about.
    pub fn id(&self) -> JobId {
        match self {
            Self::Progress { id, .. } | Self::Cancelled(id) => *id,
            Self::Done(out) => out.id,
            Self::Failed(err) => err.id,
        }
    }

    /// Whether this is a job's last event (done, failed or cancelled).
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Self::Progress { .. })
    }
}
