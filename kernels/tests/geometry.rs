//! Rotate, flip, crop and resize: against the per-pixel references, and
//! band independence.

// Test helpers outside `#[test]` functions unwrap too.
#![allow(clippy::unwrap_used)]

use lumen_kernels::image::CHANNELS;
use lumen_kernels::reference;
use lumen_kernels::spec::{
    CropParams, FlipAxis, FlipParams, ResizeMethod, ResizeParams, RotateParams,
};
use lumen_kernels::{FilterSpec, RgbaImage};
use proptest::prelude::*;

mod common;
use common::{AWKWARD, check_bands, image, max_diff};

/// Largest per-channel difference of the `f32` separable resize from the
/// `f64` direct 2-D reference on opaque images: both evaluate the same
/// weights; `f32` rounding (relative 1e-6) can only tip a value that lies
/// within a hair of a half level, so results differ by at most 1.
const RESIZE_TOL: i32 = 1;

fn rotate(t: u8) -> FilterSpec {
    FilterSpec::Rotate(RotateParams { quarter_turns: t })
}

fn flip(axis: FlipAxis) -> FilterSpec {
    FilterSpec::Flip(FlipParams { axis })
}

fn resize(width: u32, height: u32, method: ResizeMethod) -> FilterSpec {
    resize_light(width, height, method, false)
}

fn resize_light(width: u32, height: u32, method: ResizeMethod, linear_light: bool) -> FilterSpec {
    FilterSpec::Resize(ResizeParams {
        width,
        height,
        method,
        linear_light,
        ..Default::default()
    })
}

/// Every filtered method (all but nearest).
const FILTERED: [ResizeMethod; 5] = [
    ResizeMethod::Bilinear,
    ResizeMethod::Box,
    ResizeMethod::CatmullRom,
    ResizeMethod::Mitchell,
    ResizeMethod::Lanczos3,
];

/// A crop whose origin lies at fractions (`cx`, `cy`) of a `w` x `h` image.
fn crop_at(w: u32, h: u32, cx: f64, cy: f64, width: u32, height: u32) -> FilterSpec {
    FilterSpec::Crop(CropParams {
        x: (cx * f64::from(w)) as u32,
        y: (cy * f64::from(h)) as u32,
        width,
        height,
        ..Default::default()
    })
}

fn method() -> impl Strategy<Value = ResizeMethod> {
    prop::sample::select(vec![
        ResizeMethod::Nearest,
        ResizeMethod::Bilinear,
        ResizeMethod::Box,
        ResizeMethod::CatmullRom,
        ResizeMethod::Mitchell,
        ResizeMethod::Lanczos3,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn rotate_flip_crop_match_reference_exactly(
        w in 1u32..40, h in 1u32..40, seed in any::<u64>(), turns in 0u8..4,
        cx in 0.0f64..1.0, cy in 0.0f64..1.0, cw in 0u32..45, ch in 0u32..45,
    ) {
        let img = image(w, h, seed, false);
        let crop = crop_at(w, h, cx, cy, cw, ch);
        for spec in [rotate(turns), flip(FlipAxis::Horizontal), flip(FlipAxis::Vertical), crop] {
            let got = spec.apply(&img).unwrap();
            let want = reference::apply(&spec, &img).unwrap();
            prop_assert_eq!(got, want, "{:?}", spec);
        }
    }

    #[test]
    fn compositions_are_identities(w in 1u32..30, h in 1u32..30, seed in any::<u64>()) {
        let img = image(w, h, seed, false);
        let mut r = img.clone();
        for _ in 0..4 {
            r = rotate(1).apply(&r).unwrap();
        }
        prop_assert_eq!(&r, &img);
        let r3 = rotate(3).apply(&rotate(1).apply(&img).unwrap()).unwrap();
        prop_assert_eq!(&r3, &img);
        let r2 = rotate(2).apply(&img).unwrap();
        prop_assert_eq!(&rotate(1).apply(&rotate(1).apply(&img).unwrap()).unwrap(), &r2);
        let both = flip(FlipAxis::Vertical).apply(&flip(FlipAxis::Horizontal).apply(&img).unwrap()).unwrap();
        prop_assert_eq!(&both, &r2);
        for axis in [FlipAxis::Horizontal, FlipAxis::Vertical] {
            let f = flip(axis);
            prop_assert_eq!(&f.apply(&f.apply(&img).unwrap()).unwrap(), &img);
        }
        prop_assert_eq!(&rotate(0).apply(&img).unwrap(), &img);
    }

    #[test]
    fn resize_matches_reference_on_opaque_images(
        w in 1u32..40, h in 1u32..40, ow in 1u32..60, oh in 1u32..60,
        seed in any::<u64>(), method in method(),
    ) {
        let img = image(w, h, seed, true);
        let spec = resize(ow, oh, method);
        let got = spec.apply(&img).unwrap();
        let want = reference::apply(&spec, &img).unwrap();
        let tol = if method == ResizeMethod::Nearest { 0 } else { RESIZE_TOL };
        prop_assert!(max_diff(&got, &want) <= tol, "{:?}: {}", method, max_diff(&got, &want));
    }

    #[test]
    fn resize_with_alpha_matches_in_premultiplied_terms(
        w in 1u32..30, h in 1u32..30, ow in 1u32..45, oh in 1u32..45,
        seed in any::<u64>(), method in method(),
    ) {
        let img = image(w, h, seed, false);
        let spec = resize(ow, oh, method);
        let got = spec.apply(&img).unwrap();
        if method == ResizeMethod::Nearest {
            prop_assert_eq!(got, reference::apply(&spec, &img).unwrap());
            return Ok(());
        }
        let want = reference::geometry::resize_premultiplied(
            &ResizeParams { width: ow, height: oh, method, linear_light: false, ..Default::default() },
            &img,
        );
        for (g, v) in got.pixels().chunks_exact(CHANNELS).zip(&want) {
            let a = f64::from(g[3]);
            let want_a = v[3].clamp(0.0, 255.0);
            prop_assert!((a - want_a).abs() <= 0.5 + 1e-3, "alpha {} vs {}", a, v[3]);
            for c in 0..3 {
                // Colour times alpha, after clamping each (the visible
                // contribution, in levels): rounding colour and alpha moves
                // it by at most 0.5 * a / 255 + 0.5 * c / 255 <= 1.
                let pre = f64::from(g[c]) * a / 255.0;
                let straight = if v[3] > 0.0 { (v[c] / v[3] * 255.0).clamp(0.0, 255.0) } else { 0.0 };
                let want_c = straight * want_a / 255.0;
                prop_assert!((pre - want_c).abs() <= 1.0 + 1e-3, "premultiplied {} vs {}", pre, want_c);
            }
        }
    }

    #[test]
    fn geometry_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(), turns in 0u8..4,
        cx in 0.0f64..1.0, cy in 0.0f64..1.0, cw in 0u32..70, ch in 0u32..70,
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        let img = image(w, h, seed, false);
        let crop = crop_at(w, h, cx, cy, cw, ch);
        for spec in [rotate(turns), flip(FlipAxis::Horizontal), flip(FlipAxis::Vertical), crop] {
            check_bands(&spec, &img, &cuts);
        }
    }

    #[test]
    fn resize_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(),
        ow in 1u32..90, oh in 1u32..90, method in method(), linear in any::<bool>(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        check_bands(&resize_light(ow, oh, method, linear), &image(w, h, seed, false), &cuts);
    }

    #[test]
    fn linear_light_resize_matches_reference_on_opaque_images(
        w in 1u32..40, h in 1u32..40, ow in 1u32..60, oh in 1u32..60,
        seed in any::<u64>(), method in method(),
    ) {
        // The op rounds linear light to 16 bits on the way in and out; the
        // reference uses exact f64 transfer functions. 16-bit linear steps
        // are under 0.06 of an sRGB level, so the result stays within 1.
        let img = image(w, h, seed, true);
        let spec = resize_light(ow, oh, method, true);
        let got = spec.apply(&img).unwrap();
        let want = reference::apply(&spec, &img).unwrap();
        prop_assert!(max_diff(&got, &want) <= RESIZE_TOL, "{:?}: {}", method, max_diff(&got, &want));
    }

    #[test]
    fn resize_source_rows_are_exactly_the_rows_read(
        h in 1u32..80, oh in 1u32..80, method in method(), a in 0.0f64..1.0, len in 1u32..6,
        seed in any::<u64>(),
    ) {
        // Changing any row outside `source_rows` leaves the output rows alone.
        let spec = resize(3, oh, method);
        let a = ((a * f64::from(oh)) as u32).min(oh - 1);
        let b = (a + len).min(oh);
        let rows = spec.source_rows(4, h, a..b);
        prop_assert!(rows.start < rows.end && rows.end <= h);
        let img = image(4, h, seed, true);
        let mut other = img.clone();
        let stride = other.stride();
        other.pixels_mut()[..rows.start as usize * stride].fill(0);
        other.pixels_mut()[rows.end as usize * stride..].fill(255);
        let full_a = spec.apply(&img).unwrap();
        let full_b = spec.apply(&other).unwrap();
        let range = a as usize * 3 * CHANNELS..b as usize * 3 * CHANNELS;
        prop_assert_eq!(&full_a.pixels()[range.clone()], &full_b.pixels()[range]);
    }
}

#[test]
fn resize_to_same_size_is_identity() {
    let img = image(31, 17, 4, false);
    // Mitchell (B = 1/3) is not interpolating: it blurs even at scale 1.
    for m in [
        ResizeMethod::Nearest,
        ResizeMethod::Bilinear,
        ResizeMethod::Box,
        ResizeMethod::CatmullRom,
        ResizeMethod::Lanczos3,
    ] {
        let out = resize(31, 17, m).apply(&img).unwrap();
        // Alpha-0 pixels come back as transparent black.
        for (o, s) in out
            .pixels()
            .chunks_exact(CHANNELS)
            .zip(img.pixels().chunks_exact(CHANNELS))
        {
            if s[3] == 0 {
                assert_eq!(o[3], 0);
            } else {
                assert_eq!(o, s, "{m:?}");
            }
        }
        assert_eq!(resize(31, 17, m).source_rows(31, 17, 5..6), 5..6);
    }
}

#[test]
fn resize_of_constant_image_is_constant() {
    let img = RgbaImage::from_pixels(13, 7, [200, 10, 99, 255].repeat(13 * 7)).unwrap();
    for m in std::iter::once(ResizeMethod::Nearest).chain(FILTERED) {
        for (ow, oh) in [(1, 1), (5, 3), (40, 29), (13, 70)] {
            for linear in [false, true] {
                let out = resize_light(ow, oh, m, linear).apply(&img).unwrap();
                assert!(
                    out.pixels()
                        .chunks_exact(CHANNELS)
                        .all(|p| p == [200, 10, 99, 255]),
                    "{m:?} {ow}x{oh} linear {linear}"
                );
            }
        }
    }
}

#[test]
fn rotate_quarter_turn_is_clockwise() {
    // 2x1 image: left red, right blue. A clockwise quarter turn puts red on
    // top.
    let img = RgbaImage::from_pixels(2, 1, vec![255, 0, 0, 255, 0, 0, 255, 255]).unwrap();
    let out = rotate(1).apply(&img).unwrap();
    assert_eq!((out.width(), out.height()), (1, 2));
    assert_eq!(out.pixel(0, 0), Some([255, 0, 0, 255]));
    assert_eq!(out.pixel(0, 1), Some([0, 0, 255, 255]));
    let out = rotate(3).apply(&img).unwrap();
    assert_eq!(out.pixel(0, 0), Some([0, 0, 255, 255]));
}

#[test]
fn downscale_bilinear_averages_areas() {
    // Halving with the stretched triangle averages 2x2 blocks (weights
    // 1/8, 3/8, 3/8, 1/8 per axis over 4 pixels).
    let img = RgbaImage::from_pixels(
        4,
        1,
        vec![
            0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        ],
    )
    .unwrap();
    let out = resize(2, 1, ResizeMethod::Bilinear).apply(&img).unwrap();
    // Pixel 0 centred at 0.5: weights over 0..=2 of 3/8, 3/8, 1/8 (the -1
    // tap falls outside) normalized by 7/8: 255 / 7.
    assert_eq!(out.pixel(0, 0), Some([36, 36, 36, 255]));
    assert_eq!(out.pixel(1, 0), Some([219, 219, 219, 255]));
}

#[test]
fn linear_light_averages_light_not_levels() {
    // Halving black and white columns: in sRGB values the mean is 128; in
    // linear light it is half the light, sRGB level 188.
    let img = RgbaImage::from_pixels(2, 1, vec![0, 0, 0, 255, 255, 255, 255, 255]).unwrap();
    for m in [ResizeMethod::Box, ResizeMethod::Bilinear] {
        let plain = resize_light(1, 1, m, false).apply(&img).unwrap();
        assert_eq!(plain.pixel(0, 0), Some([128, 128, 128, 255]), "{m:?}");
        let linear = resize_light(1, 1, m, true).apply(&img).unwrap();
        assert_eq!(linear.pixel(0, 0), Some([188, 188, 188, 255]), "{m:?}");
    }
}

#[test]
fn box_downscale_by_two_averages_pairs() {
    let img = RgbaImage::from_pixels(4, 1, [10, 20, 30, 255, 50, 60, 70, 255].repeat(2)).unwrap();
    let out = resize(2, 1, ResizeMethod::Box).apply(&img).unwrap();
    assert_eq!(out.pixel(0, 0), Some([30, 40, 50, 255]));
    assert_eq!(out.pixel(1, 0), Some([30, 40, 50, 255]));
}

#[test]
fn new_resize_names_round_trip() {
    for (m, name) in [
        (ResizeMethod::Box, "box"),
        (ResizeMethod::CatmullRom, "catmull_rom"),
        (ResizeMethod::Mitchell, "mitchell"),
    ] {
        let spec = resize_light(3, 4, m, true);
        let json = serde_json::to_string(&spec).unwrap();
        assert!(json.contains(&format!("\"{name}\"")), "{json}");
        assert!(json.contains("\"linear_light\":true"), "{json}");
        let back: FilterSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, spec);
    }
    // Older recipes without the field still load, in sRGB values.
    let old: FilterSpec = serde_json::from_str(
        r#"{"filter":"resize","params":{"width":3,"height":4,"method":"lanczos3"}}"#,
    )
    .unwrap();
    assert_eq!(old, resize(3, 4, ResizeMethod::Lanczos3));
}
