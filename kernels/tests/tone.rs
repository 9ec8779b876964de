//! Tone and colour ops (levels, curves, vibrance, temperature/tint, channel
//! mixer, black & white, sepia, posterize, threshold): the fast ops behind
//! `FilterSpec::apply` against the `f64` references in
//! `lumen_kernels::reference::tone`, goldens, validation, auto levels.
//!
//! Tolerances, in 0..=255 levels, per channel:
//! - threshold, posterize: 0 (exact integer arithmetic on the fast side;
//!   the reference's `f64` values are exact or never near a half).
//! - levels, curves, temperature/tint: 1. Tables built from the same `f64`
//!   formula as the reference, so equal in practice, but a value within
//!   1e-12 of a half may round either way between two formulations.
//! - channel mixer, black & white, sepia, vibrance: 1. Computed in `f32`
//!   (error well under 0.001 levels before rounding) and rounded with ties
//!   to even, so only values at or right next to a half can round
//!   differently from the reference's half-away-from-zero.

#![allow(clippy::unwrap_used)]

use lumen_kernels::histogram::Histogram;
use lumen_kernels::ops::curve::{curve_eval, curve_lut};
use lumen_kernels::ops::tone::auto_levels;
use lumen_kernels::reference;
use lumen_kernels::spec::{
    BlackWhiteParams, ChannelMixerParams, CurvesParams, FILTER_NAMES, LevelsParams,
    PosterizeParams, SepiaParams, TemperatureTintParams, ThresholdParams, VibranceParams,
};
use lumen_kernels::{FilterSpec, KernelError, RgbaImage};
use proptest::prelude::*;

mod common;

/// The filters tested here, in menu order.
const TONE_NAMES: [&str; 9] = [
    "levels",
    "curves",
    "vibrance",
    "temperature_tint",
    "channel_mixer",
    "black_white",
    "sepia",
    "posterize",
    "threshold",
];

#[test]
fn names_are_listed_in_menu_order() {
    let pos = |n: &str| FILTER_NAMES.iter().position(|x| *x == n).unwrap();
    let hsl = pos("hsl");
    let tone: Vec<usize> = TONE_NAMES.iter().map(|n| pos(n)).collect();
    assert!(tone.windows(2).all(|w| w[0] < w[1]) && tone[0] > hsl);
}

fn row_image(px: &[[u8; 4]]) -> RgbaImage {
    RgbaImage::from_pixels(px.len() as u32, 1, px.concat()).unwrap()
}

/// Both paths on one pixel; they must agree exactly for a golden.
fn both1(spec: &FilterSpec, px: [u8; 4]) -> [u8; 4] {
    let img = row_image(&[px]);
    let fast = spec.apply(&img).unwrap().pixel(0, 0).unwrap();
    let slow = reference::apply(spec, &img).unwrap().pixel(0, 0).unwrap();
    assert_eq!(fast, slow, "fast vs reference for {spec:?} on {px:?}");
    fast
}

fn levels(black: u8, white: u8, gamma: f32, out_black: u8, out_white: u8) -> FilterSpec {
    FilterSpec::Levels(LevelsParams {
        black,
        white,
        gamma,
        out_black,
        out_white,
    })
}

fn mixer(red: [f32; 3], green: [f32; 3], blue: [f32; 3], offset: [f32; 3]) -> FilterSpec {
    FilterSpec::ChannelMixer(ChannelMixerParams {
        red,
        green,
        blue,
        offset,
    })
}

fn param_of(spec: &FilterSpec) -> &'static str {
    match spec.validate() {
        Err(KernelError::Param { param, .. }) => param,
        other => panic!("{spec:?}: expected a parameter error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- goldens

#[test]
fn levels_golden() {
    // 16..=235 stretched: (128 - 16) / 219 * 255 = 130.41.
    let spec = levels(16, 235, 1.0, 0, 255);
    assert_eq!(both1(&spec, [16, 128, 235, 9]), [0, 130, 255, 9]);
    assert_eq!(both1(&spec, [0, 10, 255, 0]), [0, 0, 255, 0]);
    // Gamma 2 on mid-grey: 255 * sqrt(0.5) = 180.31.
    let spec = levels(0, 200, 2.0, 0, 255);
    assert_eq!(both1(&spec, [100, 200, 0, 1]), [180, 255, 0, 1]);
    // Inverted output range.
    let spec = levels(0, 255, 1.0, 255, 0);
    assert_eq!(both1(&spec, [0, 255, 100, 1]), [255, 0, 155, 1]);
}

#[test]
fn curves_golden() {
    let identity = FilterSpec::Curves(CurvesParams {
        rgb: vec![[0.0, 0.0], [1.0, 1.0]],
        red: vec![[0.0, 0.0], [1.0, 1.0]],
        green: vec![[0.0, 0.0], [1.0, 1.0]],
        blue: vec![[0.0, 0.0], [1.0, 1.0]],
    });
    assert_eq!(both1(&identity, [1, 128, 254, 3]), [1, 128, 254, 3]);
    // Red inverted, green flat at 0.5, blue through a point, then rgb
    // halves everything (a straight line through (1, 0.5)).
    let spec = FilterSpec::Curves(CurvesParams {
        rgb: vec![[0.0, 0.0], [1.0, 0.5]],
        red: vec![[0.0, 1.0], [1.0, 0.0]],
        green: vec![[0.0, 0.5], [1.0, 0.5]],
        blue: vec![[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]],
    });
    // R: 255 * (1 - 51/255) / 2 = 102; G: 63.75 -> 64; B: 200 / 2 = 100.
    assert_eq!(both1(&spec, [51, 7, 200, 4]), [102, 64, 100, 4]);
    // The default S-curve darkens shadows and brightens highlights.
    let s = FilterSpec::from_name("curves").unwrap();
    let [lo, mid, hi, _] = both1(&s, [64, 128, 192, 255]);
    assert!(
        lo < 64 && hi > 192 && mid.abs_diff(128) <= 1,
        "{lo} {mid} {hi}"
    );
}

#[test]
fn curve_exports_match_the_filter() {
    let pts = vec![[0.1, 0.2], [0.3, 0.25], [0.7, 0.9], [0.95, 0.92]];
    let lut = curve_lut(&pts);
    let spec = FilterSpec::Curves(CurvesParams {
        rgb: pts.clone(),
        red: vec![[0.0, 0.0], [1.0, 1.0]],
        green: vec![[0.0, 0.0], [1.0, 1.0]],
        blue: vec![[0.0, 0.0], [1.0, 1.0]],
    });
    let px: Vec<[u8; 4]> = (0..=255u8).map(|v| [v, v, v, 255]).collect();
    let out = spec.apply(&row_image(&px)).unwrap();
    for v in 0..=255u8 {
        let got = out.pixel(u32::from(v), 0).unwrap()[0];
        assert_eq!(got, lut[usize::from(v)]);
        let eval = 255.0 * curve_eval(&pts, f32::from(v) / 255.0);
        assert!(
            (f32::from(got) - eval).abs() <= 0.5 + 1e-3,
            "{v}: {got} vs {eval}"
        );
    }
    // Flat outside the points.
    assert_eq!(lut[0], lut[25]);
    assert_eq!(lut[250], lut[255]);
}

#[test]
fn vibrance_golden() {
    let up = FilterSpec::Vibrance(VibranceParams { amount: 1.0 });
    let down = FilterSpec::Vibrance(VibranceParams { amount: -1.0 });
    // Greys never change; fully saturated colours do not either.
    for px in [
        [0, 0, 0, 5],
        [77, 77, 77, 5],
        [255, 0, 0, 5],
        [0, 255, 255, 9],
    ] {
        assert_eq!(both1(&up, px), px);
        assert_eq!(both1(&down, px), px);
    }
    // (110, 100, 100): Y = 102.126, s = 10/255, k = 2 - 10/255 = 1.96078:
    // R = 102.126 + 7.874 * 1.96078 = 117.56 -> 118; G = B = 102.126 -
    // 2.126 * 1.96078 = 97.96 -> 98.
    assert_eq!(both1(&up, [110, 100, 100, 1]), [118, 98, 98, 1]);
    // Amount -1 on a dull colour nearly greys it (k = s = 10/255).
    assert_eq!(both1(&down, [110, 100, 100, 1]), [102, 102, 102, 1]);
    // A dull colour's spread from grey grows much more than a vivid one's:
    // k = 1.92 for (140, 120, 120), 1.37 for (200, 40, 40).
    let spread = |p: [u8; 4]| f64::from(p[0]) - f64::from(p[1]);
    let weak = both1(&up, [140, 120, 120, 255]);
    let strong = both1(&up, [200, 40, 40, 255]);
    assert!(spread(weak) / 20.0 > 1.8, "{weak:?}");
    assert!(spread(strong) / 160.0 < 1.5, "{strong:?}");
}

#[test]
fn temperature_tint_golden() {
    let warm = FilterSpec::TemperatureTint(TemperatureTintParams {
        temperature: 1.0,
        tint: 0.0,
    });
    let [r, g, b, a] = both1(&warm, [128, 128, 128, 7]);
    assert!(r > 128 && g == 128 && b < 128 && a == 7);
    let magenta = FilterSpec::TemperatureTint(TemperatureTintParams {
        temperature: 0.0,
        tint: 1.0,
    });
    let [r, g, b, _] = both1(&magenta, [128, 128, 128, 7]);
    assert!(r == 128 && g < 128 && b == 128);
    let neutral = FilterSpec::TemperatureTint(TemperatureTintParams {
        temperature: 0.0,
        tint: 0.0,
    });
    assert_eq!(both1(&neutral, [1, 128, 254, 3]), [1, 128, 254, 3]);
}

#[test]
fn sepia_golden() {
    let full = FilterSpec::Sepia(SepiaParams { amount: 1.0 });
    // White: row sums 1.351, 1.203, 0.937 -> 255, 255, 238.935 -> 239.
    assert_eq!(both1(&full, [255, 255, 255, 2]), [255, 255, 239, 2]);
    // (100, 50, 20): 39.3 + 38.45 + 3.78 = 81.53; 34.9 + 34.3 + 3.36 =
    // 72.56; 27.2 + 26.7 + 2.62 = 56.52.
    assert_eq!(both1(&full, [100, 50, 20, 2]), [82, 73, 57, 2]);
    let none = FilterSpec::Sepia(SepiaParams { amount: 0.0 });
    assert_eq!(both1(&none, [100, 50, 20, 2]), [100, 50, 20, 2]);
    // Half: (100 + 81.53) / 2 = 90.765, (50 + 72.56) / 2 = 61.28,
    // (20 + 56.52) / 2 = 38.26.
    let half = FilterSpec::Sepia(SepiaParams { amount: 0.5 });
    assert_eq!(both1(&half, [100, 50, 20, 2]), [91, 61, 38, 2]);
}

#[test]
fn threshold_golden() {
    let t = |level| FilterSpec::Threshold(ThresholdParams { level });
    // Greys compare exactly with the level.
    assert_eq!(both1(&t(128), [128, 128, 128, 4]), [255, 255, 255, 4]);
    assert_eq!(both1(&t(128), [127, 127, 127, 4]), [0, 0, 0, 4]);
    // Pure red has luma 54.213.
    assert_eq!(both1(&t(54), [255, 0, 0, 0]), [255, 255, 255, 0]);
    assert_eq!(both1(&t(55), [255, 0, 0, 0]), [0, 0, 0, 0]);
    assert_eq!(both1(&t(0), [0, 0, 0, 1]), [255, 255, 255, 1]);
    assert_eq!(both1(&t(255), [255, 255, 254, 1]), [0, 0, 0, 1]);
}

#[test]
fn posterize_golden() {
    let p = |levels| FilterSpec::Posterize(PosterizeParams { levels });
    assert_eq!(both1(&p(2), [127, 128, 255, 6]), [0, 255, 255, 6]);
    assert_eq!(both1(&p(3), [63, 64, 191, 6]), [0, 128, 128, 6]);
    assert_eq!(both1(&p(255), [1, 128, 254, 6]), [1, 128, 254, 6]);
}

#[test]
fn channel_mixer_and_black_white_golden() {
    let swap = mixer([0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0; 3]);
    assert_eq!(both1(&swap, [10, 20, 30, 40]), [30, 20, 10, 40]);
    let identity = FilterSpec::ChannelMixer(ChannelMixerParams::IDENTITY);
    assert_eq!(both1(&identity, [10, 200, 255, 0]), [10, 200, 255, 0]);
    // Negative weights and offsets clamp: 2*100 - 2*50 + 10.25 -> 110.
    let m = mixer(
        [2.0, -2.0, 0.0],
        [-2.0, 0.0, 0.0],
        [0.0, 0.0, 2.0],
        [10.25, 255.0, -255.0],
    );
    assert_eq!(both1(&m, [100, 50, 200, 1]), [110, 55, 145, 1]);
    let bw = FilterSpec::from_name("black_white").unwrap();
    // 0.4 * 100 + 0.4 * 50 + 0.2 * 201 = 100.2.
    assert_eq!(both1(&bw, [100, 50, 201, 8]), [100, 100, 100, 8]);
    let hot = FilterSpec::BlackWhite(BlackWhiteParams {
        red: 2.0,
        green: 0.0,
        blue: -1.0,
    });
    assert_eq!(both1(&hot, [200, 0, 0, 8]), [255, 255, 255, 8]);
    assert_eq!(both1(&hot, [10, 0, 100, 8]), [0, 0, 0, 8]);
}

// ------------------------------------------------------------ validation

#[test]
fn defaults_validate_and_change_something() {
    let img = common::image(16, 16, 5, false);
    for name in &TONE_NAMES {
        let spec = FilterSpec::from_name(name).unwrap();
        spec.validate().unwrap();
        assert_ne!(spec.apply(&img).unwrap(), img, "default {name} is a no-op");
        assert_eq!(spec.label(), lumen_kernels::spec::label_of(name));
        assert_ne!(spec.label(), "Unknown filter");
        // Round trip through JSON, and parameters may be left out.
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<FilterSpec>(&json).unwrap(), spec);
        let bare = format!(r#"{{"filter":"{name}","params":{{}}}}"#);
        assert_eq!(serde_json::from_str::<FilterSpec>(&bare).unwrap(), spec);
    }
}

#[test]
fn bad_params_are_named() {
    assert_eq!(param_of(&levels(255, 255, 1.0, 0, 255)), "black");
    assert_eq!(param_of(&levels(10, 10, 1.0, 0, 255)), "white");
    assert_eq!(param_of(&levels(10, 9, 1.0, 0, 255)), "white");
    assert_eq!(param_of(&levels(0, 255, 0.05, 0, 255)), "gamma");
    assert_eq!(param_of(&levels(0, 255, f32::NAN, 0, 255)), "gamma");
    let curves = |f: &dyn Fn(&mut CurvesParams)| {
        let mut p = CurvesParams::default();
        f(&mut p);
        FilterSpec::Curves(p)
    };
    assert_eq!(param_of(&curves(&|p| p.rgb = vec![[0.0, 0.0]])), "rgb");
    assert_eq!(param_of(&curves(&|p| p.red = vec![[0.0, 0.0]; 33])), "red");
    let repeated = vec![[0.0, 0.0], [0.5, 0.1], [0.5, 0.2], [1.0, 1.0]];
    assert_eq!(param_of(&curves(&|p| p.green = repeated.clone())), "green");
    let backwards = vec![[0.6, 0.0], [0.4, 1.0]];
    assert_eq!(param_of(&curves(&|p| p.blue = backwards.clone())), "blue");
    let outside = vec![[0.0, 0.0], [1.0, 1.5]];
    assert_eq!(param_of(&curves(&|p| p.rgb = outside.clone())), "rgb");
    let nan = vec![[0.0, f32::NAN], [1.0, 1.0]];
    assert_eq!(param_of(&curves(&|p| p.red = nan.clone())), "red");
    assert_eq!(
        param_of(&FilterSpec::Vibrance(VibranceParams { amount: 1.5 })),
        "amount"
    );
    assert_eq!(
        param_of(&FilterSpec::TemperatureTint(TemperatureTintParams {
            temperature: 0.0,
            tint: f32::INFINITY,
        })),
        "tint"
    );
    assert_eq!(
        param_of(&FilterSpec::Sepia(SepiaParams { amount: -0.1 })),
        "amount"
    );
    assert_eq!(
        param_of(&FilterSpec::Posterize(PosterizeParams { levels: 1 })),
        "levels"
    );
    assert_eq!(
        param_of(&mixer([0.0; 3], [0.0, 2.5, 0.0], [0.0; 3], [0.0; 3])),
        "green"
    );
    assert_eq!(
        param_of(&mixer([0.0; 3], [0.0; 3], [0.0; 3], [0.0, 0.0, 256.0])),
        "offset"
    );
    assert_eq!(
        param_of(&FilterSpec::BlackWhite(BlackWhiteParams {
            red: 0.0,
            green: 0.0,
            blue: f32::NAN,
        })),
        "blue"
    );
    // Unknown parameters are refused.
    let extra = r#"{"filter":"sepia","params":{"amount":1,"strength":2}}"#;
    assert!(serde_json::from_str::<FilterSpec>(extra).is_err());
}

// ------------------------------------------------- histogram, auto levels

#[test]
fn auto_levels_clips_the_given_fraction() {
    // 1000 opaque greys 0..=249 (4 each), and 1000 transparent white ones.
    let mut px = Vec::new();
    for i in 0..1000u32 {
        let v = (i / 4) as u8;
        px.extend_from_slice(&[v, v, v, 255]);
        px.extend_from_slice(&[255, 255, 255, 0]);
    }
    // No clipping: the darkest and lightest counted levels.
    let p = auto_levels(&px, 0.0);
    assert_eq!((p.black, p.white, p.gamma), (0, 249, 1.0));
    assert_eq!((p.out_black, p.out_white), (0, 255));
    // 1% of 1000 = 10 pixels may clip at each end: levels 0, 1 (8 pixels)
    // are clipped, level 2 holds the 11th pixel.
    let p = auto_levels(&px, 0.01);
    assert_eq!((p.black, p.white), (2, 247));
    FilterSpec::Levels(p).validate().unwrap();
    // The histogram agrees: transparent pixels were not counted.
    let h = Histogram::of_pixels(&px);
    assert_eq!(h.total(), 1000);
    assert_eq!(h.luma[255], 0);
}

#[test]
fn auto_levels_degenerate_inputs_give_valid_identity() {
    let flat: Vec<u8> = [90, 90, 90, 255].repeat(50);
    for px in [&flat[..], &[], &[1, 2, 3, 0][..]] {
        for clip in [0.0, 0.005, 0.5, 2.0, -1.0, f32::NAN] {
            let p = auto_levels(px, clip);
            assert_eq!(p, LevelsParams::IDENTITY);
        }
    }
    // Two levels far apart: clipping half of them leaves none; valid.
    let two: Vec<u8> = [[0u8, 0, 0, 255], [200, 200, 200, 255]].concat().repeat(5);
    assert_eq!(auto_levels(&two, 0.0).black, 0);
    assert_eq!(auto_levels(&two, 0.0).white, 200);
    FilterSpec::Levels(auto_levels(&two, 0.5))
        .validate()
        .unwrap();
}

// ------------------------------------------------------------- proptests

use common::{param, small_image as image};

/// A valid curve: 2..=12 points, x strictly increasing (sometimes at the
/// ends exactly), y anywhere in 0..=1.
fn curve() -> impl Strategy<Value = Vec<[f32; 2]>> {
    proptest::collection::btree_set(0u32..=1000, 2..=12).prop_flat_map(|xs| {
        let n = xs.len();
        proptest::collection::vec(0u32..=1000, n).prop_map(move |ys| {
            xs.iter()
                .zip(ys)
                .map(|(&x, y)| [x as f32 / 1000.0, y as f32 / 1000.0])
                .collect()
        })
    })
}

fn levels_spec() -> impl Strategy<Value = FilterSpec> {
    (
        0u8..=254,
        1u8..=255,
        param(0.1, 10.0),
        any::<u8>(),
        any::<u8>(),
    )
        .prop_map(|(black, w, gamma, ob, ow)| {
            let white = black.saturating_add(w).max(black + 1);
            levels(black, white, gamma, ob, ow)
        })
}

fn weights() -> impl Strategy<Value = [f32; 3]> {
    [param(-2.0, 2.0), param(-2.0, 2.0), param(-2.0, 2.0)]
}

/// Checks fast against reference within `tol`, and that alpha is kept.
fn check(spec: FilterSpec, img: &RgbaImage, tol: i32) -> Result<(), TestCaseError> {
    common::check_point_op(&spec, img, tol)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn levels_matches_reference(img in image(), spec in levels_spec()) {
        check(spec, &img, 1)?;
    }

    #[test]
    fn curves_match_reference(
        img in image(), rgb in curve(), red in curve(), green in curve(), blue in curve(),
    ) {
        check(FilterSpec::Curves(CurvesParams { rgb, red, green, blue }), &img, 1)?;
    }

    #[test]
    fn vibrance_matches_reference(img in image(), amount in param(-1.0, 1.0)) {
        check(FilterSpec::Vibrance(VibranceParams { amount }), &img, 1)?;
    }

    #[test]
    fn temperature_tint_matches_reference(
        img in image(), temperature in param(-1.0, 1.0), tint in param(-1.0, 1.0),
    ) {
        let spec = FilterSpec::TemperatureTint(TemperatureTintParams { temperature, tint });
        check(spec, &img, 1)?;
    }

    #[test]
    fn channel_mixer_matches_reference(
        img in image(), red in weights(), green in weights(), blue in weights(),
        offset in [param(-255.0, 255.0), param(-255.0, 255.0), param(-255.0, 255.0)],
    ) {
        check(mixer(red, green, blue, offset), &img, 1)?;
    }

    #[test]
    fn black_white_matches_reference(img in image(), w in weights()) {
        let spec = FilterSpec::BlackWhite(BlackWhiteParams { red: w[0], green: w[1], blue: w[2] });
        check(spec, &img, 1)?;
    }

    #[test]
    fn sepia_matches_reference(img in image(), amount in param(0.0, 1.0)) {
        check(FilterSpec::Sepia(SepiaParams { amount }), &img, 1)?;
    }

    #[test]
    fn posterize_matches_reference(img in image(), levels in 2u8..=255) {
        check(FilterSpec::Posterize(PosterizeParams { levels }), &img, 0)?;
    }

    #[test]
    fn threshold_matches_reference(img in image(), level in any::<u8>()) {
        check(FilterSpec::Threshold(ThresholdParams { level }), &img, 0)?;
    }

    #[test]
    fn histogram_merge_of_bands_is_the_whole(img in image(), cut in 0usize..=17) {
        let px = img.pixels();
        let cut = (cut * img.stride()).min(px.len());
        let mut merged = Histogram::of_pixels(&px[..cut]);
        merged.merge(&Histogram::of_pixels(&px[cut..]));
        let whole = Histogram::of_pixels(px);
        let opaque = px.chunks_exact(4).filter(|p| p[3] != 0).count() as u64;
        prop_assert_eq!(whole.total(), opaque);
        prop_assert_eq!(merged, whole);
    }
}

/// Default filters on an image large enough to take the paired-table path
/// of the table ops agree with the reference.
#[test]
fn big_images_match_reference() {
    let img = common::image(512, 520, 42, false);
    for name in TONE_NAMES {
        let tol = if matches!(name, "posterize" | "threshold") {
            0
        } else {
            1
        };
        check(FilterSpec::from_name(name).unwrap(), &img, tol).unwrap();
    }
}

#[test]
fn bands_render_like_the_whole_image() {
    for (w, h) in common::AWKWARD {
        let img = common::image(w, h, u64::from(w * 31 + h), false);
        for name in &TONE_NAMES {
            common::check_bands(
                &FilterSpec::from_name(name).unwrap(),
                &img,
                &[0.3, 0.5, 0.77],
            );
        }
    }
}
