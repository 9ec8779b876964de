//! Per-pixel colour operations: grayscale, hue/saturation/lightness.

use crate::spec::HslParams;

/// Rec. 709 luma grayscale.
pub fn grayscale(src: &[u8], dst: &mut [u8]) {
    dst.copy_from_slice(src); // STUB
}

/// Hue rotation, saturation and lightness.
pub fn hsl(_p: &HslParams, src: &[u8], dst: &mut [u8]) {
    dst.copy_from_slice(src); // STUB
}
