//! Box blur and motion blur.
//!
//! Both average premultiplied RGBA with exact integer sums: the colour
//! channels as `c * a` (up to 65025), alpha as `a`. The output colour is
//! `round(Σ w·c·a / Σ w·a)` (0 where that alpha sum is 0) and the output
//! alpha `round(Σ w·a / Σ w)`, so a fully transparent pixel contributes no
//! colour. The final divisions are done in `f64`, which is correctly rounded
//! everywhere, on exact integer sums whose ratio can never be within `f64`
//! rounding of a half-level tie unless it is one, so the results equal the
//! exact rational ones.
//!
//! Edges replicate (clamped coordinates). Every output row is computed from
//! the rows around it only, so bands are bit-identical to whole renders.

use std::ops::Range;

use crate::image::{CHANNELS, SourceBand};
use crate::ops::support::{det_sin_cos_deg, padded_rows};
use crate::spec::{BoxBlurParams, MAX_BOX_RADIUS_PX, MAX_MOTION_LENGTH_PX, MotionBlurParams};

/// Premultiplied pixel: `[r*a, g*a, b*a, a]`.
#[inline(always)]
pub(crate) fn premul(px: &[u8]) -> [u32; 4] {
    let a = u32::from(px[3]);
    [
        u32::from(px[0]) * a,
        u32::from(px[1]) * a,
        u32::from(px[2]) * a,
        a,
    ]
}

/// Writes one output pixel from exact weighted sums `s` (colour `Σ w·c·a`,
/// alpha `Σ w·a`) and the total weight `n`.
#[inline(always)]
pub(crate) fn finish(o: &mut [u8], s: [u64; 4], n: u64) {
    let a = s[3];
    o[3] = ((2 * a + n) / (2 * n)).min(255) as u8;
    if a == 0 {
        o[..3].fill(0);
        return;
    }
    let af = a as f64;
    for c in 0..3 {
        o[c] = (s[c] as f64 / af + 0.5).floor().min(255.0) as u8;
    }
}

/// Copies output rows `out_rows` of the source into `dst`.
pub(crate) fn copy_rows(src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let stride = src.stride();
    for (i, y) in out_rows.enumerate() {
        dst[i * stride..(i + 1) * stride].copy_from_slice(src.row(y));
    }
}

/// Rows above and below an output row that `box_blur` reads.
pub fn box_halo_px(p: &BoxBlurParams) -> u32 {
    p.radius_px.min(MAX_BOX_RADIUS_PX)
}

/// Horizontal box sums of source row `y` (clamped) into `out` (one
/// `[u32; 4]` per pixel): a running sum, so the cost does not depend on `r`.
fn box_row(src: &SourceBand<'_>, y: i64, r: i64, px: &mut Vec<[u32; 4]>, out: &mut [[u32; 4]]) {
    px.clear();
    px.extend(src.row_clamped(y).chunks_exact(CHANNELS).map(premul));
    let last = px.len() as i64 - 1;
    let at = |x: i64| px[x.clamp(0, last) as usize];
    let mut sum = [0u32; 4];
    for x in -r..=r {
        let v = at(x);
        for c in 0..4 {
            sum[c] += v[c];
        }
    }
    for (x, o) in out.iter_mut().enumerate() {
        *o = sum;
        let x = x as i64;
        let (add, sub) = (at(x + r + 1), at(x - r));
        for c in 0..4 {
            sum[c] = sum[c] + add[c] - sub[c];
        }
    }
}

/// Box blur of output rows `out_rows`: the mean over the `(2r+1)²` square.
///
/// Horizontal running sums per source row (`u32`), then vertical running
/// sums of those per column (`u64`); each step adds the entering row and
/// subtracts the leaving one, so the cost per pixel does not depend on `r`.
pub fn box_blur_rows(
    p: &BoxBlurParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let r = i64::from(box_halo_px(p));
    if r == 0 {
        copy_rows(src, out_rows, dst);
        return;
    }
    let w = src.width as usize;
    let stride = src.stride();
    let h = i64::from(src.height);
    let clamp = |y: i64| y.clamp(0, h - 1);
    let side = (2 * r + 1) as u64;
    let n = side * side;
    let mut scratch = Vec::with_capacity(w);
    let mut hrow = vec![[0u32; 4]; w];
    let mut cols = vec![[0u64; 4]; w];
    let a = i64::from(out_rows.start);
    // Initial column sums for row `a`: each distinct clamped row once, times
    // how often it occurs in the window.
    let mut y = a - r;
    while y <= a + r {
        let row = clamp(y);
        let mut count = 1u64;
        while y + (count as i64) <= a + r && clamp(y + count as i64) == row {
            count += 1;
        }
        box_row(src, row, r, &mut scratch, &mut hrow);
        for (c, v) in cols.iter_mut().zip(&hrow) {
            for k in 0..4 {
                c[k] += count * u64::from(v[k]);
            }
        }
        y += count as i64;
    }
    let mut hsub = vec![[0u32; 4]; w];
    for (i, y) in out_rows.clone().enumerate() {
        let out = &mut dst[i * stride..(i + 1) * stride];
        for (o, s) in out.chunks_exact_mut(CHANNELS).zip(&cols) {
            finish(o, *s, n);
        }
        if y + 1 == out_rows.end {
            break;
        }
        let y = i64::from(y);
        let (enter, leave) = (clamp(y + r + 1), clamp(y - r));
        if enter == leave {
            continue;
        }
        box_row(src, enter, r, &mut scratch, &mut hrow);
        box_row(src, leave, r, &mut scratch, &mut hsub);
        for ((c, add), sub) in cols.iter_mut().zip(&hrow).zip(&hsub) {
            for k in 0..4 {
                c[k] = c[k] + u64::from(add[k]) - u64::from(sub[k]);
            }
        }
    }
}

/// Sub-pixel quantum of motion blur tap positions (1/256 pixel).
pub const MOTION_SUBPX: i32 = 256;

/// The taps of a motion blur, as offsets in 1/256 pixel `(dx, dy)` from the
/// output pixel (y down).
///
/// `N = ceil(length) + 1` taps (spacing at most one pixel) evenly spread
/// along the segment from `-length/2` to `+length/2` in direction
/// `(cos θ, -sin θ)` (counter-clockwise on screen), each rounded to 1/256
/// pixel; sines and cosines come from [`det_sin_cos_deg`]. Each tap is a
/// bilinear sample of the premultiplied image with equal weight. Empty for a
/// length of 0 (identity).
pub fn motion_taps(p: &MotionBlurParams) -> Vec<(i32, i32)> {
    let len = f64::from(p.length_px);
    if len.is_nan() || len <= 0.0 {
        return Vec::new();
    }
    let len = len.min(f64::from(MAX_MOTION_LENGTH_PX));
    let (s, c) = det_sin_cos_deg(f64::from(p.angle_deg));
    let n = len.ceil() as i32 + 1;
    let q = f64::from(MOTION_SUBPX);
    (0..n)
        .map(|k| {
            let t = -len / 2.0 + len * f64::from(k) / f64::from(n - 1);
            ((t * c * q).round() as i32, (-t * s * q).round() as i32)
        })
        .collect()
}

/// Rows above and below an output row that `motion_blur` reads: about
/// `ceil(length/2 · |sin θ|) + 1` (computed from the rounded taps).
pub fn motion_halo_px(p: &MotionBlurParams) -> u32 {
    motion_taps(p)
        .iter()
        .map(|&(_, dy)| (dy.unsigned_abs().div_ceil(MOTION_SUBPX as u32)) + 1)
        .max()
        .unwrap_or(0)
}

/// Motion blur of output rows `out_rows` (see [`motion_taps`]).
///
/// The premultiplied rows it needs are copied once, padded with replicated
/// edge pixels, then each tap's four bilinear corners are added to a row of
/// `u64` accumulators with whole-row loops. Cost is proportional to the
/// length.
pub fn motion_blur_rows(
    p: &MotionBlurParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let taps = motion_taps(p);
    if taps.is_empty() {
        copy_rows(src, out_rows, dst);
        return;
    }
    let w = src.width as usize;
    let stride = src.stride();
    let halo = i64::from(motion_halo_px(p));
    let q = MOTION_SUBPX;
    let pad = taps
        .iter()
        .map(|&(dx, _)| dx.unsigned_abs().div_ceil(q as u32) as usize + 1)
        .max()
        .unwrap_or(1);
    let pw = w + 2 * pad;
    let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
    let y_lo = a - halo;
    let rows: Vec<[u32; 4]> = padded_rows(src, y_lo, b + halo, pad, premul);
    // Corners: (row offset, column offset, weight) for each tap.
    let mut corners = Vec::with_capacity(taps.len() * 4);
    for &(dx, dy) in &taps {
        let (ix, fx) = (dx.div_euclid(q), dx.rem_euclid(q) as u64);
        let (iy, fy) = (dy.div_euclid(q), dy.rem_euclid(q) as u64);
        let qq = q as u64;
        for (oy, wy) in [(0, qq - fy), (1, fy)] {
            for (ox, wx) in [(0, qq - fx), (1, fx)] {
                if wx * wy > 0 {
                    corners.push((i64::from(iy + oy), i64::from(ix + ox), wx * wy));
                }
            }
        }
    }
    let total = (taps.len() as u64) * (q as u64) * (q as u64);
    let mut acc = vec![[0u64; 4]; w];
    for (i, y) in out_rows.enumerate() {
        acc.fill([0; 4]);
        let y = i64::from(y);
        for &(oy, ox, wt) in &corners {
            // Virtual row `y + oy` lies in `y_lo..b + halo` (|oy| <= halo);
            // its copy already holds the clamped source row.
            let start = (y + oy - y_lo) as usize * pw;
            let x0 = (pad as i64 + ox) as usize;
            let row = &rows[start + x0..start + x0 + w];
            for (s, v) in acc.iter_mut().zip(row) {
                for k in 0..4 {
                    s[k] += wt * u64::from(v[k]);
                }
            }
        }
        let out = &mut dst[i * stride..(i + 1) * stride];
        for (o, s) in out.chunks_exact_mut(CHANNELS).zip(&acc) {
            finish(o, *s, total);
        }
    }
}
