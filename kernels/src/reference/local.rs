//! Reference local adjustments (clarity, shadows/highlights, dehaze):
//! their documented formulas in `f64`, with the local average computed by
//! the definition (three box means of `2r + 1` clamped samples per axis,
//! unrounded), the local minimum by scanning the square, and the sRGB
//! transfer functions from libm.
//!
//! Shadows/highlights and dehaze are defined by tone curves at 65 mask
//! values interpolated linearly; the reference evaluates the two curves
//! around each pixel's mask exactly and interpolates them.

use super::point::{decode_srgb, encode_srgb};
use crate::image::{CHANNELS, RgbaImage};
use crate::ops::clarity::ClarityParams;
use crate::ops::dehaze::DehazeParams;
use crate::ops::shadows_highlights::ShadowsHighlightsParams;

/// A plane of values, row after row, `w` wide.
struct Grid {
    w: usize,
    h: usize,
    v: Vec<f64>,
}

impl Grid {
    fn of(src: &RgbaImage, f: impl Fn([u8; 4]) -> f64) -> Self {
        Self {
            w: src.width() as usize,
            h: src.height() as usize,
            v: src
                .pixels()
                .chunks_exact(CHANNELS)
                .map(|p| f([p[0], p[1], p[2], p[3]]))
                .collect(),
        }
    }

    fn at(&self, x: i64, y: i64) -> f64 {
        let x = x.clamp(0, self.w as i64 - 1) as usize;
        let y = y.clamp(0, self.h as i64 - 1) as usize;
        self.v[y * self.w + x]
    }

    /// One mean over `2r + 1` clamped samples along x (`axis` 0) or y.
    fn box_pass(&self, r: i64, axis: usize) -> Self {
        let mut v = Vec::with_capacity(self.v.len());
        for y in 0..self.h as i64 {
            for x in 0..self.w as i64 {
                let s: f64 = (-r..=r)
                    .map(|j| {
                        if axis == 0 {
                            self.at(x + j, y)
                        } else {
                            self.at(x, y + j)
                        }
                    })
                    .sum();
                v.push(s / (2 * r + 1) as f64);
            }
        }
        Self { v, ..*self }
    }

    /// Three box passes along x, then three along y.
    fn local_mean(&self, r: i64) -> Self {
        let mut g = Self {
            v: self.v.clone(),
            ..*self
        };
        for axis in [0, 0, 0, 1, 1, 1] {
            g = g.box_pass(r, axis);
        }
        g
    }

    /// The minimum over the clamped `(2r + 1)²` square.
    fn local_min(&self, r: i64) -> Self {
        let mut v = Vec::with_capacity(self.v.len());
        for y in 0..self.h as i64 {
            for x in 0..self.w as i64 {
                let mut m = f64::INFINITY;
                for dy in -r..=r {
                    for dx in -r..=r {
                        m = m.min(self.at(x + dx, y + dy));
                    }
                }
                v.push(m);
            }
        }
        Self { v, ..*self }
    }
}

/// The local radius of a `radius_px` parameter.
fn radius(radius_px: f32) -> i64 {
    radius_px.round().clamp(0.0, 500.0) as i64
}

/// Rec. 709 luma of the encoded values, in levels.
fn luma(p: [u8; 4]) -> f64 {
    0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2])
}

/// The alpha-weighted local average of the luma, in levels.
fn weighted_luma_mean(src: &RgbaImage, r: i64) -> Grid {
    let product = Grid::of(src, |p| luma(p) * f64::from(p[3]) / 255.0).local_mean(r);
    let weight = Grid::of(src, |p| f64::from(p[3]) / 255.0).local_mean(r);
    let v = product
        .v
        .iter()
        .zip(&weight.v)
        .map(|(&m, &w)| if w > 0.0 { m / w } else { 0.0 })
        .collect();
    Grid { v, ..product }
}

/// A copy of `src` where each pixel that is not fully transparent gets
/// `f(pixel, index)` for its R, G and B.
fn map_visible(src: &RgbaImage, f: impl Fn([u8; 4], usize) -> [f64; 3]) -> RgbaImage {
    let mut out = src.clone();
    for (i, px) in out.pixels_mut().chunks_exact_mut(CHANNELS).enumerate() {
        if px[3] == 0 {
            continue;
        }
        let rgb = f([px[0], px[1], px[2], px[3]], i);
        for c in 0..3 {
            px[c] = rgb[c].round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Reference clarity ([`ClarityParams`]).
pub fn clarity(p: &ClarityParams, src: &RgbaImage) -> RgbaImage {
    let mean = weighted_luma_mean(src, radius(p.radius_px));
    let amount = f64::from(p.amount);
    map_visible(src, |px, i| {
        let y = luma(px);
        let t = y / 255.0;
        let delta = amount * 4.0 * t * (1.0 - t) * (y - mean.v[i]);
        [0, 1, 2].map(|c| f64::from(px[c]) + delta)
    })
}

/// The mask fraction of curve `i` of 65.
fn curve_mask(i: f64) -> f64 {
    i * 1024.0 / 65280.0
}

/// Interpolates `curve(t, v)` between the two of the 65 curves around a
/// mask of `mask` levels.
fn masked(mask: f64, curve: impl Fn(f64) -> f64) -> f64 {
    let q = mask * 256.0 / 1024.0;
    let i = q.floor().clamp(0.0, 63.0);
    let f = q - i;
    (1.0 - f) * curve(curve_mask(i)) + f * curve(curve_mask(i + 1.0))
}

/// `u^2 (3 - 2u)` with `u = clamp((t - lo) / (hi - lo), 0, 1)`.
fn smoothstep(lo: f64, hi: f64, t: f64) -> f64 {
    let u = ((t - lo) / (hi - lo)).clamp(0.0, 1.0);
    u * u * (3.0 - 2.0 * u)
}

/// Reference shadows/highlights ([`ShadowsHighlightsParams`]).
pub fn shadows_highlights(p: &ShadowsHighlightsParams, src: &RgbaImage) -> RgbaImage {
    let mean = weighted_luma_mean(src, radius(p.radius_px));
    let (s, h) = (f64::from(p.shadows), f64::from(p.highlights));
    map_visible(src, |px, i| {
        [0, 1, 2].map(|c| {
            let x = decode_srgb(f64::from(px[c]) / 255.0);
            masked(mean.v[i], |t| {
                let stops =
                    2.0 * (s * (1.0 - smoothstep(0.0, 0.6, t)) + h * smoothstep(0.4, 1.0, t));
                let g = 2f64.powf(stops);
                255.0 * encode_srgb((g * x / (1.0 + (g - 1.0) * x)).clamp(0.0, 1.0))
            })
        })
    })
}

/// Reference dehaze ([`DehazeParams`]).
pub fn dehaze(p: &DehazeParams, src: &RgbaImage) -> RgbaImage {
    let r = radius(p.radius_px);
    let dark = Grid::of(src, |px| {
        if px[3] == 0 {
            255.0
        } else {
            f64::from(px[0].min(px[1]).min(px[2]))
        }
    });
    let veil = dark.local_min(r).local_mean(r);
    let amount = f64::from(p.amount);
    if amount == 0.0 {
        return src.clone();
    }
    map_visible(src, |px, i| {
        [0, 1, 2].map(|c| {
            let v = f64::from(px[c]) / 255.0;
            masked(veil.v[i], |d| {
                let transmission = (1.0 - 0.95 * amount * d).max(0.1);
                255.0 * (1.0 - (1.0 - v) / transmission).clamp(0.0, 1.0)
            })
        })
    })
}
