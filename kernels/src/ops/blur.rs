//! Gaussian blur and unsharp mask.
//!
//! # Method
//!
//! The blur is separable: every source row is blurred horizontally, then
//! columns are blurred vertically. Along each axis the same chain of 1-D
//! passes runs, on integers (sums are exact; a box's normalization is one
//! `f32` multiply, a pure function of the exact sum):
//!
//! * `0.5 <= sigma <= 10`: a direct convolution on 16-bit lanes, in
//!   the private module `ops::blur_direct`, whose docs give the method
//!   and error bounds.
//!   Its cost grows with sigma (about 2.5 ms per tap pair on a 4K frame,
//!   single-threaded), and up to sigma 10 it is faster than the passes below.
//! * `sigma < 0.5`: one direct convolution with the sampled gaussian
//!   `exp(-x²/2σ²)`, radius `ceil(4σ)` (taps whose weight rounds to zero are
//!   trimmed), weights in 1/16384 summing to exactly 16384.
//! * `sigma > 10`: four *extended box* passes (Gwosdek et al., "Theoretical
//!   foundations of Gaussian convolution by extended box filtering", 2011): a
//!   box of radius `r` plus one end tap of fractional weight `α` on each side,
//!   so the variance can be set continuously rather than in steps of whole
//!   pixels. Each box pass is a running sum, so its cost does not depend on
//!   sigma. A chain of boxes alone converges to a gaussian slowly (its excess
//!   kurtosis is always negative, giving errors of 2-3 levels on a step edge
//!   with 3-4 passes), so a fifth, sparse pass `[c, 0, .., 0, 1 - 2c, 0, .., 0,
//!   c]` with taps `D = round(1.2σ)` apart adds the missing (positive) fourth
//!   cumulant. `c` is chosen so that the fourth cumulant of the whole chain is
//!   zero, then `α` (in 1/64) and `c` (in 1/4096) are quantized and `c` is
//!   re-derived so that the total variance is exactly `σ²`. The kernel's
//!   own error against the exact sampled gaussian is under 0.45 of a level on
//!   a full-range step edge (about 0.1 for sigma >= 10); measured against the
//!   unrounded exact blur, outputs are within 0.76 of a level including the
//!   final rounding, so they round to within 1 of the rounded exact blur.
//!
//! Values are premultiplied RGBA in 1/64 of a level (alpha 255 is 16320), so
//! transparent pixels carry no colour into their neighbours; the result is
//! un-premultiplied at the end. An opaque image keeps alpha 16320 through
//! every pass (each pass maps a constant to itself exactly), so it is blurred
//! exactly as if alpha did not exist.
//!
//! # Edges and bands
//!
//! The source is extended by replicating its edge pixels (clamped
//! coordinates), in both directions, and the whole chain of passes is applied
//! to that extended image. Intermediate results are therefore computed on a
//! range that grows by each pass's reach beyond the image; far enough out they
//! equal the edge pixel exactly, which is used to bound that range.
//!
//! Output row `y` reads source rows `y - halo ..= y + halo` (clamped), where
//! `halo` = [`gaussian_halo_px`] is the sum of the reaches of the vertical
//! passes. Sums are exact integers and every running sum is (re)started
//! from the rows themselves, so rendering a band of output rows from just the
//! rows it needs is bit-identical to rendering the whole image.
//!
//! Both axes use one vectorizable pass over multi-lane elements: horizontal
//! passes run on groups of 16 rows transposed so that a 64-lane element
//! holds one column of all 16 rows; vertical passes run on strips of 64
//! columns (256 lanes), whole strip rows at a time, with column-wise running
//! sums. Cost per pixel does not depend on sigma (beyond the halo rows a
//! band reads). On x86_64 with AVX2 the whole blur runs as an AVX2 build of
//! the same code (`ops::simd::avx2_call!`), with identical results.

use std::ops::Range;

use super::blur_direct::{self, Direct};
use super::simd::{CpuLevel, avx2_call};
use crate::image::{CHANNELS, SourceBand};
use crate::spec::{GaussianBlurParams, MAX_SIGMA_PX, UnsharpMaskParams};

/// Fixed-point scale of a level (6 fractional bits).
const LEVEL: u32 = 64;
/// Alpha 255 in fixed point.
const FULL: u32 = 255 * LEVEL;
/// Number of extended box passes.
const BOX_PASSES: usize = 4;
/// Quantum of a box's fractional end weight.
const END_ONE: u32 = 64;
/// Quantum of the sparse three-tap pass's outer weight.
const TAP_BITS: u32 = 12;
/// Quantum of the direct convolution weights.
const CONV_BITS: u32 = 14;
/// Below this sigma the direct convolution is used.
const DIRECT_BELOW: f64 = 3.0;
/// Sigmas for which the direct 16-bit convolution of
/// `ops::blur_direct` is used.
const DIRECT16_FROM: f64 = 0.5;
/// See [`DIRECT16_FROM`].
const DIRECT16_TO: f64 = 10.0;
/// Spacing of the sparse pass's taps, in sigmas.
const TAP_SPACING: f64 = 1.2;
/// Values per vertical strip (64 pixels).
const STRIP: usize = 256;
/// Fixed-point scale of the unsharp amount.
const AMOUNT_BITS: u32 = 12;

/// One 1-D pass along an axis.
#[derive(Clone, Debug, PartialEq)]
enum Pass {
    /// Extended box: `t = END_ONE * Σ|i|<=r x + end * (x[-r-1] + x[r+1])`
    /// (exact, below 2^31), then `round(t / norm)` as `round(t * inv)` in
    /// `f32` (`inv = 1 / norm`), exact for constant input.
    Box { r: usize, end: u32, inv: f32 },
    /// `(c * (x[-d] + x[d]) + (4096 - 2c) * x[0] + 2048) >> 12`.
    Taps { d: usize, c: u32 },
    /// Direct convolution, `2R + 1` weights summing to `1 << CONV_BITS`.
    Conv { weights: Vec<u32> },
}

impl Pass {
    /// How far the pass reads on each side of an output position.
    fn reach(&self) -> usize {
        match self {
            Self::Box { r, end, .. } => r + usize::from(*end > 0),
            Self::Taps { d, .. } => *d,
            Self::Conv { weights } => weights.len() / 2,
        }
    }
}

/// The chain of passes for one sigma (the same along both axes).
#[derive(Clone, Debug, PartialEq)]
struct Plan {
    passes: Vec<Pass>,
    /// The direct 16-bit convolution, used instead of `passes` where set.
    direct: Option<Direct>,
}

/// Sum of `i²` for `i` in `1..=r`.
fn sum_sq(r: f64) -> f64 {
    r * (r + 1.0) * (2.0 * r + 1.0) / 6.0
}

/// Sum of `i⁴` for `i` in `1..=r`.
fn sum_quad(r: f64) -> f64 {
    r * (r + 1.0) * (2.0 * r + 1.0) * (3.0 * r * r + 3.0 * r - 1.0) / 30.0
}

/// Radius and end weight of the extended box of variance `var` (Gwosdek et al.).
fn ext_box(var: f64) -> (f64, f64) {
    let var = var.max(0.0);
    let r = (0.5 * (12.0 * var + 1.0).sqrt() - 0.5).floor().max(0.0);
    let alpha = (2.0 * r + 1.0) * (r * (r + 1.0) - 3.0 * var) / (6.0 * (var - (r + 1.0).powi(2)));
    (r, alpha.clamp(0.0, 1.0))
}

/// Variance and fourth cumulant of the extended box `(r, alpha)`.
fn ext_cumulants(r: f64, alpha: f64) -> (f64, f64) {
    let n = 2.0 * r + 1.0 + 2.0 * alpha;
    let m2 = (2.0 * sum_sq(r) + 2.0 * alpha * (r + 1.0).powi(2)) / n;
    let m4 = (2.0 * sum_quad(r) + 2.0 * alpha * (r + 1.0).powi(4)) / n;
    (m2, m4 - 3.0 * m2 * m2)
}

impl Plan {
    fn new(sigma_px: f32) -> Self {
        let s = f64::from(sigma_px);
        if s.is_nan() || s <= 0.0 {
            return Self {
                passes: Vec::new(),
                direct: None,
            };
        }
        let s = s.min(f64::from(MAX_SIGMA_PX));
        if (DIRECT16_FROM..=DIRECT16_TO).contains(&s)
            && let Some(direct) = Direct::new(s)
        {
            return Self {
                passes: Vec::new(),
                direct: Some(direct),
            };
        }
        let passes = if s < DIRECT_BELOW {
            Self::direct(s)
        } else {
            Self::boxes(s)
        };
        Self {
            passes,
            direct: None,
        }
    }

    /// Direct convolution with the sampled, normalized gaussian.
    fn direct(s: f64) -> Vec<Pass> {
        let radius = (4.0 * s).ceil() as i64;
        let raw: Vec<f64> = (-radius..=radius)
            .map(|x| (-((x * x) as f64) / (2.0 * s * s)).exp())
            .collect();
        let total: f64 = raw.iter().sum();
        let one = 1u32 << CONV_BITS;
        let mut weights: Vec<u32> = raw
            .iter()
            .map(|w| (w / total * f64::from(one)).round() as u32)
            .collect();
        // Trim taps that quantized to zero (symmetric), then put the rounding
        // remainder on the centre tap so the weights sum to exactly `one`.
        while weights.len() > 1 && weights[0] == 0 {
            weights.pop();
            weights.remove(0);
        }
        let centre = weights.len() / 2;
        let others: u32 = weights
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != centre)
            .map(|(_, w)| w)
            .sum();
        weights[centre] = one.saturating_sub(others);
        if weights.len() == 1 {
            return Vec::new();
        }
        vec![Pass::Conv { weights }]
    }

    /// Four extended boxes and a sparse three-tap pass.
    fn boxes(s: f64) -> Vec<Pass> {
        let var = s * s;
        let d_taps = (TAP_SPACING * s).round().max(1.0);
        let passes = BOX_PASSES as f64;
        let kurtosis = |c: f64| {
            let (r, alpha) = ext_box((var - 2.0 * c * d_taps * d_taps) / passes);
            let (_, k4) = ext_cumulants(r, alpha);
            passes * k4 + 2.0 * c * d_taps.powi(4) * (1.0 - 6.0 * c)
        };
        // The three-tap pass adds the most kurtosis at c = 1/12; find the
        // smallest c that cancels the boxes' (negative) kurtosis.
        let hi_c = (1.0 / 12.0f64).min(0.25 * var / (d_taps * d_taps));
        let c = if kurtosis(hi_c) <= 0.0 {
            hi_c
        } else {
            let (mut lo, mut hi) = (0.0, hi_c);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if kurtosis(mid) < 0.0 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            0.5 * (lo + hi)
        };
        let (r, alpha) = ext_box((var - 2.0 * c * d_taps * d_taps) / passes);
        let end = (alpha * f64::from(END_ONE)).round() as u32;
        let (box_var, _) = ext_cumulants(r, f64::from(end) / f64::from(END_ONE));
        let tap_one = f64::from(1u32 << TAP_BITS);
        let c = ((var - passes * box_var) / (2.0 * d_taps * d_taps)).max(0.0);
        let c = ((c * tap_one).round() as u32).min((1 << TAP_BITS) / 3);

        let r = r as usize;
        let norm = f64::from(END_ONE) * (2.0 * r as f64 + 1.0) + 2.0 * f64::from(end);
        let inv = (1.0 / norm) as f32;
        let mut out = Vec::with_capacity(BOX_PASSES + 1);
        if r > 0 || end > 0 {
            for _ in 0..BOX_PASSES {
                out.push(Pass::Box { r, end, inv });
            }
        }
        if c > 0 {
            out.push(Pass::Taps {
                d: d_taps as usize,
                c,
            });
        }
        out
    }

    /// Total reach of the chain: rows read above and below an output row.
    fn halo(&self) -> usize {
        if let Some(d) = &self.direct {
            return d.radius();
        }
        self.passes.iter().map(Pass::reach).sum()
    }

    /// Cumulative reach after each pass (`[0, r1, r1 + r2, ..]`).
    fn cumulative(&self) -> Vec<i64> {
        let mut acc = 0i64;
        let mut out = vec![0];
        for p in &self.passes {
            acc += p.reach() as i64;
            out.push(acc);
        }
        out
    }
}

/// Rows above and below an output row that the blur reads, for `sigma_px`:
/// the total reach of the vertical passes (0 for sigma 0).
pub fn gaussian_halo_px(sigma_px: f32) -> u32 {
    Plan::new(sigma_px).halo() as u32
}

/// Range of positions (absolute, along one axis) at which the output of the
/// pass with cumulative reach `reach` is computed, for final outputs `need`
/// over data `data` (edge-replicated outside), with total reach `total`.
///
/// Positions more than `reach` outside the data equal the edge value exactly,
/// so they are not computed: readers clamp into the returned range.
fn stage_range(need: (i64, i64), data: (i64, i64), reach: i64, total: i64) -> (i64, i64) {
    let rest = total - reach;
    (
        (need.0 - rest).max(data.0 - reach),
        (need.1 + rest).min(data.1 + reach),
    )
}

/// Runs one pass along a sequence of `[u32; L]` elements: `input` holds
/// positions `in_lo..in_lo + input.len()` (clamped outside), `out` receives
/// positions `out_lo..out_lo + out.len()`.
#[inline(always)]
fn run_pass<const L: usize>(
    pass: &Pass,
    input: &[[u32; L]],
    in_lo: i64,
    out: &mut [[u32; L]],
    out_lo: i64,
) {
    let last = input.len() as i64 - 1;
    let at = |pos: i64| &input[(pos - in_lo).clamp(0, last) as usize];
    match pass {
        Pass::Box { r, end, inv } => {
            let r = *r as i64;
            let (end, inv) = (*end, *inv);
            let mut sum = [0u32; L];
            for pos in out_lo - r..=out_lo + r {
                for (s, v) in sum.iter_mut().zip(at(pos)) {
                    *s += v;
                }
            }
            for (i, o) in out.iter_mut().enumerate() {
                let y = out_lo + i as i64;
                let before = at(y - r - 1);
                let after = at(y + r + 1);
                let first = at(y - r);
                for l in 0..L {
                    let t = END_ONE * sum[l] + end * (before[l] + after[l]);
                    o[l] = round_small((t as i32) as f32 * inv);
                    sum[l] = sum[l] + after[l] - first[l];
                }
            }
        }
        Pass::Taps { d, c } => {
            let d = *d as i64;
            let c = *c;
            let centre_w = (1 << TAP_BITS) - 2 * c;
            let round = 1 << (TAP_BITS - 1);
            for (i, o) in out.iter_mut().enumerate() {
                let y = out_lo + i as i64;
                let (a, m, b) = (at(y - d), at(y), at(y + d));
                for l in 0..L {
                    o[l] = (c * (a[l] + b[l]) + centre_w * m[l] + round) >> TAP_BITS;
                }
            }
        }
        Pass::Conv { weights } if is_symmetric(weights) => {
            // `w[k] * (x[-k] + x[k])`: half the multiplies, the same exact
            // integer sum.
            let radius = weights.len() / 2;
            let round = 1 << (CONV_BITS - 1);
            for (i, o) in out.iter_mut().enumerate() {
                let y = out_lo + i as i64;
                let centre = at(y);
                let mut acc = [round; L];
                for l in 0..L {
                    acc[l] += weights[radius] * centre[l];
                }
                for (k, &w) in weights[radius + 1..].iter().enumerate() {
                    let d = k as i64 + 1;
                    let (a, b) = (at(y - d), at(y + d));
                    for l in 0..L {
                        acc[l] += w * (a[l] + b[l]);
                    }
                }
                for l in 0..L {
                    o[l] = acc[l] >> CONV_BITS;
                }
            }
        }
        Pass::Conv { weights } => {
            let radius = (weights.len() / 2) as i64;
            let round = 1 << (CONV_BITS - 1);
            for (i, o) in out.iter_mut().enumerate() {
                let y = out_lo + i as i64;
                let mut acc = [round; L];
                for (k, &w) in weights.iter().enumerate() {
                    let v = at(y - radius + k as i64);
                    for l in 0..L {
                        acc[l] += w * v[l];
                    }
                }
                for l in 0..L {
                    o[l] = acc[l] >> CONV_BITS;
                }
            }
        }
    }
}

/// Whether a convolution's weights read the same both ways.
fn is_symmetric(weights: &[u32]) -> bool {
    weights.iter().eq(weights.iter().rev())
}

/// `2^23`: adding it to a float in `0..2^22` leaves that float rounded to
/// an integer in the low mantissa bits.
const MAGIC: f32 = 8_388_608.0;

/// Rounds `x` in `0..2^22` to the nearest integer (ties to even), without
/// a float-to-int conversion, so that the loops around it vectorize.
#[inline(always)]
fn round_small(x: f32) -> u32 {
    (x + MAGIC).to_bits().wrapping_sub(MAGIC.to_bits())
}

/// Premultiplies one RGBA pixel into fixed point.
#[inline(always)]
fn premultiply(px: &[u8]) -> [u32; 4] {
    let a = u32::from(px[3]);
    let pm = |c: u8| (u32::from(c) * a * LEVEL + 127) / 255;
    [pm(px[0]), pm(px[1]), pm(px[2]), a * LEVEL]
}

/// Two scratch buffers of `L`-lane elements, reused across passes and
/// strips.
struct Scratch<const L: usize> {
    cur: Vec<[u32; L]>,
    next: Vec<[u32; L]>,
}

impl<const L: usize> Scratch<L> {
    fn new() -> Self {
        Self {
            cur: Vec::new(),
            next: Vec::new(),
        }
    }

    /// Runs the chain of passes on `self.cur[..len]` (positions
    /// `lo..lo + len`, stage 0); returns the start and length of the last
    /// stage, which is then in `self.cur`.
    #[inline(always)]
    fn run_chain(
        &mut self,
        plan: &Plan,
        cumulative: &[i64],
        need: (i64, i64),
        data: (i64, i64),
        mut lo: i64,
        mut len: usize,
    ) -> (i64, usize) {
        let total = cumulative.last().copied().unwrap_or(0);
        for (k, pass) in plan.passes.iter().enumerate() {
            let (out_lo, out_hi) = stage_range(need, data, cumulative[k + 1], total);
            let out_len = (out_hi - out_lo) as usize;
            if self.next.len() < out_len {
                self.next.resize(out_len, [0; L]);
            }
            run_pass(
                pass,
                &self.cur[..len],
                lo,
                &mut self.next[..out_len],
                out_lo,
            );
            std::mem::swap(&mut self.cur, &mut self.next);
            lo = out_lo;
            len = out_len;
        }
        (lo, len)
    }

    /// Makes `self.cur` at least `len` long.
    fn reserve(&mut self, len: usize) {
        if self.cur.len() < len {
            self.cur.resize(len, [0; L]);
        }
    }
}

/// Rows per horizontal group: each strip element holds one pixel of each.
const GROUP: usize = H_LANES / CHANNELS;

/// Lanes of the horizontal passes' elements (16 rows): fewer than a
/// vertical strip's, so that the two buffers of a whole row of elements
/// (2 x 3840 x 256 bytes on a 4K frame) stay closer to the core.
const H_LANES: usize = 64;

/// Blurs output rows `out_rows` and hands each finished strip row to `emit`
/// as `(y, first value index, premultiplied fixed-point values)`.
///
/// Horizontal passes run on groups of 16 source rows at a time, transposed
/// so that one 64-lane element holds the same column of all 16 rows;
/// vertical passes run on strips of 64 columns (256 lanes). Both use the
/// same vectorizable [`run_pass`].
#[inline(always)]
fn blur_core(
    plan: &Plan,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    mut emit: impl FnMut(u32, usize, &[u32]),
) {
    let width = src.width as usize;
    let row_len = width * CHANNELS;
    let cumulative = plan.cumulative();
    let halo = cumulative.last().copied().unwrap_or(0);
    let height = i64::from(src.height);
    let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
    let rows_lo = (a - halo).max(0);
    let rows_hi = (b + halo).min(height);
    let mut scratch = Scratch::<H_LANES>::new();
    let mut vscratch = Scratch::<STRIP>::new();

    // Horizontal passes on every source row needed, into `hbuf`, stored
    // strip-major: strip `s` (values `s * STRIP..`) of all rows, then the
    // next strip, so the vertical passes read it sequentially.
    let n_rows = (rows_hi - rows_lo) as usize;
    let n_strips = row_len.div_ceil(STRIP);
    let mut hbuf = vec![0u16; n_strips * n_rows * STRIP];
    let wide = (0, width as i64);
    for y0 in (0..n_rows).step_by(GROUP) {
        let n = GROUP.min(n_rows - y0);
        let rows: Vec<&[u8]> = (0..n)
            .map(|g| src.row((rows_lo as usize + y0 + g) as u32))
            .collect();
        scratch.reserve(width);
        for (x, el) in scratch.cur[..width].iter_mut().enumerate() {
            for (g, row) in rows.iter().enumerate() {
                let px = &row[x * CHANNELS..(x + 1) * CHANNELS];
                el[g * CHANNELS..(g + 1) * CHANNELS].copy_from_slice(&premultiply(px));
            }
            el[n * CHANNELS..].fill(0);
        }
        let (lo, _) = scratch.run_chain(plan, &cumulative, wide, wide, 0, width);
        let start = (0 - lo) as usize;
        for (x, el) in scratch.cur[start..start + width].iter().enumerate() {
            let value = x * CHANNELS;
            let block = (value / STRIP * n_rows + y0) * STRIP + value % STRIP;
            for g in 0..n {
                let at = block + g * STRIP;
                for (d, v) in hbuf[at..at + CHANNELS]
                    .iter_mut()
                    .zip(&el[g * CHANNELS..(g + 1) * CHANNELS])
                {
                    *d = *v as u16;
                }
            }
        }
    }

    // Vertical passes, one strip of columns at a time.
    let tall = (0, height);
    for (strip, hstrip) in hbuf.chunks_exact(n_rows * STRIP).enumerate() {
        let col0 = strip * STRIP;
        let lanes = STRIP.min(row_len - col0);
        vscratch.reserve(n_rows);
        for (el, hrow) in vscratch.cur.iter_mut().zip(hstrip.chunks_exact(STRIP)) {
            for (d, s) in el.iter_mut().zip(hrow) {
                *d = u32::from(*s);
            }
        }
        let (lo, _) = vscratch.run_chain(plan, &cumulative, (a, b), tall, rows_lo, n_rows);
        for y in out_rows.clone() {
            let vals = &vscratch.cur[(i64::from(y) - lo) as usize];
            emit(y, col0, &vals[..lanes]);
        }
    }
}

/// Straight 8-bit colour from a premultiplied fixed-point value.
#[inline(always)]
fn unpremultiply(p: u32, alpha: u32) -> u8 {
    (p * 255 + alpha / 2)
        .checked_div(alpha)
        .map_or(0, |c| c.min(255) as u8)
}

/// The blur plan for one sigma, built once per step and shared by its
/// bands ([`gaussian_blur_planned`], [`unsharp_mask_planned`]).
pub struct BlurPlan(Plan);

impl BlurPlan {
    /// Plans a gaussian blur of standard deviation `sigma_px`.
    pub fn new(sigma_px: f32) -> Self {
        Self(Plan::new(sigma_px))
    }
}

/// Gaussian blur of output rows `out_rows` into `dst`.
pub fn gaussian_blur_rows(
    p: &GaussianBlurParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    gaussian_blur_planned(&BlurPlan::new(p.sigma_px), src, out_rows, dst);
}

/// [`gaussian_blur_rows`] at a given [`CpuLevel`] (same result at every
/// level).
pub fn gaussian_blur_rows_with_level(
    level: CpuLevel,
    p: &GaussianBlurParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    gaussian_blur_planned_with_level(level, &BlurPlan::new(p.sigma_px), src, out_rows, dst);
}

/// [`gaussian_blur_rows`] with a plan built beforehand.
pub fn gaussian_blur_planned(
    plan: &BlurPlan,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    gaussian_blur_planned_with_level(CpuLevel::detected(), plan, src, out_rows, dst);
}

/// [`gaussian_blur_planned`] at a given [`CpuLevel`].
fn gaussian_blur_planned_with_level(
    level: CpuLevel,
    plan: &BlurPlan,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let plan = &plan.0;
    if let Some(d) = &plan.direct {
        blur_direct::blur_rows(level, d, src, out_rows, dst);
        return;
    }
    let stride = src.stride();
    if plan.passes.is_empty() {
        for (i, y) in out_rows.enumerate() {
            dst[i * stride..(i + 1) * stride].copy_from_slice(src.row(y));
        }
        return;
    }
    avx2_call!(level; blur_body; plan: &Plan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]);
}

/// [`gaussian_blur_rows`] past its identity case.
#[inline(always)]
fn blur_body(plan: &Plan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let stride = src.stride();
    let first = out_rows.start;
    blur_core(plan, src, out_rows, |y, col0, vals| {
        emit_blurred(vals, &mut dst[(y - first) as usize * stride + col0..]);
    });
}

/// Writes one strip row of blurred premultiplied values as straight RGBA.
#[inline(always)]
fn emit_blurred(vals: &[u32], dst: &mut [u8]) {
    {
        let out = &mut dst[..vals.len()];
        for (o, v) in out
            .chunks_exact_mut(CHANNELS)
            .zip(vals.chunks_exact(CHANNELS))
        {
            let alpha = v[3];
            if alpha == FULL {
                o[0] = ((v[0] + LEVEL / 2) / LEVEL) as u8;
                o[1] = ((v[1] + LEVEL / 2) / LEVEL) as u8;
                o[2] = ((v[2] + LEVEL / 2) / LEVEL) as u8;
                o[3] = 255;
                continue;
            }
            o[0] = unpremultiply(v[0], alpha);
            o[1] = unpremultiply(v[1], alpha);
            o[2] = unpremultiply(v[2], alpha);
            o[3] = ((alpha + LEVEL / 2) / LEVEL) as u8;
        }
    }
}

/// Unsharp mask of output rows `out_rows` into `dst`.
///
/// Each colour channel becomes `src + amount * (src - blur)` where
/// `|src - blur| > threshold` (in levels), and stays `src` elsewhere; `blur`
/// is the (un-premultiplied) gaussian blur above at 1/64-level precision
/// (1/128 in the direct 16-bit path).
/// Alpha is kept.
pub fn unsharp_mask_rows(
    p: &UnsharpMaskParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    unsharp_mask_planned(&BlurPlan::new(p.sigma_px), p, src, out_rows, dst);
}

/// [`unsharp_mask_rows`] at a given [`CpuLevel`] (same result at every
/// level).
pub fn unsharp_mask_rows_with_level(
    level: CpuLevel,
    p: &UnsharpMaskParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    unsharp_mask_planned_with_level(level, &BlurPlan::new(p.sigma_px), p, src, out_rows, dst);
}

/// [`unsharp_mask_rows`] with the plan of `p.sigma_px` built beforehand.
pub fn unsharp_mask_planned(
    plan: &BlurPlan,
    p: &UnsharpMaskParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    unsharp_mask_planned_with_level(CpuLevel::detected(), plan, p, src, out_rows, dst);
}

/// [`unsharp_mask_planned`] at a given [`CpuLevel`].
fn unsharp_mask_planned_with_level(
    level: CpuLevel,
    plan: &BlurPlan,
    p: &UnsharpMaskParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let plan = &plan.0;
    if let Some(d) = &plan.direct {
        let sharpen = blur_direct::Sharpen::new(p.amount, p.threshold);
        blur_direct::unsharp_rows(level, d, src, out_rows, dst, sharpen);
        return;
    }
    let stride = src.stride();
    for (i, y) in out_rows.clone().enumerate() {
        dst[i * stride..(i + 1) * stride].copy_from_slice(src.row(y));
    }
    if plan.passes.is_empty() {
        return;
    }
    let amount = (f64::from(p.amount).max(0.0) * f64::from(1u32 << AMOUNT_BITS)).round() as i64;
    let threshold = (f64::from(p.threshold).max(0.0) * f64::from(LEVEL)).floor() as i64;
    let shift = AMOUNT_BITS + LEVEL.trailing_zeros();
    let sharpen = Sharpen {
        amount,
        threshold,
        shift,
    };
    avx2_call!(level; unsharp_body; plan: &Plan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8], sharpen: Sharpen);
}

/// [`unsharp_mask_rows`] past its identity case; `dst` already holds the
/// source rows.
#[inline(always)]
fn unsharp_body(
    plan: &Plan,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
    sharpen: Sharpen,
) {
    let stride = src.stride();
    let first = out_rows.start;
    blur_core(plan, src, out_rows, |y, col0, vals| {
        let start = (y - first) as usize * stride + col0;
        sharpen.emit(vals, &src.row(y)[col0..], &mut dst[start..]);
    });
}

/// The unsharp mask's final step, in fixed point: `amount` in
/// 1/2^AMOUNT_BITS, `threshold` in 1/LEVEL levels, `shift` of the result.
#[derive(Clone, Copy)]
struct Sharpen {
    amount: i64,
    threshold: i64,
    shift: u32,
}

impl Sharpen {
    /// Writes one strip row: `vals` blurred premultiplied values, `srow`
    /// and `dst` the source and output bytes from the strip's first column.
    #[inline(always)]
    fn emit(self, vals: &[u32], srow: &[u8], dst: &mut [u8]) {
        let Self {
            amount,
            threshold,
            shift,
        } = self;
        for ((o, v), s) in dst
            .chunks_exact_mut(CHANNELS)
            .zip(vals.chunks_exact(CHANNELS))
            .zip(srow.chunks_exact(CHANNELS))
        {
            let alpha = v[3];
            if alpha == FULL {
                // Opaque: the blurred colour is the value itself, and every
                // term fits in i32 (|num| < 2^30), so this is the general
                // formula below without its divisions.
                let (amount, threshold) = (amount as i32, threshold as i32);
                for c in 0..3 {
                    let orig = i32::from(s[c]) * LEVEL as i32;
                    let diff = orig - v[c].min(FULL) as i32;
                    let num = (orig << AMOUNT_BITS) + amount * diff + (1 << (shift - 1));
                    let sharp = (num >> shift).clamp(0, 255) as u8;
                    o[c] = if diff.abs() > threshold { sharp } else { s[c] };
                }
                continue;
            }
            if alpha == 0 {
                continue;
            }
            for c in 0..3 {
                let blurred = ((v[c] * FULL + alpha / 2) / alpha).min(FULL);
                let orig = i64::from(s[c]) * i64::from(LEVEL);
                let diff = orig - i64::from(blurred);
                if diff.abs() > threshold {
                    let num = (orig << AMOUNT_BITS) + amount * diff + (1 << (shift - 1));
                    o[c] = (num >> shift).clamp(0, 255) as u8;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_is_identity_for_zero_and_nan() {
        assert!(Plan::new(0.0).passes.is_empty());
        assert!(Plan::new(f32::NAN).passes.is_empty());
        assert_eq!(gaussian_halo_px(0.0), 0);
    }

    #[test]
    fn box_division_keeps_constants() {
        for sigma in [2.0f32, 2.7, 5.0, 25.0, 313.0, 1000.0] {
            let plan = Plan::new(sigma);
            for pass in &plan.passes {
                let input = vec![[FULL]; 3];
                let mut out = vec![[0u32]; 3];
                run_pass(pass, &input, 0, &mut out, 0);
                assert_eq!(out, input, "sigma {sigma} pass {pass:?}");
            }
        }
    }

    #[test]
    fn box_sums_fit_in_u32() {
        let plan = Plan::new(MAX_SIGMA_PX);
        for pass in &plan.passes {
            if let Pass::Box { r, end, .. } = pass {
                let t = u64::from(END_ONE) * u64::from(FULL) * (2 * *r as u64 + 1)
                    + u64::from(*end) * 2 * u64::from(FULL);
                assert!(t < 1 << 31);
            }
        }
    }
}
