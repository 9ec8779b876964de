//! Per-pixel ops (invert, grayscale, brightness/contrast, exposure, gamma,
//! hsl): the fast ops behind `FilterSpec::apply` against the `f64`
//! references in `lumen_kernels::reference`, plus hand-computed goldens.
//!
//! Tolerances, in 0..=255 levels, per channel:
//! - invert: 0 (pure integer math on both sides).
//! - brightness/contrast, exposure, gamma: 1. The fast ops use a LUT built
//!   from the same `f64` formula, so they are exact in practice, but the
//!   contract only promises rounding agreement, and a value within 1e-12 of a
//!   half can round either way between two `f64` formulations.
//! - grayscale: 1. Fixed-point weights (sum 65536) differ from 0.2126 /
//!   0.7152 / 0.0722 by at most 0.5 / 65536, i.e. < 0.006 levels in total, so
//!   only values right at a half can round differently (checked exhaustively
//!   over all 2^24 colours below).
//! - hsl: 1. The fast op runs in `f32`; its error before rounding is a few
//!   `f32` ulps of 255 (about 1e-4 levels), which can only flip a rounding
//!   right at a half, never by more than one level.

// Test helpers outside `#[test]` functions unwrap too.
#![allow(clippy::unwrap_used)]

use lumen_kernels::ops;
use lumen_kernels::reference;
use lumen_kernels::spec::{
    BrightnessContrastParams, ExposureParams, GammaParams, GrayscaleParams, HslParams, InvertParams,
};
use lumen_kernels::{FilterSpec, RgbaImage};
use proptest::prelude::*;

mod common;

/// Largest per-byte difference between two images of the same size.
fn max_diff(a: &RgbaImage, b: &RgbaImage) -> u8 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    a.pixels()
        .iter()
        .zip(b.pixels())
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

/// One-row image of the given pixels.
fn row_image(px: &[[u8; 4]]) -> RgbaImage {
    RgbaImage::from_pixels(px.len() as u32, 1, px.concat()).unwrap()
}

/// Runs `spec` on one pixel through the public fast path.
fn fast1(spec: FilterSpec, px: [u8; 4]) -> [u8; 4] {
    spec.apply(&row_image(&[px])).unwrap().pixel(0, 0).unwrap()
}

/// Runs the reference of `spec` on one pixel.
fn ref1(spec: FilterSpec, px: [u8; 4]) -> [u8; 4] {
    reference::apply(&spec, &row_image(&[px]))
        .unwrap()
        .pixel(0, 0)
        .unwrap()
}

/// Both paths on one pixel; they must agree exactly for a golden.
fn both1(spec: FilterSpec, px: [u8; 4]) -> [u8; 4] {
    let fast = fast1(spec.clone(), px);
    assert_eq!(
        fast,
        ref1(spec.clone(), px),
        "fast vs reference for {spec:?}"
    );
    fast
}

fn bc(brightness: f32, contrast: f32) -> FilterSpec {
    FilterSpec::BrightnessContrast(BrightnessContrastParams {
        brightness,
        contrast,
    })
}

fn exposure(stops: f32) -> FilterSpec {
    FilterSpec::Exposure(ExposureParams { stops })
}

fn gamma(gamma: f32) -> FilterSpec {
    FilterSpec::Gamma(GammaParams { gamma })
}

fn hsl(hue_deg: f32, saturation: f32, lightness: f32) -> FilterSpec {
    FilterSpec::Hsl(HslParams {
        hue_deg,
        saturation,
        lightness,
    })
}

const INVERT: FilterSpec = FilterSpec::Invert(InvertParams {});
const GRAYSCALE: FilterSpec = FilterSpec::Grayscale(GrayscaleParams {});

/// Every 4-byte pattern worth a look: all 256 levels in each channel with
/// varied other channels and alpha.
fn sweep_image() -> RgbaImage {
    let px: Vec<[u8; 4]> = (0..=255u8)
        .map(|v| {
            [
                v,
                v.wrapping_mul(7),
                255 - v,
                v.wrapping_mul(13).wrapping_add(5),
            ]
        })
        .collect();
    row_image(&px)
}

// ---------------------------------------------------------------- goldens

#[test]
fn invert_golden() {
    assert_eq!(both1(INVERT, [10, 20, 30, 40]), [245, 235, 225, 40]);
    assert_eq!(both1(INVERT, [0, 255, 128, 0]), [255, 0, 127, 0]);
    assert_eq!(both1(INVERT, [255, 255, 255, 255]), [0, 0, 0, 255]);
}

#[test]
fn invert_twice_is_identity() {
    let img = sweep_image();
    let twice = INVERT.apply(&INVERT.apply(&img).unwrap()).unwrap();
    assert_eq!(twice, img);
}

#[test]
fn grayscale_golden() {
    // 0.2126 * 255 = 54.213, 0.7152 * 255 = 182.376, 0.0722 * 255 = 18.411.
    assert_eq!(both1(GRAYSCALE, [255, 0, 0, 77]), [54, 54, 54, 77]);
    assert_eq!(both1(GRAYSCALE, [0, 255, 0, 1]), [182, 182, 182, 1]);
    assert_eq!(both1(GRAYSCALE, [0, 0, 255, 200]), [18, 18, 18, 200]);
    assert_eq!(both1(GRAYSCALE, [255, 255, 255, 0]), [255, 255, 255, 0]);
    assert_eq!(both1(GRAYSCALE, [0, 0, 0, 9]), [0, 0, 0, 9]);
    // 0.2126*100 + 0.7152*150 + 0.0722*200 = 21.26 + 107.28 + 14.44 = 142.98.
    assert_eq!(both1(GRAYSCALE, [100, 150, 200, 255]), [143, 143, 143, 255]);
}

#[test]
fn grayscale_keeps_greys() {
    for v in 0..=255u8 {
        assert_eq!(fast1(GRAYSCALE, [v, v, v, 3]), [v, v, v, 3]);
    }
}

/// All 2^24 colours through the fixed-point op, against the exact formula.
#[test]
fn grayscale_fixed_point_exhaustive() {
    let mut src = vec![0u8; 256 * 256 * 4];
    let mut dst = vec![0u8; src.len()];
    let mut worst = 0.0f64;
    for r in 0..=255u8 {
        for (i, px) in src.chunks_exact_mut(4).enumerate() {
            px.copy_from_slice(&[r, (i >> 8) as u8, i as u8, 255]);
        }
        ops::color::grayscale(&src, &mut dst);
        for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact(4)) {
            let exact =
                0.2126 * f64::from(s[0]) + 0.7152 * f64::from(s[1]) + 0.0722 * f64::from(s[2]);
            worst = worst.max((f64::from(d[0]) - exact).abs());
        }
    }
    // Rounding alone gives 0.5; the fixed-point weights add < 0.006.
    assert!(worst < 0.51, "worst grayscale error {worst}");
}

#[test]
fn brightness_contrast_golden() {
    // Brightness 0.5 adds 127.5 levels.
    assert_eq!(both1(bc(0.5, 0.0), [0, 100, 200, 50]), [128, 228, 255, 50]);
    assert_eq!(both1(bc(-1.0, 0.0), [0, 100, 255, 50]), [0, 0, 0, 50]);
    assert_eq!(both1(bc(1.0, 0.0), [0, 100, 255, 50]), [255, 255, 255, 50]);
    // Contrast 0.5 gives factor 1.5 / 0.5 = 3 around 127.5, i.e. 3v - 255.
    assert_eq!(both1(bc(0.0, 0.5), [100, 128, 80, 9]), [45, 129, 0, 9]);
    assert_eq!(both1(bc(0.0, 0.5), [127, 200, 85, 9]), [126, 255, 0, 9]);
    // Both: 3 * 90 - 255 + 0.25 * 255 = 15 + 63.75 = 78.75 -> 79.
    assert_eq!(both1(bc(0.25, 0.5), [90, 0, 255, 9]), [79, 0, 255, 9]);
    // Contrast -1 is flat grey (127.5 rounds to 128), contrast 1 a threshold.
    assert_eq!(both1(bc(0.0, -1.0), [0, 77, 255, 9]), [128, 128, 128, 9]);
    assert_eq!(both1(bc(0.0, 1.0), [127, 128, 0, 9]), [0, 255, 0, 9]);
    assert_eq!(both1(bc(0.0, 1.0), [255, 126, 129, 9]), [255, 0, 255, 9]);
}

#[test]
fn exposure_golden() {
    // 128 -> linear 0.21586 -> x2 = 0.43172 -> sRGB 0.68844 -> 175.55 -> 176.
    assert_eq!(both1(exposure(1.0), [128, 0, 255, 3]), [176, 0, 255, 3]);
    // 255 -> linear 1 -> /1024 (below the linear toe) -> 12.92/1024*255
    // = 3.217 -> 3.
    assert_eq!(both1(exposure(-10.0), [255, 0, 0, 3]), [3, 0, 0, 3]);
    // 1 -> linear 0.000304 -> x1024 = 0.311 -> sRGB 0.5933 -> 151.30 -> 151;
    // 10 and up saturate.
    assert_eq!(both1(exposure(10.0), [1, 0, 10, 3]), [151, 0, 255, 3]);
}

#[test]
fn gamma_golden() {
    // 255 * sqrt(64 / 255) = 127.75 -> 128; 255 * (64/255)^2 = 16.06 -> 16.
    assert_eq!(both1(gamma(2.0), [64, 0, 255, 8]), [128, 0, 255, 8]);
    assert_eq!(both1(gamma(0.5), [64, 0, 255, 8]), [16, 0, 255, 8]);
}

#[test]
fn hsl_golden() {
    let red = [255, 0, 0, 99];
    assert_eq!(both1(hsl(120.0, 0.0, 0.0), red), [0, 255, 0, 99]);
    assert_eq!(both1(hsl(-120.0, 0.0, 0.0), red), [0, 0, 255, 99]);
    assert_eq!(both1(hsl(180.0, 0.0, 0.0), red), [0, 255, 255, 99]);
    assert_eq!(both1(hsl(-180.0, 0.0, 0.0), red), [0, 255, 255, 99]);
    // 60 degrees from red is yellow.
    assert_eq!(both1(hsl(60.0, 0.0, 0.0), red), [255, 255, 0, 99]);
    // Fully desaturated: the grey of L = (max + min) / 2 = (200 + 50) / 2.
    assert_eq!(
        both1(hsl(0.0, -1.0, 0.0), [200, 100, 50, 99]),
        [125, 125, 125, 99]
    );
    assert_eq!(both1(hsl(0.0, 0.0, -1.0), red), [0, 0, 0, 99]);
    assert_eq!(both1(hsl(0.0, 0.0, 1.0), red), [255, 255, 255, 99]);
    // (200, 100, 100): L = 150/255, S = 0.47619; S doubled = 0.95238,
    // C = (1 - |2L - 1|) * S = 200/255, so (150 + 100, 150 - 100, 150 - 100).
    assert_eq!(
        both1(hsl(0.0, 1.0, 0.0), [200, 100, 100, 7]),
        [250, 50, 50, 7]
    );
    // Lightness 0.2 on red (L = 0.5, S = 1): L' = 0.6, C = 0.8, m = 0.2,
    // so (1, 0.2, 0.2) * 255.
    assert_eq!(both1(hsl(0.0, 0.0, 0.2), red), [255, 51, 51, 99]);
    // Greys have no hue: rotation leaves them alone.
    assert_eq!(both1(hsl(90.0, 0.5, 0.0), [77, 77, 77, 1]), [77, 77, 77, 1]);
}

#[test]
fn neutral_parameters_are_identity() {
    let img = sweep_image();
    for spec in [
        bc(0.0, 0.0),
        exposure(0.0),
        gamma(1.0),
        hsl(0.0, 0.0, 0.0),
        hsl(-0.0, -0.0, -0.0),
    ] {
        assert_eq!(spec.apply(&img).unwrap(), img, "fast {spec:?}");
        assert_eq!(reference::apply(&spec, &img).unwrap(), img, "ref {spec:?}");
    }
    // Hue +-180 twice also comes back (within the rounding of two passes).
    let there = hsl(180.0, 0.0, 0.0).apply(&img).unwrap();
    let back = hsl(-180.0, 0.0, 0.0).apply(&there).unwrap();
    assert!(max_diff(&back, &img) <= 1);
}

#[test]
fn every_op_keeps_alpha_exactly() {
    let img = sweep_image();
    for spec in [
        INVERT,
        GRAYSCALE,
        bc(0.3, -0.7),
        bc(-1.0, 1.0),
        exposure(-3.5),
        exposure(10.0),
        gamma(0.01),
        gamma(10.0),
        hsl(-45.0, 0.8, -0.3),
        hsl(180.0, -1.0, 1.0),
    ] {
        for out in [
            spec.apply(&img).unwrap(),
            reference::apply(&spec, &img).unwrap(),
        ] {
            let alpha_in = img.pixels().iter().skip(3).step_by(4);
            let alpha_out = out.pixels().iter().skip(3).step_by(4);
            assert!(alpha_in.eq(alpha_out), "alpha changed by {spec:?}");
        }
    }
}

#[test]
fn extreme_parameters_stay_close_to_reference() {
    let img = sweep_image();
    for spec in [
        bc(1.0, 1.0),
        bc(-1.0, -1.0),
        bc(0.0, 0.999),
        exposure(-10.0),
        exposure(10.0),
        gamma(0.01),
        gamma(10.0),
        hsl(180.0, 1.0, 1.0),
        hsl(-180.0, -1.0, -1.0),
    ] {
        let fast = spec.apply(&img).unwrap();
        let slow = reference::apply(&spec, &img).unwrap();
        assert!(max_diff(&fast, &slow) <= 1, "{spec:?}");
    }
}

// ---------------------------------------------------------- properties

use common::{param, small_image as image};

/// Checks fast against reference within `tol`, and that alpha is kept.
fn check(spec: FilterSpec, img: &RgbaImage, tol: u8) -> Result<(), TestCaseError> {
    common::check_point_op(&spec, img, i32::from(tol))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn invert_matches_reference(img in image()) {
        check(INVERT, &img, 0)?;
    }

    #[test]
    fn grayscale_matches_reference(img in image()) {
        check(GRAYSCALE, &img, 1)?;
    }

    #[test]
    fn brightness_contrast_matches_reference(
        img in image(), b in param(-1.0, 1.0), c in param(-1.0, 1.0),
    ) {
        check(bc(b, c), &img, 1)?;
    }

    #[test]
    fn exposure_matches_reference(img in image(), stops in param(-10.0, 10.0)) {
        check(exposure(stops), &img, 1)?;
    }

    #[test]
    fn gamma_matches_reference(img in image(), g in param(0.01, 10.0)) {
        check(gamma(g), &img, 1)?;
    }

    #[test]
    fn hsl_matches_reference(
        img in image(),
        h in param(-180.0, 180.0),
        s in param(-1.0, 1.0),
        l in param(-1.0, 1.0),
    ) {
        check(hsl(h, s, l), &img, 1)?;
    }

    /// Rendering a point op in two row bands gives the whole-image result.
    #[test]
    fn point_ops_split_into_bands(
        img in image(),
        cut in 0u32..=17,
        which in 0usize..6,
        a in param(-1.0, 1.0),
        b in param(-1.0, 1.0),
    ) {
        let spec = [
            INVERT,
            GRAYSCALE,
            bc(a, b),
            exposure(a * 10.0),
            gamma(5.005 + a * 4.995),
            hsl(a * 180.0, b, a * b),
        ][which].clone();
        let whole = spec.apply(&img).unwrap();
        let h = img.height();
        let cut = cut.min(h);
        let mut out = vec![0u8; img.pixels().len()];
        let (top, bottom) = out.split_at_mut(cut as usize * img.stride());
        spec.render_rows(&img.as_band(), 0..cut, top).unwrap();
        spec.render_rows(&img.as_band(), cut..h, bottom).unwrap();
        prop_assert_eq!(out.as_slice(), whole.pixels());
    }
}
