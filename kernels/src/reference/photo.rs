//! Reference photographic colour adjustments, written out from their
//! documented formulas in `f64`: the HSL mixer (the range lookup by
//! search, the HSL conversions of [`super::point`]) and the 3D LUT (the
//! tetrahedron found by sorting the fractions).

use super::point::{hsl_to_rgb, level, map_rgb, rgb_to_hsl};
use crate::image::RgbaImage;
use crate::ops::cube::CubeLut;
use crate::ops::hsl_mixer::{HUE_CENTRES_DEG, HslMixerParams};
use crate::ops::lut3d::{Lut3dParams, LutInterpolation};

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

/// The lattice cell and fraction of level `v` on channel `c` of `lut`.
fn lattice(lut: &CubeLut, c: usize, v: u8) -> (usize, f64) {
    let lo = f64::from(lut.domain_min[c]);
    let hi = f64::from(lut.domain_max[c]);
    let n = lut.size as usize;
    let p = ((f64::from(v) / 255.0 - lo) / (hi - lo)).clamp(0.0, 1.0) * (n - 1) as f64;
    let i = (p.floor() as usize).min(n - 2);
    (i, p - i as f64)
}

/// The table's colour at lattice point `i` (clamped to `0..=1`).
fn corner(lut: &CubeLut, i: [usize; 3]) -> [f64; 3] {
    lut.at(i[0], i[1], i[2])
        .map(|v| f64::from(v).clamp(0.0, 1.0))
}

/// Reference 3D LUT ([`Lut3dParams`]).
pub fn lut3d(p: &Lut3dParams, src: &RgbaImage) -> RgbaImage {
    let lut = &p.lut;
    let amount = f64::from(p.amount);
    map_rgb(src, |rgb| {
        let cells = [0, 1, 2].map(|c| lattice(lut, c, rgb[c]));
        let base = cells.map(|(i, _)| i);
        let frac = cells.map(|(_, f)| f);
        let at = |d: [usize; 3]| corner(lut, [base[0] + d[0], base[1] + d[1], base[2] + d[2]]);
        let mut out = [0.0; 3];
        match p.interpolation {
            LutInterpolation::Trilinear => {
                for corner_bits in 0..8usize {
                    let d = [corner_bits & 1, (corner_bits >> 1) & 1, corner_bits >> 2];
                    let w: f64 = (0..3)
                        .map(|k| if d[k] == 1 { frac[k] } else { 1.0 - frac[k] })
                        .product();
                    let v = at(d);
                    for k in 0..3 {
                        out[k] += w * v[k];
                    }
                }
            }
            LutInterpolation::Tetrahedral => {
                // Walk from corner 000 to 111, one axis at a time in order of
                // decreasing fraction; each step weighs its colour change by
                // that axis's fraction.
                let mut axes = [0usize, 1, 2];
                axes.sort_by(|&a, &b| frac[b].total_cmp(&frac[a]));
                let mut d = [0usize; 3];
                out = at(d);
                for &axis in &axes {
                    let before = at(d);
                    d[axis] = 1;
                    let after = at(d);
                    for k in 0..3 {
                        out[k] += frac[axis] * (after[k] - before[k]);
                    }
                }
            }
        }
        [0, 1, 2].map(|k| {
            let v = f64::from(rgb[k]);
            level(v + amount * (255.0 * out[k] - v))
        })
    })
}
