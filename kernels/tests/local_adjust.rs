//! The local photographic adjustments (clarity, shadows/highlights,
//! dehaze): the fast ops against the `f64` references in
//! `lumen_kernels::reference::local`, bands against the whole image, the
//! declared halo against what the ops read, transparency, and what each
//! must do to a picture.
//!
//! Tolerance against the reference: 1 level per channel. The fast local
//! average rounds to 1/256 level after each of its six box passes (at most
//! 3/256 level off the exact mean) and the luma weights are 16-bit fixed
//! point (under 0.006 level off); clarity's mid-tone weight is taken at the
//! middle of each 1/16 level (at most 0.13 level of change off, at the
//! largest possible difference from the mean); the tone curves of
//! shadows/highlights and dehaze are stored in 1/256 level and their
//! interpolation weight moves by at most 1/1000 of a curve step with the
//! mean's error. Together well under a level before rounding, so only a
//! value near a half can round the other way.

#![allow(clippy::unwrap_used)]

use lumen_kernels::ops::clarity::ClarityParams;
use lumen_kernels::ops::dehaze::DehazeParams;
use lumen_kernels::ops::shadows_highlights::ShadowsHighlightsParams;
use lumen_kernels::registry::Filter;
use lumen_kernels::{FilterSpec, RgbaImage, SourceBand, reference};
use proptest::prelude::*;

mod common;
use common::{AWKWARD, check_bands, image, max_diff, param};

fn clarity(amount: f32, radius_px: f32) -> FilterSpec {
    FilterSpec::Clarity(ClarityParams { amount, radius_px })
}

fn sh(shadows: f32, highlights: f32, radius_px: f32) -> FilterSpec {
    FilterSpec::ShadowsHighlights(ShadowsHighlightsParams {
        shadows,
        highlights,
        radius_px,
    })
}

fn dehaze(amount: f32, radius_px: f32) -> FilterSpec {
    FilterSpec::Dehaze(DehazeParams { amount, radius_px })
}

/// A smooth scene: a dark left half and a bright right half, each with
/// gentle texture, so local and global tone differ.
fn scene(w: u32, h: u32) -> RgbaImage {
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let base: i32 = if x < w / 2 { 40 } else { 210 };
            let tex = ((x * 7 + y * 13) % 21) as i32 - 10;
            let v = (base + tex).clamp(0, 255) as u8;
            px.extend([v, v.saturating_add(5), v.saturating_sub(5), 255]);
        }
    }
    RgbaImage::from_pixels(w, h, px).unwrap()
}

/// A hazy version of `scene`: every channel pulled 60% toward white.
fn hazy(w: u32, h: u32) -> RgbaImage {
    let clear = scene(w, h);
    let px = clear
        .pixels()
        .chunks_exact(4)
        .flat_map(|p| {
            let f = |v: u8| (f64::from(v) * 0.4 + 255.0 * 0.6).round() as u8;
            [f(p[0]), f(p[1]), f(p[2]), p[3]]
        })
        .collect();
    RgbaImage::from_pixels(w, h, px).unwrap()
}

fn all_specs() -> Vec<FilterSpec> {
    vec![
        clarity(0.8, 3.0),
        clarity(-1.0, 7.0),
        clarity(1.0, 0.4),
        sh(1.0, -1.0, 4.0),
        sh(-0.6, 0.7, 2.0),
        sh(0.3, 0.0, 12.0),
        dehaze(1.0, 3.0),
        dehaze(0.4, 1.0),
        dehaze(0.7, 9.0),
    ]
}

#[test]
fn neutral_settings_change_nothing() {
    let img = image(31, 17, 4, false);
    let neutral = [
        FilterSpec::Clarity(ClarityParams::editor_start(31, 17)),
        FilterSpec::ShadowsHighlights(ShadowsHighlightsParams::editor_start(31, 17)),
        FilterSpec::Dehaze(DehazeParams::editor_start(31, 17)),
        clarity(1.0, 0.0),
    ];
    for spec in neutral {
        assert_eq!(spec.apply(&img).unwrap(), img, "{spec:?}");
    }
}

#[test]
fn fast_ops_match_the_reference_on_a_scene_and_on_noise() {
    for img in [scene(40, 23), hazy(33, 17), image(29, 31, 7, false)] {
        for spec in all_specs() {
            let fast = spec.apply(&img).unwrap();
            let slow = reference::apply(&spec, &img).unwrap();
            let diff = max_diff(&fast, &slow);
            assert!(diff <= 1, "{spec:?}: max diff {diff}");
        }
    }
}

#[test]
fn every_band_renders_like_the_whole_image() {
    for (w, h) in AWKWARD {
        let img = image(w, h, u64::from(w * 31 + h), false);
        for spec in all_specs() {
            check_bands(&spec, &img, &[0.13, 0.5, 0.77]);
        }
    }
}

/// Output row `y` must not change when rows beyond the declared halo do,
/// and a band holding exactly the halo rows must render (reading outside
/// it would panic).
#[test]
fn the_halo_is_exactly_what_the_ops_read() {
    for spec in all_specs() {
        let (w, h) = (11u32, 90u32);
        let img = image(w, h, 3, true);
        let y = 45;
        let need = spec.source_rows(w, h, y..y + 1);
        // Radius 0.4 rounds to 0: no neighbourhood at all.
        let pointwise = matches!(&spec, FilterSpec::Clarity(p) if p.radius_px < 0.5);
        assert!(
            pointwise || (need.start < y && need.end > y + 1),
            "{spec:?}: {need:?}"
        );
        let mut other = img.clone();
        let stride = other.stride();
        for row in (0..need.start).chain(need.end..h) {
            for b in &mut other.pixels_mut()[row as usize * stride..(row + 1) as usize * stride] {
                *b = 255 - *b;
            }
        }
        let row = |im: &RgbaImage| {
            let band_px = &im.pixels()[need.start as usize * stride..need.end as usize * stride];
            let band = SourceBand::new(w, h, need.start, band_px).unwrap();
            let mut dst = vec![0u8; stride];
            spec.render_rows(&band, y..y + 1, &mut dst).unwrap();
            dst
        };
        assert_eq!(row(&img), row(&other), "{spec:?}");
        assert_eq!(
            row(&img),
            spec.apply(&img).unwrap().pixels()[y as usize * stride..(y + 1) as usize * stride]
        );
    }
}

#[test]
fn hidden_colour_under_transparency_changes_nothing_visible() {
    // Left half transparent; its hidden colour must not matter to the
    // visible right half, whatever it is.
    let make = |hidden: [u8; 3]| {
        let mut px = Vec::new();
        for y in 0..9u32 {
            for x in 0..30u32 {
                if x < 15 {
                    px.extend([hidden[0], hidden[1], hidden[2], 0]);
                } else {
                    let v = (60 + (x * 11 + y * 5) % 90) as u8;
                    px.extend([v, v / 2, 255 - v, 255]);
                }
            }
        }
        RgbaImage::from_pixels(30, 9, px).unwrap()
    };
    for spec in all_specs() {
        let a = spec.apply(&make([255, 255, 255])).unwrap();
        let b = spec.apply(&make([0, 0, 0])).unwrap();
        let c = spec.apply(&make([255, 0, 90])).unwrap();
        for ((pa, pb), pc) in a
            .pixels()
            .chunks_exact(4)
            .zip(b.pixels().chunks_exact(4))
            .zip(c.pixels().chunks_exact(4))
        {
            if pa[3] > 0 {
                assert!(pa == pb && pb == pc, "{spec:?}: {pa:?} {pb:?} {pc:?}");
            }
        }
    }
}

#[test]
fn alpha_is_kept_and_transparent_pixels_untouched() {
    let img = image(23, 19, 11, false);
    for spec in all_specs() {
        let out = spec.apply(&img).unwrap();
        for (a, b) in img
            .pixels()
            .chunks_exact(4)
            .zip(out.pixels().chunks_exact(4))
        {
            assert_eq!(a[3], b[3], "{spec:?}");
            if a[3] == 0 {
                assert_eq!(a, b, "{spec:?}");
            }
        }
    }
}

/// Mean and standard deviation of the green channel over columns `xs`.
fn stats(img: &RgbaImage, xs: std::ops::Range<u32>) -> (f64, f64) {
    let mut v = Vec::new();
    for y in 0..img.height() {
        for x in xs.clone() {
            v.push(f64::from(img.pixel(x, y).unwrap()[1]));
        }
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64;
    (mean, var.sqrt())
}

#[test]
fn clarity_deepens_local_contrast_and_negative_softens_it() {
    let img = scene(80, 40);
    let inner = 10..30; // inside the dark half, away from the edge
    let (_, before) = stats(&img, inner.clone());
    let (_, more) = stats(&clarity(1.0, 4.0).apply(&img).unwrap(), inner.clone());
    let (_, less) = stats(&clarity(-1.0, 4.0).apply(&img).unwrap(), inner);
    assert!(more > before * 1.2, "{more} vs {before}");
    assert!(less < before * 0.8, "{less} vs {before}");
    // Pure black and white have no mid-tone weight.
    let bw = RgbaImage::from_pixels(
        4,
        1,
        [
            [0, 0, 0, 255],
            [255, 255, 255, 255],
            [0, 0, 0, 255],
            [255, 255, 255, 255],
        ]
        .concat(),
    )
    .unwrap();
    assert_eq!(clarity(1.0, 2.0).apply(&bw).unwrap(), bw);
}

#[test]
fn shadows_lift_dark_regions_and_highlights_recover_bright_ones() {
    let img = scene(80, 40);
    let (dark, dark_sd) = stats(&img, 5..30);
    let (bright, _) = stats(&img, 50..75);
    let lifted = sh(1.0, 0.0, 6.0).apply(&img).unwrap();
    let (dark_after, dark_sd_after) = stats(&lifted, 5..30);
    let (bright_after, _) = stats(&lifted, 50..75);
    assert!(dark_after > dark + 25.0, "{dark} -> {dark_after}");
    // The bright region is left nearly alone, and the dark region keeps
    // (and, brightened, even gains) its texture instead of flattening.
    assert!(
        (bright_after - bright).abs() < 3.0,
        "{bright} -> {bright_after}"
    );
    assert!(dark_sd_after >= dark_sd, "{dark_sd} -> {dark_sd_after}");
    let recovered = sh(0.0, -1.0, 6.0).apply(&img).unwrap();
    let (bright_rec, _) = stats(&recovered, 50..75);
    let (dark_rec, _) = stats(&recovered, 5..30);
    assert!(bright_rec < bright - 15.0, "{bright} -> {bright_rec}");
    assert!((dark_rec - dark).abs() < 1.0, "{dark} -> {dark_rec}");
    // Black and white stay fixed whatever the settings.
    let bw = RgbaImage::from_pixels(2, 1, vec![0, 0, 0, 255, 255, 255, 255, 255]).unwrap();
    assert_eq!(sh(1.0, 1.0, 1.0).apply(&bw).unwrap(), bw);
    assert_eq!(sh(-1.0, -1.0, 1.0).apply(&bw).unwrap(), bw);
}

#[test]
fn dehaze_restores_contrast_to_a_hazy_scene() {
    let clear = scene(60, 30);
    let haze = hazy(60, 30);
    let out = dehaze(1.0, 3.0).apply(&haze).unwrap();
    let (_, sd_clear) = stats(&clear, 0..60);
    let (_, sd_haze) = stats(&haze, 0..60);
    let (_, sd_out) = stats(&out, 0..60);
    assert!(sd_haze < sd_clear * 0.5);
    assert!(sd_out > sd_haze * 1.5, "{sd_haze} -> {sd_out}");
    // Closer to the clear scene than the hazy one was.
    let (c, h, o) = (
        stats(&clear, 0..30).0,
        stats(&haze, 0..30).0,
        stats(&out, 0..30).0,
    );
    assert!(
        (o - c).abs() < (h - c).abs() * 0.6,
        "clear {c} hazy {h} out {o}"
    );
    // A scene with a dark pixel everywhere has no haze to remove.
    let img = RgbaImage::from_pixels(
        4,
        1,
        [
            [0, 200, 90, 255],
            [10, 0, 250, 255],
            [0, 0, 0, 255],
            [250, 0, 30, 255],
        ]
        .concat(),
    )
    .unwrap();
    assert!(max_diff(&dehaze(1.0, 1.0).apply(&img).unwrap(), &img) <= 2);
}

#[test]
fn radii_scale_for_the_preview() {
    for spec in [clarity(0.5, 40.0), sh(0.5, 0.5, 40.0), dehaze(0.5, 40.0)] {
        let rows = |s: &FilterSpec| s.source_rows(10, 1000, 500..501).len() - 1;
        let half = spec.scaled_for_proxy(0.5);
        assert_eq!(rows(&half) * 2, rows(&spec), "{spec:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn clarity_matches_reference(img in common::small_image(), a in param(-1.0, 1.0), r in param(0.0, 6.0)) {
        let spec = clarity(a, r);
        let diff = max_diff(&spec.apply(&img).unwrap(), &reference::apply(&spec, &img).unwrap());
        prop_assert!(diff <= 1, "{:?}: {}", spec, diff);
    }

    #[test]
    fn shadows_highlights_matches_reference(
        img in common::small_image(), s in param(-1.0, 1.0), h in param(-1.0, 1.0), r in param(0.0, 6.0),
    ) {
        let spec = sh(s, h, r);
        let diff = max_diff(&spec.apply(&img).unwrap(), &reference::apply(&spec, &img).unwrap());
        prop_assert!(diff <= 1, "{:?}: {}", spec, diff);
    }

    #[test]
    fn dehaze_matches_reference(img in common::small_image(), a in param(0.0, 1.0), r in param(0.0, 6.0)) {
        let spec = dehaze(a, r);
        let diff = max_diff(&spec.apply(&img).unwrap(), &reference::apply(&spec, &img).unwrap());
        prop_assert!(diff <= 1, "{:?}: {}", spec, diff);
    }
}
