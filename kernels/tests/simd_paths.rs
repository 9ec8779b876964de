//! Every CPU level of the hot loops (`ops::simd::CpuLevel`) against the
//! baseline build of the same loops: results must be bit-identical, on
//! opaque and translucent images, for every op that has an AVX2 path. The
//! level is passed to each op's `*_with_level` entry point as a value, so
//! the levels are compared side by side with no global switch; the public
//! path (`FilterSpec::apply`) must equal the detected level's render. On a
//! CPU without AVX2 only the baseline runs, and the test says so.

// Test helpers outside `#[test]` functions unwrap too.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;

use lumen_kernels::ops::simd::CpuLevel;
use lumen_kernels::ops::{adjust, blur, color, convolve, geometry, resize, rotate_free};
use lumen_kernels::spec::{
    BrightnessContrastParams, ConvolveParams, GaussianBlurParams, HslParams, ResizeMethod,
    ResizeParams, RotateAngleParams, RotateParams, UnsharpMaskParams,
};
use lumen_kernels::{FilterSpec, RgbaImage};
use proptest::prelude::*;

mod common;
use common::image;

fn specs(w: u32, h: u32) -> Vec<FilterSpec> {
    let mut v = vec![
        FilterSpec::from_name("invert").unwrap(),
        FilterSpec::from_name("grayscale").unwrap(),
        FilterSpec::BrightnessContrast(BrightnessContrastParams {
            brightness: 0.1,
            contrast: 0.2,
        }),
        FilterSpec::Rotate(RotateParams { quarter_turns: 1 }),
        FilterSpec::Rotate(RotateParams { quarter_turns: 3 }),
        FilterSpec::Hsl(HslParams {
            hue_deg: -70.0,
            saturation: 0.4,
            lightness: -0.2,
        }),
        FilterSpec::Hsl(HslParams {
            hue_deg: 150.0,
            saturation: -0.6,
            lightness: 0.3,
        }),
        FilterSpec::RotateAngle(RotateAngleParams {
            angle_deg: 17.0,
            expand: true,
        }),
        FilterSpec::RotateAngle(RotateAngleParams {
            angle_deg: -133.0,
            expand: false,
        }),
        FilterSpec::Convolve(ConvolveParams {
            kernel: vec![0.5, -1.0, 0.25, -1.0, 6.0, -1.0, 0.125, -1.0, 0.5],
            divisor: 0.0,
            bias: 3.0,
        }),
        FilterSpec::Convolve(ConvolveParams {
            kernel: (0..25).map(|i| (i % 7) as f32 - 2.5).collect(),
            divisor: 7.0,
            bias: -20.0,
        }),
    ];
    for sigma in [0.8, 2.0, 3.0, 7.5] {
        v.push(FilterSpec::GaussianBlur(GaussianBlurParams {
            sigma_px: sigma,
        }));
        v.push(FilterSpec::UnsharpMask(UnsharpMaskParams {
            sigma_px: sigma,
            amount: 1.5,
            threshold: 2.0,
        }));
    }
    for method in [
        ResizeMethod::Bilinear,
        ResizeMethod::Box,
        ResizeMethod::CatmullRom,
        ResizeMethod::Mitchell,
        ResizeMethod::Lanczos3,
    ] {
        for linear_light in [false, true] {
            for (width, height) in [(w / 2 + 1, h / 3 + 1), (w * 2 - 1, h + 5)] {
                v.push(FilterSpec::Resize(ResizeParams {
                    width,
                    height,
                    method,
                    linear_light,
                }));
            }
        }
    }
    v
}

/// `spec` on the whole of `img` through its op's `*_with_level` entry
/// point at `level`.
fn render_at(level: CpuLevel, spec: &FilterSpec, img: &RgbaImage) -> RgbaImage {
    let (w, h) = spec.output_size(img.width(), img.height()).unwrap();
    let mut out = RgbaImage::new(w, h).unwrap();
    let (src, band, dst) = (img.pixels(), img.as_band(), out.pixels_mut());
    match spec {
        FilterSpec::Invert(_) => adjust::invert_with_level(level, src, dst),
        FilterSpec::Grayscale(_) => color::grayscale_with_level(level, src, dst),
        FilterSpec::BrightnessContrast(p) => {
            adjust::brightness_contrast_with_level(level, p, src, dst);
        }
        FilterSpec::Rotate(p) => geometry::rotate_rows_with_level(level, p, &band, 0..h, dst),
        FilterSpec::GaussianBlur(p) => {
            blur::gaussian_blur_rows_with_level(level, p, &band, 0..h, dst);
        }
        FilterSpec::UnsharpMask(p) => {
            blur::unsharp_mask_rows_with_level(level, p, &band, 0..h, dst);
        }
        FilterSpec::Resize(p) => resize::resize_rows_with_level(level, p, &band, 0..h, dst),
        FilterSpec::Hsl(p) => color::hsl_with_level(level, p, src, dst),
        FilterSpec::Convolve(p) => convolve::convolve_rows_with_level(level, p, &band, 0..h, dst),
        FilterSpec::RotateAngle(p) => {
            let g = rotate_free::RotateGeometry::new(p, img.width(), img.height()).unwrap();
            rotate_free::rotate_angle_rows_with_level(level, &g, &band, 0..h, dst);
        }
        other => panic!("{} has no AVX2 path to compare", other.name()),
    }
    out
}

/// The levels to compare with the baseline; says visibly (past the test
/// harness's capture) when this CPU has none.
fn levels_above_baseline() -> Vec<CpuLevel> {
    let above: Vec<CpuLevel> = CpuLevel::supported()
        .into_iter()
        .filter(|l| *l != CpuLevel::Baseline)
        .collect();
    static SAID: std::sync::Once = std::sync::Once::new();
    if above.is_empty() {
        SAID.call_once(|| {
            writeln!(
            std::io::stderr(),
                "skipped: this CPU has no level above the baseline (no AVX2); only the baseline was checked"
            )
            .ok();
        });
    }
    above
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn every_level_is_bit_identical_to_the_baseline(
        w in 1u32..150, h in 1u32..90, seed in any::<u64>(), opaque in any::<bool>(),
    ) {
        let img = image(w, h, seed, opaque);
        let levels = levels_above_baseline();
        for spec in specs(w, h) {
            let base = render_at(CpuLevel::Baseline, &spec, &img);
            for &level in &levels {
                let fast = render_at(level, &spec, &img);
                prop_assert!(base == fast, "{:?} differs at {:?}", spec, level);
            }
            // The public path runs the detected level.
            let public = spec.apply(&img).unwrap();
            prop_assert!(public == render_at(CpuLevel::detected(), &spec, &img), "{:?}", spec);
        }
    }
}
