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
//! No sorting: below [`CONSTANT_TIME_FROM_RADIUS`], Huang's sliding
//! histogram: for each output row and channel a 256-bin histogram of the
//! window is built once, then slid along the row by removing the leaving
//! column and adding the entering one (`2(2r + 1)` updates per pixel). From
//! that radius on, Perreault and Hébert's constant-time median: one
//! histogram per column, moved down a row per output row, and the window
//! histogram slid along the row by adding and subtracting whole column
//! histograms (256 bins, vectorized), so the cost per pixel does not depend
//! on `r`. Either way the median is tracked incrementally with the count of
//! values below it. Columns are read from a transposed copy of each channel
//! so that a window column is contiguous. A channel constant over the band
//! (the alpha of an opaque image) is not filtered at all.

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
    // Transposed in blocks of 64 rows, so that each column's run of a block
    // is one cache line written while the block's rows stay in cache.
    const BLOCK: usize = 64;
    for y0 in (0..n_rows).step_by(BLOCK) {
        let y1 = (y0 + BLOCK).min(n_rows);
        for x in 0..pw {
            for y in y0..y1 {
                let v = rows[y * pw + x];
                for (plane, &val) in planes.iter_mut().zip(&v) {
                    plane[x * n_rows + y] = val;
                }
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
    let n_out = (b - a) as usize;
    let mut meds = vec![[0u8; 4]; w * n_out];
    let geo = Window {
        side,
        n_rows,
        w,
        n_out,
    };
    for (c, plane) in planes.iter().enumerate() {
        if let Some(v) = constant[c] {
            for m in &mut meds {
                m[c] = v;
            }
        } else if r >= CONSTANT_TIME_FROM_RADIUS {
            constant_time_channel(plane, &geo, c, &mut meds);
        } else {
            huang_channel(plane, &geo, c, &mut meds);
        }
    }
    for (out, m) in dst.chunks_exact_mut(stride).zip(meds.chunks_exact(w)) {
        for (o, m) in out.chunks_exact_mut(CHANNELS).zip(m) {
            o.copy_from_slice(&median_output(*m));
        }
    }
}

/// From this radius on, the constant-time algorithm is used.
pub const CONSTANT_TIME_FROM_RADIUS: usize = 16;

/// Shape of one band's work: window side, rows in the transposed plane,
/// output width and rows.
struct Window {
    side: usize,
    n_rows: usize,
    w: usize,
    n_out: usize,
}

/// Moves `med` so that `lt` (the count of values below it in `hist`) is at
/// most `half` and `lt + hist[med]` above it.
#[inline(always)]
fn settle<T: Copy + Into<u32>>(hist: &[T; 256], half: u32, med: &mut usize, lt: &mut u32) {
    while *lt > half && *med > 0 {
        *med -= 1;
        *lt -= hist[*med].into();
    }
    while *med < 255 && *lt + hist[*med].into() <= half {
        *lt += hist[*med].into();
        *med += 1;
    }
}

/// Huang: one histogram per output row, slid along it by removing the
/// leaving column's values and adding the entering one's (`O(r)` per pixel).
fn huang_channel(plane: &[u8], g: &Window, c: usize, meds: &mut [[u8; 4]]) {
    let (side, n_rows) = (g.side, g.n_rows);
    let half = (side * side / 2) as u32;
    for (i, row) in meds.chunks_exact_mut(g.w).enumerate().take(g.n_out) {
        let col = |x: usize| &plane[x * n_rows + i..x * n_rows + i + side];
        let mut hist = [0u32; 256];
        for x in 0..side {
            for &v in col(x) {
                hist[usize::from(v)] += 1;
            }
        }
        // `med` and the count of values below it.
        let (mut med, mut lt) = (0usize, 0u32);
        settle(&hist, half, &mut med, &mut lt);
        row[0][c] = med as u8;
        for (x, m) in row.iter_mut().enumerate().skip(1) {
            for &v in col(x - 1) {
                let v = usize::from(v);
                hist[v] -= 1;
                lt -= u32::from(v < med);
            }
            for &v in col(x + side - 1) {
                let v = usize::from(v);
                hist[v] += 1;
                lt += u32::from(v < med);
            }
            settle(&hist, half, &mut med, &mut lt);
            m[c] = med as u8;
        }
    }
}

/// Perreault–Hébert: one histogram per (padded) column covering the
/// window's rows, moved down one row per output row (one removal and one
/// addition per column); the window histogram slides along the row by
/// adding the entering column's histogram and subtracting the leaving one's
/// (256 bins, vectorized), so the cost per pixel does not depend on `r`.
fn constant_time_channel(plane: &[u8], g: &Window, c: usize, meds: &mut [[u8; 4]]) {
    let (side, n_rows) = (g.side, g.n_rows);
    let pw = g.w + side - 1;
    let half = (side * side / 2) as u32;
    let mut cols = vec![[0u16; 256]; pw];
    for (x, h) in cols.iter_mut().enumerate() {
        for &v in &plane[x * n_rows..x * n_rows + side] {
            h[usize::from(v)] += 1;
        }
    }
    for (i, row) in meds.chunks_exact_mut(g.w).enumerate().take(g.n_out) {
        if i > 0 {
            for (x, h) in cols.iter_mut().enumerate() {
                let base = x * n_rows + i;
                h[usize::from(plane[base - 1])] -= 1;
                h[usize::from(plane[base + side - 1])] += 1;
            }
        }
        let mut hist = [0u16; 256];
        for h in &cols[..side] {
            for (k, v) in hist.iter_mut().zip(h) {
                *k += v;
            }
        }
        let (mut med, mut lt) = (0usize, 0u32);
        settle(&hist, half, &mut med, &mut lt);
        row[0][c] = med as u8;
        for (x, m) in row.iter_mut().enumerate().skip(1) {
            let (out, inn) = (&cols[x - 1], &cols[x + side - 1]);
            // Values below `med` entering minus leaving.
            let mut below = 0i32;
            for (o, n) in out[..med].iter().zip(&inn[..med]) {
                below += i32::from(*n) - i32::from(*o);
            }
            for ((k, o), n) in hist.iter_mut().zip(out).zip(inn) {
                *k = *k + n - o;
            }
            lt = (lt as i32 + below) as u32;
            settle(&hist, half, &mut med, &mut lt);
            m[c] = med as u8;
        }
    }
}
