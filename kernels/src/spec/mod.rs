//! [`FilterSpec`]: what a filter is, by its stable name and named parameters.
//!
//! The serialized tag of each variant is the filter's stable name: the key of
//! saved recipes and the `funcName` of the web worker protocol. Names and
//! parameter names are a public format: extend, never rename.

use serde::{Deserialize, Serialize};

use crate::error::{KernelError, Result};

mod geometry;
mod neighbour;
mod params;
mod tone;

pub use geometry::*;
pub use neighbour::*;
pub use params::*;
pub use tone::*;

/// One filter with its parameters. The serde tag is the stable name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "filter", content = "params", rename_all = "snake_case")]
pub enum FilterSpec {
    /// Inverts R, G and B; alpha is kept.
    Invert(NoParams),
    /// Rec. 709 luma grayscale.
    Grayscale(NoParams),
    /// Brightness and contrast.
    BrightnessContrast(BrightnessContrastParams),
    /// Exposure in stops.
    Exposure(ExposureParams),
    /// Gamma curve.
    Gamma(GammaParams),
    /// Hue, saturation, lightness.
    Hsl(HslParams),
    /// Input black/white points, mid-tone gamma, output range.
    Levels(LevelsParams),
    /// Monotone tone curves per channel and for all three.
    Curves(CurvesParams),
    /// Saturation weighted toward dull colours.
    Vibrance(VibranceParams),
    /// White balance: temperature and tint.
    TemperatureTint(TemperatureTintParams),
    /// Output channels as weighted sums of the source channels.
    ChannelMixer(ChannelMixerParams),
    /// Grey from weighted channels.
    BlackWhite(BlackWhiteParams),
    /// Sepia tone.
    Sepia(SepiaParams),
    /// Fewer levels per channel.
    Posterize(PosterizeParams),
    /// Black or white by luma.
    Threshold(ThresholdParams),
    /// Gaussian blur.
    GaussianBlur(GaussianBlurParams),
    /// Unsharp mask.
    UnsharpMask(UnsharpMaskParams),
    /// Box blur (mean of a square).
    BoxBlur(BoxBlurParams),
    /// Motion blur along a line.
    MotionBlur(MotionBlurParams),
    /// Per-channel median of a square.
    Median(MedianParams),
    /// Edge-preserving (bilateral) denoise.
    Denoise(DenoiseParams),
    /// Sobel edge magnitude.
    Sobel(SobelParams),
    /// Emboss.
    Emboss(EmbossParams),
    /// Custom 3x3 or 5x5 convolution.
    Convolve(ConvolveParams),
    /// Rotation by quarter turns.
    Rotate(RotateParams),
    /// Mirror.
    Flip(FlipParams),
    /// Crop to a rectangle.
    Crop(CropParams),
    /// Resample to a new size.
    Resize(ResizeParams),
    /// Rotation by any angle, bilinear.
    RotateAngle(RotateAngleParams),
    /// Grow or shrink the canvas around an anchor.
    CanvasSize(CanvasSizeParams),
    /// Average over square blocks.
    Pixelate(PixelateParams),
    /// Darken or lighten towards the corners.
    Vignette(VignetteParams),
    /// Deterministic film grain.
    Noise(NoiseParams),
}

/// Every stable filter name, in menu order.
pub const FILTER_NAMES: &[&str] = &[
    "invert",
    "grayscale",
    "brightness_contrast",
    "exposure",
    "gamma",
    "hsl",
    "levels",
    "curves",
    "vibrance",
    "temperature_tint",
    "channel_mixer",
    "black_white",
    "sepia",
    "posterize",
    "threshold",
    "gaussian_blur",
    "unsharp_mask",
    "box_blur",
    "motion_blur",
    "median",
    "denoise",
    "sobel",
    "emboss",
    "convolve",
    "pixelate",
    "vignette",
    "noise",
    "rotate",
    "flip",
    "crop",
    "rotate_angle",
    "canvas_size",
    "resize",
];

/// An output size within the image limits; the error names `width/height`.
fn check_size(filter: &'static str, width: u32, height: u32) -> Result<()> {
    crate::image::checked_byte_len(width, height)
        .map(|_| ())
        .map_err(|e| KernelError::Param {
            filter,
            param: "width/height",
            problem: e.to_string(),
        })
}

fn check_range(filter: &'static str, param: &'static str, v: f32, lo: f32, hi: f32) -> Result<()> {
    if !v.is_finite() {
        return Err(KernelError::Param {
            filter,
            param,
            problem: format!("must be a finite number, got {v}"),
        });
    }
    if v < lo || v > hi {
        return Err(KernelError::Param {
            filter,
            param,
            problem: format!("must be in {lo}..={hi}, got {v}"),
        });
    }
    Ok(())
}

fn check_count(filter: &'static str, param: &'static str, v: u32, lo: u32, hi: u32) -> Result<()> {
    if v < lo || v > hi {
        return Err(KernelError::Param {
            filter,
            param,
            problem: format!("must be in {lo}..={hi}, got {v}"),
        });
    }
    Ok(())
}

/// Largest blur sigma accepted, in pixels.
pub const MAX_SIGMA_PX: f32 = 1000.0;

/// Largest `pixelate` block accepted, in pixels.
pub const MAX_BLOCK_PX: u32 = 1000;

impl FilterSpec {
    /// The filter with default parameters for a stable name; `None` if the
    /// name is unknown.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "invert" => Self::Invert(NoParams {}),
            "grayscale" => Self::Grayscale(NoParams {}),
            "brightness_contrast" => Self::BrightnessContrast(Default::default()),
            "exposure" => Self::Exposure(Default::default()),
            "gamma" => Self::Gamma(Default::default()),
            "hsl" => Self::Hsl(Default::default()),
            "levels" => Self::Levels(Default::default()),
            "curves" => Self::Curves(Default::default()),
            "vibrance" => Self::Vibrance(Default::default()),
            "temperature_tint" => Self::TemperatureTint(Default::default()),
            "channel_mixer" => Self::ChannelMixer(Default::default()),
            "black_white" => Self::BlackWhite(Default::default()),
            "sepia" => Self::Sepia(Default::default()),
            "posterize" => Self::Posterize(Default::default()),
            "threshold" => Self::Threshold(Default::default()),
            "gaussian_blur" => Self::GaussianBlur(Default::default()),
            "unsharp_mask" => Self::UnsharpMask(Default::default()),
            "box_blur" => Self::BoxBlur(Default::default()),
            "motion_blur" => Self::MotionBlur(Default::default()),
            "median" => Self::Median(Default::default()),
            "denoise" => Self::Denoise(Default::default()),
            "sobel" => Self::Sobel(Default::default()),
            "emboss" => Self::Emboss(Default::default()),
            "convolve" => Self::Convolve(Default::default()),
            "rotate" => Self::Rotate(Default::default()),
            "flip" => Self::Flip(Default::default()),
            "crop" => Self::Crop(Default::default()),
            "resize" => Self::Resize(Default::default()),
            "rotate_angle" => Self::RotateAngle(Default::default()),
            "canvas_size" => Self::CanvasSize(Default::default()),
            "pixelate" => Self::Pixelate(Default::default()),
            "vignette" => Self::Vignette(Default::default()),
            "noise" => Self::Noise(Default::default()),
            _ => return None,
        })
    }

    /// The stable name, e.g. `"gaussian_blur"`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Invert(_) => "invert",
            Self::Grayscale(_) => "grayscale",
            Self::BrightnessContrast(_) => "brightness_contrast",
            Self::Exposure(_) => "exposure",
            Self::Gamma(_) => "gamma",
            Self::Hsl(_) => "hsl",
            Self::Levels(_) => "levels",
            Self::Curves(_) => "curves",
            Self::Vibrance(_) => "vibrance",
            Self::TemperatureTint(_) => "temperature_tint",
            Self::ChannelMixer(_) => "channel_mixer",
            Self::BlackWhite(_) => "black_white",
            Self::Sepia(_) => "sepia",
            Self::Posterize(_) => "posterize",
            Self::Threshold(_) => "threshold",
            Self::GaussianBlur(_) => "gaussian_blur",
            Self::UnsharpMask(_) => "unsharp_mask",
            Self::BoxBlur(_) => "box_blur",
            Self::MotionBlur(_) => "motion_blur",
            Self::Median(_) => "median",
            Self::Denoise(_) => "denoise",
            Self::Sobel(_) => "sobel",
            Self::Emboss(_) => "emboss",
            Self::Convolve(_) => "convolve",
            Self::Rotate(_) => "rotate",
            Self::Flip(_) => "flip",
            Self::Crop(_) => "crop",
            Self::Resize(_) => "resize",
            Self::RotateAngle(_) => "rotate_angle",
            Self::CanvasSize(_) => "canvas_size",
            Self::Pixelate(_) => "pixelate",
            Self::Vignette(_) => "vignette",
            Self::Noise(_) => "noise",
        }
    }

    /// A human label for menus, e.g. "Gaussian blur".
    pub fn label(&self) -> &'static str {
        label_of(self.name())
    }

    /// Checks every parameter; the error names the filter and parameter.
    pub fn validate(&self) -> Result<()> {
        let name = self.name();
        match self {
            Self::Invert(_) | Self::Grayscale(_) | Self::Flip(_) | Self::Threshold(_) => Ok(()),
            Self::BrightnessContrast(p) => {
                check_range(name, "brightness", p.brightness, -1.0, 1.0)?;
                check_range(name, "contrast", p.contrast, -1.0, 1.0)
            }
            Self::Exposure(p) => check_range(name, "stops", p.stops, -10.0, 10.0),
            Self::Gamma(p) => check_range(name, "gamma", p.gamma, 0.01, 10.0),
            Self::Hsl(p) => {
                check_range(name, "hue_deg", p.hue_deg, -180.0, 180.0)?;
                check_range(name, "saturation", p.saturation, -1.0, 1.0)?;
                check_range(name, "lightness", p.lightness, -1.0, 1.0)
            }
            Self::Levels(p) => p.check(name),
            Self::Curves(p) => p.check(name),
            Self::Vibrance(p) => check_range(name, "amount", p.amount, -1.0, 1.0),
            Self::TemperatureTint(p) => p.check(name),
            Self::ChannelMixer(p) => p.check(name),
            Self::BlackWhite(p) => p.check(name),
            Self::Sepia(p) => check_range(name, "amount", p.amount, 0.0, 1.0),
            Self::Posterize(p) => p.check(name),
            Self::GaussianBlur(p) => check_range(name, "sigma_px", p.sigma_px, 0.0, MAX_SIGMA_PX),
            Self::UnsharpMask(p) => {
                check_range(name, "sigma_px", p.sigma_px, 0.0, MAX_SIGMA_PX)?;
                check_range(name, "amount", p.amount, 0.0, 10.0)?;
                check_range(name, "threshold", p.threshold, 0.0, 255.0)
            }
            Self::BoxBlur(p) => check_count(name, "radius_px", p.radius_px, 0, MAX_BOX_RADIUS_PX),
            Self::MotionBlur(p) => {
                check_range(name, "length_px", p.length_px, 0.0, MAX_MOTION_LENGTH_PX)?;
                check_range(name, "angle_deg", p.angle_deg, -180.0, 180.0)
            }
            Self::Median(p) => check_count(name, "radius_px", p.radius_px, 1, MAX_MEDIAN_RADIUS_PX),
            Self::Denoise(p) => {
                check_range(name, "strength", p.strength, 0.0, 1.0)?;
                check_count(name, "radius_px", p.radius_px, 1, MAX_DENOISE_RADIUS_PX)
            }
            Self::Sobel(p) => check_range(name, "scale", p.scale, 0.0, 8.0),
            Self::Emboss(p) => {
                check_range(name, "angle_deg", p.angle_deg, -180.0, 180.0)?;
                check_range(name, "strength", p.strength, 0.0, 10.0)
            }
            Self::Convolve(p) => {
                if p.kernel.len() != 9 && p.kernel.len() != 25 {
                    return Err(KernelError::Param {
                        filter: name,
                        param: "kernel",
                        problem: format!(
                            "must hold 9 (3x3) or 25 (5x5) weights, got {}",
                            p.kernel.len()
                        ),
                    });
                }
                for &w in &p.kernel {
                    check_range(name, "kernel", w, -MAX_CONVOLVE_WEIGHT, MAX_CONVOLVE_WEIGHT)?;
                }
                check_range(
                    name,
                    "divisor",
                    p.divisor,
                    -MAX_CONVOLVE_DIVISOR,
                    MAX_CONVOLVE_DIVISOR,
                )?;
                check_range(name, "bias", p.bias, -255.0, 255.0)
            }
            Self::Rotate(p) => {
                if p.quarter_turns > 3 {
                    return Err(KernelError::Param {
                        filter: name,
                        param: "quarter_turns",
                        problem: format!("must be in 0..=3, got {}", p.quarter_turns),
                    });
                }
                Ok(())
            }
            Self::Crop(_) => Ok(()),
            Self::Resize(p) => check_size(name, p.width, p.height),
            Self::RotateAngle(p) => check_range(name, "angle_deg", p.angle_deg, -360.0, 360.0),
            Self::CanvasSize(p) => check_size(name, p.width, p.height),
            Self::Pixelate(p) => {
                if !(1..=MAX_BLOCK_PX).contains(&p.block_px) {
                    return Err(KernelError::Param {
                        filter: name,
                        param: "block_px",
                        problem: format!("must be in 1..={MAX_BLOCK_PX}, got {}", p.block_px),
                    });
                }
                Ok(())
            }
            Self::Vignette(p) => {
                check_range(name, "amount", p.amount, -1.0, 1.0)?;
                check_range(name, "radius", p.radius, 0.0, 2.0)?;
                check_range(name, "softness", p.softness, 0.0, 1.0)
            }
            Self::Noise(p) => check_range(name, "amount", p.amount, 0.0, 1.0),
        }
    }

    /// The same filter for a preview rendered at `scale` times the source
    /// size: lengths in pixels (blur sigma and radii, motion length, crop
    /// rectangle, resize and canvas sizes, pixelate block; not a
    /// convolution kernel) are scaled so the preview looks like the full
    /// render. Angles, strengths and noise seeds are kept.
    #[must_use]
    pub fn scaled_for_proxy(&self, scale: f32) -> Self {
        let px = |v: u32| ((v as f32 * scale).round() as u32).max(1);
        match self.clone() {
            Self::GaussianBlur(p) => Self::GaussianBlur(GaussianBlurParams {
                sigma_px: p.sigma_px * scale,
            }),
            Self::UnsharpMask(p) => Self::UnsharpMask(UnsharpMaskParams {
                sigma_px: p.sigma_px * scale,
                ..p
            }),
            Self::BoxBlur(p) => Self::BoxBlur(BoxBlurParams {
                radius_px: if p.radius_px == 0 { 0 } else { px(p.radius_px) },
            }),
            Self::MotionBlur(p) => Self::MotionBlur(MotionBlurParams {
                length_px: p.length_px * scale,
                ..p
            }),
            Self::Median(p) => Self::Median(MedianParams {
                radius_px: px(p.radius_px),
            }),
            Self::Denoise(p) => Self::Denoise(DenoiseParams {
                radius_px: px(p.radius_px),
                ..p
            }),
            Self::Crop(p) => Self::Crop(CropParams {
                x: (p.x as f32 * scale).round() as u32,
                y: (p.y as f32 * scale).round() as u32,
                width: if p.width == 0 { 0 } else { px(p.width) },
                height: if p.height == 0 { 0 } else { px(p.height) },
            }),
            Self::Resize(p) => Self::Resize(ResizeParams {
                width: px(p.width),
                height: px(p.height),
                ..p
            }),
            Self::CanvasSize(p) => Self::CanvasSize(CanvasSizeParams {
                width: px(p.width),
                height: px(p.height),
                ..p
            }),
            Self::Pixelate(p) => Self::Pixelate(PixelateParams {
                block_px: px(p.block_px).min(MAX_BLOCK_PX),
            }),
            other => other,
        }
    }
}

/// A human label for a stable filter name (the name itself if unknown).
pub fn label_of(name: &str) -> &'static str {
    match name {
        "invert" => "Invert",
        "grayscale" => "Grayscale",
        "brightness_contrast" => "Brightness / contrast",
        "exposure" => "Exposure",
        "gamma" => "Gamma",
        "hsl" => "Hue / saturation / lightness",
        "levels" => "Levels",
        "curves" => "Curves",
        "vibrance" => "Vibrance",
        "temperature_tint" => "Temperature / tint",
        "channel_mixer" => "Channel mixer",
        "black_white" => "Black & white",
        "sepia" => "Sepia",
        "posterize" => "Posterize",
        "threshold" => "Threshold",
        "gaussian_blur" => "Gaussian blur",
        "unsharp_mask" => "Unsharp mask",
        "box_blur" => "Box blur",
        "motion_blur" => "Motion blur",
        "median" => "Median",
        "denoise" => "Denoise",
        "sobel" => "Sobel edges",
        "emboss" => "Emboss",
        "convolve" => "Custom convolution",
        "rotate" => "Rotate",
        "flip" => "Flip",
        "crop" => "Crop",
        "resize" => "Resize",
        "rotate_angle" => "Rotate by angle",
        "canvas_size" => "Canvas size",
        "pixelate" => "Pixelate",
        "vignette" => "Vignette",
        "noise" => "Noise",
        _ => "Unknown filter",
    }
}
