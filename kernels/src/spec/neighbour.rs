//! Parameter structs of the neighbourhood filters: box and motion blur,
//! median, denoise, edge detection, emboss and custom convolution.

use serde::{Deserialize, Serialize};

/// Largest `box_blur` radius, pixels.
pub const MAX_BOX_RADIUS_PX: u32 = 1000;
/// Largest `motion_blur` length, pixels.
pub const MAX_MOTION_LENGTH_PX: f32 = 500.0;
/// Largest `median` radius, pixels.
pub const MAX_MEDIAN_RADIUS_PX: u32 = 100;
/// Largest `denoise` radius, pixels.
pub const MAX_DENOISE_RADIUS_PX: u32 = 10;
/// Largest absolute `convolve` weight.
pub const MAX_CONVOLVE_WEIGHT: f32 = 1000.0;
/// Largest absolute `convolve` divisor.
pub const MAX_CONVOLVE_DIVISOR: f32 = 1_000_000.0;

/// `box_blur`: the mean of the `(2r + 1)²` square around each pixel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoxBlurParams {
    /// Radius in pixels (0..=1000); 0 leaves the image unchanged.
    pub radius_px: u32,
}

impl Default for BoxBlurParams {
    fn default() -> Self {
        Self { radius_px: 3 }
    }
}

/// `motion_blur`: the mean along a line segment centred on each pixel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MotionBlurParams {
    /// Length of the segment in pixels (0..=500); 0 leaves the image unchanged.
    pub length_px: f32,
    /// Direction of the segment in degrees (-180..=180), counter-clockwise
    /// from the +x axis as seen on screen (0 is horizontal, 90 vertical).
    pub angle_deg: f32,
}

impl Default for MotionBlurParams {
    fn default() -> Self {
        Self {
            length_px: 15.0,
            angle_deg: 0.0,
        }
    }
}

/// `median`: per-channel median of the `(2r + 1)²` square around each pixel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MedianParams {
    /// Radius in pixels (1..=100).
    pub radius_px: u32,
}

impl Default for MedianParams {
    fn default() -> Self {
        Self { radius_px: 2 }
    }
}

/// `denoise`: edge-preserving bilateral filter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DenoiseParams {
    /// Strength (0..=1): the range sigma, as a fraction of 100 levels of
    /// summed channel difference; 0 leaves the image unchanged.
    pub strength: f32,
    /// Spatial radius in pixels (1..=10); the spatial sigma is half of it.
    pub radius_px: u32,
}

impl Default for DenoiseParams {
    fn default() -> Self {
        Self {
            strength: 0.3,
            radius_px: 3,
        }
    }
}

/// `sobel`: gradient magnitude of Rec. 709 luma, as grey; alpha kept.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SobelParams {
    /// Gain applied to the magnitude (0..=8); 1 is the plain Sobel magnitude.
    pub scale: f32,
}

impl Default for SobelParams {
    fn default() -> Self {
        Self { scale: 1.0 }
    }
}

/// `emboss`: mid-grey plus the luma derivative towards a light direction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmbossParams {
    /// Direction the light comes from, degrees (-180..=180), counter-clockwise
    /// from the +x axis as seen on screen (90 is light from the top).
    pub angle_deg: f32,
    /// Gain of the derivative (0..=10); 0 gives flat grey.
    pub strength: f32,
}

impl Default for EmbossParams {
    fn default() -> Self {
        Self {
            angle_deg: 135.0,
            strength: 1.0,
        }
    }
}

/// `convolve`: a custom 3x3 or 5x5 convolution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConvolveParams {
    /// Weights, row-major, 9 (3x3) or 25 (5x5) of them, each in -1000..=1000.
    pub kernel: Vec<f32>,
    /// The weighted sum is divided by this (-1e6..=1e6); 0 means the sum of
    /// the weights, or 1 if that sum is 0.
    pub divisor: f32,
    /// Added to each colour channel after division, in levels (-255..=255).
    pub bias: f32,
}

impl Default for ConvolveParams {
    fn default() -> Self {
        Self {
            kernel: vec![0.0, -1.0, 0.0, -1.0, 5.0, -1.0, 0.0, -1.0, 0.0],
            divisor: 0.0,
            bias: 0.0,
        }
    }
}
