//! Parameter structs of the tone and colour adjustments: levels, curves,
//! vibrance, temperature/tint, sepia, threshold, posterize, channel mixer and
//! black & white. All of them are per-pixel ops on straight RGBA that keep
//! alpha; the formulas are documented on the ops in [`crate::ops::tone`].

use serde::{Deserialize, Serialize};

use super::check_range;
use crate::error::{KernelError, Result};

/// `levels`: input black/white points, a mid-tone gamma and output range,
/// applied to R, G and B alike.
///
/// A level `v` becomes `out_black + (out_white - out_black) * t^(1/gamma)`
/// with `t = clamp((v - black) / (white - black), 0, 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LevelsParams {
    /// Input black point, in levels (0..=254): this level and below become
    /// `out_black`.
    pub black: u8,
    /// Input white point, in levels (1..=255, greater than `black`): this
    /// level and above become `out_white`.
    pub white: u8,
    /// Mid-tone gamma (0.1..=10); 1 is linear, above 1 brightens mid-tones.
    pub gamma: f32,
    /// Output level for the input black point (0..=255).
    pub out_black: u8,
    /// Output level for the input white point (0..=255); below `out_black`
    /// inverts the image.
    pub out_white: u8,
}

impl Default for LevelsParams {
    fn default() -> Self {
        Self {
            black: 16,
            white: 235,
            gamma: 1.0,
            out_black: 0,
            out_white: 255,
        }
    }
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

/// Least number of control points of a curve.
pub const CURVE_MIN_POINTS: usize = 2;
/// Largest number of control points of a curve.
pub const CURVE_MAX_POINTS: usize = 32;

/// `curves`: a tone curve per channel, then one for all three.
///
/// Each curve is a list of control points `[x, y]`, both in `0..=1`
/// (fractions of full scale), 2..=32 points, `x` strictly increasing,
/// interpolated by a monotone cubic (Fritsch–Carlson) and flat before the
/// first and after the last point. Each channel goes through its own curve,
/// then through `rgb`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CurvesParams {
    /// The curve applied to R, G and B after their own curve (points in
    /// `0..=1`).
    pub rgb: Vec<[f32; 2]>,
    /// The red channel's curve (points in `0..=1`).
    pub red: Vec<[f32; 2]>,
    /// The green channel's curve (points in `0..=1`).
    pub green: Vec<[f32; 2]>,
    /// The blue channel's curve (points in `0..=1`).
    pub blue: Vec<[f32; 2]>,
}

/// The identity curve, `[[0, 0], [1, 1]]`.
pub fn identity_curve() -> Vec<[f32; 2]> {
    vec![[0.0, 0.0], [1.0, 1.0]]
}

impl Default for CurvesParams {
    /// A gentle S-curve on `rgb` (`[[0, 0], [0.25, 0.2], [0.75, 0.8],
    /// [1, 1]]`), identity channel curves.
    fn default() -> Self {
        Self {
            rgb: vec![[0.0, 0.0], [0.25, 0.2], [0.75, 0.8], [1.0, 1.0]],
            red: identity_curve(),
            green: identity_curve(),
            blue: identity_curve(),
        }
    }
}

/// `vibrance`: saturation change weighted toward weakly saturated pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VibranceParams {
    /// Strength (-1..=1): positive saturates dull colours, negative mutes
    /// them; vivid colours change little. 0 leaves the image unchanged.
    pub amount: f32,
}

impl Default for VibranceParams {
    fn default() -> Self {
        Self { amount: 0.5 }
    }
}

/// `temperature_tint`: white-balance gains per channel, in linear light.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TemperatureTintParams {
    /// Colour temperature shift (-1..=1): negative cooler (bluer), positive
    /// warmer (yellower). 0 is neutral.
    pub temperature: f32,
    /// Tint shift (-1..=1): negative greener, positive more magenta. 0 is
    /// neutral.
    pub tint: f32,
}

impl Default for TemperatureTintParams {
    fn default() -> Self {
        Self {
            temperature: 0.3,
            tint: 0.0,
        }
    }
}

/// `sepia`: blend toward the classic sepia matrix.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SepiaParams {
    /// Blend (0..=1): 0 is the original, 1 the full sepia tone.
    pub amount: f32,
}

impl Default for SepiaParams {
    fn default() -> Self {
        Self { amount: 1.0 }
    }
}

/// `threshold`: black and white by Rec. 709 luma.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThresholdParams {
    /// Luma level (0..=255) at and above which a pixel becomes white; below
    /// it, black.
    pub level: u8,
}

impl Default for ThresholdParams {
    fn default() -> Self {
        Self { level: 128 }
    }
}

/// `posterize`: fewer levels per channel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PosterizeParams {
    /// Output levels per channel (2..=255), evenly spaced over 0..=255
    /// (so 255 levels are 255/254 apart: nearly, not exactly, the identity).
    pub levels: u8,
}

impl Default for PosterizeParams {
    fn default() -> Self {
        Self { levels: 4 }
    }
}

/// `channel_mixer`: each output channel a weighted sum of the source
/// channels plus an offset.
///
/// `R' = red[0] R + red[1] G + red[2] B + offset[0]` (and likewise for G'
/// and B'), rounded and clamped to `0..=255`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelMixerParams {
    /// Weights of source R, G, B in output red (each -2..=2).
    pub red: [f32; 3],
    /// Weights of source R, G, B in output green (each -2..=2).
    pub green: [f32; 3],
    /// Weights of source R, G, B in output blue (each -2..=2).
    pub blue: [f32; 3],
    /// Added to output R, G, B, in levels (each -255..=255).
    pub offset: [f32; 3],
}

impl Default for ChannelMixerParams {
    /// A visible but gentle mix: a fifth of green into red and into blue
    /// (each row sums to 1, so greys are kept), no offset.
    fn default() -> Self {
        Self {
            red: [0.8, 0.2, 0.0],
            green: [0.0, 1.0, 0.0],
            blue: [0.0, 0.2, 0.8],
            offset: [0.0; 3],
        }
    }
}

impl ChannelMixerParams {
    /// The mix that changes nothing.
    pub const IDENTITY: Self = Self {
        red: [1.0, 0.0, 0.0],
        green: [0.0, 1.0, 0.0],
        blue: [0.0, 0.0, 1.0],
        offset: [0.0; 3],
    };
}

/// `black_white`: grey as a weighted sum of the channels,
/// `clamp(round(red R + green G + blue B))`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlackWhiteParams {
    /// Weight of red (-2..=2).
    pub red: f32,
    /// Weight of green (-2..=2).
    pub green: f32,
    /// Weight of blue (-2..=2).
    pub blue: f32,
}

impl Default for BlackWhiteParams {
    fn default() -> Self {
        Self {
            red: 0.4,
            green: 0.4,
            blue: 0.2,
        }
    }
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

fn check_each(
    filter: &'static str,
    param: &'static str,
    values: &[f32],
    lo: f32,
    hi: f32,
) -> Result<()> {
    values
        .iter()
        .try_for_each(|&v| check_range(filter, param, v, lo, hi))
}

impl LevelsParams {
    pub(super) fn check(&self, filter: &'static str) -> Result<()> {
        if self.black > 254 {
            return Err(param_error(
                filter,
                "black",
                format!("must be in 0..=254, got {}", self.black),
            ));
        }
        if self.white <= self.black {
            return Err(param_error(
                filter,
                "white",
                format!(
                    "must be greater than black ({}), got {}",
                    self.black, self.white
                ),
            ));
        }
        check_range(filter, "gamma", self.gamma, 0.1, 10.0)
    }
}

impl CurvesParams {
    pub(super) fn check(&self, filter: &'static str) -> Result<()> {
        check_curve(filter, "rgb", &self.rgb)?;
        check_curve(filter, "red", &self.red)?;
        check_curve(filter, "green", &self.green)?;
        check_curve(filter, "blue", &self.blue)
    }
}

impl TemperatureTintParams {
    pub(super) fn check(&self, filter: &'static str) -> Result<()> {
        check_range(filter, "temperature", self.temperature, -1.0, 1.0)?;
        check_range(filter, "tint", self.tint, -1.0, 1.0)
    }
}

impl PosterizeParams {
    pub(super) fn check(&self, filter: &'static str) -> Result<()> {
        if self.levels < 2 {
            return Err(param_error(
                filter,
                "levels",
                format!("must be in 2..=255, got {}", self.levels),
            ));
        }
        Ok(())
    }
}

impl ChannelMixerParams {
    pub(super) fn check(&self, filter: &'static str) -> Result<()> {
        check_each(filter, "red", &self.red, -2.0, 2.0)?;
        check_each(filter, "green", &self.green, -2.0, 2.0)?;
        check_each(filter, "blue", &self.blue, -2.0, 2.0)?;
        check_each(filter, "offset", &self.offset, -255.0, 255.0)
    }
}

impl BlackWhiteParams {
    pub(super) fn check(&self, filter: &'static str) -> Result<()> {
        check_range(filter, "red", self.red, -2.0, 2.0)?;
        check_range(filter, "green", self.green, -2.0, 2.0)?;
        check_range(filter, "blue", self.blue, -2.0, 2.0)
    }
}
