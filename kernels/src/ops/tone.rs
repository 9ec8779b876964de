//! Tone adjustments built on level tables: levels (and auto levels), curves,
//! temperature/tint and posterize, plus threshold.
//!
//! Each takes `src` and `dst` of equal length (whole RGBA pixels) and keeps
//! alpha unchanged. The table-based ops build 256-entry tables once per call
//! from the exact `f64` formula in their doc comment (rounded half away from
//! zero, clamped to `0..=255`) and map R, G and B through them, so they cost
//! the same as any other table op. The matrix-like colour ops (vibrance,
//! sepia, channel mixer, black & white) are in [`super::tone_matrix`].

use super::adjust::{apply_rgb_luts, build_lut, linear_to_srgb, srgb_to_linear};
use super::curve::MonotoneCurve;
use crate::histogram::Histogram;
use crate::registry::PointStage;
use crate::spec::{
    CurvesParams, LevelsParams, PosterizeParams, TemperatureTintParams, ThresholdParams,
};

/// The level table of `levels`: for each level `v`,
/// `t = clamp((v - black) / (white - black), 0, 1)` and
/// `v' = round(out_black + (out_white - out_black) * t^(1 / gamma))`.
pub fn levels_lut(p: &LevelsParams) -> [u8; 256] {
    build_lut(levels_curve(p))
}

/// The level map of [`levels`], unrounded.
fn levels_curve(p: &LevelsParams) -> impl Fn(f64) -> f64 + use<> {
    let black = f64::from(p.black);
    // Validated parameters have white > black; the max only keeps a
    // division by zero out of unvalidated ones.
    let span = (f64::from(p.white) - black).max(1.0);
    let inv_gamma = 1.0 / f64::from(p.gamma);
    let out_black = f64::from(p.out_black);
    let out_span = f64::from(p.out_white) - out_black;
    move |v| {
        let t = ((v - black) / span).clamp(0.0, 1.0);
        out_black + out_span * t.powf(inv_gamma)
    }
}

/// [`levels`] as a point stage, for fused runs.
pub fn levels_stage(p: &LevelsParams) -> PointStage {
    PointStage::tone(levels_curve(p))
}

/// Levels, the same table ([`levels_lut`]) for R, G and B; alpha is kept.
pub fn levels(p: &LevelsParams, src: &[u8], dst: &mut [u8]) {
    let lut = levels_lut(p);
    apply_rgb_luts([&lut, &lut, &lut], src, dst);
}

/// Levels that stretch the luma histogram of `pixels` (RGBA) to full range:
/// `black` is the lowest level with more than `clip_fraction` of the
/// counted pixels at or below it, `white` the highest level with more than
/// `clip_fraction` at or above it; gamma 1, output 0..=255.
///
/// Fully transparent pixels are not counted (see
/// [`Histogram::of_pixels`]). `clip_fraction` is clamped to `0..=0.5`
/// (NaN counts as 0); e.g. 0.005 clips half a percent at each end. An image
/// with no counted pixels, or with fewer than two levels left between the
/// clip points, gets [`LevelsParams::IDENTITY`]. The result always
/// validates.
pub fn auto_levels(pixels: &[u8], clip_fraction: f32) -> LevelsParams {
    auto_levels_from(&Histogram::of_pixels(pixels), clip_fraction)
}

/// [`auto_levels`] from a histogram already computed (its `luma` counts).
pub fn auto_levels_from(hist: &Histogram, clip_fraction: f32) -> LevelsParams {
    let fraction = if clip_fraction.is_nan() {
        0.0
    } else {
        f64::from(clip_fraction).clamp(0.0, 0.5)
    };
    let total: u64 = hist.luma.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        return LevelsParams::IDENTITY;
    }
    // Pixels that may be clipped at each end.
    let clip = (fraction * total as f64).floor() as u64;
    let first_past = |counts: &mut dyn Iterator<Item = (usize, &u32)>| {
        let mut seen = 0u64;
        for (level, &c) in counts {
            seen += u64::from(c);
            if seen > clip {
                return Some(level);
            }
        }
        None
    };
    let black = first_past(&mut hist.luma.iter().enumerate());
    let white = first_past(&mut hist.luma.iter().enumerate().rev());
    match (black, white) {
        (Some(black), Some(white)) if white > black => LevelsParams {
            black: black as u8,
            white: white as u8,
            ..LevelsParams::IDENTITY
        },
        _ => LevelsParams::IDENTITY,
    }
}

/// The three level tables of `curves`: for channel `c` (R, G, B) and level
/// `v`, `round(255 * rgb(curve_c(v / 255)))`, where the channel curve's
/// output is passed on unrounded. Each curve is a [`MonotoneCurve`].
pub fn curves_luts(p: &CurvesParams) -> [[u8; 256]; 3] {
    curves_maps(p).map(build_lut)
}

/// The level maps of [`curves`] for R, G and B, unrounded.
fn curves_maps(p: &CurvesParams) -> [impl Fn(f64) -> f64 + use<>; 3] {
    let rgb = MonotoneCurve::new(&p.rgb);
    [&p.red, &p.green, &p.blue].map(|points| {
        let channel = MonotoneCurve::new(points);
        let rgb = rgb.clone();
        move |v: f64| 255.0 * rgb.eval(channel.eval(v / 255.0))
    })
}

/// [`curves`] as a point stage, for fused runs.
pub fn curves_stage(p: &CurvesParams) -> PointStage {
    let [r, g, b] = curves_maps(p);
    PointStage::tones(r, g, b)
}

/// Curves: each channel through its own curve, then the `rgb` curve, as one
/// table per channel ([`curves_luts`]); alpha is kept.
pub fn curves(p: &CurvesParams, src: &[u8], dst: &mut [u8]) {
    let [r, g, b] = curves_luts(p);
    apply_rgb_luts([&r, &g, &b], src, dst);
}

/// Strength of `temperature` at ±1: the linear-light gain of red and blue
/// moves by this much.
pub const TEMPERATURE_GAIN: f64 = 0.4;
/// Strength of `tint` at ±1: the linear-light gain of green moves by this
/// much.
pub const TINT_GAIN: f64 = 0.3;

/// The linear-light gains `[red, green, blue]` of `temperature_tint`:
/// `1 + 0.4 t`, `1 - 0.3 m`, `1 - 0.4 t` for temperature `t` and tint `m`.
pub fn temperature_tint_gains(p: &TemperatureTintParams) -> [f64; 3] {
    let t = f64::from(p.temperature);
    let m = f64::from(p.tint);
    [
        1.0 + TEMPERATURE_GAIN * t,
        1.0 - TINT_GAIN * m,
        1.0 - TEMPERATURE_GAIN * t,
    ]
}

/// Linear light below which a channel of a picked colour is too dark to
/// judge its cast (about level 10 of 255).
pub const MIN_PICK_LINEAR: f64 = 0.003;

/// What [`neutral_temperature_tint`] found for a picked colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WhiteBalancePick {
    /// The parameters that make the colour neutral (as far as they reach).
    pub params: TemperatureTintParams,
    /// False when a parameter had to stop at its limit, so the colour is
    /// only closer to neutral.
    pub exact: bool,
}

/// The `temperature_tint` that turns the colour `rgb` (sRGB levels,
/// `0..=255`, e.g. the mean of a few pixels) neutral: in linear light the
/// gains of [`temperature_tint_gains`] must bring the channels level,
/// `(1 + 0.4 t) R = (1 - 0.4 t) B`, so `t = (B - R) / (0.4 (R + B))`, and
/// `(1 - 0.3 m) G = (1 + 0.4 t) R`, so `m = (1 - (1 + 0.4 t) R / G) / 0.3`;
/// each clamped to `-1..=1`. `None` when a channel is too dark to judge
/// ([`MIN_PICK_LINEAR`]).
pub fn neutral_temperature_tint(rgb: [f64; 3]) -> Option<WhiteBalancePick> {
    let [r, g, b] = rgb.map(|v| srgb_to_linear((v / 255.0).clamp(0.0, 1.0)));
    if r.min(g).min(b) < MIN_PICK_LINEAR {
        return None;
    }
    let t = (b - r) / (TEMPERATURE_GAIN * (r + b));
    let tc = t.clamp(-1.0, 1.0);
    let m = (1.0 - (1.0 + TEMPERATURE_GAIN * tc) * r / g) / TINT_GAIN;
    let mc = m.clamp(-1.0, 1.0);
    Some(WhiteBalancePick {
        params: TemperatureTintParams {
            temperature: tc as f32,
            tint: mc as f32,
        },
        exact: t == tc && m == mc,
    })
}

/// Temperature and tint: each channel `v` is scaled in linear light by its
/// gain `g` ([`temperature_tint_gains`]):
/// `v' = round(255 * srgb(min(1, linear(v / 255) * g)))` with the sRGB
/// transfer functions of [`super::adjust`]. Warmer raises red and lowers
/// blue, magenta lowers green. Alpha is kept.
pub fn temperature_tint(p: &TemperatureTintParams, src: &[u8], dst: &mut [u8]) {
    let [r, g, b] = temperature_tint_maps(p).map(build_lut);
    apply_rgb_luts([&r, &g, &b], src, dst);
}

/// The level maps of [`temperature_tint`] for R, G and B, unrounded.
fn temperature_tint_maps(p: &TemperatureTintParams) -> [impl Fn(f64) -> f64 + use<>; 3] {
    temperature_tint_gains(p)
        .map(|gain| move |v: f64| 255.0 * linear_to_srgb(srgb_to_linear(v / 255.0) * gain))
}

/// [`temperature_tint`] as a point stage, for fused runs.
pub fn temperature_tint_stage(p: &TemperatureTintParams) -> PointStage {
    let [r, g, b] = temperature_tint_maps(p);
    PointStage::tones(r, g, b)
}

/// The level table of `posterize` with `n` levels (2..=255; smaller values
/// are treated as 2): `q = round(v (n - 1) / 255)`, `v' = round(q 255 / (n
/// - 1))`, in exact integer arithmetic (halves round up).
pub fn posterize_lut(n: u8) -> [u8; 256] {
    let steps = u32::from(n.max(2)) - 1;
    std::array::from_fn(|v| {
        let q = (2 * v as u32 * steps + 255) / 510;
        ((2 * q * 255 + steps) / (2 * steps)) as u8
    })
}

/// [`posterize`] as a point stage, for fused runs: on an unrounded level
/// `v`, `q = round(v (n - 1) / 255)` (halves up) and `q 255 / (n - 1)`,
/// unrounded.
pub fn posterize_stage(p: &PosterizeParams) -> PointStage {
    let steps = f64::from(p.levels.max(2) - 1);
    PointStage::tone(move |v| (v * steps / 255.0 + 0.5).floor() * 255.0 / steps)
}

/// Posterize: R, G and B through [`posterize_lut`]; alpha is kept.
pub fn posterize(p: &PosterizeParams, src: &[u8], dst: &mut [u8]) {
    let lut = posterize_lut(p.levels);
    apply_rgb_luts([&lut, &lut, &lut], src, dst);
}

/// [`threshold`] as a point stage, for fused runs: white where the luma of
/// the unrounded levels is at least `level`.
pub fn threshold_stage(p: &ThresholdParams) -> PointStage {
    let limit = f32::from(p.level);
    PointStage::per_pixel(move |[r, g, b]| {
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let v = if y >= limit { 255.0 } else { 0.0 };
        [v, v, v]
    })
}

/// Threshold: white where the Rec. 709 luma `0.2126 R + 0.7152 G + 0.0722 B`
/// (unrounded) is at least `level`, black elsewhere; alpha is kept.
///
/// Exact: compared as `2126 R + 7152 G + 722 B >= 10000 level` in integers.
pub fn threshold(p: &ThresholdParams, src: &[u8], dst: &mut [u8]) {
    let limit = 10_000 * u32::from(p.level);
    let (src_px, _) = src.as_chunks::<4>();
    let (dst_px, _) = dst.as_chunks_mut::<4>();
    for (d, s) in dst_px.iter_mut().zip(src_px) {
        let w = u32::from_le_bytes(*s);
        let luma = 2126 * (w & 0xFF) + 7152 * ((w >> 8) & 0xFF) + 722 * ((w >> 16) & 0xFF);
        let white = u32::from(luma >= limit).wrapping_neg() & 0x00FF_FFFF;
        *d = (white | (w & 0xFF00_0000)).to_le_bytes();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posterize_lut_is_even_and_exact() {
        let lut = posterize_lut(2);
        assert!(lut[..128].iter().all(|&v| v == 0));
        assert!(lut[128..].iter().all(|&v| v == 255));
        // 255 levels, 255/254 apart: one level of 256 is lost, none moves
        // by more than one.
        let lut = posterize_lut(255);
        assert!(
            lut.iter()
                .enumerate()
                .all(|(v, &o)| o.abs_diff(v as u8) <= 1)
        );
        let distinct: std::collections::BTreeSet<u8> = lut.iter().copied().collect();
        assert_eq!(distinct.len(), 255);
        // Four levels: 0, 85, 170, 255.
        let lut = posterize_lut(4);
        assert_eq!(
            (lut[0], lut[42], lut[43], lut[127], lut[128]),
            (0, 0, 85, 85, 170)
        );
        assert_eq!((lut[212], lut[213], lut[255]), (170, 255, 255));
    }

    #[test]
    fn levels_lut_identity_and_points() {
        let id = levels_lut(&LevelsParams::IDENTITY);
        assert!(id.iter().enumerate().all(|(v, &o)| usize::from(o) == v));
        let p = LevelsParams {
            black: 50,
            white: 100,
            gamma: 1.0,
            out_black: 10,
            out_white: 20,
        };
        let lut = levels_lut(&p);
        assert_eq!(
            (lut[0], lut[50], lut[75], lut[100], lut[255]),
            (10, 10, 15, 20, 20)
        );
    }
}
