//! Lossless geometry: quarter-turn rotation, flips, crop.
//!
//! Pixels are copied whole (4 bytes), never blended. Output row `y` of
//! each op reads:
//!
//! * rotate 0: source row `y`; rotate 2 (180°): source row `h - 1 - y`,
//!   reversed; rotate 1 and 3 (odd turns): one pixel of every source row,
//!   so a band of output rows needs the whole source. Clockwise: a quarter
//!   turn maps source `(x, y)` to output `(h - 1 - y, x)`, three quarter
//!   turns map it to `(y, w - 1 - x)`.
//! * flip horizontal: source row `y`, reversed; vertical: source row
//!   `h - 1 - y`.
//! * crop `(x, y, w, h)`: source row `y + y0`, pixels `x0..x0 + w`.

use std::ops::Range;

use super::simd::avx2_call;
use crate::image::{CHANNELS, SourceBand};
use crate::spec::{FlipAxis, FlipParams, RotateParams};

/// Side of the square tiles of the odd-turn rotation, in pixels (64 measured
/// fastest of 8..=128 on a 4K frame).
const TILE: usize = 64;

/// Copies `src` pixels into `dst` in reverse pixel order.
fn reverse_pixels(src: &[u8], dst: &mut [u8]) {
    for (d, s) in dst
        .chunks_exact_mut(CHANNELS)
        .zip(src.chunks_exact(CHANNELS).rev())
    {
        d.copy_from_slice(s);
    }
}

/// Rotation by quarter turns clockwise, output rows `out_rows`.
///
/// Odd turns produce a `height` x `width` image.
pub fn rotate_rows(p: &RotateParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let h = src.height;
    match p.quarter_turns % 4 {
        0 => {
            let stride = src.stride();
            for (d, y) in dst.chunks_exact_mut(stride).zip(out_rows) {
                d.copy_from_slice(src.row(y));
            }
        }
        2 => {
            let stride = src.stride();
            for (d, y) in dst.chunks_exact_mut(stride).zip(out_rows) {
                reverse_pixels(src.row(h - 1 - y), d);
            }
        }
        turns => {
            let clockwise = turns == 1;
            avx2_call!(rotate_odd; clockwise: bool, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]);
        }
    }
}

/// Odd quarter turns (`clockwise`: one turn, else three), output rows
/// `out_rows` of the `h` x `w` result, in square tiles of [`TILE`] pixels:
/// a tile reads `TILE` pixels of each of `TILE` source rows (64 KiB, kept
/// in L1/L2 for the whole tile) and writes `TILE` whole pixels of each of
/// `TILE` output rows.
#[inline(always)]
fn rotate_odd(clockwise: bool, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let (w, h) = (src.width as usize, src.height as usize);
    let (dst_px, _) = dst.as_chunks_mut::<CHANNELS>();
    let first = out_rows.start as usize;
    let (a, b) = (out_rows.start as usize, out_rows.end as usize);
    for oy0 in (a..b).step_by(TILE) {
        let oy1 = (oy0 + TILE).min(b);
        for ox0 in (0..h).step_by(TILE) {
            let ox1 = (ox0 + TILE).min(h);
            // Source row of each output column of the tile.
            let mut rows: [&[[u8; CHANNELS]]; TILE] = [&[]; TILE];
            for (ox, row) in (ox0..ox1).zip(rows.iter_mut()) {
                let sy = if clockwise { h - 1 - ox } else { ox };
                *row = src.row(sy as u32).as_chunks::<CHANNELS>().0;
            }
            for oy in oy0..oy1 {
                let sx = if clockwise { oy } else { w - 1 - oy };
                let at = (oy - first) * h;
                let drow = &mut dst_px[at + ox0..at + ox1];
                for (d, row) in drow.iter_mut().zip(&rows) {
                    *d = row[sx];
                }
            }
        }
    }
}

/// Mirror, output rows `out_rows`: horizontal mirrors left-right, vertical
/// top-bottom.
pub fn flip_rows(p: &FlipParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let stride = src.stride();
    let h = src.height;
    for (d, y) in dst.chunks_exact_mut(stride).zip(out_rows) {
        match p.axis {
            FlipAxis::Horizontal => reverse_pixels(src.row(y), d),
            FlipAxis::Vertical => d.copy_from_slice(src.row(h - 1 - y)),
        }
    }
}

/// Crop to the already clipped rectangle `(x, y, width, height)`, output
/// rows `out_rows`.
pub fn crop_rows(
    rect: (u32, u32, u32, u32),
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let (x, y0, w, _) = rect;
    let start = x as usize * CHANNELS;
    let len = w as usize * CHANNELS;
    for (d, y) in dst.chunks_exact_mut(len).zip(out_rows) {
        d.copy_from_slice(&src.row(y + y0)[start..start + len]);
    }
}
