//! The second filter set: free rotation, canvas size, and the
//! position-dependent stylize filters (pixelate, vignette, noise). Each is
//! its parameter struct and its [`Filter`] implementation; the ops live in
//! [`crate::ops`].

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::params::{MAX_OUTPUT_SIDE_PX, OutputSize, check_output_size};
use crate::error::Result;
use crate::image::SourceBand;
use crate::ops;
use crate::ops::rotate_free::RotateGeometry;
use crate::registry::{
    ChoiceParam, Family, Filter, FilterInfo, Geometry, Layout, ParamInfo, point_rows,
};
use crate::{choice_param, params};

/// Largest `pixelate` block accepted, in pixels.
pub const MAX_BLOCK_PX: u32 = 1000;

params! {
    /// `rotate_angle`: rotation by any angle, bilinear, transparent outside.
    #[derive(Copy)]
    pub struct RotateAngleParams {
        /// Clockwise rotation in degrees (-360..=360), like the quarter-turn
        /// `rotate`; negative turns counter-clockwise.
        pub angle_deg: f32 = 15.0
            => ParamInfo::float("Angle", -360.0, 360.0).soft(-180.0, 180.0).unit("°").decimals(1),
        /// `true`: the output grows to the rotated image's bounding box; `false`:
        /// the output keeps the input size (the rotated image is centred and
        /// clipped). Uncovered areas are transparent either way.
        pub expand: bool = true => ParamInfo::toggle("Expand canvas"),
    }
}

impl Geometry for RotateAngleParams {
    fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        Ok(RotateGeometry::new(self, width, height)?.out)
    }

    fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        match RotateGeometry::new(self, width, height) {
            Ok(g) => g.source_rows(out_rows),
            Err(_) => 0..0,
        }
    }
}

impl Filter for RotateAngleParams {
    const INFO: FilterInfo = FilterInfo {
        name: "rotate_angle",
        label: "Rotate by angle",
        description: "Rotates by any angle, growing the canvas or keeping its size.",
        keywords: &["straighten", "level", "horizon", "tilt", "rotate"],
        family: Family::Geometry,
    };
    type Prepared = RotateGeometry;

    fn layout(&self) -> Layout<'_> {
        Layout::Mapped(self)
    }

    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        *self
    }

    fn prepare(&self, width: u32, height: u32) -> Result<RotateGeometry> {
        RotateGeometry::new(self, width, height)
    }

    fn render(g: &RotateGeometry, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::rotate_free::rotate_angle_rows(g, src, out_rows, dst);
    }

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self {
            angle_deg: 0.0,
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

choice_param!(Anchor {
    TopLeft => "top_left", "Top left";
    Top => "top", "Top";
    TopRight => "top_right", "Top right";
    Left => "left", "Left";
    Center => "center", "Centre";
    Right => "right", "Right";
    BottomLeft => "bottom_left", "Bottom left";
    Bottom => "bottom", "Bottom";
    BottomRight => "bottom_right", "Bottom right";
});

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

params! {
    /// `canvas_size`: grows (filling) or shrinks (cropping) the canvas around
    /// an anchor, without resampling.
    #[derive(Copy)]
    pub struct CanvasSizeParams {
        /// New width, pixels (1..=65536).
        pub width: u32 = 1024 => ParamInfo::int("Width", 1, MAX_OUTPUT_SIDE_PX).px(),
        /// New height, pixels (1..=65536).
        pub height: u32 = 1024 => ParamInfo::int("Height", 1, MAX_OUTPUT_SIDE_PX).px(),
        /// Where the image sits on the new canvas.
        pub anchor: Anchor = Anchor::Center => ParamInfo::choice("Anchor", Anchor::CHOICES),
        /// Colour of new canvas area, straight RGBA 0..=255 each.
        pub fill: [u8; 4] = [0, 0, 0, 0] => ParamInfo::color("Fill"),
    }
    check = check_output_size;
}

impl OutputSize for CanvasSizeParams {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

impl Geometry for CanvasSizeParams {
    fn output_size(&self, _width: u32, _height: u32) -> Result<(u32, u32)> {
        Ok((self.width, self.height))
    }

    fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        ops::canvas::canvas_source_rows(self, width, height, out_rows)
    }
}

impl Filter for CanvasSizeParams {
    const INFO: FilterInfo = FilterInfo {
        name: "canvas_size",
        label: "Canvas size",
        description: "Grows or shrinks the canvas around an anchor, filling new area.",
        keywords: &["border", "padding", "frame", "extend", "margin"],
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
        ops::canvas::canvas_rows(p, src, out_rows, dst);
    }

    fn editor_start(width: u32, height: u32) -> Self {
        Self {
            width: width
                .saturating_add(width / 10)
                .clamp(1, MAX_OUTPUT_SIDE_PX),
            height: height
                .saturating_add(height / 10)
                .clamp(1, MAX_OUTPUT_SIDE_PX),
            ..Self::default()
        }
    }
}

params! {
    /// `pixelate`: every `block_px` x `block_px` block (aligned to the top-left
    /// corner) becomes its average colour.
    #[derive(Copy)]
    pub struct PixelateParams {
        /// Block side, pixels (1..=1000); 1 leaves the image unchanged.
        pub block_px: u32 = 8
            => ParamInfo::int("Block", 1, MAX_BLOCK_PX).soft(1.0, 200.0).log().px(),
    }
}

impl Geometry for PixelateParams {
    fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        Ok((width, height))
    }

    fn source_rows(&self, _width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        ops::stylize::pixelate_source_rows(self, height, out_rows)
    }
}

impl Filter for PixelateParams {
    const INFO: FilterInfo = FilterInfo {
        name: "pixelate",
        label: "Pixelate",
        description: "Averages blocks of pixels into large squares.",
        keywords: &["mosaic", "censor", "blocks", "8-bit"],
        family: Family::Effect,
    };
    type Prepared = Self;

    fn layout(&self) -> Layout<'_> {
        Layout::Mapped(self)
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            block_px: ((self.block_px as f32 * scale).round() as u32).clamp(1, MAX_BLOCK_PX),
        }
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<Self> {
        Ok(*self)
    }

    fn render(p: &Self, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        ops::stylize::pixelate_rows(p, src, out_rows, dst);
    }
}

params! {
    /// `vignette`: darkens (or lightens) towards the corners.
    #[derive(Copy)]
    pub struct VignetteParams {
        /// Strength (-1..=1): negative darkens the edges (-1 to black),
        /// positive lightens them (1 to white), 0 does nothing.
        pub amount: f32 = -0.5 => ParamInfo::float("Amount", -1.0, 1.0),
        /// Where the falloff starts, as a fraction of the half-diagonal
        /// (0..=2); 1 or more leaves the image unchanged.
        pub radius: f32 = 0.5 => ParamInfo::float("Radius", 0.0, 2.0).soft(0.0, 1.5),
        /// Width of the falloff, as a fraction of the half-diagonal (0..=1);
        /// 0 is a hard edge.
        pub softness: f32 = 0.5 => ParamInfo::float("Softness", 0.0, 1.0),
    }
}

impl Filter for VignetteParams {
    const INFO: FilterInfo = FilterInfo {
        name: "vignette",
        label: "Vignette",
        description: "Darkens (or lightens) the image toward its corners.",
        keywords: &["corners", "edges", "lens", "falloff"],
        family: Family::Effect,
    };
    type Prepared = (Self, u32, u32);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows { halo_px: 0 }
    }

    /// Fractions of the image: the preview uses the same values.
    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        *self
    }

    fn prepare(&self, width: u32, height: u32) -> Result<Self::Prepared> {
        Ok((*self, width, height))
    }

    fn render(prep: &Self::Prepared, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        let (p, w, h) = prep;
        let input = point_rows(src, &out_rows, dst.len());
        ops::stylize::vignette_rows(p, *w, *h, out_rows, input, dst);
    }
}

params! {
    /// `noise`: film grain, a deterministic function of the seed and each
    /// pixel's position.
    #[derive(Copy)]
    pub struct NoiseParams {
        /// Strength (0..=1); 1 adds up to ±128 levels.
        pub amount: f32 = 0.2 => ParamInfo::float("Amount", 0.0, 1.0),
        /// Seed of the grain pattern (any u32).
        pub seed: u32 = 0 => ParamInfo::int("Seed", 0, u32::MAX),
        /// `true`: the same grain on R, G and B (no colour speckles).
        pub monochrome: bool = true => ParamInfo::toggle("Monochrome"),
    }
}

impl Filter for NoiseParams {
    const INFO: FilterInfo = FilterInfo {
        name: "noise",
        label: "Noise",
        description: "Adds film grain, the same every time for a given seed.",
        keywords: &["grain", "film", "dither", "texture"],
        family: Family::Effect,
    };
    type Prepared = (Self, u32);

    fn layout(&self) -> Layout<'_> {
        Layout::Rows { halo_px: 0 }
    }

    /// Grain is per pixel: the preview shows the same amount at its own
    /// resolution.
    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        *self
    }

    fn prepare(&self, width: u32, _height: u32) -> Result<Self::Prepared> {
        Ok((*self, width))
    }

    fn render(prep: &Self::Prepared, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        let (p, w) = prep;
        let input = point_rows(src, &out_rows, dst.len());
        ops::stylize::noise_rows(p, *w, out_rows, input, dst);
    }
}
