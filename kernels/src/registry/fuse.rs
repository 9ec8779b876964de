//! Planning a chain of steps into render units: each step alone, or a run
//! of point steps fused into one pass ([`PreparedStep::fuse`]). Every
//! executor (native threads, web workers) and [`crate::Recipe::apply`]
//! plan through [`prepare_unit`], so they fuse the same runs and give the
//! same bytes.

use super::PreparedStep;
use crate::error::Result;
use crate::image::RgbaImage;
use crate::spec::FilterSpec;

/// A step of a chain that can be prepared for a source size.
pub trait Preparable {
    /// Checks the step and prepares it for a `width` x `height` source.
    fn prepare_step(&self, width: u32, height: u32) -> Result<PreparedStep>;
}

impl Preparable for FilterSpec {
    fn prepare_step(&self, width: u32, height: u32) -> Result<PreparedStep> {
        self.prepare(width, height)
    }
}

/// Prepares the next render unit of a chain for a `width` x `height`
/// input: `steps[0]` alone, or, when it is
/// [`fusable`](PreparedStep::fusable), fused with every fusable step that
/// directly follows it. Returns the unit and how many of `steps` it
/// renders (at least 1; 0 only for an empty `steps`, with an error).
///
/// An error is always about `steps[0]`. A later step that fails to
/// prepare just ends the run; it reports its own error when it is
/// prepared as the next unit.
pub fn prepare_unit<S: Preparable>(
    steps: &[S],
    width: u32,
    height: u32,
) -> Result<(PreparedStep, usize)> {
    let Some(first) = steps.first() else {
        return Err(crate::KernelError::Recipe("no step to prepare".into()));
    };
    let first = first.prepare_step(width, height)?;
    if !first.fusable() {
        return Ok((first, 1));
    }
    let mut run = vec![first];
    for step in &steps[1..] {
        match step.prepare_step(width, height) {
            Ok(next) if next.fusable() => run.push(next),
            _ => break,
        }
    }
    let count = run.len();
    Ok((PreparedStep::fuse(run)?, count))
}

/// Renders `steps` on `src` on the calling thread, unit by unit as
/// [`prepare_unit`] plans them (fused point runs rounded once): the result
/// every executor reproduces band by band.
pub fn apply_chain<S: Preparable>(steps: &[S], src: &RgbaImage) -> Result<RgbaImage> {
    let mut img = src.clone();
    let mut rest = steps;
    while !rest.is_empty() {
        let (unit, count) = prepare_unit(rest, img.width(), img.height())?;
        let (w, h) = unit.output_size();
        let mut out = RgbaImage::new(w, h)?;
        unit.render_rows(&img.as_band(), 0..h, out.pixels_mut())?;
        img = out;
        rest = &rest[count..];
    }
    Ok(img)
}
