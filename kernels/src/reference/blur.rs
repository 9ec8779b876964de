//! Reference blurs: an exact, sampled gaussian convolution.

use crate::image::RgbaImage;
use crate::spec::{GaussianBlurParams, UnsharpMaskParams};

/// Exact gaussian blur (sampled kernel, edge replication).
pub fn gaussian_blur(_p: &GaussianBlurParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference unsharp mask.
pub fn unsharp_mask(_p: &UnsharpMaskParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}
