//! Parameter structs of the first filter set: adjustments, blur and
//! quarter-turn geometry.

use serde::{Deserialize, Serialize};

/// Parameters of filters that take none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// `brightness_contrast`: both in -1..=1, 0 leaves the image unchanged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrightnessContrastParams {
    /// Added to every channel, as a fraction of full scale (-1..=1).
    pub brightness: f32,
    /// Contrast around mid-grey (-1..=1); -1 gives flat grey.
    pub contrast: f32,
}

/// `exposure`: multiplies linear light by `2^stops`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExposureParams {
    /// Exposure change in photographic stops (-10..=10).
    pub stops: f32,
}

/// `gamma`: each channel `c` becomes `c^(1/gamma)` (gamma > 1 brightens).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GammaParams {
    /// The gamma value (0.01..=10); 1 leaves the image unchanged.
    pub gamma: f32,
}

impl Default for GammaParams {
    fn default() -> Self {
        Self { gamma: 1.0 }
    }
}

/// `hsl`: hue rotation and saturation/lightness shifts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HslParams {
    /// Hue rotation in degrees (-180..=180).
    pub hue_deg: f32,
    /// Saturation change (-1..=1); -1 removes all colour.
    pub saturation: f32,
    /// Lightness change (-1..=1); -1 is black, 1 is white.
    pub lightness: f32,
}

/// `gaussian_blur`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GaussianBlurParams {
    /// Standard deviation in pixels (0..=1000); 0 leaves the image unchanged.
    pub sigma_px: f32,
}

impl Default for GaussianBlurParams {
    fn default() -> Self {
        Self { sigma_px: 2.0 }
    }
}

/// `unsharp_mask`: adds back `amount` times the difference between the image
/// and its gaussian blur, where that difference exceeds `threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnsharpMaskParams {
    /// Blur standard deviation in pixels (0..=1000).
    pub sigma_px: f32,
    /// Strength (0..=10); 1 adds the full difference.
    pub amount: f32,
    /// Differences at or below this, in 0..=255 levels, are left alone.
    pub threshold: f32,
}

impl Default for UnsharpMaskParams {
    fn default() -> Self {
        Self {
            sigma_px: 2.0,
            amount: 1.0,
            threshold: 0.0,
        }
    }
}

/// `rotate`: by quarter turns, clockwise.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RotateParams {
    /// Clockwise quarter turns, 0..=3.
    pub quarter_turns: u8,
}

impl Default for RotateParams {
    fn default() -> Self {
        Self { quarter_turns: 1 }
    }
}

/// Which way `flip` mirrors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlipAxis {
    /// Mirrors left-right.
    #[default]
    Horizontal,
    /// Mirrors top-bottom.
    Vertical,
}

/// `flip`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlipParams {
    /// The mirror axis.
    pub axis: FlipAxis,
}

/// `crop`: keeps the rectangle at (`x`, `y`) of `width` x `height` pixels.
///
/// A rectangle reaching past the image is clipped to it; one entirely
/// outside it is an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CropParams {
    /// Left edge, pixels.
    pub x: u32,
    /// Top edge, pixels.
    pub y: u32,
    /// Width, pixels (0 means "to the right edge").
    pub width: u32,
    /// Height, pixels (0 means "to the bottom edge").
    pub height: u32,
}

/// Resampling filter of `resize`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResizeMethod {
    /// Nearest neighbour.
    Nearest,
    /// Triangle filter (bilinear when enlarging, area-weighted when shrinking).
    Bilinear,
    /// Box filter, radius 0.5 (area averaging when shrinking; nearest-like
    /// when enlarging).
    Box,
    /// Catmull-Rom cubic spline (Mitchell-Netravali B = 0, C = 0.5), radius
    /// 2: sharp, interpolating.
    CatmullRom,
    /// Mitchell-Netravali cubic (B = C = 1/3), radius 2: softer, little
    /// ringing; slightly blurs even at the same size.
    Mitchell,
    /// Lanczos windowed sinc, 3 lobes.
    #[default]
    Lanczos3,
}

/// `resize` to an exact size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResizeParams {
    /// Output width, pixels (1..=65536).
    pub width: u32,
    /// Output height, pixels (1..=65536).
    pub height: u32,
    /// Resampling filter.
    pub method: ResizeMethod,
    /// Resample in linear light (sRGB decoded to linear, resampled, encoded
    /// back) instead of on the sRGB values; default false. Ignored by
    /// `nearest`, which copies pixels.
    pub linear_light: bool,
}

impl Default for ResizeParams {
    fn default() -> Self {
        Self {
            width: 1024,
            height: 1024,
            method: ResizeMethod::Lanczos3,
            linear_light: false,
        }
    }
}
