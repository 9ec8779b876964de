//! Tone curves chosen per pixel by a local mask (the local average luma of
//! `shadows_highlights`, the haze veil of `dehaze`), and the local minimum
//! that finds the veil.
//!
//! [`MaskedCurves`] holds one tone curve for every 1/64 of the mask's range
//! (65 curves of 256 levels in 1/256 level), built once per step from a
//! formula that may use transcendental functions evaluated with the
//! platform-independent helpers of [`super::support`]. A pixel interpolates
//! linearly between the two curves around its mask value, so the result is
//! continuous in the mask and costs two lookups per channel.

use std::ops::Range;

use super::local_mean::Plane;

/// Curves in a [`MaskedCurves`], one per 1024 mask steps (1/64 of the
/// 16-bit range), plus one past the end.
pub const MASK_CURVES: usize = 65;

/// Mask steps between two curves.
const CURVE_SPACING: u32 = 1024;

/// A tone curve for every 1/64 of the mask's range: `curve(t, v)` for
/// `t = 1024 i / 65280`, `i` in `0..=64`, and each level `v`, in 1/256
/// levels.
#[derive(Clone)]
pub struct MaskedCurves {
    curves: Box<[[u16; 256]; MASK_CURVES]>,
}

impl std::fmt::Debug for MaskedCurves {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaskedCurves").finish_non_exhaustive()
    }
}

/// The mask fraction of curve `i`: `1024 i / 65280` (the last, 64, lies a
/// little past 1, so that masks up to 1 interpolate between two curves).
pub fn curve_mask(i: usize) -> f64 {
    i as f64 * f64::from(CURVE_SPACING) / 65280.0
}

impl MaskedCurves {
    /// Builds the curves from `curve(t, v)`: the output level (unrounded,
    /// clamped here to `0..=255`) of level `v` where the mask is
    /// `t` (`0..=1`, and up to 1.004 for the last curve).
    pub fn new(curve: impl Fn(f64, u8) -> f64) -> Self {
        let mut curves = Box::new([[0u16; 256]; MASK_CURVES]);
        for (i, row) in curves.iter_mut().enumerate() {
            let t = curve_mask(i);
            for (v, out) in row.iter_mut().enumerate() {
                let level = curve(t, v as u8);
                let level = if level.is_nan() { 0.0 } else { level };
                *out = (level.clamp(0.0, 255.0) * 256.0).round() as u16;
            }
        }
        Self { curves }
    }

    /// Level `v` where the mask is `mask` (in 1/256 levels, `0..=65280`):
    /// the two curves around it, interpolated, rounded.
    #[inline(always)]
    pub fn apply(&self, mask: u16, v: u8) -> u8 {
        let i = usize::from(mask >> 10);
        let f = u32::from(mask) & (CURVE_SPACING - 1);
        let a = u32::from(self.curves[i][usize::from(v)]);
        let b = u32::from(self.curves[i + 1][usize::from(v)]);
        ((a * (CURVE_SPACING - f) + b * f + (1 << 17)) >> 18) as u8
    }

    /// Maps R, G and B of a row of pixels through the curves of their mask
    /// values; alpha is kept, fully transparent pixels are copied.
    pub fn apply_row(&self, src: &[u8], mask: &[u16], out: &mut [u8]) {
        for ((o, s), &m) in out.chunks_exact_mut(4).zip(src.chunks_exact(4)).zip(mask) {
            if s[3] == 0 {
                o.copy_from_slice(s);
                continue;
            }
            o[0] = self.apply(m, s[0]);
            o[1] = self.apply(m, s[1]);
            o[2] = self.apply(m, s[2]);
            o[3] = s[3];
        }
    }
}

/// `1 - smoothstep(0, 0.6, t)`: 1 in the shadows, fading out by `t = 0.6`.
pub fn shadow_weight(t: f64) -> f64 {
    1.0 - smoothstep(0.0, 0.6, t)
}

/// `smoothstep(0.4, 1, t)`: 0 below `t = 0.4`, 1 in the highlights.
pub fn highlight_weight(t: f64) -> f64 {
    smoothstep(0.4, 1.0, t)
}

/// `u^2 (3 - 2u)` with `u = clamp((t - lo) / (hi - lo), 0, 1)`.
pub fn smoothstep(lo: f64, hi: f64, t: f64) -> f64 {
    let u = ((t - lo) / (hi - lo)).clamp(0.0, 1.0);
    u * u * (3.0 - 2.0 * u)
}

/// Columns per strip of [`min_filter`]'s pass down the columns.
const STRIP: usize = 64;

/// The minimum of `input` over the `(2r + 1)²` square around each pixel of
/// output rows `rows` (edges replicated; `input` holds every row within `r`
/// of them, clamped to `0..height`). Exact, so any band agrees; runs in
/// constant time per pixel whatever `r` (van Herk / Gil-Werman: running
/// minima within blocks of `2r + 1` from both ends).
pub fn min_filter(input: &Plane, height: u32, r: u32, rows: Range<u32>) -> Plane {
    let width = input.width;
    if r == 0 || width == 0 {
        return Plane::from_rows(width, rows, |y, out| out.copy_from_slice(input.row(y)));
    }
    let k = 2 * r as usize + 1;
    let (mut pad, mut g, mut h) = (Vec::new(), Vec::new(), Vec::new());
    let across = Plane::from_rows(width, input.rows(), |y, out| {
        let row = input.row(y);
        pad.clear();
        pad.extend(std::iter::repeat_n(row[0], r as usize));
        pad.extend_from_slice(row);
        pad.extend(std::iter::repeat_n(row[width - 1], r as usize));
        block_minima(&pad, 1, k, &mut g, &mut h);
        for (x, o) in out.iter_mut().enumerate() {
            *o = h[x].min(g[x + k - 1]);
        }
    });
    // Down the columns, a strip at a time: virtual rows `first..` (edge
    // rows repeated), the same block minima on whole strip rows.
    let last = i64::from(height) - 1;
    let first = i64::from(rows.start) - i64::from(r);
    let virt = rows.len() + k - 1;
    let mut out = Plane::from_rows(width, rows.clone(), |_, _| {});
    let mut strip = Vec::new();
    for x0 in (0..width).step_by(STRIP) {
        let sw = STRIP.min(width - x0);
        strip.clear();
        for i in 0..virt {
            let y = (first + i as i64).clamp(0, last) as u32;
            strip.extend_from_slice(&across.row(y)[x0..x0 + sw]);
        }
        block_minima(&strip, sw, k, &mut g, &mut h);
        for (i, o) in out.values.chunks_exact_mut(width).enumerate() {
            let hi = &h[i * sw..(i + 1) * sw];
            let gi = &g[(i + k - 1) * sw..(i + k) * sw];
            for ((o, &a), &b) in o[x0..x0 + sw].iter_mut().zip(hi).zip(gi) {
                *o = a.min(b);
            }
        }
    }
    out
}

/// Running minima of the rows of `v` (each `lanes` values, compared lane
/// by lane) within blocks of `k` rows, from each block's start (`g`) and
/// from its end (`h`).
fn block_minima(v: &[u16], lanes: usize, k: usize, g: &mut Vec<u16>, h: &mut Vec<u16>) {
    g.clear();
    g.extend_from_slice(v);
    h.clear();
    h.extend_from_slice(v);
    let block = k * lanes;
    for chunk in g.chunks_mut(block) {
        running_min(chunk.chunks_exact_mut(lanes));
    }
    for chunk in h.chunks_mut(block) {
        running_min(chunk.chunks_exact_mut(lanes).rev());
    }
}

/// Replaces each row by the minimum of it and every row before it, lane by
/// lane.
fn running_min<'a>(mut rows: impl Iterator<Item = &'a mut [u16]>) {
    let Some(first) = rows.next() else {
        return;
    };
    if first.len() == 1 {
        // One lane: keep the running minimum in a register.
        let mut m = first[0];
        for row in rows {
            m = m.min(row[0]);
            row[0] = m;
        }
        return;
    }
    let mut prev: &mut [u16] = first;
    for row in rows {
        for (c, &p) in row.iter_mut().zip(prev.iter()) {
            *c = (*c).min(p);
        }
        prev = row;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_filter_is_the_minimum_of_the_clamped_square() {
        for (w, h, r) in [
            (1usize, 1u32, 3u32),
            (9, 7, 1),
            (13, 11, 2),
            (5, 23, 4),
            (31, 3, 7),
        ] {
            let p = Plane::from_rows(w, 0..h, |y, out| {
                for (x, o) in out.iter_mut().enumerate() {
                    *o = ((x * 7919 + y as usize * 6271) % 1000) as u16;
                }
            });
            for (a, b) in [(0, h), (h / 2, h), (0, 1)] {
                let need = crate::registry::halo_rows(r, h, a..b);
                let band = Plane::from_rows(w, need, |y, out| out.copy_from_slice(p.row(y)));
                let out = min_filter(&band, h, r, a..b);
                for y in a..b {
                    for x in 0..w {
                        let mut m = u16::MAX;
                        for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                            for xx in x.saturating_sub(r as usize)..(x + r as usize + 1).min(w) {
                                m = m.min(p.row(yy)[xx]);
                            }
                        }
                        assert_eq!(out.row(y)[x], m, "{w}x{h} r {r} at {x},{y}");
                    }
                }
            }
        }
    }

    #[test]
    fn masked_curves_interpolate_between_mask_steps() {
        let c = MaskedCurves::new(|t, v| f64::from(v) * (1.0 - t / 2.0));
        assert_eq!(c.apply(0, 200), 200);
        // Linear in the mask all the way to 1 (255 levels): half of 200.
        assert_eq!(c.apply(65280, 200), 100);
        assert_eq!(c.apply(32640, 200), 150);
        // Between curves 0 and 1 (mask 512 of 1024).
        let expected: f64 = 200.0 * (1.0 - 512.0 / 65280.0 / 2.0);
        assert_eq!(f64::from(c.apply(512, 200)), expected.round());
        // Out of range values are clamped.
        let c = MaskedCurves::new(|t, _| 300.0 - 600.0 * t);
        assert_eq!((c.apply(0, 9), c.apply(65280, 9)), (255, 0));
    }
}
