//! Per-pixel colour operations: grayscale, hue/saturation/lightness.
//!
//! Both take `src` and `dst` of equal length (whole RGBA pixels), work on
//! the sRGB-encoded values as they are (no linearisation) and keep alpha
//! unchanged.

use super::simd::{CpuLevel, floor_level, max_sel, min_sel, with_avx2};
use crate::registry::PointStage;
use crate::spec::{GrayscaleParams, HslParams};

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

/// [`grayscale`] as a point stage, for fused runs: the Rec. 709 luma of
/// the unrounded levels.
pub fn grayscale_stage(_: &GrayscaleParams) -> PointStage {
    PointStage::per_pixel(|[r, g, b]| {
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        [y, y, y]
    })
}

/// [`hsl`] as a point stage, for fused runs (the same `f32` formula on
/// unrounded levels).
pub fn hsl_stage(p: &HslParams) -> PointStage {
    let adj = HslAdjust {
        hue_shift: p.hue_deg / 60.0,
        sat_scale: (1.0 + p.saturation).max(0.0),
        light: p.lightness,
    };
    PointStage::per_pixel(move |[r, g, b]| {
        const INV_255: f32 = 1.0 / 255.0;
        hsl_lane(r * INV_255, g * INV_255, b * INV_255, &adj).map(|c| c * 255.0)
    })
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
    hsl_with_level(CpuLevel::detected(), p, src, dst);
}

/// [`hsl`] at a given [`CpuLevel`] (same result at every level).
pub fn hsl_with_level(level: CpuLevel, p: &HslParams, src: &[u8], dst: &mut [u8]) {
    if p.hue_deg == 0.0 && p.saturation == 0.0 && p.lightness == 0.0 {
        dst.copy_from_slice(src);
        return;
    }
    let adjust = HslAdjust {
        // Hue in sextants (0..6) throughout.
        hue_shift: p.hue_deg / 60.0,
        sat_scale: (1.0 + p.saturation).max(0.0),
        light: p.lightness,
    };
    with_avx2(level, || {
        let (src_blocks, src_tail) = src.as_chunks::<{ 4 * LANES }>();
        let (dst_blocks, dst_tail) = dst.as_chunks_mut::<{ 4 * LANES }>();
        for (d, s) in dst_blocks.iter_mut().zip(src_blocks) {
            hsl_block(s, d, &adjust);
        }
        // The last partial block: pad to a whole one and copy back.
        if !src_tail.is_empty() {
            let mut s = [0u8; 4 * LANES];
            let mut d = [0u8; 4 * LANES];
            s[..src_tail.len()].copy_from_slice(src_tail);
            hsl_block(&s, &mut d, &adjust);
            let n = dst_tail.len();
            dst_tail.copy_from_slice(&d[..n]);
        }
    });
}

/// The adjustment of [`hsl`]: `hue_shift` in sextants,
/// `sat_scale = 1 + saturation`, `light` the lightness change.
#[derive(Clone, Copy)]
struct HslAdjust {
    hue_shift: f32,
    sat_scale: f32,
    light: f32,
}

/// Pixels per block of [`hsl_block`].
const LANES: usize = 16;

/// [`hsl`] on `LANES` pixels. Every step is a plain loop over the lanes
/// with selects instead of branches, which the compiler turns into SIMD
/// (8 lanes with AVX2).
#[inline(always)]
fn hsl_block(src: &[u8; 4 * LANES], dst: &mut [u8; 4 * LANES], adj: &HslAdjust) {
    const INV_255: f32 = 1.0 / 255.0;
    // Whole pixel words, channels taken out by shifts and masks: loads
    // and stores that vectorise without byte shuffles.
    let (src_px, _) = src.as_chunks::<4>();
    let (dst_px, _) = dst.as_chunks_mut::<4>();
    for (d, s) in dst_px.iter_mut().zip(src_px) {
        let w = u32::from_le_bytes(*s);
        let c = |shift: u32| ((w >> shift) & 0xFF) as i32 as f32 * INV_255;
        let [r, g, b] = hsl_lane(c(0), c(8), c(16), adj);
        let word = to_level(r) | (to_level(g) << 8) | (to_level(b) << 16) | (w & 0xFF00_0000);
        *d = word.to_le_bytes();
    }
}

/// A channel in `0..=1` to a level: `floor(v * 255 + 0.5)` clamped to
/// `0..=255`, what a saturating `as u8` cast of `v * 255 + 0.5` gives.
#[inline(always)]
fn to_level(v: f32) -> u32 {
    floor_level(min_sel(max_sel(v * 255.0 + 0.5, 0.0), 255.0))
}

/// One pixel of [`hsl`], channels in and out in `0..=1`.
///
/// Without data-dependent branches (only selects, minima and maxima), so
/// that noisy images do not pay for mispredictions and a block of pixels
/// vectorises. RGB to HSL: `L = (max + min) / 2`, `S = delta / (L <= 0.5 ?
/// max + min : 2 - max - min)`, hue in sextants from whichever channel is
/// largest. HSL to RGB in the min/max form of the hexcone: channel n (R 0,
/// G 8, B 4) is `L - a * clamp(min(k - 3, 9 - k), -1, 1)` with
/// `k = (n + 2H) mod 12` and `a = S * min(L, 1 - L)`, half the chroma.
#[inline(always)]
fn hsl_lane(r: f32, g: f32, b: f32, adj: &HslAdjust) -> [f32; 3] {
    let max = max_sel(max_sel(r, g), b);
    let min = min_sel(min_sel(r, g), b);
    let sum = max + min;
    let l = 0.5 * sum;
    let delta = max - min;
    let denom = if l <= 0.5 { sum } else { 2.0 - sum };
    let s = delta / max_sel(denom, f32::MIN_POSITIVE);
    let numer_r = g - b;
    let numer_g = (b - r) + 2.0 * delta;
    let numer_b = (r - g) + 4.0 * delta;
    let numer = if max == r {
        numer_r
    } else if max == g {
        numer_g
    } else {
        numer_b
    };
    let h = numer / max_sel(delta, f32::MIN_POSITIVE);
    let h = h + adj.hue_shift;
    let h = if h < 0.0 { h + 6.0 } else { h };
    let h = if h >= 6.0 { h - 6.0 } else { h };
    let s = min_sel(s * adj.sat_scale, 1.0);
    let l = if adj.light >= 0.0 {
        l + (1.0 - l) * adj.light
    } else {
        l * (1.0 + adj.light)
    };
    let a = s * min_sel(l, 1.0 - l);
    let h2 = 2.0 * h;
    let channel = |n: f32| {
        let k = n + h2;
        let k = if k >= 12.0 { k - 12.0 } else { k };
        l - a * min_sel(max_sel(min_sel(k - 3.0, 9.0 - k), -1.0), 1.0)
    };
    [channel(0.0), channel(8.0), channel(4.0)]
}
