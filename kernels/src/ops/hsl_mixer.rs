//! `hsl_mixer`: hue, saturation and lightness per hue range (red, orange,
//! yellow, green, aqua, blue, purple, magenta), the HSL panel of photo
//! editors.
//!
//! Each range has a centre hue; a pixel's adjustment is interpolated
//! linearly between the two centres its hue lies between, so moving every
//! slider of one kind by the same amount adjusts every colour alike, and
//! neighbouring colours change smoothly (no banding where two ranges meet).

use crate::params;
use crate::point_filter;
use crate::registry::{Family, Filter, FilterInfo, ParamInfo};

/// The hue ranges, in order.
pub const HUE_RANGES: [&str; 8] = [
    "Red", "Orange", "Yellow", "Green", "Aqua", "Blue", "Purple", "Magenta",
];

/// The centre hue of each range of [`HUE_RANGES`], in degrees.
pub const HUE_CENTRES_DEG: [f32; 8] = [0.0, 30.0, 60.0, 120.0, 180.0, 240.0, 270.0, 300.0];

/// Largest hue shift of one range, in degrees.
pub const MAX_HUE_SHIFT_DEG: f32 = 30.0;

params! {
    /// `hsl_mixer`: hue, saturation and lightness per hue range.
    ///
    /// In the HSL model (as `hsl`), per pixel of hue `H`: each parameter is
    /// interpolated linearly between the values of the two ranges whose
    /// centres (red 0°, orange 30°, yellow 60°, green 120°, aqua 180°, blue
    /// 240°, purple 270°, magenta 300°) `H` lies between, giving `dh`, `ds`
    /// and `dl`. Then `H' = H + dh`, `S' = clamp(S (1 + ds), 0, 1)`, and with
    /// `d = dl * min(1, 2 (max - min))` (greys and near-greys barely move)
    /// `L' = L + (1 - L) d` for `d >= 0`, `L' = L (1 + d)` below. Alpha is
    /// kept; all zeros is the identity.
    #[derive(Copy)]
    pub struct HslMixerParams {
        /// Hue shift of each range in degrees (-30..=30): positive turns the
        /// colours toward the next range (red toward orange).
        pub hue_deg: [f32; 8] = [0.0; 8]
            => ParamInfo::floats("Hue", -MAX_HUE_SHIFT_DEG, MAX_HUE_SHIFT_DEG, &HUE_RANGES)
                .unit("°"),
        /// Saturation change of each range (-1..=1): -1 turns those colours
        /// grey, 1 doubles their saturation.
        pub saturation: [f32; 8] = [0.0, 0.2, 0.0, 0.0, 0.0, 0.3, 0.0, 0.0]
            => ParamInfo::floats("Saturation", -1.0, 1.0, &HUE_RANGES),
        /// Lightness change of each range (-1..=1): -1 toward black, 1 toward
        /// white, scaled down for weak colours.
        pub lightness: [f32; 8] = [0.0, 0.1, 0.0, 0.0, 0.0, -0.2, 0.0, 0.0]
            => ParamInfo::floats("Lightness", -1.0, 1.0, &HUE_RANGES),
    }
}

impl Filter for HslMixerParams {
    const INFO: FilterInfo = FilterInfo {
        name: "hsl_mixer",
        label: "HSL mixer",
        description: "Hue, saturation and lightness of each colour range on its own.",
        keywords: &[
            "colour mixer",
            "color mixer",
            "hsl",
            "selective colour",
            "sky",
            "skin",
            "saturation",
            "luminance",
        ],
        family: Family::Adjust,
    };
    point_filter!(hsl_mixer);

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self {
            hue_deg: [0.0; 8],
            saturation: [0.0; 8],
            lightness: [0.0; 8],
        }
    }
}

/// One half-sextant (30°) slice of the hue circle: each parameter is
/// `base + slope * H` there (`H` in sextants), the line through the two
/// range centres around the slice.
#[derive(Clone, Copy, Default)]
struct Slice {
    base: [f32; 3],
    slope: [f32; 3],
}

/// The twelve [`Slice`]s of `p`: hue shift in sextants, saturation,
/// lightness.
fn slices(p: &HslMixerParams) -> [Slice; 12] {
    let values = |i: usize| {
        [
            p.hue_deg[i % 8] / 60.0,
            p.saturation[i % 8],
            p.lightness[i % 8],
        ]
    };
    std::array::from_fn(|b| {
        // The centres around the slice's start, `b / 2` sextants.
        let start = b as f32 * 30.0;
        let i = HUE_CENTRES_DEG
            .iter()
            .rposition(|&c| c <= start)
            .unwrap_or(0);
        let c0 = HUE_CENTRES_DEG[i] / 60.0;
        let c1 = HUE_CENTRES_DEG.get(i + 1).map_or(6.0, |&c| c / 60.0);
        let (v0, v1) = (values(i), values(i + 1));
        let mut s = Slice::default();
        for k in 0..3 {
            s.slope[k] = (v1[k] - v0[k]) / (c1 - c0);
            s.base[k] = v0[k] - s.slope[k] * c0;
        }
        s
    })
}

/// HSL mixer ([`HslMixerParams`]) on whole RGBA pixels; computed in `f32`
/// per pixel, within one level of the `f64` reference.
pub fn hsl_mixer(p: &HslMixerParams, src: &[u8], dst: &mut [u8]) {
    let identity = [p.hue_deg, p.saturation, p.lightness]
        .iter()
        .flatten()
        .all(|&v| v == 0.0);
    if identity {
        dst.copy_from_slice(src);
        return;
    }
    let slices = slices(p);
    let (src_blocks, src_tail) = src.as_chunks::<{ 4 * LANES }>();
    let (dst_blocks, dst_tail) = dst.as_chunks_mut::<{ 4 * LANES }>();
    for (d, s) in dst_blocks.iter_mut().zip(src_blocks) {
        mix_block(&slices, s, d);
    }
    // The last partial block: pad to a whole one and copy back.
    if !src_tail.is_empty() {
        let mut s = [0u8; 4 * LANES];
        let mut d = [0u8; 4 * LANES];
        s[..src_tail.len()].copy_from_slice(src_tail);
        mix_block(&slices, &s, &mut d);
        let n = dst_tail.len();
        dst_tail.copy_from_slice(&d[..n]);
    }
}

/// Pixels per block of [`mix_block`].
const LANES: usize = 8;

/// [`hsl_mixer`] on `LANES` pixels: every step but the per-pixel slice
/// lookup runs over all lanes in turn, with selects instead of branches,
/// which the compiler turns into SIMD.
#[inline]
fn mix_block(slices: &[Slice; 12], src: &[u8; 4 * LANES], dst: &mut [u8; 4 * LANES]) {
    const INV_255: f32 = 1.0 / 255.0;
    let mut hsl = [[0f32; LANES]; 4];
    for i in 0..LANES {
        let rgb = [0, 1, 2].map(|c| f32::from(src[4 * i + c]) * INV_255);
        let [h, s, l, d] = to_hsl(rgb);
        hsl[0][i] = h;
        hsl[1][i] = s;
        hsl[2][i] = l;
        hsl[3][i] = d;
    }
    let mut adjust = [[0f32; LANES]; 3];
    for i in 0..LANES {
        let h = hsl[0][i];
        let slice = &slices[((h * 2.0) as usize).min(11)];
        for ((a, base), slope) in adjust.iter_mut().zip(slice.base).zip(slice.slope) {
            a[i] = base + slope * h;
        }
    }
    for i in 0..LANES {
        let [h, s, l, delta] = [hsl[0][i], hsl[1][i], hsl[2][i], hsl[3][i]];
        let rgb = mixed_rgb(h, s, l, delta, [adjust[0][i], adjust[1][i], adjust[2][i]]);
        for c in 0..3 {
            // `as u8` saturates: rounds halves up and clamps.
            dst[4 * i + c] = (rgb[c] * 255.0 + 0.5) as u8;
        }
        dst[4 * i + 3] = src[4 * i + 3];
    }
}

/// `[hue in sextants 0..6, saturation, lightness, chroma]` of an RGB
/// colour in `0..=1` (hue and saturation 0 for greys), without branches.
#[inline(always)]
fn to_hsl([r, g, b]: [f32; 3]) -> [f32; 4] {
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let sum = max + min;
    let l = 0.5 * sum;
    let delta = max - min;
    // For greys delta is 0; the `max` guards only keep 0 / 0 out.
    let denom = if l <= 0.5 { sum } else { 2.0 - sum };
    let s = delta / denom.max(f32::MIN_POSITIVE);
    let numer = if max == r {
        g - b
    } else if max == g {
        (b - r) + 2.0 * delta
    } else {
        (r - g) + 4.0 * delta
    };
    let h = numer / delta.max(f32::MIN_POSITIVE);
    let h = if h < 0.0 { h + 6.0 } else { h };
    [h, s, l, delta]
}

/// The adjusted colour of one pixel in HSL (`h` in sextants, `delta` its
/// chroma) with `[dh, ds, dl]` (hue shift in sextants), channels out in
/// `0..=1`.
#[inline(always)]
fn mixed_rgb(h: f32, s: f32, l: f32, delta: f32, [dh, ds, dl]: [f32; 3]) -> [f32; 3] {
    let h = h + dh;
    let h = if h < 0.0 {
        h + 6.0
    } else if h >= 6.0 {
        h - 6.0
    } else {
        h
    };
    let s = (s * (1.0 + ds)).clamp(0.0, 1.0);
    let d = dl * (2.0 * delta).min(1.0);
    let l = if d >= 0.0 {
        l + (1.0 - l) * d
    } else {
        l * (1.0 + d)
    };
    // HSL -> RGB (the chroma form, as in `hsl`); greys have s = 0.
    let a = s * l.min(1.0 - l);
    let h2 = 2.0 * h;
    let channel = |n: f32| {
        let k = n + h2;
        let k = if k >= 12.0 { k - 12.0 } else { k };
        l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)
    };
    [channel(0.0), channel(8.0), channel(4.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_interpolate_between_neighbouring_centres() {
        let mut p = HslMixerParams::editor_start(1, 1);
        p.saturation[2] = 1.0; // yellow
        let s = slices(&p);
        let sat = |h: f32| {
            let sl = &s[((h * 2.0) as usize).min(11)];
            sl.base[1] + sl.slope[1] * h
        };
        // Full at yellow (1 sextant), half way to orange and to green,
        // nothing at red, green and beyond.
        assert_eq!(sat(1.0), 1.0);
        assert!((sat(0.75) - 0.5).abs() < 1e-6);
        assert!((sat(1.5) - 0.5).abs() < 1e-6);
        assert_eq!(sat(0.0), 0.0);
        assert_eq!(sat(2.0), 0.0);
        assert_eq!(sat(4.0), 0.0);
        // Magenta to red wraps around 6.
        p.saturation = [0.0; 8];
        p.saturation[0] = 1.0;
        let s = slices(&p);
        let sl = &s[11];
        assert!((sl.base[1] + sl.slope[1] * 5.5 - 0.5).abs() < 1e-6);
    }
}
