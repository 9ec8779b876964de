//! Reference geometry: per-pixel coordinate mapping, direct resampling.

use crate::image::RgbaImage;
use crate::spec::{FlipParams, ResizeParams, RotateParams};

/// Reference rotation.
pub fn rotate(_p: &RotateParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference flip.
pub fn flip(_p: &FlipParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference crop of the clipped rectangle `(x, y, width, height)`.
pub fn crop(_rect: (u32, u32, u32, u32), src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference resize.
pub fn resize(_p: &ResizeParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}
