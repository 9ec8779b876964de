//! The [`Executor`] trait: how the app submits jobs and collects events,
//! whatever runs them (native threads, web workers).

use std::sync::Arc;

use lumen_kernels::RgbaImage;

use crate::protocol::{Job, JobEvent, JobId};

/// Called by an executor after it queued an event, from any thread; the app
/// passes something like `ctx.request_repaint`.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Runs [`Job`]s in the background. No method blocks the caller.
///
/// Every submitted job ends in exactly one terminal event
/// ([`JobEvent::Done`], [`JobEvent::Failed`] or [`JobEvent::Cancelled`]).
pub trait Executor {
    /// Queues a job. Jobs run in submission order.
    fn submit(&mut self, job: Job);

    /// Takes the events queued since the last call, oldest first.
    fn drain(&mut self) -> Vec<JobEvent>;

    /// Cancels a job: a queued one is dropped, a running one stops at the
    /// next band. Once this returns, [`Executor::drain`] never yields
    /// [`JobEvent::Done`] for `id`; the job ends with
    /// [`JobEvent::Cancelled`]. Unknown or finished ids are ignored.
    fn cancel(&mut self, id: JobId);

    /// Jobs submitted whose terminal event [`Executor::drain`] has not yet
    /// returned.
    fn in_flight(&self) -> usize;

    /// Hands back an image the caller no longer needs (a result it dropped
    /// from its cache), so its memory can hold a later result. Only an
    /// image nobody else holds is reused; the default just drops it.
    fn recycle(&mut self, image: Arc<RgbaImage>) {
        drop(image);
    }
}
