//! [`PreparedMask`]: a mask's shapes in pixel units for one input size,
//! computing the weights of any row.

use super::{Combine, Linear, Mask, PreparedBrush, Radial, RangeShape, Shape, falloff, quantize};
use crate::image::CHANNELS;
use crate::ops::rotate_free::sin_cos_deg;
use crate::registry::{WEIGHT_ONE, WeightMap};

/// A `radial` in pixels.
#[derive(Debug)]
struct RadialPx {
    cx: f64,
    cy: f64,
    /// `1 / rx`, `1 / ry` in pixels (0 when a radius is 0: nothing inside).
    inv_rx: f64,
    inv_ry: f64,
    empty: bool,
    sin: f64,
    cos: f64,
    inner: f64,
}

impl RadialPx {
    fn new(r: &Radial, w: f64, h: f64) -> Self {
        let rx = f64::from(r.radius[0]) * w;
        let ry = f64::from(r.radius[1]) * h;
        let (sin, cos) = sin_cos_deg(f64::from(r.angle_deg));
        Self {
            cx: f64::from(r.center[0]) * w,
            cy: f64::from(r.center[1]) * h,
            inv_rx: if rx > 0.0 { 1.0 / rx } else { 0.0 },
            inv_ry: if ry > 0.0 { 1.0 / ry } else { 0.0 },
            empty: rx <= 0.0 || ry <= 0.0,
            sin,
            cos,
            inner: 1.0 - f64::from(r.feather),
        }
    }

    fn row(&self, y: u32, out: &mut [u32]) {
        if self.empty {
            out.fill(0);
            return;
        }
        let dy = f64::from(y) + 0.5 - self.cy;
        let (sdy, cdy) = (self.sin * dy, self.cos * dy);
        for (x, o) in out.iter_mut().enumerate() {
            let dx = x as f64 + 0.5 - self.cx;
            let u = (self.cos * dx + sdy) * self.inv_rx;
            let v = (cdy - self.sin * dx) * self.inv_ry;
            let d = (u * u + v * v).sqrt();
            *o = quantize(falloff(d, self.inner, 1.0));
        }
    }
}

/// A `linear` in pixels.
#[derive(Debug)]
struct LinearPx {
    fx: f64,
    fy: f64,
    /// The direction divided by its squared length, so `t = p · dir`.
    dx: f64,
    dy: f64,
}

impl LinearPx {
    fn new(l: &Linear, w: f64, h: f64) -> Self {
        let (fx, fy) = (f64::from(l.from[0]) * w, f64::from(l.from[1]) * h);
        let (tx, ty) = (f64::from(l.to[0]) * w, f64::from(l.to[1]) * h);
        let (dx, dy) = (tx - fx, ty - fy);
        let len2 = dx * dx + dy * dy;
        let (dx, dy) = if len2 > 0.0 {
            (dx / len2, dy / len2)
        } else {
            (0.0, 0.0)
        };
        Self { fx, fy, dx, dy }
    }

    fn row(&self, y: u32, out: &mut [u32]) {
        let ty = (f64::from(y) + 0.5 - self.fy) * self.dy;
        for (x, o) in out.iter_mut().enumerate() {
            let t = (x as f64 + 0.5 - self.fx) * self.dx + ty;
            *o = if t <= 0.0 {
                WEIGHT_ONE
            } else if t >= 1.0 {
                0
            } else {
                quantize(1.0 - super::smooth(t))
            };
        }
    }
}

/// A `range` ready to evaluate.
#[derive(Debug)]
enum RangePx {
    Luma {
        lo: f64,
        hi: f64,
        feather: f64,
    },
    Color {
        rgb: [f64; 3],
        inner: f64,
        outer: f64,
    },
}

/// The largest RGB distance, `255 √3`.
fn max_rgb_distance() -> f64 {
    (3.0_f64 * 255.0 * 255.0).sqrt()
}

impl RangePx {
    fn new(r: &RangeShape) -> Self {
        let feather = f64::from(r.feather);
        match (r.luma, r.color) {
            (Some([lo, hi]), _) => Self::Luma {
                lo: f64::from(lo),
                hi: f64::from(hi),
                feather,
            },
            (None, c) => {
                let c = c.unwrap_or_default();
                let tol = f64::from(r.tolerance);
                Self::Color {
                    rgb: c.map(f64::from),
                    inner: tol,
                    outer: tol + feather,
                }
            }
        }
    }

    fn row(&self, input: &[u8], out: &mut [u32]) {
        for (o, px) in out.iter_mut().zip(input.chunks_exact(CHANNELS)) {
            *o = quantize(self.weight([px[0], px[1], px[2]]));
        }
    }

    fn weight(&self, px: [u8; 3]) -> f64 {
        match *self {
            Self::Luma { lo, hi, feather } => {
                let l = luma(px);
                let dist = if l < lo {
                    lo - l
                } else if l > hi {
                    l - hi
                } else {
                    return 1.0;
                };
                falloff(dist, 0.0, feather)
            }
            Self::Color { rgb, inner, outer } => {
                let d2: f64 = (0..3)
                    .map(|c| {
                        let d = f64::from(px[c]) - rgb[c];
                        d * d
                    })
                    .sum();
                let d = d2.sqrt() / max_rgb_distance();
                if d <= inner {
                    1.0
                } else {
                    falloff(d, inner, outer)
                }
            }
        }
    }
}

/// Rec. 709 luma of 8-bit values, `0..=1`.
pub fn luma(px: [u8; 3]) -> f64 {
    let [r, g, b] = px.map(f64::from);
    (2126.0 * r + 7152.0 * g + 722.0 * b) / (10_000.0 * 255.0)
}

#[derive(Debug)]
enum ShapePx {
    Radial(RadialPx),
    Linear(LinearPx),
    Brush(PreparedBrush),
    Range(RangePx),
}

/// A mask prepared for one input size: the shapes in pixel units (brush
/// strokes indexed by rows). Implements [`WeightMap`] for the blend stage.
#[derive(Debug)]
pub struct PreparedMask {
    width: u32,
    height: u32,
    shapes: Vec<(ShapePx, Combine)>,
    invert: bool,
}

impl PreparedMask {
    /// Prepares `mask` (already validated) for a `width` x `height` input.
    pub(super) fn new(mask: &Mask, width: u32, height: u32) -> crate::Result<Self> {
        let (w, h) = (f64::from(width), f64::from(height));
        let shapes = mask
            .shapes
            .iter()
            .map(|s| {
                let px = match s {
                    Shape::Radial(r) => ShapePx::Radial(RadialPx::new(r, w, h)),
                    Shape::Linear(l) => ShapePx::Linear(LinearPx::new(l, w, h)),
                    Shape::Brush(b) => ShapePx::Brush(PreparedBrush::new(b, width, height)?),
                    Shape::Range(r) => ShapePx::Range(RangePx::new(r)),
                };
                Ok((px, s.mode()))
            })
            .collect::<crate::Result<_>>()?;
        Ok(Self {
            width,
            height,
            shapes,
            invert: mask.invert,
        })
    }

    /// The size this mask was prepared for.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The weights of row `y` into `out` (one per pixel of `out`, at most
    /// the width); `input` is that row of the step's input (RGBA), read by
    /// `range` shapes.
    pub fn weights(&self, y: u32, input: &[u8], out: &mut [u32]) {
        out.fill(0);
        let mut shape = vec![0_u32; out.len()];
        for (px, mode) in &self.shapes {
            match px {
                ShapePx::Radial(r) => r.row(y, &mut shape),
                ShapePx::Linear(l) => l.row(y, &mut shape),
                ShapePx::Brush(b) => b.row(y, &mut shape),
                ShapePx::Range(r) => {
                    shape.fill(0);
                    r.row(input, &mut shape);
                }
            }
            for (w, &s) in out.iter_mut().zip(&shape) {
                *w = mode.apply(*w, s);
            }
        }
        if self.invert {
            for w in out.iter_mut() {
                *w = WEIGHT_ONE - (*w).min(WEIGHT_ONE);
            }
        }
    }
}

impl WeightMap for PreparedMask {
    fn row_weights(&self, y: u32, _width: u32, _height: u32, input: &[u8], out: &mut [u32]) {
        self.weights(y, input, out);
    }
}
