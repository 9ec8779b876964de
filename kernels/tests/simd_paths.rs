//! The AVX2 builds of the hot loops (`ops::simd`) against the baseline
//! builds of the same loops: results must be bit-identical, on opaque and
//! translucent images, for every op that has an AVX2 path. (On CPUs or
//! targets without AVX2 both renders take the same path and the test is
//! trivially true.)

// Test helpers outside `#[test]` functions unwrap too.
#![allow(clippy::unwrap_used)]

use lumen_kernels::FilterSpec;
use lumen_kernels::ops::simd::set_avx2_enabled;
use lumen_kernels::spec::{
    BrightnessContrastParams, GaussianBlurParams, ResizeMethod, ResizeParams, RotateParams,
    UnsharpMaskParams,
};
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn avx2_and_baseline_paths_are_bit_identical(
        w in 1u32..150, h in 1u32..90, seed in any::<u64>(), opaque in any::<bool>(),
    ) {
        let img = image(w, h, seed, opaque);
        for spec in specs(w, h) {
            set_avx2_enabled(false);
            let base = spec.apply(&img).unwrap();
            set_avx2_enabled(true);
            let fast = spec.apply(&img).unwrap();
            prop_assert!(base == fast, "{:?} differs between paths", spec);
        }
    }
}
