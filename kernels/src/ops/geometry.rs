//! Lossless geometry: quarter-turn rotation, flips, crop.

use std::ops::Range;

use crate::image::SourceBand;
use crate::spec::{FlipParams, RotateParams};

/// Rotation by quarter turns clockwise, output rows `out_rows`.
pub fn rotate_rows(
    _p: &RotateParams,
    _src: &SourceBand<'_>,
    _out_rows: Range<u32>,
    _dst: &mut [u8],
) {
    // STUB
}

/// Mirror, output rows `out_rows`.
pub fn flip_rows(_p: &FlipParams, _src: &SourceBand<'_>, _out_rows: Range<u32>, _dst: &mut [u8]) {
    // STUB
}

/// Crop to the already clipped rectangle `(x, y, width, height)`.
pub fn crop_rows(
    _rect: (u32, u32, u32, u32),
    _src: &SourceBand<'_>,
    _out_rows: Range<u32>,
    _dst: &mut [u8],
) {
    // STUB
}
