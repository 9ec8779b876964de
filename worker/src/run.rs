//! [`run_band`]: the one place a band of work executes, shared by every
//! executor (native threads now, web workers later).

use std::ops::Range;

use lumen_kernels::{FilterSpec, KernelError, PreparedStep, SourceBand};

/// Renders output rows `out_rows` of `spec` into `dst` (exactly those rows,
/// tightly packed) from `band`, which must hold the source rows
/// [`FilterSpec::source_rows`] names for them. Prepares the filter for this
/// band alone: renderers of many bands of one step use [`run_prepared`].
///
/// Catches nothing: a panic inside a kernel propagates to the executor,
/// which turns it into a failed job.
pub fn run_band(
    spec: &FilterSpec,
    band: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) -> Result<(), KernelError> {
    spec.render_rows(band, out_rows, dst)
}

/// Renders output rows `out_rows` of a step prepared once for all its bands
/// ([`FilterSpec::prepare`]) into `dst` from `band`.
pub fn run_prepared(
    step: &PreparedStep,
    band: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) -> Result<(), KernelError> {
    step.render_rows(band, out_rows, dst)
}
