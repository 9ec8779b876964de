//! Edge-preserving denoise: a bilateral filter.
//!
//! # Method
//!
//! Each output pixel is the weighted mean of the `(2r + 1)²` square around
//! it (replicated edges), with weight `ws(dx, dy) * wr(d)`:
//!
//! * `ws = round(256 * exp(-(dx² + dy²) / (2 σs²)))`, `σs = r / 2`;
//! * `wr = round(256 * exp(-d² / (2 σr²)))`, `σr = 100 * strength`, where
//!   `d` is the sum over R, G, B, A of the absolute differences between the
//!   neighbour's and the centre's 8-bit premultiplied values (0..=1020).
//!
//! Both tables are built once per call with [`det_exp_neg`] (basic
//! arithmetic only), so they are identical on every platform, and the hot
//! loop only looks them up and sums exact integers (`u64`). The mean is taken
//! over premultiplied values like the box blur (see
//! [`crate::ops::box_motion`]): colour `round(Σ w·c·a / Σ w·a)`, alpha
//! `round(Σ w·a / Σ w)`. Strength 0 leaves the image unchanged.

use std::ops::Range;

use crate::image::{CHANNELS, SourceBand};
use crate::ops::box_motion::{copy_rows, finish, premul};
use crate::ops::median::median_values;
use crate::ops::support::{det_exp_neg, padded_rows};
use crate::spec::{DenoiseParams, MAX_DENOISE_RADIUS_PX};

/// Largest range distance `d` (four channels of 255).
pub const MAX_RANGE_DISTANCE: usize = 4 * 255;

/// The quantized weights of a bilateral filter.
#[derive(Clone, Debug, PartialEq)]
pub struct BilateralTables {
    /// Window radius in pixels.
    pub radius: usize,
    /// Spatial weights, `(2r + 1)²`, row-major from `(-r, -r)`.
    pub spatial: Vec<u32>,
    /// Range weights for `d` in `0..=1020`.
    pub range: Vec<u32>,
}

/// Rows above and below an output row that `denoise` reads (0 when it is
/// the identity).
pub fn denoise_halo_px(p: &DenoiseParams) -> u32 {
    bilateral_tables(p).map_or(0, |t| t.radius as u32)
}

/// The weight tables of `p`; `None` when the filter is the identity
/// (strength 0 or not a number).
pub fn bilateral_tables(p: &DenoiseParams) -> Option<BilateralTables> {
    let strength = f64::from(p.strength);
    if strength.is_nan() || strength <= 0.0 {
        return None;
    }
    let r = p.radius_px.clamp(1, MAX_DENOISE_RADIUS_PX) as usize;
    let sigma_s = r as f64 / 2.0;
    let sigma_r = 100.0 * strength.min(1.0);
    let q = |x: f64| (256.0 * det_exp_neg(x)).round() as u32;
    let ri = r as i64;
    let spatial = (-ri..=ri)
        .flat_map(|dy| (-ri..=ri).map(move |dx| (dx * dx + dy * dy) as f64))
        .map(|d2| q(-d2 / (2.0 * sigma_s * sigma_s)))
        .collect();
    let range = (0..=MAX_RANGE_DISTANCE)
        .map(|d| q(-((d * d) as f64) / (2.0 * sigma_r * sigma_r)))
        .collect();
    Some(BilateralTables {
        radius: r,
        spatial,
        range,
    })
}

/// Range distance between two 8-bit premultiplied pixels.
#[inline(always)]
pub fn range_distance(a: [u8; 4], b: [u8; 4]) -> usize {
    a.iter()
        .zip(&b)
        .map(|(&x, &y)| usize::from(x.abs_diff(y)))
        .sum()
}

/// Bilateral denoise of output rows `out_rows` (see the module docs).
pub fn denoise_rows(p: &DenoiseParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let Some(t) = bilateral_tables(p) else {
        copy_rows(src, out_rows, dst);
        return;
    };
    let r = t.radius;
    let side = 2 * r + 1;
    let w = src.width as usize;
    let pw = w + 2 * r;
    let stride = src.stride();
    let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
    let y_lo = a - r as i64;
    let q: Vec<[u8; 4]> = padded_rows(src, y_lo, b + r as i64, r, median_values);
    let pm: Vec<[u32; 4]> = padded_rows(src, y_lo, b + r as i64, r, premul);
    for i in 0..(b - a) as usize {
        let out = &mut dst[i * stride..(i + 1) * stride];
        for (x, o) in out.chunks_exact_mut(CHANNELS).enumerate() {
            let centre = q[(i + r) * pw + x + r];
            let mut acc = [0u64; 4];
            let mut total = 0u64;
            for ty in 0..side {
                let row = (i + ty) * pw + x;
                let ws = &t.spatial[ty * side..(ty + 1) * side];
                for ((&s, nq), np) in ws.iter().zip(&q[row..row + side]).zip(&pm[row..row + side]) {
                    let wt = u64::from(s * t.range[range_distance(centre, *nq)]);
                    total += wt;
                    for k in 0..4 {
                        acc[k] += wt * u64::from(np[k]);
                    }
                }
            }
            finish(o, acc, total.max(1));
        }
    }
}
