//! Masks: where a step's edit applies, as a weight per pixel.
//!
//! A recipe step may carry a `mask`. The step's result is then `input +
//! (filtered - input) * weight`, the weight in `0..=1` computed for every
//! pixel from its absolute position (and, for `range` shapes, from the
//! step's input pixel there), so any band of rows gets the same weights and
//! tiled, threaded and web renders stay bit-identical. The blend itself is
//! the [`PreparedStep::with_blend`](crate::PreparedStep::with_blend) stage.
//!
//! ```json
//! "mask": { "shapes": [
//!     { "kind": "radial", "center": [0.5, 0.5], "radius": [0.25, 0.2], "feather": 0.3 },
//!     { "kind": "linear", "from": [0.0, 0.3], "to": [0.0, 0.6], "mode": "subtract" }
//!   ], "invert": false }
//! ```
//!
//! # Coordinates
//!
//! Positions are fractions of the step's input width and height, measured
//! at pixel centres: pixel `(x, y)` of a `w` x `h` input lies at `((x + 0.5)
//! / w, (y + 0.5) / h)`. Distances are measured in pixels, so a `radial`
//! with an angle is a true rotated ellipse. Brush radii are fractions of
//! the longer side. Nothing is in pixels, so one mask fits the preview and
//! the full image alike.
//!
//! # Shapes
//!
//! Every shape has a weight `s` in `0..=1` at each pixel; `smooth(t) =
//! t² (3 - 2t)`.
//!
//! * **`radial`**: an ellipse with centre `center`, semi-axes `radius`
//!   (fractions of the width and the height), turned clockwise by
//!   `angle_deg`. With `d` the normalised distance from the centre (1 on
//!   the ellipse), `s = 0` for `d >= 1`, else `1` for `d <= 1 - feather`,
//!   and `smooth((1 - d) / feather)` between.
//! * **`linear`**: with `t` the position of the pixel projected on the line
//!   from `from` (t = 0) to `to` (t = 1), `s = 1` for `t <= 0`, `0` for `t
//!   >= 1`, and `1 - smooth(t)` between.
//! * **`brush`**: painted strokes, each a polyline of `points` with a
//!   `radius` (a fraction of the longer side), a `hardness` (the fraction
//!   of the radius that is fully painted) and `erase`. A stroke's weight at
//!   distance `d` from its line is `0` from `radius` on, else `1` up to
//!   `radius * hardness`, and `smooth` between. Strokes apply in order: painting
//!   keeps the larger weight, erasing limits the weight to `1 - stroke`.
//! * **`range`**: a tone or colour range of the step's input. With `luma:
//!   [low, high]` (Rec. 709 luma of the 8-bit values, `0..=1`): `s = 1`
//!   inside `low..=high`, falling to 0 over `feather` on either side. With
//!   `color: [r, g, b]`: the distance to that colour in RGB, divided by the
//!   largest possible (`255 √3`), gives `s = 1` up to `tolerance`, `0` from
//!   `tolerance + feather`, `smooth` between.
//!
//! # Combining shapes
//!
//! The mask starts at 0 everywhere; each shape in order combines with what
//! is there by its `mode`: `add` (the default) keeps the larger weight,
//! `subtract` limits the weight to `1 - s`, `intersect` keeps the smaller
//! weight. `invert: true` finally turns `w` into `1 - w`. A mask with no
//! shapes is 0 everywhere (1 when inverted).
//!
//! # Arithmetic
//!
//! Weights are computed in `f64` with only `+ - * /` and `sqrt` (exactly
//! rounded on every platform; the angle's sine and cosine come from
//! [`sin_cos_deg`](crate::ops::rotate_free::sin_cos_deg)), then quantised
//! once to integers `0..=65536` ([`WEIGHT_ONE`]); combining, inverting and
//! blending are integer operations.

mod brush;
mod prepared;

use serde::{Deserialize, Serialize};

use crate::error::{KernelError, Result};
use crate::registry::{WEIGHT_ONE, check_f32};

pub use brush::PreparedBrush;
pub use prepared::PreparedMask;

/// Most shapes in one mask.
pub const MAX_SHAPES: usize = 256;

/// Most brush points in one mask, over all strokes (bounds the work of a
/// hostile recipe).
pub const MAX_BRUSH_POINTS: usize = 100_000;

/// Positions (fractions) are accepted in `-POS_LIMIT..=POS_LIMIT`: a shape
/// may lie partly or wholly outside the image.
pub const POS_LIMIT: f32 = 10.0;

/// A mask: shapes combined in order, optionally inverted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mask {
    /// The shapes, combined first to last.
    #[serde(default)]
    pub shapes: Vec<Shape>,
    /// `true`: the weight `w` becomes `1 - w` after all shapes.
    #[serde(default)]
    pub invert: bool,
}

/// How a shape combines with the shapes before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// The larger of the two weights (a union).
    #[default]
    Add,
    /// The weight so far, limited to `1 - shape`.
    Subtract,
    /// The smaller of the two weights.
    Intersect,
}

impl Combine {
    fn is_add(&self) -> bool {
        *self == Self::Add
    }

    /// Combines the weight so far `w` with a shape's `s` (both in
    /// `0..=WEIGHT_ONE`).
    pub fn apply(self, w: u32, s: u32) -> u32 {
        match self {
            Self::Add => w.max(s),
            Self::Subtract => w.min(WEIGHT_ONE - s.min(WEIGHT_ONE)),
            Self::Intersect => w.min(s),
        }
    }
}

/// One shape of a mask, tagged by `kind` in JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    /// An ellipse with a soft edge.
    Radial(Radial),
    /// A straight gradient.
    Linear(Linear),
    /// Painted strokes.
    Brush(Brush),
    /// A tone or colour range of the step's input.
    Range(RangeShape),
}

/// A `radial` shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Radial {
    /// Centre, fractions of the width and height.
    pub center: [f32; 2],
    /// Semi-axes, fractions of the width and height (`0..=10`).
    pub radius: [f32; 2],
    /// Width of the soft edge, a fraction of the radius (`0..=1`).
    #[serde(default)]
    pub feather: f32,
    /// Clockwise turn of the ellipse, degrees (`-360..=360`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub angle_deg: f32,
    /// How it combines with the shapes before it.
    #[serde(default, skip_serializing_if = "Combine::is_add")]
    pub mode: Combine,
}

/// A `linear` gradient shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Linear {
    /// Where the weight is still 1, fractions of the width and height.
    pub from: [f32; 2],
    /// Where the weight reaches 0.
    pub to: [f32; 2],
    /// How it combines with the shapes before it.
    #[serde(default, skip_serializing_if = "Combine::is_add")]
    pub mode: Combine,
}

/// A `brush` shape: strokes painted (or erased) in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brush {
    /// The strokes, first to last.
    #[serde(default)]
    pub strokes: Vec<Stroke>,
    /// How it combines with the shapes before it.
    #[serde(default, skip_serializing_if = "Combine::is_add")]
    pub mode: Combine,
}

/// One brush stroke.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stroke {
    /// The stroke's path, fractions of the width and height (one point is
    /// a dab).
    pub points: Vec<[f32; 2]>,
    /// Brush radius, a fraction of the image's longer side (`0..=1`).
    pub radius: f32,
    /// The fraction of the radius painted at full weight (`0..=1`).
    #[serde(default = "half")]
    pub hardness: f32,
    /// `true`: the stroke removes weight instead of adding it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub erase: bool,
}

/// A `range` shape: by luma or by colour (exactly one of the two).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeShape {
    /// Luma range `[low, high]`, `0..=1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub luma: Option<[f32; 2]>,
    /// The colour to select, 8-bit RGB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<[u8; 3]>,
    /// For `color`: the distance (a fraction of the largest) still fully
    /// selected (`0..=1`).
    #[serde(default = "tenth")]
    pub tolerance: f32,
    /// How far beyond the range the weight falls to 0 (`0..=1`).
    #[serde(default = "tenth")]
    pub feather: f32,
    /// How it combines with the shapes before it.
    #[serde(default, skip_serializing_if = "Combine::is_add")]
    pub mode: Combine,
}

fn is_zero(v: &f32) -> bool {
    *v == 0.0
}

fn is_false(v: &bool) -> bool {
    !*v
}

fn half() -> f32 {
    0.5
}

fn tenth() -> f32 {
    0.1
}

impl Shape {
    /// The shape's kind as written in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Radial(_) => "radial",
            Self::Linear(_) => "linear",
            Self::Brush(_) => "brush",
            Self::Range(_) => "range",
        }
    }

    /// How it combines with the shapes before it.
    pub fn mode(&self) -> Combine {
        match self {
            Self::Radial(s) => s.mode,
            Self::Linear(s) => s.mode,
            Self::Brush(s) => s.mode,
            Self::Range(s) => s.mode,
        }
    }
}

/// Checks one value of a shape; the error names the shape and the field.
struct Checker {
    filter: &'static str,
    shape: String,
}

impl Checker {
    fn error(&self, problem: String) -> KernelError {
        KernelError::Param {
            filter: self.filter,
            param: "mask",
            problem: format!("{}: {problem}", self.shape),
        }
    }

    fn value(&self, field: &str, v: f32, lo: f32, hi: f32) -> Result<()> {
        check_f32(self.filter, "mask", v, lo, hi).map_err(|_| {
            self.error(format!(
                "`{field}` must be a number in {lo}..={hi}, got {v}"
            ))
        })
    }

    fn point(&self, field: &str, p: [f32; 2]) -> Result<()> {
        for v in p {
            self.value(field, v, -POS_LIMIT, POS_LIMIT)?;
        }
        Ok(())
    }
}

impl Mask {
    /// A mask of one shape.
    pub fn of(shape: Shape) -> Self {
        Self {
            shapes: vec![shape],
            invert: false,
        }
    }

    /// Checks every shape; an error names `filter`, the shape (by its
    /// number and kind) and the field.
    pub fn validate(&self, filter: &'static str) -> Result<()> {
        if self.shapes.len() > MAX_SHAPES {
            return Err(KernelError::Param {
                filter,
                param: "mask",
                problem: format!(
                    "has {} shapes, at most {MAX_SHAPES} are allowed",
                    self.shapes.len()
                ),
            });
        }
        let mut points = 0_usize;
        for (i, shape) in self.shapes.iter().enumerate() {
            let c = Checker {
                filter,
                shape: format!("shape {} ({})", i + 1, shape.kind()),
            };
            match shape {
                Shape::Radial(r) => check_radial(&c, r)?,
                Shape::Linear(l) => check_linear(&c, l)?,
                Shape::Brush(b) => {
                    for (k, s) in b.strokes.iter().enumerate() {
                        check_stroke(&c, k, s)?;
                        points = points.saturating_add(s.points.len());
                    }
                }
                Shape::Range(r) => check_range(&c, r)?,
            }
        }
        if points > MAX_BRUSH_POINTS {
            return Err(KernelError::Param {
                filter,
                param: "mask",
                problem: format!(
                    "has {points} brush points, at most {MAX_BRUSH_POINTS} are allowed"
                ),
            });
        }
        Ok(())
    }

    /// Checks the mask and prepares its weights for a `width` x `height`
    /// input.
    pub fn prepare(&self, filter: &'static str, width: u32, height: u32) -> Result<PreparedMask> {
        self.validate(filter)?;
        PreparedMask::new(self, width, height)
    }
}

fn check_radial(c: &Checker, r: &Radial) -> Result<()> {
    c.point("center", r.center)?;
    for v in r.radius {
        c.value("radius", v, 0.0, POS_LIMIT)?;
    }
    c.value("feather", r.feather, 0.0, 1.0)?;
    c.value("angle_deg", r.angle_deg, -360.0, 360.0)
}

fn check_linear(c: &Checker, l: &Linear) -> Result<()> {
    c.point("from", l.from)?;
    c.point("to", l.to)?;
    let (dx, dy) = (l.to[0] - l.from[0], l.to[1] - l.from[1]);
    if dx.abs() < 1e-6 && dy.abs() < 1e-6 {
        return Err(c.error("`from` and `to` must be different points".into()));
    }
    Ok(())
}

fn check_stroke(c: &Checker, k: usize, s: &Stroke) -> Result<()> {
    let field = |name: &str| format!("stroke {} `{name}`", k + 1);
    if s.points.is_empty() {
        return Err(c.error(format!("stroke {} has no points", k + 1)));
    }
    for &p in &s.points {
        c.point(&field("points"), p)?;
    }
    c.value(&field("radius"), s.radius, 0.0, 1.0)?;
    c.value(&field("hardness"), s.hardness, 0.0, 1.0)
}

fn check_range(c: &Checker, r: &RangeShape) -> Result<()> {
    match (r.luma, r.color) {
        (Some([lo, hi]), None) => {
            c.value("luma", lo, 0.0, 1.0)?;
            c.value("luma", hi, 0.0, 1.0)?;
            if lo > hi {
                return Err(c.error(format!("`luma` low {lo} is above high {hi}")));
            }
        }
        (None, Some(_)) => {}
        _ => return Err(c.error("give exactly one of `luma` and `color`".into())),
    }
    c.value("tolerance", r.tolerance, 0.0, 1.0)?;
    c.value("feather", r.feather, 0.0, 1.0)
}

/// `t² (3 - 2t)` for `t` in `0..=1`.
pub fn smooth(t: f64) -> f64 {
    t * t * (3.0 - 2.0 * t)
}

/// A weight in `0..=1` as an integer in `0..=WEIGHT_ONE`, rounded to
/// nearest (exact: a power-of-two product, an addition and a floor).
pub fn quantize(s: f64) -> u32 {
    if s.is_nan() || s <= 0.0 {
        return 0;
    }
    if s >= 1.0 {
        return WEIGHT_ONE;
    }
    (s * f64::from(WEIGHT_ONE) + 0.5).floor() as u32
}

/// The soft-edge profile shared by `radial`, `brush` and `range`: 0 from
/// `outer` on, else 1 up to `inner`, smooth between (`inner <= outer`).
pub fn falloff(d: f64, inner: f64, outer: f64) -> f64 {
    if d >= outer {
        0.0
    } else if d <= inner {
        1.0
    } else {
        smooth((outer - d) / (outer - inner))
    }
}
