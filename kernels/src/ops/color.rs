//! Per-pixel colour operations: grayscale, hue/saturation/lightness.
//!
//! Both take `src` and `dst` of equal length (whole RGBA pixels), work on
//! the sRGB-encoded values as they are (no linearisation) and keep alpha
//! unchanged.

use super::simd::{CpuLevel, with_avx2};
use crate::spec::HslParams;

/// Rec. 709 red weight in 16-bit fixed point (`0.2126 * 65536`, rounded).
pub const LUMA_R_Q16: u32 = 13_933;
/// Rec. 709 green weight in 16-bit fixed point (`0.7152 * 65536`, rounded).
pub const LUMA_G_Q16: u32 = 46_871;
/// Rec. 709 blue weight in 16-bit fixed point (`0.0722 * 65536`, rounded up
/// so that the three weights sum to exactly `65536`, which keeps white at 255
/// and every grey unchanged).
pub const LUMA_B_Q16: u32 = 4_732;

const _: () = assert!(LUMA_R_Q16 + LUMA_G_Q16 + LUMA_B_Q16 == 1 << 16);

/// Rec. 709 luma grayscale on the sRGB values:
/// `y = round(0.2126 R + 0.7152 G + 0.0722 B)`, written to R, G and B;
/// alpha is kept.
///
/// Computed in 16-bit fixed point ([`LUMA_R_Q16`], [`LUMA_G_Q16`],
/// [`LUMA_B_Q16`]); the result is within one level of the exact formula
/// for every colour, and exact for greys.
pub fn grayscale(src: &[u8], dst: &mut [u8]) {
    grayscale_with_level(CpuLevel::detected(), src, dst);
}

/// [`grayscale`] at a given [`CpuLevel`] (same result at every level).
pub fn grayscale_with_level(level: CpuLevel, src: &[u8], dst: &mut [u8]) {
    with_avx2(level, || {
        let (src_px, _) = src.as_chunks::<4>();
        let (dst_px, _) = dst.as_chunks_mut::<4>();
        // A straight loop over whole pixel words, free of byte shuffles,
        // which the compiler vectorises (four or more pixels per
        // instruction; eight with AVX2).
        for (d, s) in dst_px.iter_mut().zip(src_px) {
            *d = gray_word(u32::from_le_bytes(*s)).to_le_bytes();
        }
    });
}

/// [`grayscale`] on one little-endian RGBA word: the luma in the low three
/// bytes, alpha kept in the top byte.
///
/// Bit-exact with `(R * LUMA_R_Q16 + G * LUMA_G_Q16 + B * LUMA_B_Q16 +
/// 2^15) >> 16`: as the weights sum to `2^16`, that is
/// `G + ((R - G) * LUMA_R_Q16 + (B - G) * LUMA_B_Q16 + 2^15) >> 16` (an
/// arithmetic, flooring shift). In that form both multipliers and both
/// differences fit in `i16`, so on x86 the two products and their sum are
/// one 16-bit multiply-add (`pmaddwd`) for four pixels at once, instead of
/// three emulated 32-bit multiplies.
#[inline(always)]
fn gray_word(w: u32) -> u32 {
    const WR: i32 = LUMA_R_Q16 as i32;
    const WB: i32 = LUMA_B_Q16 as i32;
    let r = (w & 0xFF) as i32;
    let g = ((w >> 8) & 0xFF) as i32;
    let b = ((w >> 16) & 0xFF) as i32;
    let t = (r - g) * WR + (b - g) * WB + (1 << 15);
    // In 0..=255: the same value as the plain Q16 sum shifted down.
    let y = (g + (t >> 16)) as u32;
    (y | (y << 8) | (y << 16)) | (w & 0xFF00_0000)
}

/// Hue rotation, saturation and lightness, in the HSL model (hexcone, as in
/// CSS) on the sRGB values `R, G, B / 255`:
///
/// 1. Convert to `(H, S, L)`: `L = (max + min) / 2`,
///    `S = (max - min) / (1 - |2L - 1|)` (0 for greys), `H` the hexcone hue.
/// 2. `H' = H + hue_deg` (mod 360);
///    `S' = min(1, S * (1 + saturation))`;
///    `L' = L + (1 - L) * lightness` for `lightness >= 0` (toward white),
///    `L' = L * (1 + lightness)` for `lightness < 0` (toward black).
/// 3. Convert `(H', S', L')` back to RGB, scale by 255, round (halves up)
///    and clamp.
///
/// So `saturation = -1` gives the grey of lightness `L`, `lightness = -1`
/// black and `lightness = 1` white; all three at 0 is the identity. Alpha is
/// kept. Computed in `f32` per pixel; within one level of the `f64`
/// reference.
pub fn hsl(p: &HslParams, src: &[u8], dst: &mut [u8]) {
    if p.hue_deg == 0.0 && p.saturation == 0.0 && p.lightness == 0.0 {
        dst.copy_from_slice(src);
        return;
    }
    // Hue in sextants (0..6) throughout.
    let hue_shift = p.hue_deg / 60.0;
    let sat_scale = (1.0 + p.saturation).max(0.0);
    let light = p.lightness;
    let (src_blocks, src_tail) = src.as_chunks::<{ 4 * LANES }>();
    let (dst_blocks, dst_tail) = dst.as_chunks_mut::<{ 4 * LANES }>();
    for (d, s) in dst_blocks.iter_mut().zip(src_blocks) {
        hsl_block(s, d, hue_shift, sat_scale, light);
    }
    // The last partial block: pad to a whole one and copy back.
    if !src_tail.is_empty() {
        let mut s = [0u8; 4 * LANES];
        let mut d = [0u8; 4 * LANES];
        s[..src_tail.len()].copy_from_slice(src_tail);
        hsl_block(&s, &mut d, hue_shift, sat_scale, light);
        let n = dst_tail.len();
        dst_tail.copy_from_slice(&d[..n]);
    }
}

/// Pixels per block of [`hsl_block`].
const LANES: usize = 8;

/// [`hsl`] on `LANES` pixels: each step runs over all lanes in turn, which
/// the compiler turns into SIMD. `hue_shift` in sextants,
/// `sat_scale = 1 + saturation`.
#[inline]
fn hsl_block(
    src: &[u8; 4 * LANES],
    dst: &mut [u8; 4 * LANES],
    hue_shift: f32,
    sat_scale: f32,
    light: f32,
) {
    const INV_255: f32 = 1.0 / 255.0;
    let mut r = [0f32; LANES];
    let mut g = [0f32; LANES];
    let mut b = [0f32; LANES];
    for i in 0..LANES {
        r[i] = f32::from(src[4 * i]) * INV_255;
        g[i] = f32::from(src[4 * i + 1]) * INV_255;
        b[i] = f32::from(src[4 * i + 2]) * INV_255;
    }
    let mut out = [[0f32; LANES]; 3];
    for i in 0..LANES {
        let [ro, go, bo] = hsl_pixel(r[i], g[i], b[i], hue_shift, sat_scale, light);
        out[0][i] = ro;
        out[1][i] = go;
        out[2][i] = bo;
    }
    for i in 0..LANES {
        // `as u8` saturates, so this rounds halves up and clamps.
        dst[4 * i] = (out[0][i] * 255.0 + 0.5) as u8;
        dst[4 * i + 1] = (out[1][i] * 255.0 + 0.5) as u8;
        dst[4 * i + 2] = (out[2][i] * 255.0 + 0.5) as u8;
        dst[4 * i + 3] = src[4 * i + 3];
    }
}

/// One pixel of [`hsl`], channels in and out in `0..=1`: `hue_shift` in sextants,
/// `sat_scale = 1 + s`.
///
/// Written without data-dependent branches (only selects, `min` and `max`)
/// so that noisy images do not pay for mispredictions and the loop can be
/// vectorised.
#[inline]
fn hsl_pixel(r: f32, g: f32, b: f32, hue_shift: f32, sat_scale: f32, light: f32) -> [f32; 3] {
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let sum = max + min;
    let l = 0.5 * sum;
    let delta = max - min;

    // RGB -> HSL. For greys delta is 0, so S = 0 (and H, irrelevant then,
    // comes out as 0); the `max` guards only keep 0 / 0 out.
    let denom = if l <= 0.5 { sum } else { 2.0 - sum };
    let s = delta / denom.max(f32::MIN_POSITIVE);
    let numer = if max == r {
        g - b // hue -1..=1
    } else if max == g {
        (b - r) + 2.0 * delta // 1..=3
    } else {
        (r - g) + 4.0 * delta // 3..=5
    };
    let h = numer / delta.max(f32::MIN_POSITIVE);

    // Adjust. h is in -1..5 and the shift in -3..=3, so one wrap suffices.
    let h = h + hue_shift;
    let h = if h < 0.0 { h + 6.0 } else { h };
    let h = if h >= 6.0 { h - 6.0 } else { h };
    let s = (s * sat_scale).min(1.0);
    let l = if light >= 0.0 {
        l + (1.0 - l) * light
    } else {
        l * (1.0 + light)
    };

    // HSL -> RGB, in the min/max form of the hexcone: channel n (R 0, G 8,
    // B 4) is L - a * clamp(min(k - 3, 9 - k), -1, 1) with
    // k = (n + 2H) mod 12 (H in sextants) and a = S * min(L, 1 - L), half
    // the chroma.
    let a = s * l.min(1.0 - l);
    let h2 = 2.0 * h;
    let channel = |n: f32| {
        let k = n + h2;
        let k = if k >= 12.0 { k - 12.0 } else { k };
        l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)
    };
    [channel(0.0), channel(8.0), channel(4.0)]
}
