//! The photographic colour adjustments (HSL mixer): the fast ops against
//! the `f64` references in `lumen_kernels::reference::photo`, and what each
//! must do to known colours.
//!
//! Tolerances, in 0..=255 levels, per channel:
//! - hsl_mixer: 1. The fast op runs in `f32` (each range's parameters as a
//!   line in the hue, a few ulps from the reference's interpolation); its
//!   error before rounding is about 1e-4 levels, which can only flip a
//!   rounding right at a half.

#![allow(clippy::unwrap_used)]

use lumen_kernels::ops::hsl_mixer::HslMixerParams;
use lumen_kernels::registry::Filter;
use lumen_kernels::spec::HslParams;
use lumen_kernels::{FilterSpec, RgbaImage, reference};
use proptest::prelude::*;

mod common;
use common::{max_diff, param, small_image};

fn row_image(px: &[[u8; 4]]) -> RgbaImage {
    RgbaImage::from_pixels(px.len() as u32, 1, px.concat()).unwrap()
}

/// The fast op on one pixel, checked against the reference within 1.
fn mixer1(p: HslMixerParams, px: [u8; 4]) -> [u8; 4] {
    let spec = FilterSpec::HslMixer(p);
    let img = row_image(&[px]);
    let fast = spec.apply(&img).unwrap();
    let slow = reference::apply(&spec, &img).unwrap();
    assert!(max_diff(&fast, &slow) <= 1, "{p:?} on {px:?}");
    fast.pixel(0, 0).unwrap()
}

fn neutral() -> HslMixerParams {
    HslMixerParams::editor_start(1, 1)
}

/// Every hue at several saturations and lightnesses, plus greys.
fn colour_wheel() -> RgbaImage {
    let mut px = Vec::new();
    for h in 0..72 {
        for (s, l) in [(1.0, 0.5), (0.5, 0.5), (1.0, 0.2), (0.3, 0.8), (0.05, 0.5)] {
            let (r, g, b) = hsl_to_rgb8(f64::from(h) * 5.0, s, l);
            px.push([r, g, b, 255]);
        }
    }
    for v in (0..=255).step_by(15) {
        px.push([v, v, v, 200]);
    }
    row_image(&px)
}

fn hsl_to_rgb8(h: f64, s: f64, l: f64) -> (u8, u8, u8) {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let q = |v: f64| ((v + m) * 255.0).round() as u8;
    (q(r), q(g), q(b))
}

#[test]
fn neutral_mixer_is_the_identity_and_greys_never_move() {
    let img = colour_wheel();
    assert_eq!(FilterSpec::HslMixer(neutral()).apply(&img).unwrap(), img);
    let strong = HslMixerParams {
        hue_deg: [30.0; 8],
        saturation: [1.0; 8],
        lightness: [1.0; 8],
    };
    let out = FilterSpec::HslMixer(strong).apply(&img).unwrap();
    for (a, b) in img.pixels().chunks(4).zip(out.pixels().chunks(4)) {
        if a[0] == a[1] && a[1] == a[2] {
            assert_eq!(a, b, "a grey moved");
        }
    }
}

#[test]
fn one_range_moves_its_colours_and_leaves_distant_ones() {
    // Blue saturation -1 greys pure blue (L = 0.5: 128 grey), leaves red,
    // yellow and green alone.
    let mut p = neutral();
    p.saturation[5] = -1.0;
    assert_eq!(mixer1(p, [0, 0, 255, 7]), [128, 128, 128, 7]);
    for px in [[255, 0, 0, 255], [255, 255, 0, 255], [0, 255, 0, 255]] {
        assert_eq!(mixer1(p, px), px);
    }
    // Half way between aqua (180°) and blue (240°): half the change, so
    // saturation 0.5 of 1.
    let azure = mixer1(p, [0, 128, 255, 255]);
    let (_, s, _) = hsl_of(azure);
    assert!((s - 0.5).abs() < 0.01, "{azure:?}: s {s}");
    // Red hue +30 turns red into orange (30°).
    let mut p = neutral();
    p.hue_deg[0] = 30.0;
    assert_eq!(mixer1(p, [255, 0, 0, 255]), [255, 128, 0, 255]);
    // Green lightness -1 makes pure green black; +1 makes it white.
    let mut p = neutral();
    p.lightness[3] = -1.0;
    assert_eq!(mixer1(p, [0, 255, 0, 255]), [0, 0, 0, 255]);
    p.lightness[3] = 1.0;
    assert_eq!(mixer1(p, [0, 255, 0, 255]), [255, 255, 255, 255]);
}

fn hsl_of([r, g, b, _]: [u8; 4]) -> (f64, f64, f64) {
    let v = [r, g, b].map(|c| f64::from(c) / 255.0);
    let max = v.iter().copied().fold(0.0, f64::max);
    let min = v.iter().copied().fold(1.0, f64::min);
    let l = (max + min) / 2.0;
    let s = if max == min {
        0.0
    } else {
        (max - min) / (1.0 - (2.0 * l - 1.0).abs())
    };
    (0.0, s, l)
}

#[test]
fn the_same_saturation_everywhere_is_the_global_hsl_saturation() {
    let img = colour_wheel();
    for sat in [-1.0f32, -0.4, 0.6] {
        let mixer = HslMixerParams {
            saturation: [sat; 8],
            ..neutral()
        };
        let global = FilterSpec::Hsl(HslParams {
            hue_deg: 0.0,
            saturation: sat,
            lightness: 0.0,
        });
        let a = FilterSpec::HslMixer(mixer).apply(&img).unwrap();
        let b = global.apply(&img).unwrap();
        assert!(max_diff(&a, &b) <= 1, "saturation {sat}");
    }
}

#[test]
fn weak_colours_change_lightness_less() {
    let mut p = neutral();
    p.lightness[0] = -1.0;
    let vivid = mixer1(p, [255, 0, 0, 255]);
    let dull = mixer1(p, [140, 115, 115, 255]);
    assert_eq!(vivid, [0, 0, 0, 255]);
    // Chroma 25/255: about a fifth of the darkening.
    let (_, _, l0) = hsl_of([140, 115, 115, 255]);
    let (_, _, l1) = hsl_of(dull);
    let expected = l0 * (1.0 - 2.0 * 25.0 / 255.0);
    assert!(
        (l1 - expected).abs() < 0.005,
        "{dull:?}: {l1} vs {expected}"
    );
}

fn mixer_params() -> impl Strategy<Value = HslMixerParams> {
    (
        proptest::array::uniform8(param(-30.0, 30.0)),
        proptest::array::uniform8(param(-1.0, 1.0)),
        proptest::array::uniform8(param(-1.0, 1.0)),
    )
        .prop_map(|(hue_deg, saturation, lightness)| HslMixerParams {
            hue_deg,
            saturation,
            lightness,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn hsl_mixer_matches_reference(img in small_image(), p in mixer_params()) {
        common::check_point_op(&FilterSpec::HslMixer(p), &img, 1)?;
    }
}

#[test]
fn hsl_mixer_matches_reference_on_the_whole_wheel() {
    let img = colour_wheel();
    let mut p = neutral();
    for i in 0..8 {
        p.hue_deg[i] = [30.0, -30.0, 12.5, -7.0, 30.0, -30.0, 3.0, 0.0][i];
        p.saturation[i] = [1.0, -1.0, 0.3, -0.5, 0.7, 1.0, -0.2, 0.0][i];
        p.lightness[i] = [-1.0, 1.0, 0.4, -0.3, 0.0, -0.8, 0.9, 0.2][i];
    }
    let spec = FilterSpec::HslMixer(p);
    let fast = spec.apply(&img).unwrap();
    let slow = reference::apply(&spec, &img).unwrap();
    assert!(max_diff(&fast, &slow) <= 1);
    assert!(max_diff(&fast, &img) > 100, "the mixer changed little");
}
