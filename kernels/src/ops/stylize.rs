//! Stylize: `pixelate`, `vignette` and `noise`.
//!
//! * **pixelate**: blocks of `B` x `B` pixels aligned to the top-left corner
//!   (those at the right and bottom edges may be smaller) become the average
//!   of their pixels, computed on premultiplied values with exact integer
//!   sums: alpha `round(Σa / n)`, colour `round(Σ(c·a) / Σa)` (halves round
//!   up), transparent black when `Σa = 0`. Output rows `a..b` read the whole
//!   blocks they lie in ([`pixelate_source_rows`]).
//! * **vignette**: pixel `(x, y)` of a `w` x `h` image lies at distance
//!   `d = sqrt(dx² + dy²) / (sqrt(w² + h²) / 2)` from the centre (`dx = x +
//!   0.5 - w/2`, likewise `dy`). With radius `r` and softness `s`, `t = 0`
//!   for `d <= r`, else `min((d - r) / s, 1)` (1 if `s = 0`), and the
//!   strength is `k = t² (3 - 2t)` (smoothstep). Amount `m < 0` scales R, G,
//!   B by `1 + m·k` (towards black); `m > 0` moves them towards white by
//!   `m·k`. The strength is computed in `f64` from absolute coordinates
//!   (only `+ - * / sqrt`, which are exact-rounded on every platform), so
//!   bands and platforms agree. Alpha is kept.
//! * **noise**: see [`grain`]: a pure integer hash of (seed, x, y, channel),
//!   so there is no RNG state and every band and platform agrees. Alpha is
//!   kept.

use std::ops::Range;

use crate::image::{CHANNELS, SourceBand};
use crate::spec::{NoiseParams, PixelateParams, VignetteParams};

/// Source rows that `pixelate` output rows `out_rows` read: whole blocks.
pub fn pixelate_source_rows(p: &PixelateParams, height: u32, out_rows: Range<u32>) -> Range<u32> {
    if out_rows.is_empty() {
        return 0..0;
    }
    let b = p.block_px.max(1);
    let start = (out_rows.start / b) * b;
    let end = ((out_rows.end - 1) / b + 1).saturating_mul(b).min(height);
    start.min(end)..end
}

/// `pixelate`, output rows `out_rows`.
pub fn pixelate_rows(
    p: &PixelateParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let b = p.block_px.max(1);
    let (w, h) = (src.width as usize, src.height);
    let stride = src.stride();
    if stride == 0 || out_rows.is_empty() {
        return;
    }
    let blocks = w.div_ceil(b as usize);
    let mut sums = vec![[0u64; 4]; blocks];
    let mut colours = vec![[0u8; 4]; blocks];
    let have = src.rows();
    let mut block_top = (out_rows.start / b) * b;
    while block_top < out_rows.end {
        let block_end = block_top.saturating_add(b).min(h);
        sums.fill([0; 4]);
        for sy in block_top..block_end {
            if !have.contains(&sy) {
                continue;
            }
            let start = (sy - have.start) as usize * stride;
            let Some(row) = src.pixels.get(start..start + stride) else {
                continue;
            };
            for (chunk, s) in row.chunks(b as usize * CHANNELS).zip(sums.iter_mut()) {
                for px in chunk.chunks_exact(CHANNELS) {
                    let a = u64::from(px[3]);
                    s[0] += u64::from(px[0]) * a;
                    s[1] += u64::from(px[1]) * a;
                    s[2] += u64::from(px[2]) * a;
                    s[3] += a;
                }
            }
        }
        let rows = u64::from(block_end - block_top);
        for (i, (s, c)) in sums.iter().zip(colours.iter_mut()).enumerate() {
            let cols = (w - i * b as usize).min(b as usize) as u64;
            let n = rows * cols;
            *c = if s[3] == 0 || n == 0 {
                [0; 4]
            } else {
                let ch = |v: u64| ((2 * v + s[3]) / (2 * s[3])).min(255) as u8;
                [
                    ch(s[0]),
                    ch(s[1]),
                    ch(s[2]),
                    ((2 * s[3] + n) / (2 * n)).min(255) as u8,
                ]
            };
        }
        let first = block_top.max(out_rows.start);
        let last = block_end.min(out_rows.end);
        for y in first..last {
            let start = (y - out_rows.start) as usize * stride;
            let Some(drow) = dst.get_mut(start..start + stride) else {
                continue;
            };
            for (chunk, c) in drow.chunks_mut(b as usize * CHANNELS).zip(&colours) {
                for d in chunk.chunks_exact_mut(CHANNELS) {
                    d.copy_from_slice(c);
                }
            }
        }
        if block_end <= block_top {
            break;
        }
        block_top = block_end;
    }
}

/// Vignette strength `k` (0..=1) at squared offsets `dx2`, `dy2` from the
/// centre, for a half-diagonal `half_diag` (see the module docs).
pub fn vignette_strength(p: &VignetteParams, dx2: f64, dy2: f64, half_diag: f64) -> f64 {
    let d = (dx2 + dy2).sqrt() / half_diag;
    let r = f64::from(p.radius);
    let s = f64::from(p.softness);
    if d <= r {
        return 0.0;
    }
    let t = if s == 0.0 {
        1.0
    } else {
        ((d - r) / s).min(1.0)
    };
    t * t * (3.0 - 2.0 * t)
}

/// Squared offset of pixel `i`'s centre from the centre of an axis of `n`.
fn offset2(i: u32, n: u32) -> f64 {
    let d = f64::from(i) + 0.5 - f64::from(n) / 2.0;
    d * d
}

/// `vignette` on rows `out_rows` of a `width` x `height` image: `src` and
/// `dst` hold exactly those rows.
pub fn vignette_rows(
    p: &VignetteParams,
    width: u32,
    height: u32,
    out_rows: Range<u32>,
    src: &[u8],
    dst: &mut [u8],
) {
    let stride = width as usize * CHANNELS;
    if stride == 0 {
        return;
    }
    let half_diag = (f64::from(width).powi(2) + f64::from(height).powi(2)).sqrt() / 2.0;
    let dx2: Vec<f64> = (0..width).map(|x| offset2(x, width)).collect();
    let amount = f64::from(p.amount);
    for ((srow, drow), y) in src
        .chunks_exact(stride)
        .zip(dst.chunks_exact_mut(stride))
        .zip(out_rows)
    {
        let dy2 = offset2(y, height);
        for ((s, d), &dx2) in srow
            .chunks_exact(CHANNELS)
            .zip(drow.chunks_exact_mut(CHANNELS))
            .zip(&dx2)
        {
            let k = vignette_strength(p, dx2, dy2, half_diag);
            if k == 0.0 || amount == 0.0 {
                d.copy_from_slice(s);
                continue;
            }
            let mk = (amount * k) as f32;
            for c in 0..3 {
                let v = f32::from(s[c]);
                let out = if mk < 0.0 {
                    v * (1.0 + mk)
                } else {
                    v + (255.0 - v) * mk
                };
                // `floor(out + 0.5)`; `out` lies in 0..=255 (negative or
                // NaN would saturate to 0).
                d[c] = (out + 0.5).min(255.0) as u8;
            }
            d[3] = s[3];
        }
    }
}

/// The lowbias32 integer mixer (Chris Wellons): a bijection on `u32` with
/// good avalanche.
pub fn mix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x7feb_352d);
    h ^= h >> 15;
    h = h.wrapping_mul(0x846c_a68b);
    h ^ (h >> 16)
}

/// The grain value of pixel `(x, y)`, channel `c` (0..=2; always 0 when
/// monochrome), in -255..=255 with a triangular distribution:
///
/// `h = mix32(mix32(mix32(seed ^ 0x9e3779b9) ^ y) ^ x)`, then for colour
/// grain `h = mix32(h ^ (c + 1) * 0x85ebca6b)` for each channel; the value
/// is `(h & 255) + ((h >> 8) & 255) - 255`.
pub fn grain(seed: u32, x: u32, y: u32, channel: Option<u32>) -> i32 {
    let mut h = mix32(mix32(mix32(seed ^ 0x9e37_79b9) ^ y) ^ x);
    if let Some(c) = channel {
        h = mix32(h ^ (c + 1).wrapping_mul(0x85eb_ca6b));
    }
    (h & 255) as i32 + ((h >> 8) & 255) as i32 - 255
}

/// `amount` in 1/256 steps (0..=256), the integer strength of `noise`.
pub fn noise_strength(p: &NoiseParams) -> i32 {
    (p.amount.clamp(0.0, 1.0) * 256.0).round() as i32
}

/// Adds grain `n` at strength `q` to channel value `v`:
/// `clamp(v + floor((n·q + 256) / 512))`.
pub fn add_grain(v: u8, n: i32, q: i32) -> u8 {
    (i32::from(v) + (n * q + 256).div_euclid(512)).clamp(0, 255) as u8
}

/// `noise` on rows `out_rows` of a `width`-wide image: `src` and `dst` hold
/// exactly those rows.
pub fn noise_rows(p: &NoiseParams, width: u32, out_rows: Range<u32>, src: &[u8], dst: &mut [u8]) {
    let stride = width as usize * CHANNELS;
    if stride == 0 {
        return;
    }
    let q = noise_strength(p);
    for ((srow, drow), y) in src
        .chunks_exact(stride)
        .zip(dst.chunks_exact_mut(stride))
        .zip(out_rows)
    {
        let row_key = mix32(mix32(p.seed ^ 0x9e37_79b9) ^ y);
        for ((s, d), x) in srow
            .chunks_exact(CHANNELS)
            .zip(drow.chunks_exact_mut(CHANNELS))
            .zip(0u32..)
        {
            let h = mix32(row_key ^ x);
            for c in 0..3 {
                let h = if p.monochrome {
                    h
                } else {
                    mix32(h ^ (c as u32 + 1).wrapping_mul(0x85eb_ca6b))
                };
                let n = (h & 255) as i32 + ((h >> 8) & 255) as i32 - 255;
                d[c] = add_grain(s[c], n, q);
            }
            d[3] = s[3];
        }
    }
}
