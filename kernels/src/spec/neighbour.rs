//! The neighbourhood filters: box and motion blur, median, denoise, edge
//! detection, emboss and custom convolution. Each is its parameter struct
//! and its [`Filter`] implementation; the ops live in [`crate::ops`].

use crate::error::{KernelError, Result};
use crate::ops;
use crate::registry::{Family, Filter, FilterInfo, Layout, ParamInfo, check_f32};
use crate::{band_filter, params};

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

/// A length in pixels scaled for a preview, at least 1.
fn scaled_px(v: u32, scale: f32) -> u32 {
    ((v as f32 * scale).round() as u32).max(1)
}

params! {
    /// `box_blur`: the mean of the `(2r + 1)²` square around each pixel.
    #[derive(Copy)]
    pub struct BoxBlurParams {
        /// Radius in pixels (0..=1000); 0 leaves the image unchanged.
        pub radius_px: u32 = 3
            => ParamInfo::int("Radius", 0, MAX_BOX_RADIUS_PX).soft(0.0, 200.0).log().px(),
    }
}

impl Filter for BoxBlurParams {
    const INFO: FilterInfo = FilterInfo {
        name: "box_blur",
        label: "Box blur",
        description: "Average over a square; cost independent of the radius.",
        keywords: &["mean", "average", "blur"],
        family: Family::Effect,
    };
    band_filter!(ops::box_motion::box_blur_rows);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: ops::box_motion::box_halo_px(self),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            radius_px: if self.radius_px == 0 {
                0
            } else {
                scaled_px(self.radius_px, scale)
            },
        }
    }
}

params! {
    /// `motion_blur`: the mean along a line segment centred on each pixel.
    #[derive(Copy)]
    pub struct MotionBlurParams {
        /// Length of the segment in pixels (0..=500); 0 leaves the image unchanged.
        pub length_px: f32 = 15.0
            => ParamInfo::float("Length", 0.0, MAX_MOTION_LENGTH_PX).soft(0.0, 200.0).px(),
        /// Direction of the segment in degrees (-180..=180), counter-clockwise
        /// from the +x axis as seen on screen (0 is horizontal, 90 vertical).
        pub angle_deg: f32 = 0.0
            => ParamInfo::float("Angle", -180.0, 180.0).unit("°").decimals(1),
    }
}

impl Filter for MotionBlurParams {
    const INFO: FilterInfo = FilterInfo {
        name: "motion_blur",
        label: "Motion blur",
        description: "Streaks along a direction, as if the camera moved.",
        keywords: &["streak", "speed", "shake", "blur"],
        family: Family::Effect,
    };
    band_filter!(ops::box_motion::motion_blur_rows);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: ops::box_motion::motion_halo_px(self),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            length_px: self.length_px * scale,
            ..*self
        }
    }
}

params! {
    /// `median`: per-channel median of the `(2r + 1)²` square around each pixel.
    #[derive(Copy)]
    pub struct MedianParams {
        /// Radius in pixels (1..=100).
        pub radius_px: u32 = 2
            => ParamInfo::int("Radius", 1, MAX_MEDIAN_RADIUS_PX).log().px(),
    }
}

impl Filter for MedianParams {
    const INFO: FilterInfo = FilterInfo {
        name: "median",
        label: "Median",
        description: "Median of a square window: removes speckles, keeps edges.",
        keywords: &["despeckle", "salt and pepper", "noise reduction"],
        family: Family::Effect,
    };
    band_filter!(ops::median::median_rows);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: ops::median::median_halo_px(self),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            radius_px: scaled_px(self.radius_px, scale),
        }
    }
}

params! {
    /// `denoise`: edge-preserving bilateral filter.
    #[derive(Copy)]
    pub struct DenoiseParams {
        /// Strength (0..=1): the range sigma, as a fraction of 100 levels of
        /// summed channel difference; 0 leaves the image unchanged.
        pub strength: f32 = 0.3 => ParamInfo::float("Strength", 0.0, 1.0),
        /// Spatial radius in pixels (1..=10); the spatial sigma is half of it.
        pub radius_px: u32 = 3 => ParamInfo::int("Radius", 1, MAX_DENOISE_RADIUS_PX).px(),
    }
}

impl Filter for DenoiseParams {
    const INFO: FilterInfo = FilterInfo {
        name: "denoise",
        label: "Denoise",
        description: "Edge-preserving smoothing that averages only similar neighbours.",
        keywords: &["noise reduction", "bilateral", "smooth", "grain"],
        family: Family::Effect,
    };
    band_filter!(ops::denoise::denoise_rows);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: ops::denoise::denoise_halo_px(self),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            radius_px: scaled_px(self.radius_px, scale),
            ..*self
        }
    }
}

params! {
    /// `sobel`: gradient magnitude of Rec. 709 luma, as grey; alpha kept.
    #[derive(Copy)]
    pub struct SobelParams {
        /// Gain applied to the magnitude (0..=8); 1 is the plain Sobel magnitude.
        pub scale: f32 = 1.0 => ParamInfo::float("Scale", 0.0, 8.0),
    }
}

impl Filter for SobelParams {
    const INFO: FilterInfo = FilterInfo {
        name: "sobel",
        label: "Sobel edges",
        description: "Edge strength (gradient magnitude) as a grey image.",
        keywords: &["edge detection", "outline", "gradient"],
        family: Family::Effect,
    };
    band_filter!(ops::edges::sobel_rows);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows { halo_px: 1 }
    }

    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        *self
    }
}

params! {
    /// `emboss`: mid-grey plus the luma derivative towards a light direction.
    #[derive(Copy)]
    pub struct EmbossParams {
        /// Direction the light comes from, degrees (-180..=180), counter-clockwise
        /// from the +x axis as seen on screen (90 is light from the top).
        pub angle_deg: f32 = 135.0
            => ParamInfo::float("Light angle", -180.0, 180.0).unit("°").decimals(1),
        /// Gain of the derivative (0..=10); 0 gives flat grey.
        pub strength: f32 = 1.0 => ParamInfo::float("Strength", 0.0, 10.0),
    }
}

impl Filter for EmbossParams {
    const INFO: FilterInfo = FilterInfo {
        name: "emboss",
        label: "Emboss",
        description: "Relief effect lit from a chosen direction, around mid-grey.",
        keywords: &["relief", "bevel", "stamp"],
        family: Family::Effect,
    };
    band_filter!(ops::edges::emboss_rows);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows { halo_px: 1 }
    }

    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        *self
    }
}

params! {
    /// `convolve`: a custom 3x3 or 5x5 convolution.
    pub struct ConvolveParams {
        /// Weights, row-major, 9 (3x3) or 25 (5x5) of them, each in -1000..=1000.
        pub kernel: Vec<f32> = vec![0.0, -1.0, 0.0, -1.0, 5.0, -1.0, 0.0, -1.0, 0.0]
            => ParamInfo::custom("Kernel"),
        /// The weighted sum is divided by this (-1e6..=1e6); 0 means the sum of
        /// the weights, or 1 if that sum is 0.
        pub divisor: f32 = 0.0
            => ParamInfo::float("Divisor", -MAX_CONVOLVE_DIVISOR, MAX_CONVOLVE_DIVISOR)
                .soft(-100.0, 100.0),
        /// Added to each colour channel after division, in levels (-255..=255).
        pub bias: f32 = 0.0 => ParamInfo::float("Bias", -255.0, 255.0).decimals(0),
    }
    check = check_kernel;
}

fn check_kernel(p: &ConvolveParams, filter: &'static str) -> Result<()> {
    if p.kernel.len() != 9 && p.kernel.len() != 25 {
        return Err(KernelError::Param {
            filter,
            param: "kernel",
            problem: format!(
                "must hold 9 (3x3) or 25 (5x5) weights, got {}",
                p.kernel.len()
            ),
        });
    }
    p.kernel.iter().try_for_each(|&w| {
        check_f32(
            filter,
            "kernel",
            w,
            -MAX_CONVOLVE_WEIGHT,
            MAX_CONVOLVE_WEIGHT,
        )
    })
}

impl Filter for ConvolveParams {
    const INFO: FilterInfo = FilterInfo {
        name: "convolve",
        label: "Custom convolution",
        description: "Your own 3x3 or 5x5 kernel, with divisor and bias.",
        keywords: &["kernel", "matrix", "custom filter"],
        family: Family::Effect,
    };
    band_filter!(ops::convolve::convolve_rows);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: ops::convolve::convolve_halo_px(self),
        }
    }

    /// The kernel is in pixels of whatever it is applied to: the preview
    /// uses it unchanged.
    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        self.clone()
    }
}
