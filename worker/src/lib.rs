//! `lumen_worker`: where and how Lumen's filter jobs run.
//!
//! - [`protocol`]: what the app sends ([`Job`]) and gets back ([`JobEvent`]).
//! - [`run`]: [`run_band`], the one place a band of output rows is rendered,
//!   shared by every executor.
//! - [`scheduler`]: [`plan_bands`], the pure tile planner.
//! - [`executor`]: the [`Executor`] trait the app talks to.
//! - `native` (not on wasm32): [`NativeExecutor`] and [`render_steps`], which
//!   run jobs on named OS threads.
//! - [`frames`]: [`frames::FramePool`], output frames reused between renders.
//! - [`sys`]: the few OS calls (huge-page advice, process CPU time).
//!
//! Every executor renders a filter as row bands of the output and gives
//! results bit-identical to [`lumen_kernels::FilterSpec::apply`] on one
//! thread.

pub mod executor;
pub mod frames;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod protocol;
pub mod run;
pub mod scheduler;
pub mod sys;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use executor::{Executor, Waker};
#[cfg(not(target_arch = "wasm32"))]
pub use native::{
    JobControl, NativeExecutor, StepError, StepImages, UnitDone, default_threads,
    render_chain_owned, render_steps, render_steps_timed,
};
pub use protocol::{Job, JobError, JobEvent, JobId, JobOutput};
pub use run::{run_band, run_prepared};
pub use scheduler::{plan_bands, plan_step_bands};
