//! `lumen_kernels`: Lumen's pure image math.
//!
//! No UI, no threads, no browser bindings: an [`RgbaImage`], the
//! [`FilterSpec`] of every filter with its stable name and validated
//! parameters, [`Recipe`]s, and the ops themselves. Every filter renders a
//! range of output rows from a [`SourceBand`] of source rows, which is what
//! lets `lumen_worker` split work across threads and web workers with
//! bit-identical results.

pub mod error;
pub mod filter;
pub mod histogram;
pub mod image;
pub mod mask;
pub mod ops;
pub mod recipe;
pub mod reference;
pub mod registry;
pub mod render_step;
pub mod spec;

pub use error::{KernelError, Result};
pub use filter::Split;
pub use histogram::Histogram;
pub use image::{RgbaImage, SourceBand};
pub use mask::Mask;
pub use recipe::{Recipe, Step};
pub use registry::{Filter, PreparedStep};
pub use render_step::{PrepareStep, RenderStep};
pub use spec::FilterSpec;
