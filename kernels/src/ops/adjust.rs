//! Per-pixel tone adjustments: invert, brightness/contrast, exposure, gamma.
//!
//! Each takes `src` and `dst` of equal length (whole RGBA pixels) and keeps
//! alpha unchanged. Apart from [`invert`], each builds a 256-entry lookup
//! table once per call (a few microseconds) from the exact `f64` formula in
//! its doc comment, rounded half away from zero and clamped to `0..=255`,
//! then maps R, G and B of every pixel through it. The formulas are the same
//! as the ones in [`crate::reference::point`].

use super::simd::{CpuLevel, with_avx2};
use crate::registry::PointStage;
use crate::spec::{BrightnessContrastParams, ExposureParams, GammaParams, InvertParams};

/// Largest contrast factor: `contrast = 1` gives a hard threshold at 127.5.
pub const MAX_CONTRAST_FACTOR: f64 = 255.0;

/// Rounds a level to the nearest integer (halves away from zero) and clamps
/// it to `0..=255`.
pub(crate) fn to_level(v: f64) -> u8 {
    // `as` saturates, and NaN (not reachable with validated parameters)
    // becomes 0.
    v.round().clamp(0.0, 255.0) as u8
}

/// Builds the table `lut[v] = to_level(f(v))` for every level `v`.
pub(crate) fn build_lut(f: impl Fn(f64) -> f64) -> [u8; 256] {
    let mut lut = [0u8; 256];
    for (v, out) in lut.iter_mut().enumerate() {
        *out = to_level(f(v as f64));
    }
    lut
}

/// Maps R, G and B of every pixel through `lut`, copying alpha.
fn apply_lut(lut: &[u8; 256], src: &[u8], dst: &mut [u8]) {
    apply_rgb_luts([lut, lut, lut], src, dst);
}

/// Maps R through `luts[0]`, G through `luts[1]` and B through `luts[2]`,
/// copying alpha.
///
/// Large buffers go through [`PairLut`] (two lookups a pixel), small ones
/// through [`ShiftedLut`] (three lookups, but 3 KiB of tables instead of 256 KiB,
/// so much cheaper to build).
pub(crate) fn apply_rgb_luts(luts: [&[u8; 256]; 3], src: &[u8], dst: &mut [u8]) {
    if src.len() / 4 >= PAIR_LUT_MIN_PIXELS {
        PairLut::new(luts).apply(src, dst);
    } else {
        ShiftedLut::new(luts).apply(src, dst);
    }
}

/// A level table that is exactly a clamped affine map in fixed point,
/// `lut[v] = clamp((v * a + b) >> shift, 0, 255)` (arithmetic shift), so
/// that it can be computed with vector integer arithmetic instead of table
/// lookups. Brightness/contrast tables have this form up to the rounding of
/// `a` and `b`; [`Affine::fit`] checks all 256 entries, so the result is
/// bit-identical to the table.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Affine {
    a: i32,
    b: i32,
    shift: u32,
}

impl Affine {
    /// Finds `a`, `b` and `shift` that reproduce `lut` exactly, given that
    /// it was built from the line `slope * v + intercept` (rounded, clamped),
    /// with `|v * a + b| < 2^30` for every level. `None` if no candidate near
    /// the line matches every entry (then the table is used as it is).
    fn fit(lut: &[u8; 256], slope: f64, intercept: f64) -> Option<Self> {
        if !slope.is_finite() || !intercept.is_finite() {
            return None;
        }
        for shift in (8..=16).rev() {
            let one = f64::from(1u32 << shift);
            let a0 = (slope * one).round();
            let b0 = ((intercept + 0.5) * one).round();
            if a0.abs() * 255.0 + b0.abs() + 4.0 >= f64::from(1u32 << 30) {
                continue;
            }
            for da in [0.0, -1.0, 1.0] {
                for db in [0.0, -1.0, 1.0, -2.0, 2.0] {
                    let t = Self {
                        a: (a0 + da) as i32,
                        b: (b0 + db) as i32,
                        shift,
                    };
                    if (0..256).all(|v| t.map(v as u32) == u32::from(lut[v])) {
                        return Some(t);
                    }
                }
            }
        }
        None
    }

    /// One level through the line, clamped.
    #[inline(always)]
    fn map(self, v: u32) -> u32 {
        ((v as i32 * self.a + self.b) >> self.shift).clamp(0, 255) as u32
    }

    fn apply(self, level: CpuLevel, src: &[u8], dst: &mut [u8]) {
        with_avx2(level, || {
            let (src_px, _) = src.as_chunks::<4>();
            let (dst_px, _) = dst.as_chunks_mut::<4>();
            for (d, s) in dst_px.iter_mut().zip(src_px) {
                let w = u32::from_le_bytes(*s);
                let r = self.map(w & 0xFF);
                let g = self.map((w >> 8) & 0xFF);
                let b = self.map((w >> 16) & 0xFF);
                *d = (r | (g << 8) | (b << 16) | (w & 0xFF00_0000)).to_le_bytes();
            }
        });
    }
}

/// Pixels from which [`apply_lut`] builds a [`PairLut`]: its 256 KiB of
/// tables take some tens of microseconds to fill, which pays off only on
/// buffers this large (1 MiB of pixels and up).
const PAIR_LUT_MIN_PIXELS: usize = 1 << 18;

/// Level tables over pairs of bytes, which map a whole pixel with two
/// lookups: `rg[R | G << 8] = lut_r[R] | lut_g[G] << 8` and
/// `ba[B | A << 8] = lut_b[B] | A << 8` (alpha passes through).
struct PairLut {
    rg: Box<PairTable>,
    ba: Box<PairTable>,
}

/// One table of [`PairLut`], indexed by a little-endian `u16`.
type PairTable = [u16; 1 << 16];

impl PairLut {
    fn new([lut_r, lut_g, lut_b]: [&[u8; 256]; 3]) -> Self {
        let mut rg = zeroed_pair_table();
        let mut ba = zeroed_pair_table();
        let rows = rg.chunks_exact_mut(256).zip(ba.chunks_exact_mut(256));
        for (high, (&mapped_g, (rg_row, ba_row))) in (0u16..).zip(lut_g.iter().zip(rows)) {
            let mapped_g = u16::from(mapped_g) << 8;
            for (((rg_out, ba_out), &mapped_r), &mapped_b) in
                rg_row.iter_mut().zip(ba_row).zip(lut_r).zip(lut_b)
            {
                *rg_out = u16::from(mapped_r) | mapped_g;
                *ba_out = u16::from(mapped_b) | (high << 8);
            }
        }
        Self { rg, ba }
    }

    /// Maps one little-endian pixel word.
    #[inline(always)]
    fn map(&self, w: u32) -> u32 {
        // Indices from `u16` are below the tables' length: no bounds checks.
        let rg = self.rg[usize::from(w as u16)];
        let ba = self.ba[usize::from((w >> 16) as u16)];
        u32::from(rg) | (u32::from(ba) << 16)
    }

    fn apply(&self, src: &[u8], dst: &mut [u8]) {
        // Not under `with_avx2`: with AVX2 the lookups become gathers,
        // which are slower than scalar loads on many CPUs.
        let (src_px, _) = src.as_chunks::<4>();
        let (dst_px, _) = dst.as_chunks_mut::<4>();
        for (d, s) in dst_px.iter_mut().zip(src_px) {
            *d = self.map(u32::from_le_bytes(*s)).to_le_bytes();
        }
    }
}

/// A zeroed [`PairTable`] on the heap, never on the stack.
fn zeroed_pair_table() -> Box<PairTable> {
    match vec![0u16; 1 << 16].into_boxed_slice().try_into() {
        Ok(table) => table,
        Err(_) => unreachable!("the vector has the table's length"),
    }
}

/// Level tables as three `u32` tables, one per colour channel,
/// each entry already shifted to its channel's byte of a little-endian RGBA
/// word (R bits 0..8, G 8..16, B 16..24), so a pixel is three lookups ORed
/// together with its alpha. All indices are `u8`, so the 256-entry tables
/// need no bounds checks.
struct ShiftedLut {
    r: [u32; 256],
    g: [u32; 256],
    b: [u32; 256],
}

impl ShiftedLut {
    fn new([lut_r, lut_g, lut_b]: [&[u8; 256]; 3]) -> Self {
        Self {
            r: lut_r.map(u32::from),
            g: lut_g.map(|v| u32::from(v) << 8),
            b: lut_b.map(|v| u32::from(v) << 16),
        }
    }

    /// Maps R, G and B of one pixel word, keeping alpha (the top byte).
    #[inline(always)]
    fn map(&self, w: u32) -> u32 {
        self.r[usize::from(w as u8)]
            | self.g[usize::from((w >> 8) as u8)]
            | self.b[usize::from((w >> 16) as u8)]
            | (w & 0xFF00_0000)
    }

    fn apply(&self, src: &[u8], dst: &mut [u8]) {
        let (src_px, _) = src.as_chunks::<4>();
        let (dst_px, _) = dst.as_chunks_mut::<4>();
        for (d, s) in dst_px.iter_mut().zip(src_px) {
            *d = self.map(u32::from_le_bytes(*s)).to_le_bytes();
        }
    }
}

/// Inverts R, G and B: `v' = 255 - v`; alpha is kept.
pub fn invert(src: &[u8], dst: &mut [u8]) {
    invert_with_level(CpuLevel::detected(), src, dst);
}

/// [`invert`] at a given [`CpuLevel`] (same result at every level).
pub fn invert_with_level(level: CpuLevel, src: &[u8], dst: &mut [u8]) {
    with_avx2(level, || {
        let (src_px, _) = src.as_chunks::<4>();
        let (dst_px, _) = dst.as_chunks_mut::<4>();
        for (d, s) in dst_px.iter_mut().zip(src_px) {
            // R, G, B are the low three bytes of the little-endian word.
            *d = (u32::from_le_bytes(*s) ^ 0x00FF_FFFF).to_le_bytes();
        }
    });
}

/// The contrast factor for `contrast` in -1..=1: `(1 + c) / (1 - c)`,
/// capped at [`MAX_CONTRAST_FACTOR`] (so `c = 1` is a threshold and `c = -1`
/// gives 0, flat grey).
pub fn contrast_factor(contrast: f32) -> f64 {
    let c = f64::from(contrast);
    if c >= 1.0 {
        return MAX_CONTRAST_FACTOR;
    }
    ((1.0 + c) / (1.0 - c)).clamp(0.0, MAX_CONTRAST_FACTOR)
}

/// Brightness and contrast, per channel `v` in 0..=255:
///
/// `v' = round((v - 127.5) * f + 127.5 + 255 * brightness)`, clamped to
/// `0..=255`, with `f = min((1 + contrast) / (1 - contrast), 255)` (see
/// [`contrast_factor`]). Contrast is applied first, around mid-grey 127.5,
/// then brightness is added as a fraction of full scale. `contrast = -1`
/// gives flat grey (128 at brightness 0), `contrast = 1` a threshold
/// (0..=127 to 0, 128..=255 to 255). Alpha is kept.
pub fn brightness_contrast(p: &BrightnessContrastParams, src: &[u8], dst: &mut [u8]) {
    brightness_contrast_with_level(CpuLevel::detected(), p, src, dst);
}

/// [`brightness_contrast`] at a given [`CpuLevel`] (same result at every
/// level).
pub fn brightness_contrast_with_level(
    level: CpuLevel,
    p: &BrightnessContrastParams,
    src: &[u8],
    dst: &mut [u8],
) {
    let f = contrast_factor(p.contrast);
    let offset = 127.5 + 255.0 * f64::from(p.brightness);
    let lut = build_lut(brightness_contrast_curve(p));
    match Affine::fit(&lut, f, offset - 127.5 * f) {
        Some(line) => line.apply(level, src, dst),
        None => apply_lut(&lut, src, dst),
    }
}

/// The level map of [`brightness_contrast`], unrounded.
fn brightness_contrast_curve(p: &BrightnessContrastParams) -> impl Fn(f64) -> f64 + use<> {
    let f = contrast_factor(p.contrast);
    let offset = 127.5 + 255.0 * f64::from(p.brightness);
    move |v| (v - 127.5) * f + offset
}

/// [`invert`] as a point stage, for fused runs.
pub fn invert_stage(_: &InvertParams) -> PointStage {
    PointStage::tone(|v| 255.0 - v)
}

/// [`brightness_contrast`] as a point stage, for fused runs.
pub fn brightness_contrast_stage(p: &BrightnessContrastParams) -> PointStage {
    PointStage::tone(brightness_contrast_curve(p))
}

/// The sRGB transfer function inverse: encoded `0..=1` to linear light.
pub fn srgb_to_linear(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// The sRGB transfer function: linear light (clamped to `0..=1`) to encoded
/// `0..=1`.
pub fn linear_to_srgb(l: f64) -> f64 {
    let l = l.clamp(0.0, 1.0);
    if l <= 0.003_130_8 {
        12.92 * l
    } else {
        1.055 * l.powf(1.0 / 2.4) - 0.055
    }
}

/// Exposure in stops, applied in linear light, per channel `v` in 0..=255:
///
/// `v' = round(255 * srgb(min(1, linear(v / 255) * 2^stops)))`, where
/// `linear` and `srgb` are the IEC 61966-2-1 sRGB transfer functions
/// ([`srgb_to_linear`], [`linear_to_srgb`]). Alpha is kept.
pub fn exposure(p: &ExposureParams, src: &[u8], dst: &mut [u8]) {
    apply_lut(&build_lut(exposure_curve(p)), src, dst);
}

/// The level map of [`exposure`], unrounded.
fn exposure_curve(p: &ExposureParams) -> impl Fn(f64) -> f64 + use<> {
    let gain = f64::from(p.stops).exp2();
    move |v| 255.0 * linear_to_srgb(srgb_to_linear(v / 255.0) * gain)
}

/// [`exposure`] as a point stage, for fused runs.
pub fn exposure_stage(p: &ExposureParams) -> PointStage {
    PointStage::tone(exposure_curve(p))
}

/// Gamma curve, per channel `v` in 0..=255:
///
/// `v' = round(255 * (v / 255)^(1 / gamma))`; gamma > 1 brightens, gamma 1
/// is the identity. Alpha is kept.
pub fn gamma(p: &GammaParams, src: &[u8], dst: &mut [u8]) {
    apply_lut(&build_lut(gamma_curve(p)), src, dst);
}

/// The level map of [`gamma`], unrounded.
fn gamma_curve(p: &GammaParams) -> impl Fn(f64) -> f64 + use<> {
    let inv = 1.0 / f64::from(p.gamma);
    move |v| 255.0 * (v / 255.0).powf(inv)
}

/// [`gamma`] as a point stage, for fused runs.
pub fn gamma_stage(p: &GammaParams) -> PointStage {
    PointStage::tone(gamma_curve(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both table layouts agree with a plain per-byte lookup, on every
    /// `(low, high)` byte pair and arbitrary (non-monotone) tables, one per
    /// channel, so
    /// the large-buffer path is checked even where tests use small images.
    #[test]
    fn pair_and_shifted_luts_match_plain_lookup() {
        let lut: [u8; 256] = std::array::from_fn(|v| (v as u8).wrapping_mul(37) ^ 0x5A);
        let lut_g: [u8; 256] = std::array::from_fn(|v| (v as u8).wrapping_mul(91) ^ 0x13);
        let lut_b: [u8; 256] = std::array::from_fn(|v| 255 - (v as u8).wrapping_mul(5));
        let luts = [&lut, &lut_g, &lut_b];
        // Every 16-bit pattern in both halves of the pixel word.
        let src: Vec<u8> = (0..=u16::MAX)
            .flat_map(|x| {
                let [lo, hi] = x.to_le_bytes();
                [lo, hi, hi, lo]
            })
            .collect();
        let expected: Vec<u8> = src
            .chunks_exact(4)
            .flat_map(|p| {
                [
                    lut[usize::from(p[0])],
                    lut_g[usize::from(p[1])],
                    lut_b[usize::from(p[2])],
                    p[3],
                ]
            })
            .collect();
        let mut pair = vec![0; src.len()];
        PairLut::new(luts).apply(&src, &mut pair);
        assert!(pair == expected, "PairLut differs");
        let mut shifted = vec![0; src.len()];
        ShiftedLut::new(luts).apply(&src, &mut shifted);
        assert!(shifted == expected, "ShiftedLut differs");
    }

    /// Brightness/contrast tables over a grid of parameters are found to be
    /// affine (so take the arithmetic path), and the fit is exact.
    #[test]
    fn brightness_contrast_tables_fit_exactly() {
        let mut fitted = 0;
        let mut total = 0;
        for bi in -10..=10 {
            for ci in -10..=10 {
                let p = BrightnessContrastParams {
                    brightness: bi as f32 / 10.0,
                    contrast: ci as f32 / 10.0 * 0.999,
                };
                let f = contrast_factor(p.contrast);
                let offset = 127.5 + 255.0 * f64::from(p.brightness);
                let lut = build_lut(|v| (v - 127.5) * f + offset);
                total += 1;
                if let Some(t) = Affine::fit(&lut, f, offset - 127.5 * f) {
                    fitted += 1;
                    for (v, &want) in lut.iter().enumerate() {
                        assert_eq!(t.map(v as u32), u32::from(want), "{p:?} level {v}");
                    }
                }
            }
        }
        // Steep lines (contrast near 1) need a coarser fixed point, which
        // cannot always resolve a value a hair from a rounding tie; those
        // few keep the table path.
        assert!(fitted * 20 >= total * 19, "{fitted} of {total} fitted");
    }
}
