//! Gaussian blur and unsharp mask: accuracy against the exact sampled
//! gaussian of `reference::blur`, alpha handling, and band independence.

// Test helpers outside `#[test]` functions unwrap too.
#![allow(clippy::unwrap_used)]

use lumen_kernels::image::CHANNELS;
use lumen_kernels::ops::blur::gaussian_halo_px;
use lumen_kernels::reference;
use lumen_kernels::spec::{GaussianBlurParams, UnsharpMaskParams};
use lumen_kernels::{FilterSpec, RgbaImage};
use proptest::prelude::*;

mod common;
use common::{AWKWARD, check_bands, image, max_diff, render_band};

/// Largest per-channel difference allowed against the exact gaussian for
/// sigma >= 1: the box chain's shape error (under 0.7 of a level on a step
/// edge) plus fixed-point rounding, plus the final rounding of both sides.
const BLUR_TOL: i32 = 2;

fn from_fn(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> RgbaImage {
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            px.extend_from_slice(&f(x, y));
        }
    }
    RgbaImage::from_pixels(w, h, px).unwrap()
}

fn blur(sigma: f32) -> FilterSpec {
    FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: sigma })
}

fn sharpen(sigma: f32, amount: f32, threshold: f32) -> FilterSpec {
    FilterSpec::UnsharpMask(UnsharpMaskParams {
        sigma_px: sigma,
        amount,
        threshold,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn blur_matches_exact_gaussian_on_noise(
        w in 1u32..48, h in 1u32..48, seed in any::<u64>(), sigma in 1.0f32..12.0,
    ) {
        let img = image(w, h, seed, true);
        let spec = blur(sigma);
        let got = spec.apply(&img).unwrap();
        let want = reference::apply(&spec, &img).unwrap();
        prop_assert!(max_diff(&got, &want) <= BLUR_TOL, "sigma {}: {}", sigma, max_diff(&got, &want));
    }

    #[test]
    fn blur_with_alpha_matches_in_premultiplied_terms(
        w in 1u32..32, h in 1u32..32, seed in any::<u64>(), sigma in 1.0f32..8.0,
    ) {
        let img = image(w, h, seed, false);
        let got = blur(sigma).apply(&img).unwrap();
        let want = reference::blur::gaussian_blur_premultiplied(f64::from(sigma), &img);
        for (g, v) in got.pixels().chunks_exact(CHANNELS).zip(&want) {
            let a = f64::from(g[3]);
            prop_assert!((a - v[3]).abs() <= 1.5, "alpha {} vs {}", a, v[3]);
            for c in 0..3 {
                // Colour times alpha, in levels: the visible contribution.
                let pre = f64::from(g[c]) * a / 255.0;
                prop_assert!((pre - v[c]).abs() <= 2.0, "premultiplied {} vs {}", pre, v[c]);
            }
        }
    }

    #[test]
    fn blur_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(),
        sigma in prop::sample::select(vec![0.3f32, 0.8, 1.0, 1.7, 2.0, 2.6, 3.3, 6.0, 14.5, 40.0]),
        opaque in any::<bool>(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        check_bands(&blur(sigma), &image(w, h, seed, opaque), &cuts);
    }

    #[test]
    fn unsharp_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(),
        sigma in prop::sample::select(vec![0.8f32, 1.5, 2.6, 5.0, 21.0]),
        amount in 0.0f32..4.0, threshold in 0.0f32..20.0,
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        check_bands(&sharpen(sigma, amount, threshold), &image(w, h, seed, false), &cuts);
    }

    #[test]
    fn unsharp_matches_reference(
        w in 1u32..40, h in 1u32..40, seed in any::<u64>(), sigma in 1.0f32..6.0,
        amount in 0.0f32..3.0, threshold in 0.0f32..30.0,
    ) {
        let img = image(w, h, seed, true);
        let spec = sharpen(sigma, amount, threshold);
        let got = spec.apply(&img).unwrap();
        let want = reference::apply(&spec, &img).unwrap();
        let exact = reference::blur::gaussian_blur_premultiplied(f64::from(sigma), &img);
        // The blur may be off by up to 0.8 of a level before rounding; the
        // mask multiplies that by `amount`. Pixels whose difference from the
        // blur is that close to the threshold may legitimately fall on
        // either side of it.
        let tol = 1.0 + 0.8 * f64::from(amount);
        for ((g, r), (s, e)) in got.pixels().chunks_exact(CHANNELS)
            .zip(want.pixels().chunks_exact(CHANNELS))
            .zip(img.pixels().chunks_exact(CHANNELS).zip(&exact))
        {
            prop_assert_eq!(g[3], s[3]);
            for c in 0..3 {
                let d = (f64::from(s[c]) - e[c]).abs();
                if (d - f64::from(threshold)).abs() < 1.0 {
                    continue;
                }
                let diff = (f64::from(g[c]) - f64::from(r[c])).abs();
                prop_assert!(diff <= tol.ceil(), "{} vs {} (tol {})", g[c], r[c], tol);
            }
        }
    }
}

/// Horizontal and vertical step edges and an impulse, for sigmas across the
/// direct-convolution and box-chain ranges.
#[test]
fn blur_matches_exact_gaussian_on_steps_and_impulses() {
    let mut worst = 0;
    for sigma in [
        1.0f32, 1.3, 1.6, 1.99, 2.0, 2.3, 2.5, 3.0, 3.7, 5.0, 7.3, 10.0, 17.0, 25.0,
    ] {
        let spec = blur(sigma);
        let len = (12.0 * sigma).ceil() as u32 + 8;
        let grey = |v: u8| [v, v, v, 255];
        let step_x = from_fn(len, 3, |x, _| grey(if x < len / 2 { 10 } else { 245 }));
        let step_y = from_fn(3, len, |_, y| grey(if y < len / 2 { 0 } else { 255 }));
        let side = (8.0 * sigma).ceil() as u32 + 5;
        let impulse = from_fn(side, side, |x, y| {
            grey(if x == side / 2 && y == side / 2 {
                255
            } else {
                0
            })
        });
        let dot = from_fn(side, side, |x, y| {
            grey(if x.abs_diff(side / 2) <= 1 && y.abs_diff(side / 2) <= 1 {
                255
            } else {
                0
            })
        });
        for img in [&step_x, &step_y, &impulse, &dot] {
            let got = spec.apply(img).unwrap();
            let want = reference::apply(&spec, img).unwrap();
            let d = max_diff(&got, &want);
            worst = worst.max(d);
            println!("sigma {sigma} {}x{}: {d}", img.width(), img.height());
            assert!(
                d <= BLUR_TOL,
                "sigma {sigma} on {}x{}: off by {d}",
                img.width(),
                img.height()
            );
        }
    }
    println!("worst difference on steps and impulses: {worst}");
}

#[test]
fn blur_of_constant_image_is_exact() {
    for sigma in [0.5f32, 1.0, 2.0, 4.4, 30.0, 1000.0] {
        let img = from_fn(9, 5, |_, _| [37, 200, 5, 255]);
        assert_eq!(blur(sigma).apply(&img).unwrap(), img, "sigma {sigma}");
        let img = from_fn(9, 5, |_, _| [37, 200, 5, 99]);
        assert_eq!(blur(sigma).apply(&img).unwrap(), img, "sigma {sigma}");
    }
}

#[test]
fn sigma_zero_is_identity() {
    let img = image(13, 7, 5, false);
    assert_eq!(blur(0.0).apply(&img).unwrap(), img);
    assert_eq!(sharpen(0.0, 3.0, 0.0).apply(&img).unwrap(), img);
    assert_eq!(gaussian_halo_px(0.0), 0);
}

#[test]
fn unsharp_with_zero_amount_or_huge_threshold_is_identity() {
    let img = image(31, 17, 9, false);
    assert_eq!(sharpen(3.0, 0.0, 0.0).apply(&img).unwrap(), img);
    assert_eq!(sharpen(3.0, 5.0, 255.0).apply(&img).unwrap(), img);
}

#[test]
fn transparent_pixels_do_not_bleed_colour() {
    // Left half: transparent but with red colour values; right half: opaque
    // blue. Nothing red may appear anywhere visible.
    let img = from_fn(40, 6, |x, _| {
        if x < 20 {
            [255, 0, 0, 0]
        } else {
            [0, 0, 255, 255]
        }
    });
    for sigma in [1.0f32, 3.0, 9.0] {
        let out = blur(sigma).apply(&img).unwrap();
        for p in out.pixels().chunks_exact(CHANNELS) {
            if p[3] > 0 {
                assert!(p[0] <= 1 && p[2] >= 254, "sigma {sigma}: {p:?}");
            }
        }
    }
}

#[test]
fn opaque_images_stay_opaque() {
    let img = image(50, 20, 3, true);
    for sigma in [0.7f32, 2.0, 11.0] {
        let out = blur(sigma).apply(&img).unwrap();
        assert!(out.pixels().chunks_exact(CHANNELS).all(|p| p[3] == 255));
    }
}

#[test]
fn halo_is_exactly_what_the_blur_reads() {
    // A band holding exactly the halo rows renders (reading outside would
    // panic), and an image whose rows beyond the halo change gives the same
    // output row.
    for sigma in [0.6f32, 1.0, 2.0, 3.0, 9.5, 25.0] {
        let halo = gaussian_halo_px(sigma);
        assert!(halo >= (sigma * 2.0) as u32, "sigma {sigma}: halo {halo}");
        let h = 2 * halo + 7;
        let y = halo + 3;
        let a = image(5, h, 1, true);
        let mut b = a.clone();
        let stride = b.stride();
        let lo = (y - halo) as usize * stride;
        let hi = (y + halo + 1) as usize * stride;
        b.pixels_mut()[..lo].fill(0);
        b.pixels_mut()[hi..].fill(255);
        let spec = blur(sigma);
        assert_eq!(
            render_band(&spec, &a, y, y + 1),
            render_band(&spec, &b, y, y + 1)
        );
        assert_eq!(spec.source_rows(5, h, y..y + 1), y - halo..y + halo + 1);
    }
}

#[test]
fn halo_grows_linearly_with_sigma() {
    for sigma in [2.0f32, 5.0, 25.0, 100.0, 1000.0] {
        let halo = gaussian_halo_px(sigma) as f32;
        assert!(halo > 3.0 * sigma && halo < 6.0 * sigma, "{sigma}: {halo}");
    }
}

#[test]
fn blur_matches_exact_gaussian_on_hard_patterns() {
    // Full-range step edges, checkers and thin lines: the patterns where
    // kernel truncation and fixed-point errors add up most.
    let patterns: Vec<RgbaImage> = vec![
        from_fn(70, 50, |x, y| {
            let v = if x + y / 3 < 35 { 255 } else { 0 };
            [v, 255 - v, v, 255]
        }),
        from_fn(64, 48, |x, y| {
            let v = if (x / 3 + y / 3) % 2 == 0 { 255 } else { 0 };
            [v, v / 2, 255 - v, 255]
        }),
        from_fn(64, 64, |x, y| {
            let v = if x % 9 == 0 || y % 11 == 0 { 255 } else { 0 };
            [v, 255, 0, 255]
        }),
    ];
    for img in &patterns {
        for sigma in [0.5f32, 0.8, 1.0, 1.7, 2.0, 3.0, 4.5, 6.0, 8.0, 10.0, 11.0] {
            let spec = blur(sigma);
            let got = spec.apply(img).unwrap();
            let want = reference::apply(&spec, img).unwrap();
            let d = max_diff(&got, &want);
            assert!(d <= 1, "sigma {sigma}: {d}");
        }
    }
}
