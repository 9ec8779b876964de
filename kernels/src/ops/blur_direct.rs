//! Direct separable gaussian on 16-bit lanes, for small sigmas (see the
//! method docs of [`super::blur`]).
//!
//! Values are premultiplied RGBA in 1/128 of a level (alpha 255 is 32640),
//! so the sum of two values still fits in a `u16`. Weights are the sampled
//! gaussian `exp(-x²/2σ²)` over radius `ceil(3.5σ)` in 1/65536, one pass
//! computing
//!
//! `out = hi(w₀ · x₀) + Σₖ hi(wₖ · (x₋ₖ + xₖ))`, `hi(p) = p >> 16`,
//!
//! all in `u16` lanes (the multiply is a 16x16 -> high 16 bits multiply,
//! one instruction on x86 and wasm). The weights sum to 65536 plus a few
//! units on the centre tap, chosen so that full alpha (32640) maps to itself
//! exactly despite the truncated products (an opaque image stays opaque,
//! zero stays zero). The pass is monotonic and never exceeds 32640 for
//! inputs up to 32640, so colour never exceeds alpha.
//!
//! Error against the exact sampled gaussian of radius `ceil(4σ)` (on the
//! premultiplied values, before the final rounding), worst case over all
//! images: the product truncation, under `(radius + 1) / 128` of a level per
//! pass (0.1 at sigma 3, 0.3 at sigma 10); the weights' quantization, under
//! 0.1; the shorter radius, under 0.05 at sigma 3 and 0.17 at sigma 10 (the
//! 2-D kernels' positive difference times 255). So at most about 0.3 of a
//! level at sigma 3 and 0.85 at sigma 10, within 1 of the rounded exact
//! blur; typical errors are far smaller.
//!
//! Rows are blurred horizontally on the interleaved row (taps 4 values
//! apart) into a ring of rows; output rows are then produced in groups,
//! one strip of columns at a time so that the rows a strip reads stay in
//! the L1 cache, and converted back to straight RGBA (or sharpened) as each
//! 64-value chunk leaves the vertical pass. Every output depends only on the
//! source rows and columns in its (clamped) support, so bands are
//! bit-identical to the whole image; opaque chunks take a vectorized path
//! whose results equal the general formula's.

use std::ops::Range;

use super::simd::{CpuLevel, avx2_call};
use crate::image::{CHANNELS, SourceBand};

/// Fixed-point scale of a level (7 fractional bits).
const LEVEL: u32 = 128;
/// Alpha 255 in fixed point.
const FULL: u16 = 255 * LEVEL as u16;
/// Values per chunk of the inner loops (16 pixels).
const CHUNK: usize = 128;
/// Values per chunk handed to [`Emit`] (16 pixels).
const EMIT: usize = 64;
/// Output rows per group.
const GROUP_ROWS: usize = 32;
/// Values per vertical strip.
const STRIP_VALUES: usize = 256;
/// Radius of the kernel, in sigmas.
const RADIUS_SIGMAS: f64 = 3.5;
/// Fixed-point scale of the unsharp amount.
const AMOUNT_BITS: u32 = 12;

/// Weights of the direct 16-bit convolution.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Direct {
    /// `weights[k]` for offsets `±k`, in 1/65536; `weights[0]` is the centre.
    weights: Vec<u16>,
    /// `weights`, each repeated over a vector (so that the compiler sees a
    /// vector of 16-bit values and multiplies in 16-bit lanes).
    splat: Vec<[u16; V]>,
}

impl Direct {
    /// The convolution for sigma `s` (pixels), or `None` where it does not
    /// apply (a centre weight of 1 or more, or a single tap).
    pub(super) fn new(s: f64) -> Option<Self> {
        if s.is_nan() || s <= 0.0 {
            return None;
        }
        let radius = (RADIUS_SIGMAS * s).ceil() as usize;
        let raw: Vec<f64> = (0..=radius)
            .map(|x| (-((x * x) as f64) / (2.0 * s * s)).exp())
            .collect();
        let total = raw[0] + 2.0 * raw[1..].iter().sum::<f64>();
        let one = 65536.0;
        let mut w: Vec<u32> = raw
            .iter()
            .map(|r| (r / total * one).round() as u32)
            .collect();
        while w.len() > 1 && w.last() == Some(&0) {
            w.pop();
        }
        if w.len() < 2 {
            return None;
        }
        let others: u32 = 2 * w[1..].iter().sum::<u32>();
        let centre = 65536u32.checked_sub(others)?;
        w[0] = u16::try_from(centre).ok().map(u32::from)?;
        // The products are truncated, so a pass with weights summing to
        // one loses a little: raise the centre weight until full alpha maps
        // to itself exactly (each step adds 0 or 1 to its image).
        let full = u32::from(FULL);
        let image = |w: &[u32]| {
            ((full * w[0]) >> 16) + w[1..].iter().map(|&k| (2 * full * k) >> 16).sum::<u32>()
        };
        while image(&w) < full {
            w[0] += 1;
        }
        if image(&w) != full || w[0] > u32::from(u16::MAX) {
            return None;
        }
        let weights: Vec<u16> = w.iter().map(|&k| k as u16).collect();
        let splat = weights.iter().map(|&k| [k; V]).collect();
        Some(Self { weights, splat })
    }

    /// Reach of the pass on each side.
    pub(super) fn radius(&self) -> usize {
        self.weights.len() - 1
    }
}

/// High 16 bits of a 16x16-bit product.
#[inline(always)]
fn mulhi(a: u16, w: u16) -> u16 {
    ((u32::from(a) * u32::from(w)) >> 16) as u16
}

/// Lanes of one vector of the passes (one AVX2 register of `u16`).
const V: usize = 16;

/// `acc[j] += hi((a[j] + b[j]) * w)` over one vector.
#[inline(always)]
fn mac(acc: &mut [u16; V], a: &[u16], b: &[u16], w: &[u16; V]) {
    let (a, b) = (&a[..V], &b[..V]);
    for j in 0..V {
        acc[j] = acc[j].wrapping_add(mulhi(a[j].wrapping_add(b[j]), w[j]));
    }
}

/// `hi(a[j] * w[j])` over one vector.
#[inline(always)]
fn mulv(a: &[u16], w: &[u16; V]) -> [u16; V] {
    let a = &a[..V];
    let mut out = [0u16; V];
    for j in 0..V {
        out[j] = mulhi(a[j], w[j]);
    }
    out
}

/// One `CHUNK` of a pass: `centre` holds the centre values, `pair(k)`
/// the slices at offsets `-k` and `+k` (each at least `CHUNK` long).
#[inline(always)]
fn conv_chunk<'s>(
    d: &Direct,
    centre: &[u16],
    pair: impl Fn(usize) -> (&'s [u16], &'s [u16]),
) -> [u16; CHUNK] {
    let mut acc = [[0u16; V]; CHUNK / V];
    for (v, a) in acc.iter_mut().enumerate() {
        *a = mulv(&centre[v * V..], &d.splat[0]);
    }
    for (k, w) in d.splat.iter().enumerate().skip(1) {
        let (lo, hi) = pair(k);
        let (lo, hi) = (&lo[..CHUNK], &hi[..CHUNK]);
        for (v, a) in acc.iter_mut().enumerate() {
            mac(a, &lo[v * V..], &hi[v * V..], w);
        }
    }
    let mut out = [0u16; CHUNK];
    for (o, a) in out.chunks_exact_mut(V).zip(&acc) {
        o.copy_from_slice(a);
    }
    out
}

/// Horizontal pass of one padded row: `src[i + off]` is value `i` of the
/// row (`off = radius * 4`, edge pixels replicated on both sides),
/// `out.len()` a multiple of `CHUNK` and `src.len() >= out.len() + 2 * off`.
#[inline(always)]
fn hpass(d: &Direct, src: &[u16], out: &mut [u16]) {
    let off = d.radius() * CHANNELS;
    for (c, o) in out.chunks_exact_mut(CHUNK).enumerate() {
        let base = c * CHUNK + off;
        let acc = conv_chunk(d, &src[base..], |k| {
            (&src[base - k * CHANNELS..], &src[base + k * CHANNELS..])
        });
        o.copy_from_slice(&acc);
    }
}

/// Premultiplies one source row into `buf` (fixed point, padded by `off`
/// values of replicated edge pixels on the left and up to the end of `buf`
/// on the right).
#[inline(always)]
fn premultiply_row(row: &[u8], off: usize, buf: &mut [u16]) {
    let n = row.len();
    let opaque = row.chunks_exact(CHANNELS).fold(0xFF, |m, p| m & p[3]) == 0xFF;
    let mid = &mut buf[off..off + n];
    if opaque {
        for (d, &s) in mid.iter_mut().zip(row) {
            *d = u16::from(s) << 7;
        }
    } else {
        for (d, s) in mid
            .chunks_exact_mut(CHANNELS)
            .zip(row.chunks_exact(CHANNELS))
        {
            let a = u32::from(s[3]);
            for c in 0..3 {
                d[c] = ((u32::from(s[c]) * a * LEVEL + 127) / 255) as u16;
            }
            d[3] = (a * LEVEL) as u16;
        }
    }
    let mut first = [0u16; CHANNELS];
    first.copy_from_slice(&buf[off..off + CHANNELS]);
    let mut last = [0u16; CHANNELS];
    last.copy_from_slice(&buf[off + n - CHANNELS..off + n]);
    for px in buf[..off].chunks_exact_mut(CHANNELS) {
        px.copy_from_slice(&first);
    }
    for px in buf[off + n..].chunks_exact_mut(CHANNELS) {
        px.copy_from_slice(&last);
    }
}

/// Blurs output rows `out_rows`, handing each finished chunk to `emit` as
/// `(y, first value index, premultiplied values)`; chunks may extend past
/// the row's end (`emit` ignores those values).
#[inline(always)]
fn direct_core(d: &Direct, src: &SourceBand<'_>, out_rows: Range<u32>, emit: &mut impl Emit) {
    let r = d.radius();
    let off = r * CHANNELS;
    let row_len = src.stride();
    let padded = row_len.div_ceil(CHUNK) * CHUNK;
    let height = i64::from(src.height);
    let ring_rows = GROUP_ROWS + 2 * r;
    let mut ring = vec![0u16; ring_rows * padded];
    let mut prow = vec![0u16; padded + 2 * off];
    // Next source row to blur horizontally into the ring.
    let mut next_row = (i64::from(out_rows.start) - r as i64).max(0);
    let slot = |y: i64| (y as usize % ring_rows) * padded;
    // Ring offsets of each output row of a group and of its pairs of rows
    // at `-k` and `+k` (clamped), computed once per group.
    let mut centres = [0usize; GROUP_ROWS];
    let mut pairs: Vec<(usize, usize)> = vec![(0, 0); GROUP_ROWS * r];
    for g0 in out_rows.clone().step_by(GROUP_ROWS) {
        let g1 = (g0 + GROUP_ROWS as u32).min(out_rows.end);
        for (i, y) in (g0..g1).enumerate() {
            let y = i64::from(y);
            centres[i] = slot(y);
            for (k, p) in pairs[i * r..(i + 1) * r].iter_mut().enumerate() {
                let dk = k as i64 + 1;
                *p = (slot((y - dk).max(0)), slot((y + dk).min(height - 1)));
            }
        }
        let need = (i64::from(g1) - 1 + r as i64).min(height - 1);
        while next_row <= need {
            premultiply_row(src.row(next_row as u32), off, &mut prow);
            let at = slot(next_row);
            hpass(d, &prow, &mut ring[at..at + padded]);
            next_row += 1;
        }
        for x0 in (0..padded).step_by(STRIP_VALUES) {
            let x1 = (x0 + STRIP_VALUES).min(padded);
            for (i, y) in (g0..g1).enumerate() {
                let centre = centres[i];
                let pairs = &pairs[i * r..(i + 1) * r];
                for x in (x0..x1).step_by(CHUNK) {
                    let acc = conv_chunk(d, &ring[centre + x..], |k| {
                        let (lo, hi) = pairs[k - 1];
                        (&ring[lo + x..], &ring[hi + x..])
                    });
                    for (h, part) in acc.chunks_exact(EMIT).enumerate() {
                        let at = x + h * EMIT;
                        if let (true, Ok(part)) = (at < row_len, part.try_into()) {
                            emit.emit(y, at, part);
                        }
                    }
                }
            }
        }
    }
}

/// Whether every alpha value of a chunk is full.
#[inline(always)]
fn chunk_opaque(v: &[u16; EMIT]) -> bool {
    // Alpha lanes XOR full, or-ed together (a form that vectorizes).
    let mut any = 0u16;
    for (j, &x) in v.iter().enumerate() {
        let alpha_lane = if j % CHANNELS == 3 { u16::MAX } else { 0 };
        any |= (x ^ FULL) & alpha_lane;
    }
    any == 0
}

/// Gaussian blur of `out_rows` into `dst` with the direct convolution.
pub(super) fn blur_rows(
    level: CpuLevel,
    d: &Direct,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    avx2_call!(level; blur_body; d: &Direct, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]);
}

/// Receives finished chunks of the vertical pass: `(y, first value
/// index, premultiplied values)`; chunks may extend past the row's end
/// (those values are ignored).
trait Emit {
    /// Converts and stores one chunk.
    fn emit(&mut self, y: u32, x: usize, v: &[u16; EMIT]);
}

/// Writes blurred chunks as straight RGBA.
struct BlurOut<'d> {
    dst: &'d mut [u8],
    stride: usize,
    first: u32,
}

impl Emit for BlurOut<'_> {
    #[inline(always)]
    fn emit(&mut self, y: u32, x: usize, v: &[u16; EMIT]) {
        let start = (y - self.first) as usize * self.stride + x;
        let n = EMIT.min(self.stride - x);
        let o = &mut self.dst[start..start + n];
        if n == EMIT && chunk_opaque(v) {
            for (o, &v) in o.iter_mut().zip(v) {
                *o = ((v + 64) >> 7) as u8;
            }
            return;
        }
        for (o, v) in o.chunks_exact_mut(CHANNELS).zip(v.chunks_exact(CHANNELS)) {
            let alpha = u32::from(v[3]);
            for c in 0..3 {
                let p = u32::from(v[c]);
                o[c] = if alpha == u32::from(FULL) {
                    ((p + 64) >> 7) as u8
                } else {
                    (p * 255 + alpha / 2)
                        .checked_div(alpha)
                        .map_or(0, |c| c.min(255) as u8)
                };
            }
            o[3] = ((alpha + 64) >> 7) as u8;
        }
    }
}

/// [`blur_rows`]' body.
#[inline(always)]
fn blur_body(d: &Direct, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let mut out = BlurOut {
        dst,
        stride: src.stride(),
        first: out_rows.start,
    };
    direct_core(d, src, out_rows, &mut out);
}

/// The unsharp mask's final step in fixed point: `amount` in
/// 1/2^AMOUNT_BITS, `threshold` in 1/LEVEL levels.
#[derive(Clone, Copy)]
pub(super) struct Sharpen {
    amount: i32,
    threshold: i32,
}

impl Sharpen {
    /// From the user's `amount` (0..=10) and `threshold` (levels).
    pub(super) fn new(amount: f32, threshold: f32) -> Self {
        let amount = (f64::from(amount).clamp(0.0, 10.0) * f64::from(1u32 << AMOUNT_BITS)).round();
        let threshold = (f64::from(threshold).clamp(0.0, 255.0) * f64::from(LEVEL)).floor();
        Self {
            amount: amount as i32,
            threshold: threshold as i32,
        }
    }

    /// Sharpened colour of source byte `s` against blurred straight colour
    /// `blurred` (fixed point, at most FULL).
    #[inline(always)]
    fn apply(self, s: u8, blurred: i32) -> u8 {
        const SHIFT: u32 = AMOUNT_BITS + LEVEL.trailing_zeros();
        let orig = i32::from(s) * LEVEL as i32;
        let diff = orig - blurred;
        let num = (orig << AMOUNT_BITS) + self.amount * diff + (1 << (SHIFT - 1));
        let sharp = (num >> SHIFT).clamp(0, 255) as u8;
        if diff.abs() > self.threshold {
            sharp
        } else {
            s
        }
    }
}

/// Unsharp mask of `out_rows` into `dst` with the direct convolution.
pub(super) fn unsharp_rows(
    level: CpuLevel,
    d: &Direct,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
    sharpen: Sharpen,
) {
    avx2_call!(level; unsharp_body; d: &Direct, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8], sharpen: Sharpen);
}

/// Writes sharpened chunks.
struct SharpenOut<'d, 's> {
    dst: &'d mut [u8],
    src: &'d SourceBand<'s>,
    stride: usize,
    first: u32,
    sharpen: Sharpen,
}

impl Emit for SharpenOut<'_, '_> {
    #[inline(always)]
    fn emit(&mut self, y: u32, x: usize, v: &[u16; EMIT]) {
        let sharpen = self.sharpen;
        let start = (y - self.first) as usize * self.stride + x;
        let n = EMIT.min(self.stride - x);
        let o = &mut self.dst[start..start + n];
        let s = &self.src.row(y)[x..x + n];
        if n == EMIT && chunk_opaque(v) {
            for (j, ((o, &s), &v)) in o.iter_mut().zip(s).zip(v).enumerate() {
                let sharp = sharpen.apply(s, i32::from(v.min(FULL)));
                *o = if j % CHANNELS == 3 { s } else { sharp };
            }
            return;
        }
        for ((o, v), s) in o
            .chunks_exact_mut(CHANNELS)
            .zip(v.chunks_exact(CHANNELS))
            .zip(s.chunks_exact(CHANNELS))
        {
            let alpha = u32::from(v[3]);
            o[3] = s[3];
            for c in 0..3 {
                o[c] = if alpha == 0 {
                    s[c]
                } else if alpha == u32::from(FULL) {
                    sharpen.apply(s[c], i32::from(v[c].min(FULL)))
                } else {
                    let full = u32::from(FULL);
                    let blurred = ((u32::from(v[c]) * full + alpha / 2) / alpha).min(full);
                    sharpen.apply(s[c], blurred as i32)
                };
            }
        }
    }
}

/// [`unsharp_rows`]' body.
#[inline(always)]
fn unsharp_body(
    d: &Direct,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
    sharpen: Sharpen,
) {
    let mut out = SharpenOut {
        dst,
        src,
        stride: src.stride(),
        first: out_rows.start,
        sharpen,
    };
    direct_core(d, src, out_rows, &mut out);
}
