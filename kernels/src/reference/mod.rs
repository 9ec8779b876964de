//! Slow, obviously correct implementations of every filter, one whole image
//! at a time. The fast ops in [`crate::ops`] are tested against these; they
//! are public so that other crates' tests can use them too.

use crate::error::Result;
use crate::image::RgbaImage;
use crate::spec::FilterSpec;

/// Runs the reference implementation of `spec` on `src`.
pub fn apply(spec: &FilterSpec, src: &RgbaImage) -> Result<RgbaImage> {
    spec.validate()?;
    let _ = spec; // STUB
    Ok(src.clone())
}
