//! Reference photographic colour adjustments: the HSL mixer, written out
//! from its documented formula in `f64` (the range lookup by search, the
//! HSL conversions of [`super::point`]).

use super::point::{hsl_to_rgb, level, map_rgb, rgb_to_hsl};
use crate::image::RgbaImage;
use crate::ops::hsl_mixer::{HUE_CENTRES_DEG, HslMixerParams};

/// The value of a per-range parameter at hue `h` degrees: linear between
/// the centres around `h` (magenta to red across 360°).
fn per_range(values: &[f32; 8], h: f64) -> f64 {
    let centres: Vec<f64> = HUE_CENTRES_DEG.iter().map(|&c| f64::from(c)).collect();
    for i in 0..8 {
        let (c0, c1) = (centres[i], if i == 7 { 360.0 } else { centres[i + 1] });
        if h >= c0 && h < c1 {
            let t = (h - c0) / (c1 - c0);
            let (v0, v1) = (f64::from(values[i]), f64::from(values[(i + 1) % 8]));
            return v0 * (1.0 - t) + v1 * t;
        }
    }
    f64::from(values[0])
}

/// Reference HSL mixer ([`HslMixerParams`]).
pub fn hsl_mixer(p: &HslMixerParams, src: &RgbaImage) -> RgbaImage {
    map_rgb(src, |[r, g, b]| {
        let rgb = [r, g, b].map(|v| f64::from(v) / 255.0);
        let (h, s, l) = rgb_to_hsl(rgb[0], rgb[1], rgb[2]);
        let chroma =
            rgb.iter().copied().fold(0.0, f64::max) - rgb.iter().copied().fold(1.0, f64::min);
        let dh = per_range(&p.hue_deg, h);
        let ds = per_range(&p.saturation, h);
        let dl = per_range(&p.lightness, h);
        let h = (h + dh).rem_euclid(360.0);
        let s = (s * (1.0 + ds)).clamp(0.0, 1.0);
        let d = dl * (2.0 * chroma).min(1.0);
        let l = if d >= 0.0 {
            l + (1.0 - l) * d
        } else {
            l * (1.0 + d)
        };
        let (r, g, b) = hsl_to_rgb(h, s, l);
        [level(255.0 * r), level(255.0 * g), level(255.0 * b)]
    })
}
