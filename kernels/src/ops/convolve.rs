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
//! Sums are `f64`, accumulated in tap order from 0 (whole rows per tap, so
//! the loop vectorizes); the reference sums in the same order, so results
//! are bit-identical to it. Edges replicate.

use std::ops::Range;

use crate::image::{CHANNELS, SourceBand};
use crate::ops::box_motion::premul;
use crate::ops::support::padded_rows;
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
    let k = convolve_kernel(p);
    let r = k.side / 2;
    let w = src.width as usize;
    let pw = w + 2 * r;
    let stride = src.stride();
    let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
    let y_lo = a - r as i64;
    let rows: Vec<[f64; 4]> =
        padded_rows(src, y_lo, b + r as i64, r, |px| premul(px).map(f64::from));
    let mut acc = vec![[0.0f64; 4]; w];
    for i in 0..(b - a) as usize {
        acc.fill([0.0; 4]);
        for ty in 0..k.side {
            for tx in 0..k.side {
                let t = ty * k.side + tx;
                let (wc, wa) = (k.weights[t], k.alpha_weights[t]);
                let start = (i + ty) * pw + tx;
                for (s, v) in acc.iter_mut().zip(&rows[start..start + w]) {
                    s[0] += wc * v[0];
                    s[1] += wc * v[1];
                    s[2] += wc * v[2];
                    s[3] += wa * v[3];
                }
            }
        }
        let out = &mut dst[i * stride..(i + 1) * stride];
        for (o, s) in out.chunks_exact_mut(CHANNELS).zip(&acc) {
            o.copy_from_slice(&convolve_finish(&k, [s[0], s[1], s[2]], s[3]));
        }
    }
}
