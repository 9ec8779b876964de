//! Resampling: nearest, bilinear (triangle), box, Catmull-Rom, Mitchell and
//! Lanczos3, separable.
//!
//! Output pixel `i` along an axis of `src` source and `out` output pixels is
//! centred on source coordinate `c = (i + 0.5) * scale - 0.5`, with
//! `scale = src / out`.
//!
//! * Nearest takes source pixel `floor((i + 0.5) * scale)` (exact integer
//!   arithmetic) and copies it unchanged.
//! * Bilinear (triangle, radius 1), box (1 on `-0.5 <= x < 0.5`, radius
//!   0.5), Catmull-Rom and Mitchell (Mitchell-Netravali cubics with
//!   `(B, C) = (0, 1/2)` and `(1/3, 1/3)`, radius 2) and Lanczos3
//!   (`sinc(x) sinc(x/3)`, radius 3) weigh source pixels `j` by
//!   `K((j - c) / f)`, where
//!   `f = max(scale, 1)`: when shrinking, the filter is stretched by the scale
//!   factor so every source pixel contributes (area-aware, like Pillow). Only
//!   pixels inside the image are used and the weights are normalized to sum
//!   to 1 (so edges are not darkened); taps of weight zero at either end are
//!   dropped.
//!
//! Weights depend only on the sizes and the output index, so every band
//! computes the same weights. The filtering runs on premultiplied `f32`
//! RGBA: horizontally on just the source rows the band's output rows touch
//! ([`resize_source_rows`]), each row once, kept in a ring of as many rows
//! as the vertical filter has taps; then vertically, always summing taps in
//! the same order, so bands are bit-identical to a whole-image render.
//! When that is cheaper (mostly when shrinking vertically; decided from the
//! sizes alone, see `vertical_first`), the passes swap: the ring holds
//! premultiplied source rows, and each output row is filtered vertically
//! over whole source rows, then horizontally.
//! Results are un-premultiplied, rounded (ties to even) and clamped to
//! 0..=255; a pixel whose alpha rounds to zero becomes transparent black.
//!
//! With `linear_light`, colour channels are first decoded from sRGB through
//! a 256-entry table to linear light in `0..=65535`, resampled (still
//! premultiplied by alpha) and, after un-premultiplying, rounded to 16 bits
//! and encoded back through a 65536-entry table (`round(255 *
//! srgb(l / 65535))`). Alpha is never transformed.
//!
//! The hot loops are plain Rust that vectorizes; on x86_64 they are
//! compiled a second time with AVX2 (`ops::simd::avx2_call!`), with
//! identical results (no fused multiply-add).

use std::ops::Range;

use std::sync::OnceLock;

use super::adjust::{linear_to_srgb, srgb_to_linear};
mod passes;

use crate::image::{CHANNELS, SourceBand};
use crate::ops::simd::{CpuLevel, avx2_call};
use crate::spec::{ResizeMethod, ResizeParams};
use passes::{horizontal, vertical};

/// Per-output-index taps along one axis, for a range of output indices.
#[derive(Clone, Debug, Default)]
struct AxisTaps {
    /// First source index of each output index's taps.
    start: Vec<u32>,
    /// `weights[offset[i]..offset[i + 1]]` are output index `i`'s weights.
    offset: Vec<usize>,
    /// Normalized weights.
    weights: Vec<f32>,
}

impl AxisTaps {
    fn taps(&self, i: usize) -> (usize, &[f32]) {
        (
            self.start[i] as usize,
            &self.weights[self.offset[i]..self.offset[i + 1]],
        )
    }
}

/// `sin(πx) / (πx)`, exactly 0 at non-zero integers.
fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else if x == x.round() {
        0.0
    } else {
        let px = std::f64::consts::PI * x;
        px.sin() / px
    }
}

/// The Mitchell-Netravali cubic with parameters `b`, `c` (radius 2).
pub fn cubic(b: f64, c: f64, x: f64) -> f64 {
    let x = x.abs();
    if x < 1.0 {
        ((12.0 - 9.0 * b - 6.0 * c) * x * x * x
            + (-18.0 + 12.0 * b + 6.0 * c) * x * x
            + (6.0 - 2.0 * b))
            / 6.0
    } else if x < 2.0 {
        ((-b - 6.0 * c) * x * x * x
            + (6.0 * b + 30.0 * c) * x * x
            + (-12.0 * b - 48.0 * c) * x
            + (8.0 * b + 24.0 * c))
            / 6.0
    } else {
        0.0
    }
}

/// The filter's kernel and radius (in source pixels before stretching).
fn kernel(method: ResizeMethod) -> (fn(f64) -> f64, f64) {
    match method {
        ResizeMethod::Nearest => (|_| 1.0, 0.5),
        ResizeMethod::Bilinear => (|x| (1.0 - x.abs()).max(0.0), 1.0),
        ResizeMethod::Box => (|x| if (-0.5..0.5).contains(&x) { 1.0 } else { 0.0 }, 0.5),
        ResizeMethod::CatmullRom => (|x| cubic(0.0, 0.5, x), 2.0),
        ResizeMethod::Mitchell => (|x| cubic(1.0 / 3.0, 1.0 / 3.0, x), 2.0),
        ResizeMethod::Lanczos3 => (
            |x| {
                if x.abs() < 3.0 {
                    sinc(x) * sinc(x / 3.0)
                } else {
                    0.0
                }
            },
            3.0,
        ),
    }
}

/// Nearest source index for output index `i`: `floor((i + 0.5) * src / out)`.
fn nearest_index(src_len: u32, out_len: u32, i: u32) -> u32 {
    let n = (2 * u64::from(i) + 1) * u64::from(src_len) / (2 * u64::from(out_len));
    (n as u32).min(src_len - 1)
}

/// First source index and weights of output index `i`.
fn index_taps(method: ResizeMethod, src_len: u32, out_len: u32, i: u32, out: &mut Vec<f32>) -> u32 {
    if method == ResizeMethod::Nearest {
        out.push(1.0);
        return nearest_index(src_len, out_len, i);
    }
    let (k, radius) = kernel(method);
    let scale = f64::from(src_len) / f64::from(out_len);
    let stretch = scale.max(1.0);
    let support = radius * stretch;
    let centre = (f64::from(i) + 0.5) * scale - 0.5;
    let last = i64::from(src_len) - 1;
    let lo = ((centre - support).ceil() as i64).clamp(0, last);
    let hi = ((centre + support).floor() as i64).clamp(0, last);
    let mut raw: Vec<(i64, f64)> = (lo..=hi)
        .map(|j| (j, k((j as f64 - centre) / stretch)))
        .collect();
    while raw.last().is_some_and(|&(_, w)| w == 0.0) {
        raw.pop();
    }
    let skip = raw.iter().take_while(|&&(_, w)| w == 0.0).count();
    let raw = &raw[skip..];
    let total: f64 = raw.iter().map(|&(_, w)| w).sum();
    match raw.first() {
        Some(&(first, _)) if total != 0.0 => {
            out.extend(raw.iter().map(|&(_, w)| (w / total) as f32));
            first as u32
        }
        // Unreachable for these kernels (the nearest pixel always has a
        // positive weight); fall back to nearest.
        _ => {
            out.push(1.0);
            nearest_index(src_len, out_len, i)
        }
    }
}

fn axis_taps(method: ResizeMethod, src_len: u32, out_len: u32, range: Range<u32>) -> AxisTaps {
    let mut taps = AxisTaps {
        offset: vec![0],
        ..AxisTaps::default()
    };
    for i in range {
        let start = index_taps(method, src_len, out_len, i, &mut taps.weights);
        taps.start.push(start);
        taps.offset.push(taps.weights.len());
    }
    taps
}

/// Source rows needed for output rows `out_rows` of a resize from a source
/// `src_height` rows tall: exactly the rows the vertical taps of those
/// output rows touch.
pub fn resize_source_rows(p: &ResizeParams, src_height: u32, out_rows: Range<u32>) -> Range<u32> {
    if src_height == 0 || p.height == 0 || out_rows.is_empty() {
        return 0..0;
    }
    let end = out_rows.end.min(p.height);
    let taps = axis_taps(p.method, src_height, p.height, out_rows.start..end);
    let mut lo = u32::MAX;
    let mut hi = 0;
    for i in 0..taps.start.len() {
        let (start, weights) = taps.taps(i);
        lo = lo.min(start as u32);
        hi = hi.max((start + weights.len()) as u32);
    }
    if lo >= hi { 0..0 } else { lo..hi }
}

/// sRGB level to linear light in `0..=65535`:
/// `round(65535 * linear(v / 255))`.
fn decode_table() -> &'static [u16; 256] {
    static TABLE: OnceLock<[u16; 256]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|v| (srgb_to_linear(v as f64 / 255.0) * 65535.0).round() as u16)
    })
}

/// Linear light in `0..=65535` to an sRGB level:
/// `round(255 * srgb(l / 65535))`.
fn encode_table() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=u16::MAX)
            .map(|l| (linear_to_srgb(f64::from(l) / 65535.0) * 255.0).round() as u8)
            .collect()
    })
}

/// How colour values enter and leave the filter: sRGB values as they are,
/// or linear light through the tables above.
#[derive(Clone, Copy)]
struct Transfer {
    /// Value of each sRGB level in the filter's colour scale.
    decode: [f32; 256],
    /// Largest colour value (255, or 65535 in linear light).
    max: f32,
    /// `Some` in linear light: 16-bit linear to sRGB level.
    encode: Option<&'static [u8]>,
}

impl Transfer {
    fn new(linear_light: bool) -> Self {
        if linear_light {
            let t = decode_table();
            Self {
                decode: std::array::from_fn(|v| f32::from(t[v])),
                max: 65535.0,
                encode: Some(encode_table()),
            }
        } else {
            Self {
                decode: std::array::from_fn(|v| v as f32),
                max: 255.0,
                encode: None,
            }
        }
    }

    /// Premultiplies one source row into `out`.
    #[inline(always)]
    fn premultiply(&self, row: &[u8], out: &mut [[f32; 4]]) {
        let (px, _) = row.as_chunks::<CHANNELS>();
        if px.iter().all(|p| p[3] == 255) {
            // Opaque: `c * 255 / 255` is exactly `c` (`c * 255` is an
            // integer below 2^24), so this computes the same values.
            if self.encode.is_none() {
                for (o, p) in out.iter_mut().zip(px) {
                    *o = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2]), 255.0];
                }
            } else {
                for (o, p) in out.iter_mut().zip(px) {
                    *o = [
                        self.decode[usize::from(p[0])],
                        self.decode[usize::from(p[1])],
                        self.decode[usize::from(p[2])],
                        255.0,
                    ];
                }
            }
            return;
        }
        if self.encode.is_none() {
            // sRGB values as they are: `decode[v]` is `v as f32`, so this
            // computes the same values without table lookups (and
            // vectorizes).
            for (o, p) in out.iter_mut().zip(px) {
                let a = f32::from(p[3]);
                *o = [
                    f32::from(p[0]) * a / 255.0,
                    f32::from(p[1]) * a / 255.0,
                    f32::from(p[2]) * a / 255.0,
                    a,
                ];
            }
            return;
        }
        for (o, p) in out.iter_mut().zip(px) {
            let a = f32::from(p[3]);
            *o = [
                self.decode[usize::from(p[0])] * a / 255.0,
                self.decode[usize::from(p[1])] * a / 255.0,
                self.decode[usize::from(p[2])] * a / 255.0,
                a,
            ];
        }
    }

    /// Un-premultiplies, rounds and encodes one filtered row.
    #[inline(always)]
    fn finish(&self, level: CpuLevel, acc: &[f32], dst: &mut [u8]) {
        #[allow(unused_mut)]
        let mut done = 0;
        #[cfg(target_arch = "x86_64")]
        {
            if self.encode.is_none() && level.avx2() {
                // SAFETY: `finish_srgb` only needs AVX2, detected just above.
                #[allow(unsafe_code)]
                unsafe {
                    done = passes::avx2::finish_srgb(acc, dst);
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = level;
        let (vals, _) = acc.as_chunks::<CHANNELS>();
        let (px, _) = dst.as_chunks_mut::<CHANNELS>();
        for (p, v) in px.iter_mut().zip(vals).skip(done) {
            let alpha = round_small(v[3].clamp(0.0, 255.0));
            if alpha == 0 {
                *p = [0; 4];
                continue;
            }
            let scale = 255.0 / v[3];
            let c = |k: usize| round_small((v[k] * scale).clamp(0.0, self.max));
            let (r, g, b) = (c(0), c(1), c(2));
            *p = match self.encode {
                None => [r as u8, g as u8, b as u8, alpha as u8],
                Some(t) => {
                    let e = |l: u32| t.get(l as usize).copied().unwrap_or(255);
                    [e(r), e(g), e(b), alpha as u8]
                }
            };
        }
    }
}

/// `2^23`: adding it to a float in `0..2^22` leaves that float rounded to
/// an integer in the low mantissa bits.
pub(super) const MAGIC: f32 = 8_388_608.0;

/// Rounds `x` in `0..2^22` to the nearest integer (ties to even), without
/// a float-to-int conversion or a libm call, so that loops vectorize.
#[inline(always)]
fn round_small(x: f32) -> u32 {
    (x + MAGIC).to_bits().wrapping_sub(MAGIC.to_bits())
}

/// Horizontal taps padded to one length: every output pixel reads `len`
/// source pixels from `start[x]` (kept inside the row), the weights outside
/// its real taps being zero. Adding `0 * v` leaves a sum unchanged, so the
/// padding does not change any result; it gives the inner loop a fixed trip
/// count.
pub(super) struct PaddedTaps {
    /// First source pixel of each output pixel.
    pub(super) start: Vec<usize>,
    /// Taps of every output pixel.
    pub(super) len: usize,
    /// `weights[x * len..(x + 1) * len]` are output pixel `x`'s weights.
    pub(super) weights: Vec<f32>,
}

impl PaddedTaps {
    fn new(taps: &AxisTaps, src_len: usize) -> Self {
        let n = taps.start.len();
        let len = (0..n)
            .map(|i| taps.taps(i).1.len())
            .max()
            .unwrap_or(1)
            .min(src_len.max(1));
        let mut start = Vec::with_capacity(n);
        let mut weights = vec![0f32; n * len];
        for (i, row) in weights.chunks_exact_mut(len).enumerate() {
            let (s, w) = taps.taps(i);
            let s0 = s.min(src_len.saturating_sub(len));
            let skip = s - s0;
            for (d, &v) in row[skip..].iter_mut().zip(w) {
                *d = v;
            }
            start.push(s0);
        }
        Self {
            start,
            len,
            weights,
        }
    }
}

/// Resize, output rows `out_rows`.
pub fn resize_rows(p: &ResizeParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    resize_rows_with_level(CpuLevel::detected(), p, src, out_rows, dst);
}

/// [`resize_rows`] at a given [`CpuLevel`] (same result at every level).
pub fn resize_rows_with_level(
    level: CpuLevel,
    p: &ResizeParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    if out_rows.is_empty() || p.width == 0 || p.height == 0 {
        return;
    }
    let (out_w, out_h) = (p.width, p.height);
    if p.method == ResizeMethod::Nearest {
        let cols: Vec<usize> = (0..out_w)
            .map(|x| nearest_index(src.width, out_w, x) as usize * CHANNELS)
            .collect();
        for (d, y) in dst
            .chunks_exact_mut(out_w as usize * CHANNELS)
            .zip(out_rows)
        {
            let srow = src.row(nearest_index(src.height, out_h, y));
            for (px, &sx) in d.chunks_exact_mut(CHANNELS).zip(&cols) {
                px.copy_from_slice(&srow[sx..sx + CHANNELS]);
            }
        }
        return;
    }
    avx2_call!(level; resize_filtered; level: CpuLevel, p: &ResizeParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]);
}

/// The separable filtered resize (every method but nearest).
#[inline(always)]
fn resize_filtered(
    level: CpuLevel,
    p: &ResizeParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let (out_w, out_h) = (p.width, p.height);
    let src_w = src.width as usize;
    let htaps = PaddedTaps::new(&axis_taps(p.method, src.width, out_w, 0..out_w), src_w);
    let vtaps = axis_taps(p.method, src.height, out_h, out_rows.clone());
    let transfer = Transfer::new(p.linear_light);
    let out_len = out_w as usize * CHANNELS;
    let ring = (0..vtaps.start.len())
        .map(|i| vtaps.taps(i).1.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut acc = vec![0f32; out_len];

    if vertical_first(p, src.width, src.height, htaps.len) {
        // Ring of premultiplied source rows: slot `y % ring` holds source
        // row `y` once computed. Each output row is filtered vertically
        // over whole source rows, then horizontally. When every row of an
        // output row's taps is opaque and values are sRGB, the premultiplied
        // values are the bytes themselves (`v * 255 / 255` is exactly `v`,
        // alpha exactly 255), so the vertical pass reads the source bytes.
        let bytes_ok = transfer.encode.is_none();
        let mut pres = vec![[0f32; 4]; ring * src_w];
        let mut held = vec![u32::MAX; ring];
        let mut opaque = vec![false; ring];
        let mut ready = vec![false; ring];
        let mut vrow = vec![[0f32; 4]; src_w];
        for (i, d) in dst.chunks_exact_mut(out_len).enumerate() {
            let (start, weights) = vtaps.taps(i);
            let mut all_opaque = bytes_ok;
            for k in 0..weights.len() {
                let y = (start + k) as u32;
                let slot = y as usize % ring;
                if held[slot] != y {
                    held[slot] = y;
                    opaque[slot] = is_opaque(src.row(y));
                    ready[slot] = false;
                }
                all_opaque &= opaque[slot];
            }
            if all_opaque {
                let taps: Vec<(f32, &[u8])> = weights
                    .iter()
                    .enumerate()
                    .map(|(k, &w)| (w, src.row((start + k) as u32)))
                    .collect();
                vertical(&taps, vrow.as_flattened_mut());
            } else {
                for k in 0..weights.len() {
                    let y = (start + k) as u32;
                    let slot = y as usize % ring;
                    if !ready[slot] {
                        ready[slot] = true;
                        transfer
                            .premultiply(src.row(y), &mut pres[slot * src_w..(slot + 1) * src_w]);
                    }
                }
                let taps: Vec<(f32, &[f32])> = weights
                    .iter()
                    .enumerate()
                    .map(|(k, &w)| {
                        let slot = (start + k) % ring;
                        (w, pres[slot * src_w..(slot + 1) * src_w].as_flattened())
                    })
                    .collect();
                vertical(&taps, vrow.as_flattened_mut());
            }
            horizontal(level, &htaps, &vrow, &mut acc);
            transfer.finish(level, &acc, d);
        }
        return;
    }

    // Ring of horizontally filtered rows: slot `y % ring` holds source row
    // `y` once computed. A window of vertical taps is at most `ring` rows
    // of consecutive indices, so it never evicts its own rows.
    let mut hrows = vec![0f32; ring * out_len];
    let mut held = vec![u32::MAX; ring];
    let mut pre = vec![[0f32; 4]; src_w];

    for (i, d) in dst.chunks_exact_mut(out_len).enumerate() {
        let (start, weights) = vtaps.taps(i);
        for k in 0..weights.len() {
            let y = (start + k) as u32;
            let slot = y as usize % ring;
            if held[slot] != y {
                held[slot] = y;
                transfer.premultiply(src.row(y), &mut pre);
                let hrow = &mut hrows[slot * out_len..(slot + 1) * out_len];
                horizontal(level, &htaps, &pre, hrow);
            }
        }
        let taps: Vec<(f32, &[f32])> = weights
            .iter()
            .enumerate()
            .map(|(k, &w)| {
                let slot = (start + k) % ring;
                (w, &hrows[slot * out_len..(slot + 1) * out_len])
            })
            .collect();
        vertical(&taps, &mut acc);
        transfer.finish(level, &acc, d);
    }
}

/// Whether every pixel of `row` has alpha 255.
#[inline(always)]
fn is_opaque(row: &[u8]) -> bool {
    let (px, _) = row.as_chunks::<CHANNELS>();
    px.iter().fold(255u8, |m, p| m & p[3]) == 255
}

/// Whether to filter vertically first (whole premultiplied source rows,
/// then each vertically filtered row horizontally) rather than
/// horizontally first: when that takes fewer multiply-adds, estimated from
/// the sizes alone (so every band of an image takes the same path), a
/// horizontal multiply-add counted twice (it runs on one pixel per vector,
/// the vertical pass on whole vectors of values). With `htaps` horizontal
/// taps and about `vt` vertical ones, horizontal first costs
/// `2 * src_h * out_w * htaps + out_h * out_w * vt`, vertical first
/// `out_h * src_w * vt + 2 * out_h * out_w * htaps`.
fn vertical_first(p: &ResizeParams, src_w: u32, src_h: u32, htaps: usize) -> bool {
    let (_, radius) = kernel(p.method);
    let scale = (f64::from(src_h) / f64::from(p.height.max(1))).max(1.0);
    let vt = (2.0 * radius * scale).ceil().max(1.0);
    let (sw, sh) = (f64::from(src_w), f64::from(src_h));
    let (ow, oh) = (f64::from(p.width), f64::from(p.height));
    let ht = htaps as f64;
    oh * sw * vt + 2.0 * oh * ow * ht < 2.0 * sh * ow * ht + oh * ow * vt
}
