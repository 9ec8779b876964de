//! Resampling: nearest, bilinear (triangle) and Lanczos3, separable.
//!
//! Output pixel `i` along an axis of `src` source and `out` output pixels is
//! centred on source coordinate `c = (i + 0.5) * scale - 0.5`, with
//! `scale = src / out`.
//!
//! * Nearest takes source pixel `floor((i + 0.5) * scale)` (exact integer
//!   arithmetic) and copies it unchanged.
//! * Bilinear (triangle, radius 1) and Lanczos3 (`sinc(x) sinc(x/3)`,
//!   radius 3) weigh source pixels `j` by `K((j - c) / f)`, where
//!   `f = max(scale, 1)`: when shrinking, the filter is stretched by the scale
//!   factor so every source pixel contributes (area-aware, like Pillow). Only
//!   pixels inside the image are used and the weights are normalized to sum
//!   to 1 (so edges are not darkened); taps of weight zero at either end are
//!   dropped.
//!
//! Weights depend only on the sizes and the output index, so every band
//! computes the same weights. The filtering runs on premultiplied `f32`
//! RGBA: horizontally on just the source rows the band's output rows touch
//! ([`resize_source_rows`]), then vertically, always summing taps in the same
//! order, so bands are bit-identical to a whole-image render. Results are
//! un-premultiplied, rounded and clamped to 0..=255; a pixel whose alpha
//! rounds to zero becomes transparent black.

use std::ops::Range;

use crate::image::{CHANNELS, SourceBand};
use crate::spec::{ResizeMethod, ResizeParams};

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

/// The filter's kernel and radius (in source pixels before stretching).
fn kernel(method: ResizeMethod) -> (fn(f64) -> f64, f64) {
    match method {
        ResizeMethod::Nearest => (|_| 1.0, 0.5),
        ResizeMethod::Bilinear => (|x| (1.0 - x.abs()).max(0.0), 1.0),
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

/// Resize, output rows `out_rows`.
pub fn resize_rows(p: &ResizeParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
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

    let rows = resize_source_rows(p, src.height, out_rows.clone());
    let htaps = axis_taps(p.method, src.width, out_w, 0..out_w);
    let vtaps = axis_taps(p.method, src.height, out_h, out_rows.clone());
    let out_len = out_w as usize * CHANNELS;

    // Horizontal pass on the needed source rows, premultiplied.
    let mut hbuf = vec![0f32; rows.len() * out_len];
    let mut pre: Vec<[f32; 4]> = Vec::with_capacity(src.width as usize);
    for (y, hrow) in rows.clone().zip(hbuf.chunks_exact_mut(out_len)) {
        pre.clear();
        pre.extend(src.row(y).chunks_exact(CHANNELS).map(|px| {
            let a = f32::from(px[3]);
            [
                f32::from(px[0]) * a / 255.0,
                f32::from(px[1]) * a / 255.0,
                f32::from(px[2]) * a / 255.0,
                a,
            ]
        }));
        for (x, o) in hrow.chunks_exact_mut(CHANNELS).enumerate() {
            let (start, weights) = htaps.taps(x);
            let mut acc = [0f32; 4];
            for (w, v) in weights.iter().zip(&pre[start..]) {
                for c in 0..4 {
                    acc[c] += w * v[c];
                }
            }
            o.copy_from_slice(&acc);
        }
    }

    // Vertical pass, one output row at a time.
    let mut acc = vec![0f32; out_len];
    for (i, d) in dst.chunks_exact_mut(out_len).enumerate() {
        let (start, weights) = vtaps.taps(i);
        acc.fill(0.0);
        for (k, &w) in weights.iter().enumerate() {
            let r = start + k - rows.start as usize;
            for (a, v) in acc.iter_mut().zip(&hbuf[r * out_len..(r + 1) * out_len]) {
                *a += w * v;
            }
        }
        for (px, v) in d.chunks_exact_mut(CHANNELS).zip(acc.chunks_exact(CHANNELS)) {
            let alpha = v[3].round().clamp(0.0, 255.0);
            if alpha == 0.0 {
                px.fill(0);
                continue;
            }
            for c in 0..3 {
                px[c] = (v[c] / v[3] * 255.0).round().clamp(0.0, 255.0) as u8;
            }
            px[3] = alpha as u8;
        }
    }
}
