//! Sobel edge magnitude and emboss, both on Rec. 709 luma.
//!
//! # Method
//!
//! Luma is `(13933 R + 46871 G + 4732 B + 2^15) >> 16` (the weights of
//! [`crate::ops::color::grayscale`]) of the 8-bit premultiplied colour
//! `round(c * a / 255)`, so transparent pixels count as black. It is computed
//! once per source row into a row buffer padded by one replicated pixel on
//! each side. The 3x3 Sobel operator is applied separably on whole rows of
//! `i32` (loops the compiler vectorizes):
//!
//! * `V = L[y-1] + 2 L[y] + L[y+1]`, `gx[x] = V[x+1] - V[x-1]`;
//! * `D = L[y+1] - L[y-1]`, `gy[x] = D[x-1] + 2 D[x] + D[x+1]`.
//!
//! `sobel` writes grey `round(min(255, f32::sqrt(gx² + gy²) * scale))`
//! (ties to even)
//! (`gx² + gy²` is exact in `f32`, and `sqrt` and `*` are correctly rounded
//! on every platform); `emboss` writes
//! `clamp(round(128 + strength * (gx cos θ - gy sin θ) / 8))` with the two
//! factors quantized to 1/4096 ((cos θ, -sin θ) points towards the light, y
//! down; a Sobel difference is 8 times the slope). Alpha is kept. Edges
//! replicate; each output row reads the rows just above and below it.

use std::ops::Range;

use crate::image::SourceBand;
use crate::ops::color::{LUMA_B_Q16, LUMA_G_Q16, LUMA_R_Q16};
use crate::ops::support::{det_sin_cos_deg, div255};
use crate::spec::{EmbossParams, SobelParams};

/// Luma of one straight RGBA pixel, from its premultiplied colour.
#[inline(always)]
pub fn luma(px: &[u8]) -> i32 {
    let a = u32::from(px[3]);
    let pr = div255(u32::from(px[0]) * a);
    let pg = div255(u32::from(px[1]) * a);
    let pb = div255(u32::from(px[2]) * a);
    ((pr * LUMA_R_Q16 + pg * LUMA_G_Q16 + pb * LUMA_B_Q16 + (1 << 15)) >> 16) as i32
}

/// [`luma`] of a little-endian RGBA word, in arithmetic the compiler
/// vectorizes: the premultiplication in `u16` (`c * a + 128 <= 65153`), the
/// luma as `G + ((R - G) WR + (B - G) WB + 2^15) >> 16` (equal to the plain
/// Q16 sum as the weights sum to `2^16`), whose factors fit in `i16`.
#[inline(always)]
fn luma_word(w: u32) -> i32 {
    const WR: i32 = LUMA_R_Q16 as i32;
    const WB: i32 = LUMA_B_Q16 as i32;
    let a = (w >> 24) as u16;
    let pm = |c: u32| {
        let t = (c & 0xFF) as u16 * a + 128;
        i32::from((t + (t >> 8)) >> 8)
    };
    let (r, g, b) = (pm(w), pm(w >> 8), pm(w >> 16));
    g + (((r - g) * WR + (b - g) * WB + (1 << 15)) >> 16)
}

/// Fills `out` (`width + 2` values) with the padded luma of source row `y`
/// (clamped).
fn luma_row(src: &SourceBand<'_>, y: i64, out: &mut [i32]) {
    let (px, _) = src.row_clamped(y).as_chunks::<4>();
    let n = out.len();
    for (o, p) in out[1..n - 1].iter_mut().zip(px) {
        *o = luma_word(u32::from_le_bytes(*p));
    }
    out[0] = out[1];
    out[n - 1] = out[n - 2];
}

/// `2^23`: adding it to a float in `0..2^22` leaves that float rounded to
/// an integer (ties to even) in the low mantissa bits.
const MAGIC: f32 = 8_388_608.0;

/// Runs the vertical half of the separable Sobel operator over output rows
/// `out_rows`, calling `emit(row index in band, v, d)` with the padded rows
/// `v = L[y-1] + 2 L[y] + L[y+1]` and `d = L[y+1] - L[y-1]`
/// (`width + 2` values each); then `gx[x] = v[x+2] - v[x]` and
/// `gy[x] = d[x] + 2 d[x+1] + d[x+2]` in padded indices.
fn sobel_core(
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    mut emit: impl FnMut(usize, &[i32], &[i32]),
) {
    let w = src.width as usize;
    let pw = w + 2;
    let mut l = [vec![0i32; pw], vec![0i32; pw], vec![0i32; pw]];
    let (mut v, mut d) = (vec![0i32; pw], vec![0i32; pw]);
    let a = i64::from(out_rows.start);
    luma_row(src, a - 1, &mut l[0]);
    luma_row(src, a, &mut l[1]);
    for (i, y) in out_rows.enumerate() {
        // l = [y-1, y, y+1].
        luma_row(src, i64::from(y) + 1, &mut l[2]);
        let [up, mid, down] = &l;
        for ((((vv, dd), &u), &m), &dn) in v.iter_mut().zip(d.iter_mut()).zip(up).zip(mid).zip(down)
        {
            *vv = u + 2 * m + dn;
            *dd = dn - u;
        }
        emit(i, &v, &d);
        l.rotate_left(1);
    }
}

/// Applies `f(gx, gy) -> grey` along a row and writes grey with the source
/// alpha: one fused, vectorizable loop.
#[inline(always)]
fn grey_row(out: &mut [u8], srow: &[u8], v: &[i32], d: &[i32], f: impl Fn(i32, i32) -> u32) {
    let (o, _) = out.as_chunks_mut::<4>();
    let (s, _) = srow.as_chunks::<4>();
    let n = o.len().min(s.len()).min(v.len().saturating_sub(2));
    let (v0, v2) = (&v[..n], &v[2..n + 2]);
    let (d0, d1, d2) = (&d[..n], &d[1..n + 1], &d[2..n + 2]);
    for i in 0..n {
        let gx = v2[i] - v0[i];
        let gy = d0[i] + 2 * d1[i] + d2[i];
        let g = f(gx, gy) & 0xFF;
        let word = (u32::from_le_bytes(s[i]) & 0xFF00_0000) | (g * 0x0001_0101);
        o[i] = word.to_le_bytes();
    }
}

/// Sobel edge magnitude of output rows `out_rows` (see the module docs).
pub fn sobel_rows(p: &SobelParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let scale = if p.scale.is_finite() {
        p.scale.clamp(0.0, 8.0)
    } else {
        1.0
    };
    let stride = src.stride();
    let first = out_rows.start;
    sobel_core(src, out_rows, |i, v, d| {
        let srow = src.row(first + i as u32);
        grey_row(
            &mut dst[i * stride..(i + 1) * stride],
            srow,
            v,
            d,
            |x, y| {
                // Rounded to nearest (ties to even) without a float-to-int
                // conversion, so the loop vectorizes.
                // gx² + gy² < 2^24, exact in f32 (and f32 multiplies vectorize
                // where 32-bit integer ones may not).
                let (x, y) = (x as f32, y as f32);
                let s = ((x * x + y * y).sqrt() * scale).min(255.0);
                (s + MAGIC).to_bits().wrapping_sub(MAGIC.to_bits())
            },
        );
    });
}

/// Fixed-point factors `(kx, ky)` in 1/4096 of emboss: the output is
/// `clamp((128 * 4096 + kx * gx + ky * gy + 2048) >> 12)`.
pub fn emboss_factors(p: &EmbossParams) -> (i32, i32) {
    let strength = if p.strength.is_finite() {
        f64::from(p.strength.clamp(0.0, 10.0))
    } else {
        0.0
    };
    let (s, c) = det_sin_cos_deg(f64::from(p.angle_deg));
    let k = strength * 4096.0 / 8.0;
    ((k * c).round() as i32, (-k * s).round() as i32)
}

/// Emboss of output rows `out_rows` (see the module docs).
pub fn emboss_rows(p: &EmbossParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let (kx, ky) = emboss_factors(p);
    let stride = src.stride();
    let first = out_rows.start;
    sobel_core(src, out_rows, |i, v, d| {
        let srow = src.row(first + i as u32);
        grey_row(
            &mut dst[i * stride..(i + 1) * stride],
            srow,
            v,
            d,
            |x, y| ((128 * 4096 + kx * x + ky * y + 2048) >> 12).clamp(0, 255) as u32,
        );
    });
}
