//! `canvas_size`: a new canvas with the source placed at an anchor.
//!
//! The source's top-left corner lands at output position `(dx, dy)`
//! ([`canvas_offset`]): 0 for a start anchor, `(W - w).div_euclid(2)` for
//! a centred one (the extra pixel of an odd difference goes right/down),
//! `W - w` for an end anchor; negative when the canvas shrinks (cropping).
//! Output pixel `(x, y)` is source pixel `(x - dx, y - dy)` copied whole,
//! or `fill` where that lies outside the source. Output rows `a..b` read
//! exactly source rows `a - dy .. b - dy`, clamped.

use std::ops::Range;

use crate::image::{CHANNELS, SourceBand};
use crate::spec::CanvasSizeParams;

/// Where the source's top-left corner lands on the `p.width` x `p.height`
/// canvas, for a `w` x `h` source.
pub fn canvas_offset(p: &CanvasSizeParams, w: u32, h: u32) -> (i64, i64) {
    let (ax, ay) = p.anchor.thirds();
    let place = |third: u8, new: u32, old: u32| {
        let diff = i64::from(new) - i64::from(old);
        match third {
            0 => 0,
            1 => diff.div_euclid(2),
            _ => diff,
        }
    };
    (place(ax, p.width, w), place(ay, p.height, h))
}

/// Source rows that output rows `out_rows` read.
pub fn canvas_source_rows(
    p: &CanvasSizeParams,
    w: u32,
    h: u32,
    out_rows: Range<u32>,
) -> Range<u32> {
    if out_rows.is_empty() {
        return 0..0;
    }
    let (_, dy) = canvas_offset(p, w, h);
    let hh = i64::from(h);
    let s = (i64::from(out_rows.start) - dy).clamp(0, hh);
    let e = (i64::from(out_rows.end) - dy).clamp(0, hh);
    s as u32..e.max(s) as u32
}

/// Canvas resize, output rows `out_rows`.
pub fn canvas_rows(
    p: &CanvasSizeParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let (w, h) = (src.width, src.height);
    let (dx, dy) = canvas_offset(p, w, h);
    let out_stride = p.width as usize * CHANNELS;
    if out_stride == 0 {
        return;
    }
    // Output columns `x0..x1` come from source columns `x0 - dx..x1 - dx`.
    let x0 = dx.clamp(0, i64::from(p.width));
    let x1 = (dx + i64::from(w)).clamp(x0, i64::from(p.width));
    let (x0, x1) = (x0 as usize, x1 as usize);
    let sx0 = (x0 as i64 - dx).max(0) as usize;
    let have = src.rows();
    for (drow, y) in dst.chunks_exact_mut(out_stride).zip(out_rows) {
        let sy = i64::from(y) - dy;
        let row = if sy >= i64::from(have.start) && sy < i64::from(have.end) {
            let start = (sy - i64::from(have.start)) as usize * src.stride();
            src.pixels.get(start..start + src.stride())
        } else {
            None
        };
        let copied = row.and_then(|r| {
            let part = r.get(sx0 * CHANNELS..(sx0 + x1 - x0) * CHANNELS)?;
            drow.get_mut(x0 * CHANNELS..x1 * CHANNELS)?
                .copy_from_slice(part);
            Some(())
        });
        let (left, right) = if copied.is_some() { (x0, x1) } else { (0, 0) };
        for (i, d) in drow.chunks_exact_mut(CHANNELS).enumerate() {
            if i < left || i >= right {
                d.copy_from_slice(&p.fill);
            }
        }
    }
}
