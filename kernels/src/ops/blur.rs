//! Gaussian blur and unsharp mask.

use std::ops::Range;

use crate::image::SourceBand;
use crate::spec::{GaussianBlurParams, UnsharpMaskParams};

/// Rows above and below an output row that the blur reads, for `sigma_px`.
pub fn gaussian_halo_px(sigma_px: f32) -> u32 {
    (sigma_px.max(0.0) * 3.0).ceil() as u32 // STUB
}

/// Gaussian blur of output rows `out_rows` into `dst`.
pub fn gaussian_blur_rows(
    _p: &GaussianBlurParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let stride = src.stride();
    for (i, y) in out_rows.enumerate() {
        dst[i * stride..(i + 1) * stride].copy_from_slice(src.row(y)); // STUB
    }
}

/// Unsharp mask of output rows `out_rows` into `dst`.
pub fn unsharp_mask_rows(
    _p: &UnsharpMaskParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let stride = src.stride();
    for (i, y) in out_rows.enumerate() {
        dst[i * stride..(i + 1) * stride].copy_from_slice(src.row(y)); // STUB
    }
}
