//! Neighbourhood filters (box and motion blur, median, denoise, sobel,
//! emboss, convolve): fast ops against the naive references of
//! `reference::neighbour`, band independence, validation, and that
//! transparent pixels do not bleed colour.
//!
//! Tolerances: box blur, motion blur, median, denoise and convolve are
//! exact (the fast paths sum exact integers, or the same `f64` terms in the
//! same order). Sobel and emboss are within 1 level (`f32` square root and
//! quantized emboss factors against `f64`).

// Test helpers outside `#[test]` functions unwrap too.
#![allow(clippy::unwrap_used)]

use lumen_kernels::image::CHANNELS;
use lumen_kernels::reference;
use lumen_kernels::spec::{
    BoxBlurParams, ConvolveParams, DenoiseParams, EmbossParams, MedianParams, MotionBlurParams,
    SobelParams,
};
use lumen_kernels::{FilterSpec, KernelError, RgbaImage};
use proptest::prelude::*;

mod common;
use common::{AWKWARD, check_bands, image, max_diff};

fn check_ref(spec: &FilterSpec, img: &RgbaImage, tol: i32) -> Result<(), TestCaseError> {
    let got = spec.apply(img).unwrap();
    let want = reference::apply(spec, img).unwrap();
    let d = max_diff(&got, &want);
    prop_assert!(
        d <= tol,
        "{:?} on {}x{}: off by {}",
        spec,
        img.width(),
        img.height(),
        d
    );
    Ok(())
}

fn kernel_strategy() -> impl Strategy<Value = Vec<f32>> {
    prop_oneof![
        prop::collection::vec(-8.0f32..8.0, 9),
        prop::collection::vec(-3.0f32..3.0, 25),
        prop::collection::vec((-4i32..=4).prop_map(|v| v as f32), 9),
    ]
}

fn box_blur(r: u32) -> FilterSpec {
    FilterSpec::BoxBlur(BoxBlurParams { radius_px: r })
}

fn convolve(kernel: Vec<f32>, divisor: f32, bias: f32) -> FilterSpec {
    FilterSpec::Convolve(ConvolveParams {
        kernel,
        divisor,
        bias,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn box_blur_matches_reference(
        w in 1u32..24, h in 1u32..24, seed in any::<u64>(), r in 0u32..9, opaque in any::<bool>(),
    ) {
        check_ref(&box_blur(r), &image(w, h, seed, opaque), 0)?;
    }

    #[test]
    fn motion_blur_matches_reference(
        w in 1u32..20, h in 1u32..20, seed in any::<u64>(), len in 0.0f32..14.0,
        angle in -180.0f32..=180.0, opaque in any::<bool>(),
    ) {
        let spec = FilterSpec::MotionBlur(MotionBlurParams { length_px: len, angle_deg: angle });
        check_ref(&spec, &image(w, h, seed, opaque), 0)?;
    }

    #[test]
    fn median_matches_reference(
        w in 1u32..20, h in 1u32..20, seed in any::<u64>(),
        r in prop_oneof![1u32..6, 14u32..22], opaque in any::<bool>(),
    ) {
        // Radius 1 (the median of three column sorts) and the radii of
        // the constant-time histograms (from 2), small and large.
        let spec = FilterSpec::Median(MedianParams { radius_px: r });
        check_ref(&spec, &image(w, h, seed, opaque), 0)?;
    }

    #[test]
    fn denoise_matches_reference(
        w in 1u32..16, h in 1u32..16, seed in any::<u64>(), r in 1u32..5,
        strength in 0.0f32..=1.0, opaque in any::<bool>(),
    ) {
        let spec = FilterSpec::Denoise(DenoiseParams { strength, radius_px: r });
        check_ref(&spec, &image(w, h, seed, opaque), 0)?;
    }

    #[test]
    fn sobel_matches_reference(
        w in 1u32..24, h in 1u32..24, seed in any::<u64>(), scale in 0.0f32..=8.0,
        opaque in any::<bool>(),
    ) {
        let spec = FilterSpec::Sobel(SobelParams { scale });
        check_ref(&spec, &image(w, h, seed, opaque), 1)?;
    }

    #[test]
    fn emboss_matches_reference(
        w in 1u32..24, h in 1u32..24, seed in any::<u64>(), angle in -180.0f32..=180.0,
        strength in 0.0f32..=10.0, opaque in any::<bool>(),
    ) {
        let spec = FilterSpec::Emboss(EmbossParams { angle_deg: angle, strength });
        check_ref(&spec, &image(w, h, seed, opaque), 1)?;
    }

    #[test]
    fn convolve_matches_reference(
        w in 1u32..20, h in 1u32..20, seed in any::<u64>(), kernel in kernel_strategy(),
        divisor in prop_oneof![Just(0.0f32), -20.0f32..20.0], bias in -255.0f32..=255.0,
        opaque in any::<bool>(),
    ) {
        check_ref(&convolve(kernel, divisor, bias), &image(w, h, seed, opaque), 0)?;
    }

    #[test]
    fn bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(), which in 0usize..7,
        radius in 1u32..12, len in 0.0f32..30.0, angle in -180.0f32..=180.0,
        kernel in kernel_strategy(), opaque in any::<bool>(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        let spec = match which {
            0 => box_blur(radius),
            1 => FilterSpec::MotionBlur(MotionBlurParams { length_px: len, angle_deg: angle }),
            2 => FilterSpec::Median(MedianParams { radius_px: radius * 2 }),
            3 => FilterSpec::Denoise(DenoiseParams { strength: 0.5, radius_px: radius.min(10) }),
            4 => FilterSpec::Sobel(SobelParams { scale: 2.5 }),
            5 => FilterSpec::Emboss(EmbossParams { angle_deg: angle, strength: 3.0 }),
            _ => convolve(kernel, 0.0, 10.0),
        };
        check_bands(&spec, &image(w, h, seed, opaque), &cuts);
    }
}

fn from_fn(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> RgbaImage {
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            px.extend_from_slice(&f(x, y));
        }
    }
    RgbaImage::from_pixels(w, h, px).unwrap()
}

#[test]
fn transparent_pixels_do_not_bleed_colour() {
    // Left half transparent but red; right half opaque blue. No red may
    // appear in any pixel that is not fully transparent.
    let img = from_fn(24, 7, |x, _| {
        if x < 12 {
            [255, 0, 0, 0]
        } else {
            [0, 0, 255, 255]
        }
    });
    let specs = [
        box_blur(1),
        box_blur(4),
        FilterSpec::from_name("convolve").unwrap(),
        convolve(vec![1.0; 25], 0.0, 0.0),
        convolve(vec![1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0], 0.0, 0.0),
        FilterSpec::MotionBlur(MotionBlurParams {
            length_px: 9.0,
            angle_deg: 20.0,
        }),
        FilterSpec::Denoise(DenoiseParams {
            strength: 1.0,
            radius_px: 3,
        }),
        FilterSpec::Median(MedianParams { radius_px: 2 }),
    ];
    for spec in &specs {
        let out = spec.apply(&img).unwrap();
        for p in out.pixels().chunks_exact(CHANNELS) {
            if p[3] > 0 {
                assert!(p[0] == 0 && p[1] == 0, "{spec:?}: {p:?}");
            }
        }
        // And some pixel next to the boundary is partly transparent for the
        // blurs, so the check above is not vacuous.
    }
    let out = box_blur(2).apply(&img).unwrap();
    assert!(out.pixel(11, 3).unwrap()[3] > 0);
    assert_eq!(out.pixel(11, 3).unwrap()[2], 255);
}

#[test]
fn identities() {
    let img = image(17, 9, 4, false);
    assert_eq!(box_blur(0).apply(&img).unwrap(), img);
    let motion = FilterSpec::MotionBlur(MotionBlurParams {
        length_px: 0.0,
        angle_deg: 33.0,
    });
    assert_eq!(motion.apply(&img).unwrap(), img);
    let denoise = FilterSpec::Denoise(DenoiseParams {
        strength: 0.0,
        radius_px: 4,
    });
    assert_eq!(denoise.apply(&img).unwrap(), img);
    let mut id = vec![0.0; 25];
    id[12] = 1.0;
    let opaque = image(17, 9, 4, true);
    assert_eq!(convolve(id, 0.0, 0.0).apply(&opaque).unwrap(), opaque);
    // A constant opaque image is unchanged by every blur and the median.
    let flat = from_fn(11, 6, |_, _| [40, 90, 200, 255]);
    for spec in [
        box_blur(7),
        FilterSpec::Median(MedianParams { radius_px: 3 }),
        FilterSpec::from_name("motion_blur").unwrap(),
        FilterSpec::from_name("denoise").unwrap(),
        FilterSpec::from_name("convolve").unwrap(),
    ] {
        assert_eq!(spec.apply(&flat).unwrap(), flat, "{spec:?}");
    }
    // Sobel of a flat image is black; emboss is mid-grey.
    let s = FilterSpec::from_name("sobel")
        .unwrap()
        .apply(&flat)
        .unwrap();
    assert!(s.pixels().chunks_exact(4).all(|p| p == [0, 0, 0, 255]));
    let e = FilterSpec::from_name("emboss")
        .unwrap()
        .apply(&flat)
        .unwrap();
    assert!(
        e.pixels()
            .chunks_exact(4)
            .all(|p| p == [128, 128, 128, 255])
    );
}

#[test]
fn large_radii_match_reference_on_small_images() {
    let img = image(9, 6, 11, false);
    for r in [20, 1000] {
        let spec = box_blur(r);
        assert_eq!(
            spec.apply(&img).unwrap(),
            reference::apply(&spec, &img).unwrap()
        );
    }
    let spec = FilterSpec::Median(MedianParams { radius_px: 100 });
    let img = image(5, 4, 2, true);
    assert_eq!(
        spec.apply(&img).unwrap(),
        reference::apply(&spec, &img).unwrap()
    );
    let spec = FilterSpec::MotionBlur(MotionBlurParams {
        length_px: 500.0,
        angle_deg: -60.0,
    });
    assert_eq!(
        spec.apply(&img).unwrap(),
        reference::apply(&spec, &img).unwrap()
    );
}

#[test]
fn motion_halo_bounds() {
    use lumen_kernels::ops::box_motion::motion_halo_px;
    for (len, angle) in [
        (10.0f32, 0.0f32),
        (10.0, 90.0),
        (31.0, 45.0),
        (500.0, -180.0),
        (7.5, 30.0),
    ] {
        let p = MotionBlurParams {
            length_px: len,
            angle_deg: angle,
        };
        let bound = (f64::from(len) / 2.0 * f64::from(angle).to_radians().sin().abs() + 1e-9).ceil()
            as u32
            + 1;
        let halo = motion_halo_px(&p);
        assert!(
            halo <= bound + 1 && halo + 1 >= bound,
            "{len} {angle}: {halo} vs {bound}"
        );
    }
}

#[test]
fn validation_names_the_parameter() {
    let param = |spec: FilterSpec| match spec.validate() {
        Err(KernelError::Param { param, .. }) => param,
        other => panic!("{spec:?}: {other:?}"),
    };
    assert_eq!(param(box_blur(1001)), "radius_px");
    assert_eq!(
        param(FilterSpec::Median(MedianParams { radius_px: 0 })),
        "radius_px"
    );
    assert_eq!(
        param(FilterSpec::Median(MedianParams { radius_px: 101 })),
        "radius_px"
    );
    assert_eq!(
        param(FilterSpec::MotionBlur(MotionBlurParams {
            length_px: f32::NAN,
            angle_deg: 0.0
        })),
        "length_px"
    );
    assert_eq!(
        param(FilterSpec::MotionBlur(MotionBlurParams {
            length_px: 3.0,
            angle_deg: 181.0
        })),
        "angle_deg"
    );
    assert_eq!(
        param(FilterSpec::Denoise(DenoiseParams {
            strength: 1.5,
            radius_px: 2
        })),
        "strength"
    );
    assert_eq!(
        param(FilterSpec::Denoise(DenoiseParams {
            strength: 0.5,
            radius_px: 11
        })),
        "radius_px"
    );
    assert_eq!(
        param(FilterSpec::Sobel(SobelParams {
            scale: f32::INFINITY
        })),
        "scale"
    );
    assert_eq!(
        param(FilterSpec::Emboss(EmbossParams {
            angle_deg: 0.0,
            strength: -1.0
        })),
        "strength"
    );
    assert_eq!(param(convolve(vec![1.0; 8], 0.0, 0.0)), "kernel");
    assert_eq!(param(convolve(vec![], 0.0, 0.0)), "kernel");
    let mut k = vec![1.0; 9];
    k[4] = f32::NAN;
    assert_eq!(param(convolve(k, 0.0, 0.0)), "kernel");
    assert_eq!(param(convolve(vec![1.0; 9], f32::NAN, 0.0)), "divisor");
    assert_eq!(param(convolve(vec![1.0; 9], 0.0, 300.0)), "bias");
    for name in [
        "box_blur",
        "motion_blur",
        "median",
        "denoise",
        "sobel",
        "emboss",
        "convolve",
    ] {
        let spec = FilterSpec::from_name(name).unwrap();
        assert!(spec.validate().is_ok(), "{name}");
        assert_eq!(spec.name(), name);
        let json = serde_json::to_string(&spec).unwrap();
        let back: FilterSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, spec);
    }
    // A bad kernel length is an error from apply, not a panic.
    let img = image(4, 4, 1, true);
    assert!(convolve(vec![1.0; 16], 0.0, 0.0).apply(&img).is_err());
}

#[test]
fn proxy_scaling() {
    let s = box_blur(10).scaled_for_proxy(0.25);
    assert_eq!(s, box_blur(3));
    let m = FilterSpec::MotionBlur(MotionBlurParams {
        length_px: 40.0,
        angle_deg: 10.0,
    })
    .scaled_for_proxy(0.5);
    assert_eq!(
        m,
        FilterSpec::MotionBlur(MotionBlurParams {
            length_px: 20.0,
            angle_deg: 10.0
        })
    );
    let c = FilterSpec::from_name("convolve").unwrap();
    assert_eq!(c.scaled_for_proxy(0.1), c);
    let d = FilterSpec::Median(MedianParams { radius_px: 3 }).scaled_for_proxy(0.1);
    assert_eq!(d, FilterSpec::Median(MedianParams { radius_px: 1 }));
}
