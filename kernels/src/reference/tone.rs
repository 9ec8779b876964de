//! Reference tone and colour ops: levels, curves, vibrance,
//! temperature/tint, channel mixer, black & white, sepia, posterize and
//! threshold, each a direct `f64` formula per pixel (no tables, no fixed
//! point), rounded half away from zero and clamped to `0..=255`, alpha
//! untouched. The formulas are the ones documented on the fast ops in
//! [`crate::ops::tone`] and [`crate::ops::tone_matrix`], written out
//! independently (the curve here solves for its tangents separately).

use super::point::{decode_srgb, encode_srgb};
use crate::image::RgbaImage;
use crate::spec::{
    BlackWhiteParams, ChannelMixerParams, CurvesParams, LevelsParams, PosterizeParams, SepiaParams,
    TemperatureTintParams, ThresholdParams, VibranceParams,
};

/// Rounds to the nearest level and clamps to `0..=255`.
fn level(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// A copy of `src` with `f` applied to the `f64` R, G, B of every pixel.
fn map_rgb(src: &RgbaImage, f: impl Fn([f64; 3]) -> [f64; 3]) -> RgbaImage {
    let mut out = src.clone();
    for px in out.pixels_mut().chunks_exact_mut(4) {
        let rgb = f([px[0], px[1], px[2]].map(f64::from)).map(level);
        px[..3].copy_from_slice(&rgb);
    }
    out
}

/// Reference levels.
pub fn levels(p: &LevelsParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| levels_px(p, rgb))
}

/// Reference levels of one pixel's levels, unrounded.
pub fn levels_px(p: &LevelsParams, rgb: [f64; 3]) -> [f64; 3] {
    let (lo, hi) = (f64::from(p.black), f64::from(p.white));
    let (olo, ohi) = (f64::from(p.out_black), f64::from(p.out_white));
    let g = f64::from(p.gamma);
    rgb.map(|v| {
        let t = if v <= lo {
            0.0
        } else if v >= hi {
            1.0
        } else {
            (v - lo) / (hi - lo)
        };
        olo + t.powf(1.0 / g) * (ohi - olo)
    })
}

/// A Fritsch–Carlson monotone cubic evaluated from scratch at `x`.
fn monotone_cubic(points: &[[f32; 2]], x: f64) -> f64 {
    let p: Vec<(f64, f64)> = points
        .iter()
        .map(|&[x, y]| (f64::from(x), f64::from(y)))
        .collect();
    let n = p.len();
    if x <= p[0].0 {
        return p[0].1;
    }
    if x >= p[n - 1].0 {
        return p[n - 1].1;
    }
    let slope = |k: usize| (p[k + 1].1 - p[k].1) / (p[k + 1].0 - p[k].0);
    let mut m: Vec<f64> = (0..n)
        .map(|k| {
            if k == 0 {
                slope(0)
            } else if k == n - 1 {
                slope(n - 2)
            } else if slope(k - 1) * slope(k) <= 0.0 {
                0.0
            } else {
                (slope(k - 1) + slope(k)) / 2.0
            }
        })
        .collect();
    for k in 0..n - 1 {
        let d = slope(k);
        if d == 0.0 {
            m[k] = 0.0;
            m[k + 1] = 0.0;
        } else {
            let (a, b) = (m[k] / d, m[k + 1] / d);
            let r = a.hypot(b);
            if r > 3.0 {
                m[k] = 3.0 * a * d / r;
                m[k + 1] = 3.0 * b * d / r;
            }
        }
    }
    let k = (0..n - 1).find(|&k| x < p[k + 1].0).unwrap_or(n - 2);
    let ((x0, y0), (x1, y1)) = (p[k], p[k + 1]);
    let h = x1 - x0;
    let t = (x - x0) / h;
    // Hermite basis in Bernstein-like factored form.
    let a = (1.0 + 2.0 * t) * (1.0 - t) * (1.0 - t);
    let b = t * (1.0 - t) * (1.0 - t);
    let c = t * t * (3.0 - 2.0 * t);
    let d = t * t * (t - 1.0);
    a * y0 + b * h * m[k] + c * y1 + d * h * m[k + 1]
}

/// Reference curves: each channel through its curve, then the rgb curve.
pub fn curves(p: &CurvesParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| curves_px(p, rgb))
}

/// Reference curves of one pixel's levels, unrounded.
pub fn curves_px(p: &CurvesParams, [r, g, b]: [f64; 3]) -> [f64; 3] {
    [(r, &p.red), (g, &p.green), (b, &p.blue)].map(|(v, curve)| {
        let c = monotone_cubic(curve, v / 255.0);
        255.0 * monotone_cubic(&p.rgb, c)
    })
}

/// Reference vibrance: `Y + (c - Y) (1 + amount (1 - s))`.
pub fn vibrance(p: &VibranceParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| vibrance_px(p, rgb))
}

/// Reference vibrance of one pixel's levels, unrounded.
pub fn vibrance_px(p: &VibranceParams, [r, g, b]: [f64; 3]) -> [f64; 3] {
    let amount = f64::from(p.amount);
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let s = (r.max(g).max(b) - r.min(g).min(b)) / 255.0;
    let k = 1.0 + amount * (1.0 - s);
    [r, g, b].map(|c| y + (c - y) * k)
}

/// Reference temperature/tint: linear-light gains.
pub fn temperature_tint(p: &TemperatureTintParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| temperature_tint_px(p, rgb))
}

/// Reference temperature/tint of one pixel's levels, unrounded.
pub fn temperature_tint_px(p: &TemperatureTintParams, rgb: [f64; 3]) -> [f64; 3] {
    let (t, m) = (f64::from(p.temperature), f64::from(p.tint));
    let gains = [1.0 + 0.4 * t, 1.0 - 0.3 * m, 1.0 - 0.4 * t];
    let mut out = [0.0; 3];
    for i in 0..3 {
        let lin = (decode_srgb(rgb[i] / 255.0) * gains[i]).min(1.0);
        out[i] = 255.0 * encode_srgb(lin);
    }
    out
}

/// `[R, G, B]` times a matrix (rows = outputs) plus an offset.
fn mat(rows: [[f64; 3]; 3], offset: [f64; 3], rgb: [f64; 3]) -> [f64; 3] {
    let mut out = offset;
    for i in 0..3 {
        for j in 0..3 {
            out[i] += rows[i][j] * rgb[j];
        }
    }
    out
}

/// Reference channel mixer.
pub fn channel_mixer(p: &ChannelMixerParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| channel_mixer_px(p, rgb))
}

/// Reference channel mixer of one pixel's levels, unrounded.
pub fn channel_mixer_px(p: &ChannelMixerParams, rgb: [f64; 3]) -> [f64; 3] {
    let f = |w: [f32; 3]| w.map(f64::from);
    let rows = [f(p.red), f(p.green), f(p.blue)];
    mat(rows, f(p.offset), rgb)
}

/// Reference black & white.
pub fn black_white(p: &BlackWhiteParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| black_white_px(p, rgb))
}

/// Reference black & white of one pixel's levels, unrounded.
pub fn black_white_px(p: &BlackWhiteParams, [r, g, b]: [f64; 3]) -> [f64; 3] {
    let w = [p.red, p.green, p.blue].map(f64::from);
    let y = w[0] * r + w[1] * g + w[2] * b;
    [y, y, y]
}

/// Reference sepia: `(1 - a) c + a (S c)`.
pub fn sepia(p: &SepiaParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| sepia_px(p, rgb))
}

/// Reference sepia of one pixel's levels, unrounded.
pub fn sepia_px(p: &SepiaParams, rgb: [f64; 3]) -> [f64; 3] {
    let a = f64::from(p.amount);
    let s = [
        [0.393, 0.769, 0.189],
        [0.349, 0.686, 0.168],
        [0.272, 0.534, 0.131],
    ];
    let toned = mat(s, [0.0; 3], rgb);
    [0, 1, 2].map(|i| (1.0 - a) * rgb[i] + a * toned[i])
}

/// Reference posterize: nearest of `levels` evenly spaced levels.
pub fn posterize(p: &PosterizeParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| posterize_px(p, rgb))
}

/// Reference posterize of one pixel's levels, unrounded.
pub fn posterize_px(p: &PosterizeParams, rgb: [f64; 3]) -> [f64; 3] {
    let steps = f64::from(p.levels) - 1.0;
    rgb.map(|v| (v / 255.0 * steps).round() * 255.0 / steps)
}

/// Reference threshold on unrounded Rec. 709 luma, computed exactly (in
/// ten-thousandths, which `f64` holds without error).
pub fn threshold(p: &ThresholdParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| threshold_px(p, rgb))
}

/// Reference threshold of one pixel's levels.
pub fn threshold_px(p: &ThresholdParams, [r, g, b]: [f64; 3]) -> [f64; 3] {
    let limit = f64::from(p.level) * 10_000.0;
    let y = 2126.0 * r + 7152.0 * g + 722.0 * b;
    if y >= limit { [255.0; 3] } else { [0.0; 3] }
}
