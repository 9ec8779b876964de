//! Parameter structs of the second filter set: free rotation, canvas size,
//! and the position-dependent stylize filters (pixelate, vignette, noise).

use serde::{Deserialize, Serialize};

/// `rotate_angle`: rotation by any angle, bilinear, transparent outside.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RotateAngleParams {
    /// Clockwise rotation in degrees (-360..=360), like the quarter-turn
    /// `rotate`; negative turns counter-clockwise.
    pub angle_deg: f32,
    /// `true`: the output grows to the rotated image's bounding box; `false`:
    /// the output keeps the input size (the rotated image is centred and
    /// clipped). Uncovered areas are transparent either way.
    pub expand: bool,
}

impl Default for RotateAngleParams {
    fn default() -> Self {
        Self {
            angle_deg: 15.0,
            expand: true,
        }
    }
}

/// Where `canvas_size` keeps the image when the canvas grows or shrinks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// Top-left corner stays put.
    TopLeft,
    /// Top edge, centred horizontally.
    Top,
    /// Top-right corner.
    TopRight,
    /// Left edge, centred vertically.
    Left,
    /// Centred both ways.
    #[default]
    Center,
    /// Right edge, centred vertically.
    Right,
    /// Bottom-left corner.
    BottomLeft,
    /// Bottom edge, centred horizontally.
    Bottom,
    /// Bottom-right corner.
    BottomRight,
}

impl Anchor {
    /// Horizontal and vertical placement: 0 = start, 1 = centre, 2 = end.
    pub fn thirds(self) -> (u8, u8) {
        match self {
            Self::TopLeft => (0, 0),
            Self::Top => (1, 0),
            Self::TopRight => (2, 0),
            Self::Left => (0, 1),
            Self::Center => (1, 1),
            Self::Right => (2, 1),
            Self::BottomLeft => (0, 2),
            Self::Bottom => (1, 2),
            Self::BottomRight => (2, 2),
        }
    }
}

/// `canvas_size`: grows (filling) or shrinks (cropping) the canvas around
/// an anchor, without resampling.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CanvasSizeParams {
    /// New width, pixels (1..=65536).
    pub width: u32,
    /// New height, pixels (1..=65536).
    pub height: u32,
    /// Where the image sits on the new canvas.
    pub anchor: Anchor,
    /// Colour of new canvas area, straight RGBA 0..=255 each.
    pub fill: [u8; 4],
}

impl Default for CanvasSizeParams {
    fn default() -> Self {
        Self {
            width: 1024,
            height: 1024,
            anchor: Anchor::Center,
            fill: [0, 0, 0, 0],
        }
    }
}

/// `pixelate`: every `block_px` x `block_px` block (aligned to the top-left
/// corner) becomes its average colour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PixelateParams {
    /// Block side, pixels (1..=1000); 1 leaves the image unchanged.
    pub block_px: u32,
}

impl Default for PixelateParams {
    fn default() -> Self {
        Self { block_px: 8 }
    }
}

/// `vignette`: darkens (or lightens) towards the corners.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VignetteParams {
    /// Strength (-1..=1): negative darkens the edges (-1 to black),
    /// positive lightens them (1 to white), 0 does nothing.
    pub amount: f32,
    /// Where the falloff starts, as a fraction of the half-diagonal
    /// (0..=2); 1 or more leaves the image unchanged.
    pub radius: f32,
    /// Width of the falloff, as a fraction of the half-diagonal (0..=1);
    /// 0 is a hard edge.
    pub softness: f32,
}

impl Default for VignetteParams {
    fn default() -> Self {
        Self {
            amount: -0.5,
            radius: 0.5,
            softness: 0.5,
        }
    }
}

/// `noise`: film grain, a deterministic function of the seed and each
/// pixel's position.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoiseParams {
    /// Strength (0..=1); 1 adds up to ±128 levels.
    pub amount: f32,
    /// Seed of the grain pattern (any u32).
    pub seed: u32,
    /// `true`: the same grain on R, G and B (no colour speckles).
    pub monochrome: bool,
}

impl Default for NoiseParams {
    fn default() -> Self {
        Self {
            amount: 0.2,
            seed: 0,
            monochrome: true,
        }
    }
}
