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

use crate::image::{CHANNELS, SourceBand};
use crate::spec::{FlipAxis, FlipParams, RotateParams};

/// Output rows handled together by the odd-turn rotation, so that each
/// source row is read once per group and the writes stay in cache.
const ROTATE_GROUP: u32 = 16;

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
    let (w, h) = (src.width, src.height);
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
            // Output is h wide; output row `oy` is source column `oy` (one
            // turn, read bottom to top) or `w - 1 - oy` (three turns, top to
            // bottom).
            let out_stride = h as usize * CHANNELS;
            let first = out_rows.start;
            let mut group = out_rows.start;
            while group < out_rows.end {
                let group_end = (group + ROTATE_GROUP).min(out_rows.end);
                for sy in 0..h {
                    let srow = src.row(sy);
                    let ox = (if turns == 1 { h - 1 - sy } else { sy }) as usize;
                    for oy in group..group_end {
                        let sx = (if turns == 1 { oy } else { w - 1 - oy }) as usize;
                        let d = (oy - first) as usize * out_stride + ox * CHANNELS;
                        dst[d..d + CHANNELS]
                            .copy_from_slice(&srow[sx * CHANNELS..(sx + 1) * CHANNELS]);
                    }
                }
                group = group_end;
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
