//! Median filter: the per-channel median of the `(2r + 1)²` square around
//! each pixel, with replicated edges.
//!
//! # Method
//!
//! Values are 8-bit premultiplied: `round(c * a / 255)` for the colour
//! channels, `a` for alpha, so transparent pixels carry no colour. The
//! output colour is the median colour un-premultiplied by the median alpha,
//! `min(255, round(m_c * 255 / m_a))` (0 where `m_a` is 0); for an opaque
//! image this is exactly the per-channel median.
//!
//! Huang's sliding histogram: for each output row and channel, a 256-bin
//! histogram of the window is built once, then slid along the row by
//! removing the leaving column and adding the entering one (`2(2r + 1)`
//! updates per pixel, no sorting). The median is tracked incrementally with
//! the count of values below it, so finding it costs a few steps per pixel.
//! Columns are read from a transposed copy of each channel so that a window
//! column is contiguous.

use std::ops::Range;

use crate::image::{CHANNELS, SourceBand};
use crate::ops::support::{padded_rows, pm8};
use crate::spec::{MAX_MEDIAN_RADIUS_PX, MedianParams};

/// The 8-bit premultiplied values the median works on.
#[inline(always)]
pub fn median_values(px: &[u8]) -> [u8; 4] {
    let a = px[3];
    [pm8(px[0], a), pm8(px[1], a), pm8(px[2], a), a]
}

/// Straight colour from medians `m` of premultiplied values.
#[inline(always)]
pub fn median_output(m: [u8; 4]) -> [u8; 4] {
    let a = u32::from(m[3]);
    if a == 0 {
        return [0; 4];
    }
    let un = |v: u8| ((u32::from(v) * 510 + a) / (2 * a)).min(255) as u8;
    [un(m[0]), un(m[1]), un(m[2]), m[3]]
}

/// Rows above and below an output row that `median` reads.
pub fn median_halo_px(p: &MedianParams) -> u32 {
    p.radius_px.clamp(1, MAX_MEDIAN_RADIUS_PX)
}

/// Median of output rows `out_rows` into `dst` (see the module docs).
pub fn median_rows(p: &MedianParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let r = median_halo_px(p) as usize;
    let w = src.width as usize;
    let stride = src.stride();
    let side = 2 * r + 1;
    let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
    let y_lo = a - r as i64;
    let n_rows = (b - a) as usize + 2 * r;
    let pw = w + 2 * r;
    let rows: Vec<[u8; 4]> = padded_rows(src, y_lo, b + r as i64, r, median_values);
    // Transposed planes: planes[c][x * n_rows + y].
    let mut planes = vec![vec![0u8; pw * n_rows]; CHANNELS];
    for (y, row) in rows.chunks_exact(pw).enumerate() {
        for (x, v) in row.iter().enumerate() {
            for (plane, &val) in planes.iter_mut().zip(v) {
                plane[x * n_rows + y] = val;
            }
        }
    }
    drop(rows);
    // A channel that is constant over the band (alpha of an opaque image)
    // has that constant as its median everywhere.
    let constant: Vec<Option<u8>> = planes
        .iter()
        .map(|pl| {
            let first = pl.first().copied()?;
            pl.iter().all(|&v| v == first).then_some(first)
        })
        .collect();
    let half = (side * side / 2) as u32;
    let mut meds = vec![[0u8; 4]; w];
    for i in 0..(b - a) as usize {
        for (c, plane) in planes.iter().enumerate() {
            if let Some(v) = constant[c] {
                for m in &mut meds {
                    m[c] = v;
                }
                continue;
            }
            let col = |x: usize| &plane[x * n_rows + i..x * n_rows + i + side];
            let mut hist = [0u32; 256];
            for x in 0..side {
                for &v in col(x) {
                    hist[usize::from(v)] += 1;
                }
            }
            // `med` and the count of values below it.
            let mut med = 0usize;
            let mut lt = 0u32;
            while lt + hist[med] <= half {
                lt += hist[med];
                med += 1;
            }
            meds[0][c] = med as u8;
            for (x, m) in meds.iter_mut().enumerate().skip(1) {
                for &v in col(x - 1) {
                    let v = usize::from(v);
                    hist[v] -= 1;
                    lt -= u32::from(v < med);
                }
                for &v in col(x + 2 * r) {
                    let v = usize::from(v);
                    hist[v] += 1;
                    lt += u32::from(v < med);
                }
                while lt > half {
                    med -= 1;
                    lt -= hist[med];
                }
                while lt + hist[med] <= half {
                    lt += hist[med];
                    med += 1;
                }
                m[c] = med as u8;
            }
        }
        let out = &mut dst[i * stride..(i + 1) * stride];
        for (o, m) in out.chunks_exact_mut(CHANNELS).zip(&meds) {
            o.copy_from_slice(&median_output(*m));
        }
    }
}
