//! The first filter set: basic adjustments, gaussian blur and unsharp mask,
//! and the lossless geometry (quarter turns, flips, crop) plus resize.
//! Each filter is its parameter struct (declared with [`params!`]) and its
//! [`Filter`] implementation; the ops live in [`crate::ops`].

use std::ops::Range;

use crate::error::{KernelError, Result};
use crate::image::SourceBand;
use crate::ops;
use crate::registry::{Family, Filter, FilterInfo, Geometry, Layout, ParamInfo, clamp_range};
use crate::{choice_param, params, point_filter};

/// Largest blur sigma accepted, in pixels.
pub const MAX_SIGMA_PX: f32 = 1000.0;

/// Largest output side of `resize` and `canvas_size`, in pixels.
pub const MAX_OUTPUT_SIDE_PX: u32 = 65536;

params! {
    /// `invert`: no parameters.
    #[derive(Copy)]
    pub struct InvertParams {}
}

impl Filter for InvertParams {
    const INFO: FilterInfo = FilterInfo {
        name: "invert",
        label: "Invert",
        description: "Inverts red, green and blue (a negative); alpha is kept.",
        keywords: &["negative"],
        family: Family::Adjust,
    };
    point_filter!(invert_op, ops::adjust::invert_stage);
}

fn invert_op(_: &InvertParams, src: &[u8], dst: &mut [u8]) {
    ops::adjust::invert(src, dst);
}

params! {
    /// `grayscale`: no parameters.
    #[derive(Copy)]
    pub struct GrayscaleParams {}
}

impl Filter for GrayscaleParams {
    const INFO: FilterInfo = FilterInfo {
        name: "grayscale",
        label: "Grayscale",
        description: "Replaces colour by its Rec. 709 luma.",
        keywords: &["greyscale", "monochrome", "desaturate", "black and white"],
        family: Family::Adjust,
    };
    point_filter!(grayscale_op, ops::color::grayscale_stage);
}

fn grayscale_op(_: &GrayscaleParams, src: &[u8], dst: &mut [u8]) {
    ops::color::grayscale(src, dst);
}

params! {
    /// `brightness_contrast`: both in -1..=1, 0 leaves the image unchanged.
    #[derive(Copy)]
    pub struct BrightnessContrastParams {
        /// Added to every channel, as a fraction of full scale (-1..=1).
        pub brightness: f32 = 0.0 => ParamInfo::float("Brightness", -1.0, 1.0),
        /// Contrast around mid-grey (-1..=1); -1 gives flat grey.
        pub contrast: f32 = 0.0 => ParamInfo::float("Contrast", -1.0, 1.0),
    }
}

impl Filter for BrightnessContrastParams {
    const INFO: FilterInfo = FilterInfo {
        name: "brightness_contrast",
        label: "Brightness / contrast",
        description: "Shifts all levels, and spreads or squeezes them around mid-grey.",
        keywords: &["lighten", "darken"],
        family: Family::Adjust,
    };
    point_filter!(
        ops::adjust::brightness_contrast,
        ops::adjust::brightness_contrast_stage
    );
}

params! {
    /// `exposure`: multiplies linear light by `2^stops`.
    #[derive(Copy)]
    pub struct ExposureParams {
        /// Exposure change in photographic stops (-10..=10).
        pub stops: f32 = 0.0 => ParamInfo::float("Stops", -10.0, 10.0).soft(-5.0, 5.0).unit("EV"),
    }
}

impl Filter for ExposureParams {
    const INFO: FilterInfo = FilterInfo {
        name: "exposure",
        label: "Exposure",
        description: "Multiplies the light in linear space, in photographic stops.",
        keywords: &["stops", "ev", "brighten", "lighten", "darken"],
        family: Family::Adjust,
    };
    point_filter!(ops::adjust::exposure, ops::adjust::exposure_stage);
}

params! {
    /// `gamma`: each channel `c` becomes `c^(1/gamma)` (gamma > 1 brightens).
    #[derive(Copy)]
    pub struct GammaParams {
        /// The gamma value (0.01..=10); 1 leaves the image unchanged.
        pub gamma: f32 = 1.0 => ParamInfo::float("Gamma", 0.01, 10.0).soft(0.1, 5.0).log(),
    }
}

impl Filter for GammaParams {
    const INFO: FilterInfo = FilterInfo {
        name: "gamma",
        label: "Gamma",
        description: "Brightens or darkens the mid-tones, keeping black and white.",
        keywords: &["midtones"],
        family: Family::Adjust,
    };
    point_filter!(ops::adjust::gamma, ops::adjust::gamma_stage);
}

params! {
    /// `hsl`: hue rotation and saturation/lightness shifts.
    #[derive(Copy)]
    pub struct HslParams {
        /// Hue rotation in degrees (-180..=180).
        pub hue_deg: f32 = 0.0 => ParamInfo::float("Hue", -180.0, 180.0).unit("°").decimals(1),
        /// Saturation change (-1..=1); -1 removes all colour.
        pub saturation: f32 = 0.0 => ParamInfo::float("Saturation", -1.0, 1.0),
        /// Lightness change (-1..=1); -1 is black, 1 is white.
        pub lightness: f32 = 0.0 => ParamInfo::float("Lightness", -1.0, 1.0),
    }
}

impl Filter for HslParams {
    const INFO: FilterInfo = FilterInfo {
        name: "hsl",
        label: "Hue / saturation / lightness",
        description: "Rotates hues and shifts saturation and lightness.",
        keywords: &["saturation", "colour", "color", "hue"],
        family: Family::Adjust,
    };
    point_filter!(ops::color::hsl, ops::color::hsl_stage);
}

params! {
    /// `gaussian_blur`.
    #[derive(Copy)]
    pub struct GaussianBlurParams {
        /// Standard deviation in pixels (0..=1000); 0 leaves the image unchanged.
        pub sigma_px: f32 = 2.0
            => ParamInfo::float("Sigma", 0.0, MAX_SIGMA_PX).soft(0.0, 100.0).log().px(),
    }
}

impl Filter for GaussianBlurParams {
    const INFO: FilterInfo = FilterInfo {
        name: "gaussian_blur",
        label: "Gaussian blur",
        description: "Smooth blur; its cost does not grow with the radius.",
        keywords: &["soften", "smooth", "blur"],
        family: Family::Effect,
    };
    type Prepared = ops::blur::BlurPlan;

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: ops::blur::gaussian_halo_px(self.sigma_px),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            sigma_px: self.sigma_px * scale,
        }
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<Self::Prepared> {
        Ok(ops::blur::BlurPlan::new(self.sigma_px))
    }

    fn render(plan: &Self::Prepared, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::blur::gaussian_blur_planned(plan, src, out_rows, dst);
    }
}

params! {
    /// `unsharp_mask`: adds back `amount` times the difference between the image
    /// and its gaussian blur, where that difference exceeds `threshold`.
    #[derive(Copy)]
    pub struct UnsharpMaskParams {
        /// Blur standard deviation in pixels (0..=1000).
        pub sigma_px: f32 = 2.0
            => ParamInfo::float("Sigma", 0.0, MAX_SIGMA_PX).soft(0.0, 50.0).log().px(),
        /// Strength (0..=10); 1 adds the full difference.
        pub amount: f32 = 1.0 => ParamInfo::float("Amount", 0.0, 10.0).soft(0.0, 5.0),
        /// Differences at or below this, in 0..=255 levels, are left alone.
        pub threshold: f32 = 0.0 => ParamInfo::float("Threshold", 0.0, 255.0).decimals(0),
    }
}

impl Filter for UnsharpMaskParams {
    const INFO: FilterInfo = FilterInfo {
        name: "unsharp_mask",
        label: "Unsharp mask",
        description: "Sharpens by adding back detail above a threshold.",
        keywords: &["sharpen", "detail", "crisp"],
        family: Family::Effect,
    };
    type Prepared = (ops::blur::BlurPlan, Self);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: ops::blur::gaussian_halo_px(self.sigma_px),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            sigma_px: self.sigma_px * scale,
            ..*self
        }
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<Self::Prepared> {
        Ok((ops::blur::BlurPlan::new(self.sigma_px), *self))
    }

    fn render(prep: &Self::Prepared, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::blur::unsharp_mask_planned(&prep.0, &prep.1, src, out_rows, dst);
    }
}

params! {
    /// `rotate`: by quarter turns, clockwise.
    #[derive(Copy)]
    pub struct RotateParams {
        /// Clockwise quarter turns, 0..=3.
        pub quarter_turns: u8 = 1 => ParamInfo::options(
            "Turn",
            &["None", "90° clockwise", "180°", "90° counter-clockwise"],
        ),
    }
}

impl Geometry for RotateParams {
    fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        Ok(if self.quarter_turns % 2 == 1 {
            (height, width)
        } else {
            (width, height)
        })
    }

    fn source_rows(&self, _width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
        match self.quarter_turns % 4 {
            0 => clamp_range(a, b, height),
            2 => clamp_range(i64::from(height) - b, i64::from(height) - a, height),
            _ => 0..height,
        }
    }
}

impl Filter for RotateParams {
    const INFO: FilterInfo = FilterInfo {
        name: "rotate",
        label: "Rotate",
        description: "Rotates by quarter turns, losslessly.",
        keywords: &["turn", "orientation", "portrait", "landscape"],
        family: Family::Geometry,
    };
    type Prepared = Self;

    fn layout(&self) -> Layout<'_> {
        if self.quarter_turns % 2 == 1 {
            Layout::Whole(self)
        } else {
            Layout::Mapped(self)
        }
    }

    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        *self
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<Self> {
        Ok(*self)
    }

    fn render(p: &Self, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::geometry::rotate_rows(p, src, out_rows, dst);
    }

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self { quarter_turns: 0 }
    }
}

/// Which way `flip` mirrors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlipAxis {
    /// Mirrors left-right.
    #[default]
    Horizontal,
    /// Mirrors top-bottom.
    Vertical,
}

choice_param!(FlipAxis {
    Horizontal => "horizontal", "Left-right";
    Vertical => "vertical", "Top-bottom";
});

params! {
    /// `flip`.
    #[derive(Copy)]
    pub struct FlipParams {
        /// The mirror axis.
        pub axis: FlipAxis = FlipAxis::Horizontal
            => ParamInfo::choice("Axis", <FlipAxis as crate::registry::ChoiceParam>::CHOICES),
    }
}

impl Geometry for FlipParams {
    fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        Ok((width, height))
    }

    fn source_rows(&self, _width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
        match self.axis {
            FlipAxis::Horizontal => clamp_range(a, b, height),
            FlipAxis::Vertical => clamp_range(i64::from(height) - b, i64::from(height) - a, height),
        }
    }
}

impl Filter for FlipParams {
    const INFO: FilterInfo = FilterInfo {
        name: "flip",
        label: "Flip",
        description: "Mirrors left-right or top-bottom.",
        keywords: &["mirror", "reverse"],
        family: Family::Geometry,
    };
    type Prepared = Self;

    fn layout(&self) -> Layout<'_> {
        Layout::Mapped(self)
    }

    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        *self
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<Self> {
        Ok(*self)
    }

    fn render(p: &Self, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::geometry::flip_rows(p, src, out_rows, dst);
    }
}

params! {
    /// `crop`: keeps the rectangle at (`x`, `y`) of `width` x `height` pixels.
    ///
    /// A rectangle reaching past the image is clipped to it; one entirely
    /// outside it is an error.
    #[derive(Copy)]
    pub struct CropParams {
        /// Left edge, pixels.
        pub x: u32 = 0 => ParamInfo::int("x", 0, u32::MAX).px(),
        /// Top edge, pixels.
        pub y: u32 = 0 => ParamInfo::int("y", 0, u32::MAX).px(),
        /// Width, pixels (0 means "to the right edge").
        pub width: u32 = 0 => ParamInfo::int("Width", 0, u32::MAX).px(),
        /// Height, pixels (0 means "to the bottom edge").
        pub height: u32 = 0 => ParamInfo::int("Height", 0, u32::MAX).px(),
    }
}

/// Clips a crop rectangle to a `width` x `height` image; `(x, y, w, h)`.
pub fn crop_rect(p: &CropParams, width: u32, height: u32) -> Result<(u32, u32, u32, u32)> {
    if p.x >= width || p.y >= height {
        return Err(KernelError::Param {
            filter: "crop",
            param: "x/y",
            problem: format!(
                "origin ({}, {}) lies outside the {width}x{height} image",
                p.x, p.y
            ),
        });
    }
    let max_w = width - p.x;
    let max_h = height - p.y;
    let w = if p.width == 0 {
        max_w
    } else {
        p.width.min(max_w)
    };
    let h = if p.height == 0 {
        max_h
    } else {
        p.height.min(max_h)
    };
    Ok((p.x, p.y, w, h))
}

impl Geometry for CropParams {
    fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        let (_, _, w, h) = crop_rect(self, width, height)?;
        Ok((w, h))
    }

    fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        match crop_rect(self, width, height) {
            Ok((_, y, _, _)) => clamp_range(
                i64::from(out_rows.start) + i64::from(y),
                i64::from(out_rows.end) + i64::from(y),
                height,
            ),
            Err(_) => 0..0,
        }
    }
}

impl Filter for CropParams {
    const INFO: FilterInfo = FilterInfo {
        name: "crop",
        label: "Crop",
        description: "Keeps a rectangle, with aspect presets.",
        keywords: &["trim", "cut", "frame", "aspect"],
        family: Family::Geometry,
    };
    type Prepared = (u32, u32, u32, u32);

    fn layout(&self) -> Layout<'_> {
        Layout::Mapped(self)
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        let px = |v: u32| ((v as f32 * scale).round() as u32).max(1);
        Self {
            x: (self.x as f32 * scale).round() as u32,
            y: (self.y as f32 * scale).round() as u32,
            width: if self.width == 0 { 0 } else { px(self.width) },
            height: if self.height == 0 { 0 } else { px(self.height) },
        }
    }

    fn prepare(&self, width: u32, height: u32) -> Result<Self::Prepared> {
        crop_rect(self, width, height)
    }

    fn render(rect: &Self::Prepared, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::geometry::crop_rows(*rect, src, out_rows, dst);
    }

    fn editor_start(width: u32, height: u32) -> Self {
        Self {
            x: 0,
            y: 0,
            width: width.max(1),
            height: height.max(1),
        }
    }
}

/// Resampling filter of `resize`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

choice_param!(ResizeMethod {
    Nearest => "nearest", "Nearest";
    Box => "box", "Box";
    Bilinear => "bilinear", "Bilinear";
    CatmullRom => "catmull_rom", "Catmull-Rom";
    Mitchell => "mitchell", "Mitchell";
    Lanczos3 => "lanczos3", "Lanczos 3";
});

params! {
    /// `resize` to an exact size.
    #[derive(Copy)]
    pub struct ResizeParams {
        /// Output width, pixels (1..=65536).
        pub width: u32 = 1024 => ParamInfo::int("Width", 1, MAX_OUTPUT_SIDE_PX).px(),
        /// Output height, pixels (1..=65536).
        pub height: u32 = 1024 => ParamInfo::int("Height", 1, MAX_OUTPUT_SIDE_PX).px(),
        /// Resampling filter.
        pub method: ResizeMethod = ResizeMethod::Lanczos3
            => ParamInfo::choice("Method", <ResizeMethod as crate::registry::ChoiceParam>::CHOICES),
        /// Resample in linear light (sRGB decoded to linear, resampled, encoded
        /// back) instead of on the sRGB values; default false. Ignored by
        /// `nearest`, which copies pixels.
        pub linear_light: bool = false => ParamInfo::toggle("Linear light"),
    }
    check = check_output_size;
}

/// An output size within the image limits; the error names `width/height`.
pub(crate) fn check_output_size<P: OutputSize>(p: &P, filter: &'static str) -> Result<()> {
    let (width, height) = p.size();
    crate::image::checked_byte_len(width, height)
        .map(|_| ())
        .map_err(|e| KernelError::Param {
            filter,
            param: "width/height",
            problem: e.to_string(),
        })
}

/// Parameters that name an output size.
pub(crate) trait OutputSize {
    /// `(width, height)`.
    fn size(&self) -> (u32, u32);
}

impl OutputSize for ResizeParams {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

impl Geometry for ResizeParams {
    fn output_size(&self, _width: u32, _height: u32) -> Result<(u32, u32)> {
        Ok((self.width, self.height))
    }

    fn source_rows(&self, _width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        ops::resize::resize_source_rows(self, height, out_rows)
    }
}

impl Filter for ResizeParams {
    const INFO: FilterInfo = FilterInfo {
        name: "resize",
        label: "Resize",
        description: "Resamples to a new size with a choice of filter, optionally in linear light.",
        keywords: &[
            "scale",
            "enlarge",
            "shrink",
            "downscale",
            "upscale",
            "resample",
        ],
        family: Family::Geometry,
    };
    type Prepared = Self;

    fn layout(&self) -> Layout<'_> {
        Layout::Mapped(self)
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        let px = |v: u32| ((v as f32 * scale).round() as u32).max(1);
        Self {
            width: px(self.width),
            height: px(self.height),
            ..*self
        }
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<Self> {
        Ok(*self)
    }

    fn render(p: &Self, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::resize::resize_rows(p, src, out_rows, dst);
    }

    fn editor_start(width: u32, height: u32) -> Self {
        Self {
            width: width.clamp(1, MAX_OUTPUT_SIDE_PX),
            height: height.clamp(1, MAX_OUTPUT_SIDE_PX),
            ..Self::default()
        }
    }
}
