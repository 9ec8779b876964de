//! The tone and colour adjustments: levels, curves, vibrance,
//! temperature/tint, sepia, threshold, posterize, channel mixer and black &
//! white. All of them are per-pixel ops on straight RGBA that keep alpha;
//! the formulas are documented on the ops in [`crate::ops::tone`]. Each is
//! its parameter struct and its [`Filter`] implementation.

use crate::error::{KernelError, Result};
use crate::ops;
use crate::registry::{Family, Filter, FilterInfo, ParamInfo};
use crate::{params, point_filter};

params! {
    /// `levels`: input black/white points, a mid-tone gamma and output range,
    /// applied to R, G and B alike.
    ///
    /// A level `v` becomes `out_black + (out_white - out_black) * t^(1/gamma)`
    /// with `t = clamp((v - black) / (white - black), 0, 1)`.
    #[derive(Copy)]
    pub struct LevelsParams {
        /// Input black point, in levels (0..=254): this level and below become
        /// `out_black`.
        pub black: u8 = 16 => ParamInfo::int("Black", 0, 254),
        /// Input white point, in levels (1..=255, greater than `black`): this
        /// level and above become `out_white`.
        pub white: u8 = 235 => ParamInfo::int("White", 1, 255),
        /// Mid-tone gamma (0.1..=10); 1 is linear, above 1 brightens mid-tones.
        pub gamma: f32 = 1.0 => ParamInfo::float("Gamma", 0.1, 10.0).soft(0.1, 5.0).log(),
        /// Output level for the input black point (0..=255).
        pub out_black: u8 = 0 => ParamInfo::int("Output black", 0, 255),
        /// Output level for the input white point (0..=255); below `out_black`
        /// inverts the image.
        pub out_white: u8 = 255 => ParamInfo::int("Output white", 0, 255),
    }
    check = check_levels;
}

impl LevelsParams {
    /// The levels that change nothing: black 0, white 255, gamma 1, output
    /// 0..=255.
    pub const IDENTITY: Self = Self {
        black: 0,
        white: 255,
        gamma: 1.0,
        out_black: 0,
        out_white: 255,
    };
}

fn check_levels(p: &LevelsParams, filter: &'static str) -> Result<()> {
    if p.white <= p.black {
        return Err(param_error(
            filter,
            "white",
            format!("must be greater than black ({}), got {}", p.black, p.white),
        ));
    }
    Ok(())
}

impl Filter for LevelsParams {
    const INFO: FilterInfo = FilterInfo {
        name: "levels",
        label: "Levels",
        description: "Maps an input black and white point and a mid-tone gamma to an output range.",
        keywords: &["black point", "white point", "auto", "tone", "contrast"],
        family: Family::Adjust,
    };
    point_filter!(ops::tone::levels, ops::tone::levels_stage);

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self::IDENTITY
    }
}

/// Least number of control points of a curve.
pub const CURVE_MIN_POINTS: usize = 2;
/// Largest number of control points of a curve.
pub const CURVE_MAX_POINTS: usize = 32;

/// The identity curve, `[[0, 0], [1, 1]]`.
pub fn identity_curve() -> Vec<[f32; 2]> {
    vec![[0.0, 0.0], [1.0, 1.0]]
}

params! {
    /// `curves`: a tone curve per channel, then one for all three.
    ///
    /// Each curve is a list of control points `[x, y]`, both in `0..=1`
    /// (fractions of full scale), 2..=32 points, `x` strictly increasing,
    /// interpolated by a monotone cubic (Fritsch–Carlson) and flat before the
    /// first and after the last point. Each channel goes through its own curve,
    /// then through `rgb`. The default is a gentle S-curve on `rgb`.
    pub struct CurvesParams {
        /// The curve applied to R, G and B after their own curve (points in
        /// `0..=1`).
        pub rgb: Vec<[f32; 2]> = vec![[0.0, 0.0], [0.25, 0.2], [0.75, 0.8], [1.0, 1.0]]
            => ParamInfo::custom("RGB"),
        /// The red channel's curve (points in `0..=1`).
        pub red: Vec<[f32; 2]> = identity_curve() => ParamInfo::custom("Red"),
        /// The green channel's curve (points in `0..=1`).
        pub green: Vec<[f32; 2]> = identity_curve() => ParamInfo::custom("Green"),
        /// The blue channel's curve (points in `0..=1`).
        pub blue: Vec<[f32; 2]> = identity_curve() => ParamInfo::custom("Blue"),
    }
    check = check_curves;
}

fn check_curves(p: &CurvesParams, filter: &'static str) -> Result<()> {
    check_curve(filter, "rgb", &p.rgb)?;
    check_curve(filter, "red", &p.red)?;
    check_curve(filter, "green", &p.green)?;
    check_curve(filter, "blue", &p.blue)
}

impl Filter for CurvesParams {
    const INFO: FilterInfo = FilterInfo {
        name: "curves",
        label: "Curves",
        description: "Reshapes tones with a curve per channel and one for all of them.",
        keywords: &["tone curve", "contrast", "s-curve"],
        family: Family::Adjust,
    };
    point_filter!(ops::tone::curves, ops::tone::curves_stage);

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self {
            rgb: identity_curve(),
            red: identity_curve(),
            green: identity_curve(),
            blue: identity_curve(),
        }
    }
}

params! {
    /// `vibrance`: saturation change weighted toward weakly saturated pixels.
    #[derive(Copy)]
    pub struct VibranceParams {
        /// Strength (-1..=1): positive saturates dull colours, negative mutes
        /// them; vivid colours change little. 0 leaves the image unchanged.
        pub amount: f32 = 0.5 => ParamInfo::float("Vibrance", -1.0, 1.0),
    }
}

impl Filter for VibranceParams {
    const INFO: FilterInfo = FilterInfo {
        name: "vibrance",
        label: "Vibrance",
        description: "Saturates dull colours more than vivid ones.",
        keywords: &["saturation", "colour", "color", "punch"],
        family: Family::Adjust,
    };
    point_filter!(ops::tone_matrix::vibrance, ops::tone_matrix::vibrance_stage);

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self { amount: 0.0 }
    }
}

params! {
    /// `temperature_tint`: white-balance gains per channel, in linear light.
    #[derive(Copy)]
    pub struct TemperatureTintParams {
        /// Colour temperature shift (-1..=1): negative cooler (bluer), positive
        /// warmer (yellower). 0 is neutral.
        pub temperature: f32 = 0.3 => ParamInfo::float("Temperature", -1.0, 1.0),
        /// Tint shift (-1..=1): negative greener, positive more magenta. 0 is
        /// neutral.
        pub tint: f32 = 0.0 => ParamInfo::float("Tint", -1.0, 1.0),
    }
}

impl Filter for TemperatureTintParams {
    const INFO: FilterInfo = FilterInfo {
        name: "temperature_tint",
        label: "Temperature / tint",
        description: "White balance: cooler or warmer, greener or more magenta.",
        keywords: &["white balance", "warm", "cool", "colour cast", "wb"],
        family: Family::Adjust,
    };
    point_filter!(
        ops::tone::temperature_tint,
        ops::tone::temperature_tint_stage
    );

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self {
            temperature: 0.0,
            tint: 0.0,
        }
    }
}

params! {
    /// `sepia`: blend toward the classic sepia matrix.
    #[derive(Copy)]
    pub struct SepiaParams {
        /// Blend (0..=1): 0 is the original, 1 the full sepia tone.
        pub amount: f32 = 1.0 => ParamInfo::float("Amount", 0.0, 1.0),
    }
}

impl Filter for SepiaParams {
    const INFO: FilterInfo = FilterInfo {
        name: "sepia",
        label: "Sepia",
        description: "Blends toward an old-photograph brown tone.",
        keywords: &["vintage", "old photo", "antique", "tone"],
        family: Family::Adjust,
    };
    point_filter!(ops::tone_matrix::sepia, ops::tone_matrix::sepia_stage);
}

params! {
    /// `threshold`: black and white by Rec. 709 luma.
    #[derive(Copy)]
    pub struct ThresholdParams {
        /// Luma level (0..=255) at and above which a pixel becomes white; below
        /// it, black.
        pub level: u8 = 128 => ParamInfo::int("Level", 0, 255),
    }
}

impl Filter for ThresholdParams {
    const INFO: FilterInfo = FilterInfo {
        name: "threshold",
        label: "Threshold",
        description: "Black or white by luma: pure two-tone.",
        keywords: &["binarize", "two-tone", "bitmap"],
        family: Family::Adjust,
    };
    point_filter!(ops::tone::threshold, ops::tone::threshold_stage);
}

params! {
    /// `posterize`: fewer levels per channel.
    #[derive(Copy)]
    pub struct PosterizeParams {
        /// Output levels per channel (2..=255), evenly spaced over 0..=255
        /// (so 255 levels are 255/254 apart: nearly, not exactly, the identity).
        pub levels: u8 = 4 => ParamInfo::int("Levels", 2, 255).soft(2.0, 32.0),
    }
}

impl Filter for PosterizeParams {
    const INFO: FilterInfo = FilterInfo {
        name: "posterize",
        label: "Posterize",
        description: "Reduces each channel to a few evenly spaced levels.",
        keywords: &["quantize", "banding", "poster"],
        family: Family::Adjust,
    };
    point_filter!(ops::tone::posterize, ops::tone::posterize_stage);
}

params! {
    /// `channel_mixer`: each output channel a weighted sum of the source
    /// channels plus an offset.
    ///
    /// `R' = red[0] R + red[1] G + red[2] B + offset[0]` (and likewise for G'
    /// and B'), rounded and clamped to `0..=255`. The default is a visible but
    /// gentle mix: a fifth of green into red and into blue (each row sums to
    /// 1, so greys are kept), no offset.
    #[derive(Copy)]
    pub struct ChannelMixerParams {
        /// Weights of source R, G, B in output red (each -2..=2).
        pub red: [f32; 3] = [0.8, 0.2, 0.0] => ParamInfo::floats("Red", -2.0, 2.0, &RGB),
        /// Weights of source R, G, B in output green (each -2..=2).
        pub green: [f32; 3] = [0.0, 1.0, 0.0] => ParamInfo::floats("Green", -2.0, 2.0, &RGB),
        /// Weights of source R, G, B in output blue (each -2..=2).
        pub blue: [f32; 3] = [0.0, 0.2, 0.8] => ParamInfo::floats("Blue", -2.0, 2.0, &RGB),
        /// Added to output R, G, B, in levels (each -255..=255).
        pub offset: [f32; 3] = [0.0; 3] => ParamInfo::floats("Offset", -255.0, 255.0, &RGB),
    }
}

/// Part labels of RGB triples.
const RGB: [&str; 3] = ["R", "G", "B"];

impl ChannelMixerParams {
    /// The mix that changes nothing.
    pub const IDENTITY: Self = Self {
        red: [1.0, 0.0, 0.0],
        green: [0.0, 1.0, 0.0],
        blue: [0.0, 0.0, 1.0],
        offset: [0.0; 3],
    };
}

impl Filter for ChannelMixerParams {
    const INFO: FilterInfo = FilterInfo {
        name: "channel_mixer",
        label: "Channel mixer",
        description: "Makes each output channel a weighted mix of the source channels.",
        keywords: &["swap channels", "colour", "color", "mix"],
        family: Family::Adjust,
    };
    point_filter!(
        ops::tone_matrix::channel_mixer,
        ops::tone_matrix::channel_mixer_stage
    );

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self::IDENTITY
    }
}

params! {
    /// `black_white`: grey as a weighted sum of the channels,
    /// `clamp(round(red R + green G + blue B))`.
    #[derive(Copy)]
    pub struct BlackWhiteParams {
        /// Weight of red (-2..=2).
        pub red: f32 = 0.4 => ParamInfo::float("Red", -2.0, 2.0),
        /// Weight of green (-2..=2).
        pub green: f32 = 0.4 => ParamInfo::float("Green", -2.0, 2.0),
        /// Weight of blue (-2..=2).
        pub blue: f32 = 0.2 => ParamInfo::float("Blue", -2.0, 2.0),
    }
}

impl Filter for BlackWhiteParams {
    const INFO: FilterInfo = FilterInfo {
        name: "black_white",
        label: "Black & white",
        description: "Grey from chosen weights of red, green and blue.",
        keywords: &["monochrome", "grayscale", "greyscale", "bw"],
        family: Family::Adjust,
    };
    point_filter!(
        ops::tone_matrix::black_white,
        ops::tone_matrix::black_white_stage
    );
}

fn param_error(filter: &'static str, param: &'static str, problem: String) -> KernelError {
    KernelError::Param {
        filter,
        param,
        problem,
    }
}

/// Checks one curve's control points: 2..=32 of them, finite, in `0..=1`,
/// `x` strictly increasing. The error names `param` (the curve's field).
pub fn check_curve(filter: &'static str, param: &'static str, points: &[[f32; 2]]) -> Result<()> {
    if !(CURVE_MIN_POINTS..=CURVE_MAX_POINTS).contains(&points.len()) {
        return Err(param_error(
            filter,
            param,
            format!(
                "must have {CURVE_MIN_POINTS}..={CURVE_MAX_POINTS} points, got {}",
                points.len()
            ),
        ));
    }
    for (i, &[x, y]) in points.iter().enumerate() {
        if !(x.is_finite() && y.is_finite() && (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y))
        {
            return Err(param_error(
                filter,
                param,
                format!("point {i} must lie in 0..=1, got [{x}, {y}]"),
            ));
        }
    }
    for (i, pair) in points.windows(2).enumerate() {
        if let [[x0, _], [x1, _]] = pair
            && x1 <= x0
        {
            return Err(param_error(
                filter,
                param,
                format!(
                    "x must increase strictly, but point {} has x {x1} after {x0}",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}
