//! Reference per-pixel ops: straightforward floating-point formulas.
//!
//! Every op works in `f64`, one channel or pixel at a time, on a copy of the
//! source, rounds halves away from zero and clamps to `0..=255`. Alpha is
//! never touched. The formulas are the ones documented on the fast ops in
//! [`crate::ops::adjust`] and [`crate::ops::color`], written out
//! independently (HSL to RGB here uses the two-point `p`/`q` form rather than
//! the chroma form of the fast path).

use crate::image::RgbaImage;
use crate::spec::{BrightnessContrastParams, ExposureParams, GammaParams, HslParams};

/// Rounds to the nearest level and clamps to `0..=255`.
pub(crate) fn level(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// A copy of `src` with `f` applied to R, G and B of every pixel.
pub(crate) fn map_rgb(src: &RgbaImage, f: impl Fn([u8; 3]) -> [u8; 3]) -> RgbaImage {
    let mut out = src.clone();
    for px in out.pixels_mut().chunks_exact_mut(4) {
        let [r, g, b] = f([px[0], px[1], px[2]]);
        px[0] = r;
        px[1] = g;
        px[2] = b;
    }
    out
}

/// A copy of `src` with `f` applied to each of R, G and B separately.
fn map_channels(src: &RgbaImage, f: impl Fn(f64) -> f64) -> RgbaImage {
    map_rgb(src, |rgb| rgb.map(|v| level(f(f64::from(v)))))
}

/// Reference invert: `255 - v` on R, G and B.
pub fn invert(src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| rgb.map(|v| 255 - v))
}

/// Reference invert of one pixel's levels.
pub fn invert_px(rgb: [f64; 3]) -> [f64; 3] {
    rgb.map(|v| 255.0 - v)
}

/// Reference grayscale of one pixel's levels, unrounded.
pub fn grayscale_px([r, g, b]: [f64; 3]) -> [f64; 3] {
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    [y, y, y]
}

/// Reference grayscale: `round(0.2126 R + 0.7152 G + 0.0722 B)`.
pub fn grayscale(src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |[r, g, b]| {
        let y = level(0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b));
        [y, y, y]
    })
}

/// Reference brightness/contrast:
/// `(v - 127.5) * min((1 + c) / (1 - c), 255) + 127.5 + 255 * brightness`.
pub fn brightness_contrast(p: &BrightnessContrastParams, src: &RgbaImage) -> RgbaImage {
    map_channels(src, |v| brightness_contrast_px(p, [v; 3])[0])
}

/// Reference brightness/contrast of one pixel's levels, unrounded.
pub fn brightness_contrast_px(p: &BrightnessContrastParams, rgb: [f64; 3]) -> [f64; 3] {
    let c = f64::from(p.contrast);
    let factor = if c >= 1.0 {
        255.0
    } else {
        ((1.0 + c) / (1.0 - c)).min(255.0)
    };
    let brightness = 255.0 * f64::from(p.brightness);
    rgb.map(|v| (v - 127.5) * factor + 127.5 + brightness)
}

/// sRGB encoded (`0..=1`) to linear light.
pub(crate) fn decode_srgb(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Linear light (`0..=1`) to sRGB encoded.
pub(crate) fn encode_srgb(l: f64) -> f64 {
    if l <= 0.003_130_8 {
        12.92 * l
    } else {
        1.055 * l.powf(1.0 / 2.4) - 0.055
    }
}

/// Reference exposure: linear light times `2^stops`, clipped at white.
pub fn exposure(p: &ExposureParams, src: &RgbaImage) -> RgbaImage {
    map_channels(src, |v| exposure_px(p, [v; 3])[0])
}

/// Reference exposure of one pixel's levels, unrounded.
pub fn exposure_px(p: &ExposureParams, rgb: [f64; 3]) -> [f64; 3] {
    let gain = 2f64.powf(f64::from(p.stops));
    rgb.map(|v| {
        let linear = (decode_srgb(v / 255.0) * gain).min(1.0);
        255.0 * encode_srgb(linear)
    })
}

/// Reference gamma: `255 * (v / 255)^(1 / gamma)`.
pub fn gamma(p: &GammaParams, src: &RgbaImage) -> RgbaImage {
    map_channels(src, |v| gamma_px(p, [v; 3])[0])
}

/// Reference gamma of one pixel's levels, unrounded.
pub fn gamma_px(p: &GammaParams, rgb: [f64; 3]) -> [f64; 3] {
    let exponent = 1.0 / f64::from(p.gamma);
    rgb.map(|v| 255.0 * (v / 255.0).powf(exponent))
}

/// RGB in `0..=1` to (hue in degrees `0..360`, saturation, lightness).
pub(crate) fn rgb_to_hsl(r: f64, g: f64, b: f64) -> (f64, f64, f64) {
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let l = (max + min) / 2.0;
    if max == min {
        return (0.0, 0.0, l);
    }
    let d = max - min;
    let s = d / (1.0 - (2.0 * l - 1.0).abs());
    let h = if max == r {
        60.0 * ((g - b) / d)
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (h.rem_euclid(360.0), s, l)
}

/// One channel of HSL to RGB, `t` the hue offset in turns.
fn hue_to_channel(p: f64, q: f64, t: f64) -> f64 {
    let t = t.rem_euclid(1.0);
    if t < 1.0 / 6.0 {
        p + (q - p) * 6.0 * t
    } else if t < 0.5 {
        q
    } else if t < 2.0 / 3.0 {
        p + (q - p) * (2.0 / 3.0 - t) * 6.0
    } else {
        p
    }
}

/// (hue in degrees, saturation, lightness) to RGB in `0..=1`.
pub(crate) fn hsl_to_rgb(h: f64, s: f64, l: f64) -> (f64, f64, f64) {
    if s == 0.0 {
        return (l, l, l);
    }
    let q = if l < 0.5 {
        l * (1.0 + s)
    } else {
        l + s - l * s
    };
    let p = 2.0 * l - q;
    let t = h / 360.0;
    (
        hue_to_channel(p, q, t + 1.0 / 3.0),
        hue_to_channel(p, q, t),
        hue_to_channel(p, q, t - 1.0 / 3.0),
    )
}

/// Reference hue/saturation/lightness: HSL hexcone model, hue rotated by
/// `hue_deg`, saturation scaled by `1 + saturation` (capped at 1), lightness
/// blended toward white (`lightness > 0`) or black (`lightness < 0`) by
/// `|lightness|`.
pub fn hsl(p: &HslParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |rgb| hsl_px(p, rgb.map(f64::from)).map(level))
}

/// Reference hue/saturation/lightness of one pixel's levels, unrounded.
pub fn hsl_px(p: &HslParams, [r, g, b]: [f64; 3]) -> [f64; 3] {
    let hue = f64::from(p.hue_deg);
    let sat = f64::from(p.saturation);
    let light = f64::from(p.lightness);
    let (h, s, l) = rgb_to_hsl(r / 255.0, g / 255.0, b / 255.0);
    let h = (h + hue).rem_euclid(360.0);
    let s = (s * (1.0 + sat)).clamp(0.0, 1.0);
    let l = if light >= 0.0 {
        l + (1.0 - l) * light
    } else {
        l * (1.0 + light)
    };
    let (r, g, b) = hsl_to_rgb(h, s, l);
    [255.0 * r, 255.0 * g, 255.0 * b]
}
