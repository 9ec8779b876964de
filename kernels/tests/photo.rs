//! The photographic colour adjustments (HSL mixer, 3D LUT): the fast ops
//! against the `f64` references in `lumen_kernels::reference::photo`, what
//! each must do to known colours, and the `.cube` reader.
//!
//! Tolerances, in 0..=255 levels, per channel:
//! - hsl_mixer: 1. The fast op runs in `f32` (each range's parameters as a
//!   line in the hue, a few ulps from the reference's interpolation); its
//!   error before rounding is about 1e-4 levels, which can only flip a
//!   rounding right at a half.
//! - lut3d: 1. The fast op holds the table in 1/256 level and the position
//!   in a cell in 1/4096 (at most 255/8192 level off per axis), so only
//!   values near a half round the other way.

#![allow(clippy::unwrap_used)]

use lumen_kernels::ops::cube::{CubeError, CubeLut, MAX_LUT_SIZE};
use lumen_kernels::ops::hsl_mixer::HslMixerParams;
use lumen_kernels::ops::lut3d::{Lut3dParams, LutInterpolation};
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

// ---------------------------------------------------------------- lut3d

/// A `.cube` file of `size` whose colours are `f(r, g, b)` at each lattice
/// point (coordinates in `0..=1`).
fn cube_text(size: u32, f: impl Fn(f64, f64, f64) -> [f64; 3]) -> String {
    let mut text = format!("# made in a test\nTITLE \"test\"\nLUT_3D_SIZE {size}\n\n");
    let s = f64::from(size - 1);
    for b in 0..size {
        for g in 0..size {
            for r in 0..size {
                let [x, y, z] = f(f64::from(r) / s, f64::from(g) / s, f64::from(b) / s);
                text.push_str(&format!("{x:.6} {y:.6} {z:.6}\n"));
            }
        }
    }
    text
}

fn lut(table: CubeLut, interpolation: LutInterpolation, amount: f32) -> FilterSpec {
    FilterSpec::Lut3d(Lut3dParams {
        lut: table,
        interpolation,
        amount,
    })
}

const BOTH: [LutInterpolation; 2] = [LutInterpolation::Tetrahedral, LutInterpolation::Trilinear];

#[test]
fn a_cube_file_is_read_with_its_title_size_and_order() {
    let text = cube_text(3, |r, g, b| [b, g, r]);
    let table = CubeLut::parse_cube(&text).unwrap();
    assert_eq!((table.title.as_str(), table.size), ("test", 3));
    assert_eq!(table.table.len(), 81);
    // Red changes fastest: the second colour is at r = 0.5.
    assert_eq!(table.at(1, 0, 0), [0.0, 0.0, 0.5]);
    assert_eq!(table.at(0, 0, 2), [1.0, 0.0, 0.0]);
    // Windows line ends, a byte order mark and comments after values.
    let crlf = format!("\u{feff}{}", text.replace('\n', " # note\r\n"));
    assert_eq!(CubeLut::parse_cube(&crlf).unwrap(), table);
}

#[test]
fn affine_tables_are_exact_in_both_interpolations() {
    // Swapping red and blue is linear in the lattice, so both
    // interpolations reproduce it exactly at every level.
    let img = colour_wheel();
    let swapped = RgbaImage::from_pixels(
        img.width(),
        1,
        img.pixels()
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0], p[3]])
            .collect(),
    )
    .unwrap();
    for size in [2, 5, 17] {
        let table = CubeLut::parse_cube(&cube_text(size, |r, g, b| [b, g, r])).unwrap();
        for interpolation in BOTH {
            let spec = lut(table.clone(), interpolation, 1.0);
            assert_eq!(
                spec.apply(&img).unwrap(),
                swapped,
                "{size} {interpolation:?}"
            );
        }
    }
}

#[test]
fn the_interpolations_differ_on_a_curved_table_and_amount_blends() {
    // A strongly curved table: both interpolations agree at lattice
    // points, differ between them.
    let table = CubeLut::parse_cube(&cube_text(3, |r, g, b| [r * g, g * b, b * r])).unwrap();
    let img = colour_wheel();
    let tetra = lut(table.clone(), LutInterpolation::Tetrahedral, 1.0)
        .apply(&img)
        .unwrap();
    let tri = lut(table.clone(), LutInterpolation::Trilinear, 1.0)
        .apply(&img)
        .unwrap();
    assert!(max_diff(&tetra, &tri) > 5);
    let on_lattice = row_image(&[[255, 128, 0, 255], [0, 255, 255, 9]]);
    for interpolation in BOTH {
        let out = lut(table.clone(), interpolation, 1.0)
            .apply(&on_lattice)
            .unwrap();
        // (1, 0.5, 0) -> (0.5, 0, 0); (0, 1, 1) -> (0, 1, 0).
        assert_eq!(out.pixel(0, 0).unwrap(), [128, 0, 0, 255]);
        assert_eq!(out.pixel(1, 0).unwrap(), [0, 255, 0, 9]);
    }
    let none = lut(table.clone(), LutInterpolation::Tetrahedral, 0.0)
        .apply(&img)
        .unwrap();
    assert_eq!(none, img);
    let half = lut(table, LutInterpolation::Tetrahedral, 0.5)
        .apply(&img)
        .unwrap();
    for ((h, t), o) in half.pixels().iter().zip(tetra.pixels()).zip(img.pixels()) {
        let expected = (f64::from(*t) + f64::from(*o)) / 2.0;
        assert!((f64::from(*h) - expected).abs() <= 1.0);
    }
}

#[test]
fn the_domain_maps_inputs_onto_the_lattice() {
    // Domain 0..0.5: every level from 128 up is at the last lattice point.
    let mut table = CubeLut::identity(2);
    table.domain_max = [0.5; 3];
    let spec = lut(table, LutInterpolation::Trilinear, 1.0);
    let out = spec.apply(&row_image(&[[64, 128, 255, 255]])).unwrap();
    assert_eq!(out.pixel(0, 0).unwrap(), [128, 255, 255, 255]);
    let text = "LUT_3D_SIZE 2\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 0.5 1 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n";
    let parsed = CubeLut::parse_cube(text).unwrap();
    assert_eq!(parsed.domain_max, [0.5, 1.0, 2.0]);
    let resolve = text.replace(
        "DOMAIN_MIN 0 0 0\nDOMAIN_MAX 0.5 1 2",
        "LUT_3D_INPUT_RANGE 0 0.5",
    );
    assert_eq!(CubeLut::parse_cube(&resolve).unwrap().domain_max, [0.5; 3]);
}

fn cube_error(text: &str) -> CubeError {
    CubeLut::parse_cube(text).unwrap_err()
}

#[test]
fn bad_cube_files_are_refused_with_the_line_and_the_reason() {
    let good = cube_text(2, |r, g, b| [r, g, b]);
    let lines: Vec<&str> = good.lines().collect();
    let with_line = |n: usize, replacement: &str| {
        let mut l = lines.clone();
        l[n] = replacement;
        l.join("\n")
    };
    let cases: Vec<(String, usize, &str)> = vec![
        (with_line(5, "0.1 0.2"), 6, "three numbers, found 2"),
        (with_line(5, "0.1 0.2 0.3 0.4"), 6, "three numbers, found 4"),
        (
            with_line(6, "0.1 zero 0.3"),
            7,
            "\"zero\" is not a finite number",
        ),
        (with_line(6, "0.1 NaN 0.3"), 7, "not a finite number"),
        (with_line(6, "1e39 0 0"), 7, "not a finite number"),
        (
            with_line(2, "LUT_3D_SIZE 129"),
            3,
            "larger than Lumen accepts (65)",
        ),
        (with_line(2, "LUT_3D_SIZE 1"), 3, "at least 2"),
        (with_line(2, "LUT_3D_SIZE two"), 3, "whole number"),
        (with_line(2, "LUT_3D_SIZE 4294967296"), 3, "whole number"),
        (
            with_line(2, "LUT_1D_SIZE 1024"),
            3,
            "1D LUTs are not supported",
        ),
        (
            with_line(1, "LUT_IN_VIDEO_RANGE"),
            2,
            "unknown keyword LUT_IN_VIDEO_RANGE",
        ),
        (
            with_line(8, "DOMAIN_MIN 0 0 0"),
            9,
            "after the table's first colour",
        ),
        (
            format!("{good}0 0 0\n"),
            13,
            "more colours than LUT_3D_SIZE 2 allows (8)",
        ),
        (
            lines[..10].join("\n"),
            10,
            "ends after 6 colours; LUT_3D_SIZE 2 needs 8",
        ),
        ("0 0 0\n".to_string(), 1, "a colour before LUT_3D_SIZE"),
        ("# nothing\nTITLE \"x\"\n".to_string(), 2, "no LUT_3D_SIZE"),
        (String::new(), 1, "no LUT_3D_SIZE"),
        (
            good.replace("LUT_3D_SIZE 2", "LUT_3D_SIZE 2\nLUT_3D_SIZE 2"),
            4,
            "given twice",
        ),
        (
            good.replace("LUT_3D_SIZE 2", "LUT_3D_SIZE 2\nDOMAIN_MAX 1 0 1"),
            13,
            "domain_max must be above domain_min",
        ),
        (
            good.replace("LUT_3D_SIZE 2", "LUT_3D_SIZE 2\nDOMAIN_MIN 0 0"),
            4,
            "three numbers, found 2",
        ),
    ];
    for (text, line, problem) in cases {
        let e = cube_error(&text);
        assert_eq!(e.line, line, "{e} for {problem:?}");
        assert!(e.problem.contains(problem), "{e} lacks {problem:?}");
        assert!(e.to_string().starts_with(&format!("line {line}: ")));
    }
}

#[test]
fn a_huge_declared_size_is_refused_before_any_table_is_read() {
    // The size line comes first: nothing past it is stored.
    let text = format!("LUT_3D_SIZE {}\n{}", MAX_LUT_SIZE + 1, "0 0 0\n".repeat(10));
    assert_eq!(cube_error(&text).line, 1);
    // The largest size is accepted.
    let table = CubeLut::identity(MAX_LUT_SIZE);
    assert_eq!(table.check(), Ok(()));
}

#[test]
fn recipes_hold_the_table_inline_and_validation_checks_it() {
    let table = CubeLut::parse_cube(&cube_text(3, |r, g, b| [g, b, r])).unwrap();
    let spec = lut(table, LutInterpolation::Trilinear, 0.8);
    let json = serde_json::to_value(&spec).unwrap();
    assert_eq!(json["filter"], "lut3d");
    assert_eq!(json["params"]["lut"]["size"], 3);
    assert_eq!(json["params"]["lut"]["table"].as_array().unwrap().len(), 81);
    assert_eq!(json["params"]["interpolation"], "trilinear");
    let back: FilterSpec = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, spec);
    // A table of the wrong length, a bad size or a NaN fails validation
    // with the parameter's name.
    let mut short = json.clone();
    short["params"]["lut"]["table"]
        .as_array_mut()
        .unwrap()
        .pop();
    let e = serde_json::from_value::<FilterSpec>(short)
        .unwrap()
        .validate()
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("lut3d: parameter `lut` table must hold 81 numbers"),
        "{e}"
    );
    let mut big = json;
    big["params"]["lut"]["size"] = 66.into();
    let e = serde_json::from_value::<FilterSpec>(big)
        .unwrap()
        .validate()
        .unwrap_err();
    assert!(e.to_string().contains("size must be in 2..=65"), "{e}");
    let mut nan = CubeLut::identity(2);
    nan.table[4] = f32::NAN;
    let e = lut(nan, LutInterpolation::Trilinear, 1.0)
        .validate()
        .unwrap_err();
    assert!(e.to_string().contains("not a finite number"), "{e}");
}

fn lut_params() -> impl Strategy<Value = Lut3dParams> {
    (2u32..=5).prop_flat_map(|size| {
        let n = 3 * (size as usize).pow(3);
        (
            proptest::collection::vec(-0.2f32..1.2, n),
            proptest::array::uniform3(-0.1f32..0.3),
            proptest::array::uniform3(0.6f32..1.2),
            any::<bool>(),
            param(0.0, 1.0),
        )
            .prop_map(
                move |(table, domain_min, domain_max, tetra, amount)| Lut3dParams {
                    lut: CubeLut {
                        title: String::new(),
                        size,
                        domain_min,
                        domain_max,
                        table,
                    },
                    interpolation: if tetra {
                        LutInterpolation::Tetrahedral
                    } else {
                        LutInterpolation::Trilinear
                    },
                    amount,
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn lut3d_matches_reference(img in small_image(), p in lut_params()) {
        common::check_point_op(&FilterSpec::Lut3d(p), &img, 1)?;
    }

    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in "[A-Z_0-9 .#\\-\n]{0,200}") {
        if let Ok(table) = CubeLut::parse_cube(&text) {
            prop_assert_eq!(table.check(), Ok(()));
        }
    }
}

// ------------------------------------------------- white balance pick

#[test]
fn a_picked_grey_becomes_neutral() {
    use lumen_kernels::ops::tone::neutral_temperature_tint;
    use lumen_kernels::spec::TemperatureTintParams;
    // Warm, cool, green and magenta casts of mid and light greys.
    for rgb in [
        [180u8, 160, 130],
        [120, 130, 160],
        [150, 165, 150],
        [190, 176, 192],
        [90, 90, 90],
        [60, 52, 45],
    ] {
        let pick = neutral_temperature_tint(rgb.map(f64::from)).unwrap();
        assert!(pick.exact, "{rgb:?}: {pick:?}");
        let spec = FilterSpec::TemperatureTint(pick.params);
        let out = spec
            .apply(&row_image(&[[rgb[0], rgb[1], rgb[2], 255]]))
            .unwrap();
        let p = out.pixel(0, 0).unwrap();
        let spread = p[..3].iter().max().unwrap() - p[..3].iter().min().unwrap();
        assert!(spread <= 1, "{rgb:?} -> {p:?} with {:?}", pick.params);
    }
    // A neutral grey needs nothing.
    let pick = neutral_temperature_tint([128.0; 3]).unwrap();
    assert_eq!(
        pick.params,
        TemperatureTintParams {
            temperature: 0.0,
            tint: 0.0
        }
    );
    // Too dark to judge, and a cast beyond the parameters' reach.
    assert_eq!(neutral_temperature_tint([3.0, 9.0, 2.0]), None);
    let far = neutral_temperature_tint([250.0, 20.0, 20.0]).unwrap();
    assert!(!far.exact);
    assert!(far.params.temperature == -1.0 || far.params.tint == -1.0);
}
