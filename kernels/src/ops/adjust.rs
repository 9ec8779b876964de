//! Per-pixel tone adjustments: invert, brightness/contrast, exposure, gamma.
//!
//! Each takes `src` and `dst` of equal length (whole RGBA pixels) and keeps
//! alpha unchanged.

use crate::spec::{BrightnessContrastParams, ExposureParams, GammaParams};

/// Inverts R, G and B.
pub fn invert(src: &[u8], dst: &mut [u8]) {
    dst.copy_from_slice(src); // STUB
}

/// Brightness and contrast.
pub fn brightness_contrast(_p: &BrightnessContrastParams, src: &[u8], dst: &mut [u8]) {
    dst.copy_from_slice(src); // STUB
}

/// Exposure in stops, applied in linear light.
pub fn exposure(_p: &ExposureParams, src: &[u8], dst: &mut [u8]) {
    dst.copy_from_slice(src); // STUB
}

/// Gamma curve.
pub fn gamma(_p: &GammaParams, src: &[u8], dst: &mut [u8]) {
    dst.copy_from_slice(src); // STUB
}
