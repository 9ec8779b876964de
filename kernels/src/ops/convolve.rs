//! Custom 3x3 or 5x5 convolution.
//!
//! # Method
//!
//! With weights `w_k` (row-major), the effective divisor `D` (the given
//! divisor; if 0, the sum of the weights; if that is 0 too, 1) and
//! `u_k = |w_k| / Σ|w|` (the centre tap alone if every weight is 0):
//!
//! * alpha `α = Σ u_k a_k`: the alpha channel is blurred by the absolute
//!   kernel, so opaque regions stay opaque whatever the kernel (an edge
//!   detector whose weights sum to 0 included);
//! * colour: the premultiplied colour `Σ w_k c_k a_k / D` (in level·alpha
//!   units) un-premultiplied by `α`, plus the bias:
//!   `round(Σ w_k c_k a_k / (D α) + bias)`, clamped to 0..=255, and 0 where
//!   `α` is 0. A fully transparent neighbour contributes no colour.
//!
//! The result is that of `f64` sums accumulated in tap order from 0, as the
//! reference computes them, so the two are bit-identical. To get there
//! fast, the sums run in `f32` SIMD lanes over planar rows, with a bound
//! on how far they can be from the `f64` ones; a pixel whose rounding that
//! bound leaves open (rare: a value within a hair of a half, a nearly
//! transparent window) is summed again in `f64`. Edges replicate.

use std::ops::Range;

use super::simd::{CpuLevel, avx2_call, floor_level, max_sel, min_sel};
use crate::image::{CHANNELS, SourceBand};
use crate::ops::box_motion::premul;
use crate::spec::ConvolveParams;

/// The prepared kernel of a convolution.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvolveKernel {
    /// Side of the square kernel, 3 or 5 (1 for an invalid length).
    pub side: usize,
    /// Colour weights `w_k`, row-major.
    pub weights: Vec<f64>,
    /// Alpha weights `u_k = |w_k| / Σ|w|`.
    pub alpha_weights: Vec<f64>,
    /// The effective divisor `D`.
    pub divisor: f64,
    /// Bias in levels.
    pub bias: f64,
}

/// Prepares the kernel of `p` (an identity kernel if its length is neither
/// 9 nor 25, which validation refuses).
pub fn convolve_kernel(p: &ConvolveParams) -> ConvolveKernel {
    let (side, weights): (usize, Vec<f64>) = match p.kernel.len() {
        9 => (3, p.kernel.iter().map(|&w| f64::from(w)).collect()),
        25 => (5, p.kernel.iter().map(|&w| f64::from(w)).collect()),
        _ => (1, vec![1.0]),
    };
    let sum: f64 = weights.iter().sum();
    let abs: f64 = weights.iter().map(|w| w.abs()).sum();
    let divisor = if p.divisor != 0.0 && p.divisor.is_finite() {
        f64::from(p.divisor)
    } else if sum != 0.0 {
        sum
    } else {
        1.0
    };
    let alpha_weights = if abs > 0.0 {
        weights.iter().map(|w| w.abs() / abs).collect()
    } else {
        let mut u = vec![0.0; weights.len()];
        u[weights.len() / 2] = 1.0;
        u
    };
    ConvolveKernel {
        side,
        weights,
        alpha_weights,
        divisor,
        bias: if p.bias.is_finite() {
            f64::from(p.bias)
        } else {
            0.0
        },
    }
}

/// Rows above and below an output row that `convolve` reads.
pub fn convolve_halo_px(p: &ConvolveParams) -> u32 {
    (convolve_kernel(p).side / 2) as u32
}

/// One output pixel from colour sums `s` (`Σ w c a`) and alpha `alpha`.
#[inline(always)]
pub fn convolve_finish(k: &ConvolveKernel, s: [f64; 3], alpha: f64) -> [u8; 4] {
    let alpha = alpha.clamp(0.0, 255.0);
    let a8 = alpha.round() as u8;
    if alpha <= 0.0 {
        return [0; 4];
    }
    let den = k.divisor * alpha;
    let c = |v: f64| (v / den + k.bias).round().clamp(0.0, 255.0) as u8;
    [c(s[0]), c(s[1]), c(s[2]), a8]
}

/// Convolution of output rows `out_rows` (see the module docs).
pub fn convolve_rows(
    p: &ConvolveParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    convolve_rows_with_level(CpuLevel::detected(), p, src, out_rows, dst);
}

/// Output pixels summed together in `f32` lanes.
const CHUNK: usize = 64;

/// [`convolve_rows`] at a given [`CpuLevel`] (same result at every level).
///
/// Sums run in `f32` lanes over planar copies of the premultiplied rows;
/// with a bound on their error (see [`Bound`]) each pixel whose rounding
/// the error could change (a value near a half, a tiny alpha) is summed
/// again exactly in `f64`, in tap order. So the bytes are those of the
/// `f64` formula.
pub fn convolve_rows_with_level(
    level: CpuLevel,
    p: &ConvolveParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let k = convolve_kernel(p);
    let r = k.side / 2;
    let w = src.width as usize;
    let pw = w + 2 * r;
    let stride = src.stride();
    let taps: Vec<Tap> = (0..k.side * k.side)
        .filter(|&t| k.weights[t] != 0.0 || k.alpha_weights[t] != 0.0)
        .map(|t| Tap {
            row: t / k.side,
            column: t % k.side,
            colour: k.weights[t] as f32,
            alpha: k.alpha_weights[t] as f32,
        })
        .collect();
    let bound = &Bound::new(&k, taps.len());
    let taps = taps.as_slice();
    // A ring of the `side` padded rows an output row reads, each as four
    // planes of premultiplied `f32` values (exact: they are below 2^16).
    let mut ring = vec![
        [
            vec![0f32; pw],
            vec![0f32; pw],
            vec![0f32; pw],
            vec![0f32; pw]
        ];
        k.side
    ];
    let load = |ring: &mut [[Vec<f32>; 4]], y: i64| {
        let slot = &mut ring[y.rem_euclid(k.side as i64) as usize];
        let row = src.row_clamped(y);
        for (x, px) in (r..r + w).zip(row.chunks_exact(CHANNELS)) {
            let v = premul(px);
            for (plane, &v) in slot.iter_mut().zip(&v) {
                plane[x] = v as f32;
            }
        }
        for plane in slot.iter_mut() {
            let (first, last) = (plane[r], plane[r + w - 1]);
            plane[..r].fill(first);
            plane[r + w..].fill(last);
        }
    };
    let top = i64::from(out_rows.start) - r as i64;
    for y in top..top + k.side as i64 - 1 {
        load(&mut ring, y);
    }
    let (mut word_buf, mut exact_buf) = ([0u32; CHUNK], [false; CHUNK]);
    for (i, out) in dst.chunks_exact_mut(stride).enumerate() {
        let y_out = i64::from(out_rows.start) + i as i64;
        load(&mut ring, y_out + r as i64);
        let rows: Vec<&[Vec<f32>; 4]> = (0..k.side)
            .map(|ty| &ring[(y_out - r as i64 + ty as i64).rem_euclid(k.side as i64) as usize])
            .collect();
        let rows = rows.as_slice();
        for x0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - x0);
            let (words, exact) = (&mut word_buf, &mut exact_buf);
            avx2_call!(level; sum_chunk; taps: &[Tap], rows: &[&[Vec<f32>; 4]], x0: usize,
                n: usize, bound: &Bound, words: &mut [u32; CHUNK], exact: &mut [bool; CHUNK]);
            for j in 0..n {
                let px = if exact_buf[j] {
                    exact_pixel(&k, src, y_out, x0 + j)
                } else {
                    word_buf[j].to_le_bytes()
                };
                out[(x0 + j) * CHANNELS..(x0 + j + 1) * CHANNELS].copy_from_slice(&px);
            }
        }
    }
}

/// One non-zero tap: its row and column in the kernel (so its offset from
/// the output pixel's top-left tap), and its colour and alpha weights.
#[derive(Clone, Copy)]
struct Tap {
    row: usize,
    column: usize,
    colour: f32,
    alpha: f32,
}

/// What the `f32` sums may be off by, against the exact `f64` ones, and
/// the constants of the output step.
///
/// Each product of an `f32` weight and an exact value is rounded once and
/// each of the `n` additions once, so the colour sum is within
/// `2n · 2^-24 · Σ|w| · 65025` of the exact one; the alpha sum, from
/// weights rounded to `f32`, within `(2n + 1) · 2^-24 · 255`. The output
/// `t = s / (D α) + bias` then moves by at most
/// `(E_c + |s| (E_a / α + 4 · 2^-24)) / (|D| α)` (the divisor rounded to
/// `f32` and the division rounded once); twice that is the margin a value
/// must keep from a rounding point to be settled in `f32`.
struct Bound {
    divisor: f32,
    bias: f32,
    colour_err: f32,
    alpha_err: f32,
}

impl Bound {
    fn new(k: &ConvolveKernel, taps: usize) -> Self {
        let eps = f64::from(f32::EPSILON) / 2.0;
        let n = taps as f64;
        let abs: f64 = k.weights.iter().map(|w| w.abs()).sum();
        Self {
            divisor: k.divisor as f32,
            bias: k.bias as f32,
            colour_err: (2.0 * n * eps * abs * 65025.0) as f32,
            alpha_err: ((2.0 * n + 1.0) * eps * 255.0) as f32,
        }
    }
}

/// Sums `n` output pixels of a chunk in `f32` lanes and rounds each one
/// whose result the error [`Bound`] cannot change; `exact[j]` marks the
/// others.
#[inline(always)]
fn sum_chunk(
    taps: &[Tap],
    rows: &[&[Vec<f32>; 4]],
    x0: usize,
    n: usize,
    bound: &Bound,
    words: &mut [u32; CHUNK],
    exact: &mut [bool; CHUNK],
) {
    let mut acc = [[0f32; CHUNK]; 4];
    let n = n.min(CHUNK);
    for tap in taps {
        let Some(planes) = rows.get(tap.row) else {
            continue;
        };
        let at = x0 + tap.column;
        for (c, acc) in acc.iter_mut().enumerate() {
            let weight = if c == 3 { tap.alpha } else { tap.colour };
            let Some(values) = planes[c].get(at..at + n) else {
                continue;
            };
            for (s, &v) in acc.iter_mut().zip(values) {
                *s += weight * v;
            }
        }
    }
    let eps = f32::EPSILON;
    for j in 0..CHUNK {
        let alpha = acc[3][j];
        // Alpha: `round(clamp(alpha, 0, 255))` (halves up), settled if
        // `alpha` is clearly positive and either clearly away from a half
        // or clearly in the top level.
        let a = min_sel(max_sel(alpha, 0.0), 255.0);
        let a8 = floor_level(a + 0.5);
        let frac = a - floor_level(a) as f32;
        let alpha_ok = alpha > 4.0 * bound.alpha_err
            && ((frac - 0.5).abs() > 2.0 * bound.alpha_err
                || alpha > 254.5 + 2.0 * bound.alpha_err);
        let den = bound.divisor * alpha;
        let mut word = a8 << 24;
        let mut ok = alpha_ok;
        for (c, lanes) in acc[..3].iter().enumerate() {
            let s = lanes[j];
            let t = s / den + bound.bias;
            let margin = 2.0 * (bound.colour_err + s.abs() * (bound.alpha_err / alpha + 4.0 * eps))
                / (bound.divisor.abs() * alpha);
            // `round(t)` clamped to 0..=255, halves away from zero.
            let u = min_sel(max_sel(t + 0.5, 0.0), 255.0);
            let level = floor_level(u);
            let frac = u - level as f32;
            let clipped = t + 0.5 < -margin || t + 0.5 > 255.0 + margin;
            let settled = clipped || (frac > margin && frac < 1.0 - margin);
            ok = ok && settled && margin.is_finite();
            word |= level << (8 * c);
        }
        exact[j] = !ok;
        words[j] = word;
    }
}

/// Output pixel `(x, y)`, summed exactly in `f64` in tap order (the
/// formula of the module docs; edges replicate).
fn exact_pixel(k: &ConvolveKernel, src: &SourceBand<'_>, y: i64, x: usize) -> [u8; 4] {
    let r = (k.side / 2) as i64;
    let last = i64::from(src.width) - 1;
    let mut s = [0.0f64; 4];
    for ty in 0..k.side {
        let row = src.row_clamped(y + ty as i64 - r);
        for tx in 0..k.side {
            let t = ty * k.side + tx;
            let (wc, wa) = (k.weights[t], k.alpha_weights[t]);
            let sx = (x as i64 + tx as i64 - r).clamp(0, last) as usize;
            let v = premul(&row[sx * CHANNELS..(sx + 1) * CHANNELS]).map(f64::from);
            s[0] += wc * v[0];
            s[1] += wc * v[1];
            s[2] += wc * v[2];
            s[3] += wa * v[3];
        }
    }
    convolve_finish(k, [s[0], s[1], s[2]], s[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `f32` lanes settle a pixel only where the error bound allows:
    /// everything with a tiny divisor or a nearly transparent window goes
    /// to the exact sum, and ordinary opaque pixels do not.
    #[test]
    fn only_pixels_the_bound_cannot_settle_are_summed_exactly() {
        let flagged = |kernel: Vec<f32>, divisor: f32, alpha: u8| {
            let p = ConvolveParams {
                kernel,
                divisor,
                bias: 0.0,
            };
            let k = convolve_kernel(&p);
            let taps: Vec<Tap> = (0..9)
                .map(|t| Tap {
                    row: t / 3,
                    column: t % 3,
                    colour: k.weights[t] as f32,
                    alpha: k.alpha_weights[t] as f32,
                })
                .collect();
            let value = |c: u32| (c * u32::from(alpha)) as f32;
            let planes: [Vec<f32>; 4] = [
                (0..CHUNK + 2).map(|x| value(x as u32 % 200)).collect(),
                vec![value(77); CHUNK + 2],
                vec![value(5); CHUNK + 2],
                vec![f32::from(alpha); CHUNK + 2],
            ];
            let rows = [&planes, &planes, &planes];
            let (mut words, mut exact) = ([0u32; CHUNK], [false; CHUNK]);
            let bound = Bound::new(&k, taps.len());
            sum_chunk(&taps, &rows, 0, CHUNK, &bound, &mut words, &mut exact);
            exact.iter().filter(|&&e| e).count()
        };
        let blur = vec![1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0];
        assert_eq!(flagged(blur.clone(), 0.0, 255), 0);
        assert_eq!(flagged(blur, 0.0, 0), CHUNK);
        // Cancelling weights over a tiny divisor: values near the range
        // cannot be settled in f32 (values far outside it clamp either way).
        let gradient = vec![0.0, 0.0, 0.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0];
        assert_eq!(flagged(gradient.clone(), 1e-3, 255), CHUNK);
        assert_eq!(flagged(gradient, 1.0, 255), 0);
    }
}
