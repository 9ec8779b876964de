//! Reference per-pixel ops: straightforward floating-point formulas.

use crate::image::RgbaImage;
use crate::spec::{BrightnessContrastParams, ExposureParams, GammaParams, HslParams};

/// Reference invert.
pub fn invert(src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference grayscale.
pub fn grayscale(src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference brightness/contrast.
pub fn brightness_contrast(_p: &BrightnessContrastParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference exposure.
pub fn exposure(_p: &ExposureParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference gamma.
pub fn gamma(_p: &GammaParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}

/// Reference hue/saturation/lightness.
pub fn hsl(_p: &HslParams, src: &RgbaImage) -> RgbaImage {
    src.clone() // STUB
}
