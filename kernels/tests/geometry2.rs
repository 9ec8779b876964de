//! `rotate_angle`, `canvas_size`, `pixelate`, `vignette` and `noise`:
//! against the `f64` references, special cases, and band independence.
//!
//! Tolerances: `canvas_size`, `pixelate` and `noise` are integer ops and
//! match their references exactly. `rotate_angle` blends in `f32` against
//! the `f64` reference from the same source coordinates: at most 1 level
//! per channel (colour compared only where alpha > 1, where colour is
//! visible). `vignette` computes the strength exactly like the reference and
//! only applies it in `f32`: at most 1 level.

// Test helpers outside `#[test]` functions unwrap too.
#![allow(clippy::unwrap_used)]

use lumen_kernels::image::CHANNELS;
use lumen_kernels::ops::rotate_free::sin_cos_deg;
use lumen_kernels::reference;
use lumen_kernels::spec::{
    Anchor, CanvasSizeParams, CropParams, NoiseParams, PixelateParams, RotateAngleParams,
    RotateParams, VignetteParams,
};
use lumen_kernels::{FilterSpec, KernelError, RgbaImage};
use proptest::prelude::*;

mod common;
use common::{AWKWARD, check_bands, image, max_diff};

const ANCHORS: [Anchor; 9] = [
    Anchor::TopLeft,
    Anchor::Top,
    Anchor::TopRight,
    Anchor::Left,
    Anchor::Center,
    Anchor::Right,
    Anchor::BottomLeft,
    Anchor::Bottom,
    Anchor::BottomRight,
];

fn rot(angle_deg: f32, expand: bool) -> FilterSpec {
    FilterSpec::RotateAngle(RotateAngleParams { angle_deg, expand })
}

fn canvas(width: u32, height: u32, anchor: Anchor, fill: [u8; 4]) -> FilterSpec {
    FilterSpec::CanvasSize(CanvasSizeParams {
        width,
        height,
        anchor,
        fill,
    })
}

fn pixelate(block_px: u32) -> FilterSpec {
    FilterSpec::Pixelate(PixelateParams { block_px })
}

fn vignette(amount: f32, radius: f32, softness: f32) -> FilterSpec {
    FilterSpec::Vignette(VignetteParams {
        amount,
        radius,
        softness,
    })
}

fn noise(amount: f32, seed: u32, monochrome: bool) -> FilterSpec {
    FilterSpec::Noise(NoiseParams {
        amount,
        seed,
        monochrome,
    })
}

/// Per channel within `tol`; colour only where both alphas exceed 1.
fn assert_close_visible(got: &RgbaImage, want: &RgbaImage, tol: i32) -> Result<(), String> {
    if (got.width(), got.height()) != (want.width(), want.height()) {
        return Err(format!("size {:?} vs {:?}", got, want));
    }
    for (i, (g, w)) in got
        .pixels()
        .chunks_exact(CHANNELS)
        .zip(want.pixels().chunks_exact(CHANNELS))
        .enumerate()
    {
        let d = |c: usize| (i32::from(g[c]) - i32::from(w[c])).abs();
        let channels = if g[3] > 1 && w[3] > 1 { 0..4 } else { 3..4 };
        if channels.clone().any(|c| d(c) > tol) {
            return Err(format!("pixel {i}: {g:?} vs {w:?}"));
        }
    }
    Ok(())
}

fn anchor() -> impl Strategy<Value = Anchor> {
    prop::sample::select(ANCHORS.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn rotate_angle_matches_reference(
        w in 1u32..30, h in 1u32..30, seed in any::<u64>(),
        angle in -360.0f32..=360.0, expand in any::<bool>(), opaque in any::<bool>(),
    ) {
        let img = image(w, h, seed, opaque);
        let spec = rot(angle, expand);
        let got = spec.apply(&img).unwrap();
        let want = reference::apply(&spec, &img).unwrap();
        prop_assert!(assert_close_visible(&got, &want, 1).is_ok(), "{:?}: {:?}", spec,
            assert_close_visible(&got, &want, 1));
    }

    #[test]
    fn rotate_angle_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(),
        angle in -360.0f32..=360.0, expand in any::<bool>(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        check_bands(&rot(angle, expand), &image(w, h, seed, false), &cuts);
    }

    #[test]
    fn rotate_angle_source_rows_are_enough(
        w in 1u32..20, h in 1u32..40, angle in -360.0f32..=360.0, expand in any::<bool>(),
        a in 0.0f64..1.0, len in 1u32..6, seed in any::<u64>(),
    ) {
        // Changing any row outside `source_rows` leaves the output rows alone.
        let spec = rot(angle, expand);
        let (ow, oh) = spec.output_size(w, h).unwrap();
        let a = ((a * f64::from(oh)) as u32).min(oh - 1);
        let b = (a + len).min(oh);
        let rows = spec.source_rows(w, h, a..b);
        prop_assert!(rows.start <= rows.end && rows.end <= h);
        let img = image(w, h, seed, false);
        let mut other = img.clone();
        let stride = other.stride();
        other.pixels_mut()[..rows.start as usize * stride].fill(0);
        other.pixels_mut()[rows.end as usize * stride..].fill(255);
        let range = a as usize * ow as usize * CHANNELS..b as usize * ow as usize * CHANNELS;
        let full_a = spec.apply(&img).unwrap();
        let full_b = spec.apply(&other).unwrap();
        prop_assert_eq!(&full_a.pixels()[range.clone()], &full_b.pixels()[range]);
    }

    #[test]
    fn rotate_angle_corners_carry_no_colour(
        w in 2u32..30, h in 2u32..30, seed in any::<u64>(), angle in 1.0f32..89.0,
        expand in any::<bool>(), quadrant in 0u8..4,
    ) {
        // An opaque source, so every transparent output pixel is uncovered.
        let img = image(w, h, seed, true);
        let angle = angle + 90.0 * f32::from(quadrant);
        let out = rot(angle, expand).apply(&img).unwrap();
        for px in out.pixels().chunks_exact(CHANNELS) {
            if px[3] == 0 {
                prop_assert_eq!(px, &[0u8, 0, 0, 0][..]);
            }
        }
        let off = angle % 90.0;
        if expand && w >= 10 && h >= 10 && (20.0..70.0).contains(&off) {
            // The bounding box's corners lie at least 10 sin 20° cos 20° =
            // 3.2 pixels from the rotated image: out of bilinear reach.
            let (ow, oh) = (out.width(), out.height());
            for (x, y) in [(0, 0), (ow - 1, 0), (0, oh - 1), (ow - 1, oh - 1)] {
                prop_assert_eq!(out.pixel(x, y), Some([0, 0, 0, 0]));
            }
        }
    }

    #[test]
    fn canvas_size_matches_reference_and_crops_back(
        w in 1u32..30, h in 1u32..30, seed in any::<u64>(),
        cw in 1u32..50, ch in 1u32..50, anchor in anchor(), fill in any::<[u8; 4]>(),
    ) {
        let img = image(w, h, seed, false);
        let spec = canvas(cw, ch, anchor, fill);
        let got = spec.apply(&img).unwrap();
        prop_assert_eq!(&got, &reference::apply(&spec, &img).unwrap());
        // Growing, then cropping the source's rectangle back out, is the
        // identity.
        let (gw, gh) = (w + cw, h + ch);
        let grown = canvas(gw, gh, anchor, fill).apply(&img).unwrap();
        let (ax, ay) = anchor.thirds();
        let at = |third: u8, extra: u32| match third { 0 => 0, 1 => extra / 2, _ => extra };
        let back = FilterSpec::Crop(CropParams { x: at(ax, cw), y: at(ay, ch), width: w, height: h, ..Default::default() })
            .apply(&grown)
            .unwrap();
        prop_assert_eq!(&back, &img);
    }

    #[test]
    fn canvas_size_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(),
        cw in 1u32..90, ch in 1u32..90, anchor in anchor(), fill in any::<[u8; 4]>(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        check_bands(&canvas(cw, ch, anchor, fill), &image(w, h, seed, false), &cuts);
    }

    #[test]
    fn pixelate_matches_reference_exactly(
        w in 1u32..40, h in 1u32..40, seed in any::<u64>(), block in 1u32..12,
        opaque in any::<bool>(),
    ) {
        let img = image(w, h, seed, opaque);
        let spec = pixelate(block);
        prop_assert_eq!(spec.apply(&img).unwrap(), reference::apply(&spec, &img).unwrap());
    }

    #[test]
    fn pixelate_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(), block in 1u32..20,
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        check_bands(&pixelate(block), &image(w, h, seed, false), &cuts);
    }

    #[test]
    fn vignette_matches_reference(
        w in 1u32..40, h in 1u32..40, seed in any::<u64>(),
        amount in -1.0f32..=1.0, radius in 0.0f32..=2.0, softness in 0.0f32..=1.0,
    ) {
        let img = image(w, h, seed, false);
        let spec = vignette(amount, radius, softness);
        let got = spec.apply(&img).unwrap();
        prop_assert!(max_diff(&got, &reference::apply(&spec, &img).unwrap()) <= 1);
        // Alpha is kept.
        for (g, s) in got.pixels().chunks_exact(CHANNELS).zip(img.pixels().chunks_exact(CHANNELS)) {
            prop_assert_eq!(g[3], s[3]);
        }
    }

    #[test]
    fn vignette_and_noise_bands_are_bit_identical(
        size in 0usize..AWKWARD.len(), seed in any::<u64>(),
        amount in -1.0f32..=1.0, radius in 0.0f32..=2.0, softness in 0.0f32..=1.0,
        grain_seed in any::<u32>(), mono in any::<bool>(),
        cuts in prop::collection::vec(0.0f64..1.0, 0..4),
    ) {
        let (w, h) = AWKWARD[size];
        let img = image(w, h, seed, false);
        check_bands(&vignette(amount, radius, softness), &img, &cuts);
        check_bands(&noise(amount.abs(), grain_seed, mono), &img, &cuts);
    }

    #[test]
    fn noise_matches_reference_exactly(
        w in 1u32..40, h in 1u32..40, seed in any::<u64>(),
        amount in 0.0f32..=1.0, grain_seed in any::<u32>(), mono in any::<bool>(),
    ) {
        let img = image(w, h, seed, false);
        let spec = noise(amount, grain_seed, mono);
        let got = spec.apply(&img).unwrap();
        prop_assert_eq!(&got, &reference::apply(&spec, &img).unwrap());
        for (g, s) in got.pixels().chunks_exact(CHANNELS).zip(img.pixels().chunks_exact(CHANNELS)) {
            prop_assert_eq!(g[3], s[3]);
        }
    }
}

#[test]
fn sin_cos_match_std_and_are_exact_at_quarter_turns() {
    for i in -7200..=7200 {
        let deg = f64::from(i) * 0.05;
        let (s, c) = sin_cos_deg(deg);
        let r = deg.to_radians();
        assert!((s - r.sin()).abs() < 1e-15, "{deg}: {s} vs {}", r.sin());
        assert!((c - r.cos()).abs() < 1e-15, "{deg}: {c} vs {}", r.cos());
    }
    for (deg, want) in [
        (0.0, (0.0, 1.0)),
        (90.0, (1.0, 0.0)),
        (180.0, (0.0, -1.0)),
        (270.0, (-1.0, 0.0)),
        (-90.0, (-1.0, 0.0)),
        (360.0, (0.0, 1.0)),
        (-360.0, (0.0, 1.0)),
    ] {
        let (s, c) = sin_cos_deg(deg);
        let want: (f64, f64) = want;
        // Exact values (a zero may carry either sign).
        assert!(s == want.0 && c == want.1, "{deg}: {s} {c}");
    }
}

#[test]
fn rotate_angle_at_quarter_turns_matches_rotate_exactly() {
    for &(w, h) in AWKWARD.iter().chain(&[(6, 4), (5, 8)]) {
        // Every pixel including alpha 0 with colour: copied exactly.
        let img = image(w, h, u64::from(w * 31 + h), false);
        for (angle, turns) in [
            (90.0, 1),
            (180.0, 2),
            (270.0, 3),
            (-90.0, 3),
            (-180.0, 2),
            (-270.0, 1),
            (450.0 - 360.0, 1),
        ] {
            let want = FilterSpec::Rotate(RotateParams {
                quarter_turns: turns,
            })
            .apply(&img)
            .unwrap();
            assert_eq!(
                rot(angle, true).apply(&img).unwrap(),
                want,
                "{angle} {w}x{h}"
            );
            if turns == 2 || w == h {
                assert_eq!(rot(angle, false).apply(&img).unwrap(), want, "{angle}");
            }
        }
        for angle in [0.0, 360.0, -360.0, -0.0] {
            for expand in [true, false] {
                assert_eq!(rot(angle, expand).apply(&img).unwrap(), img, "{angle}");
            }
        }
    }
}

#[test]
fn rotate_angle_output_size() {
    let spec = rot(45.0, true);
    // 10 * (cos 45 + sin 45) = 14.14: ceil.
    assert_eq!(spec.output_size(10, 10).unwrap(), (15, 15));
    assert_eq!(rot(30.0, false).output_size(13, 7).unwrap(), (13, 7));
    assert_eq!(rot(90.0, true).output_size(13, 7).unwrap(), (7, 13));
    assert_eq!(rot(-180.0, true).output_size(13, 7).unwrap(), (13, 7));
    // A thin band needs a band of source rows, not the whole source.
    let rows = rot(10.0, true).source_rows(100, 100, 40..50);
    assert!(rows.start > 20 && rows.end < 80, "{rows:?}");
    assert_eq!(rot(0.0, true).source_rows(100, 100, 40..50), 40..51);
    assert_eq!(rot(180.0, false).source_rows(100, 100, 40..50), 50..61);
    // Too large after rotation: an error, not a panic.
    assert!(rot(45.0, true).output_size(60000, 60000).is_err());
}

#[test]
fn canvas_size_places_the_image_at_the_anchor() {
    let img = RgbaImage::from_pixels(1, 1, vec![9, 9, 9, 255]).unwrap();
    let fill = [1, 2, 3, 4];
    for (anchor, (x, y)) in [
        (Anchor::TopLeft, (0, 0)),
        (Anchor::Center, (1, 1)),
        (Anchor::BottomRight, (2, 2)),
        (Anchor::Right, (2, 1)),
        (Anchor::Bottom, (1, 2)),
    ] {
        let out = canvas(3, 3, anchor, fill).apply(&img).unwrap();
        for oy in 0..3 {
            for ox in 0..3 {
                let want = if (ox, oy) == (x, y) {
                    [9, 9, 9, 255]
                } else {
                    fill
                };
                assert_eq!(out.pixel(ox, oy), Some(want), "{anchor:?}");
            }
        }
    }
    // Shrinking crops around the anchor.
    let img = image(5, 5, 1, false);
    let out = canvas(3, 3, Anchor::Center, fill).apply(&img).unwrap();
    assert_eq!(out.pixel(0, 0), img.pixel(1, 1));
    assert_eq!(
        canvas(5, 2, Anchor::Bottom, fill).source_rows(5, 5, 0..2),
        3..5
    );
}

#[test]
fn pixelate_blocks_and_rows() {
    let img = image(10, 10, 3, false);
    assert_eq!(pixelate(1).apply(&img).unwrap().pixels().len(), 400);
    let spec = pixelate(4);
    assert_eq!(spec.source_rows(10, 10, 5..6), 4..8);
    assert_eq!(spec.source_rows(10, 10, 3..9), 0..10);
    assert_eq!(spec.source_rows(10, 10, 9..10), 8..10);
    // Block 1 on an opaque image is the identity.
    let opaque = image(7, 5, 2, true);
    assert_eq!(pixelate(1).apply(&opaque).unwrap(), opaque);
    // Every pixel of a block is the same.
    let out = spec.apply(&img).unwrap();
    assert_eq!(out.pixel(0, 0), out.pixel(3, 3));
    assert_eq!(out.pixel(8, 8), out.pixel(9, 9));
}

#[test]
fn vignette_and_noise_neutral_settings_are_identities() {
    let img = image(17, 9, 5, false);
    assert_eq!(vignette(0.0, 0.3, 0.5).apply(&img).unwrap(), img);
    assert_eq!(vignette(-1.0, 1.0, 0.5).apply(&img).unwrap(), img);
    assert_eq!(noise(0.0, 7, false).apply(&img).unwrap(), img);
    // Full darkening with a hard edge at 0 blackens all but the exact centre.
    let out = vignette(-1.0, 0.0, 0.0).apply(&img).unwrap();
    assert_eq!(&out.pixel(0, 0).unwrap()[..3], &[0, 0, 0]);
}

#[test]
fn noise_is_deterministic_seeded_and_monochrome() {
    let grey = RgbaImage::from_pixels(16, 16, [128, 128, 128, 255].repeat(256)).unwrap();
    let a = noise(0.5, 1, true).apply(&grey).unwrap();
    assert_eq!(a, noise(0.5, 1, true).apply(&grey).unwrap());
    assert_ne!(a, noise(0.5, 2, true).apply(&grey).unwrap());
    assert_ne!(a, grey);
    assert!(
        a.pixels()
            .chunks_exact(CHANNELS)
            .all(|p| p[0] == p[1] && p[1] == p[2])
    );
    let colour = noise(0.5, 1, false).apply(&grey).unwrap();
    assert!(
        colour
            .pixels()
            .chunks_exact(CHANNELS)
            .any(|p| p[0] != p[1] || p[1] != p[2])
    );
}

#[test]
fn validation_names_the_parameter() {
    let cases = [
        (rot(f32::NAN, true), "angle_deg"),
        (rot(361.0, false), "angle_deg"),
        (rot(f32::INFINITY, false), "angle_deg"),
        (canvas(0, 5, Anchor::Center, [0; 4]), "width"),
        (canvas(5, 70000, Anchor::Center, [0; 4]), "height"),
        (canvas(65536, 65536, Anchor::Center, [0; 4]), "width/height"),
        (pixelate(0), "block_px"),
        (pixelate(1001), "block_px"),
        (vignette(f32::NAN, 0.5, 0.5), "amount"),
        (vignette(-1.5, 0.5, 0.5), "amount"),
        (vignette(0.5, 2.5, 0.5), "radius"),
        (vignette(0.5, 0.5, f32::NEG_INFINITY), "softness"),
        (noise(1.5, 0, true), "amount"),
        (noise(f32::NAN, 0, true), "amount"),
    ];
    for (spec, param) in cases {
        match spec.validate() {
            Err(KernelError::Param { param: p, .. }) => assert_eq!(p, param, "{spec:?}"),
            other => panic!("{spec:?}: {other:?}"),
        }
        assert!(spec.apply(&image(3, 3, 1, false)).is_err());
    }
}

#[test]
fn names_and_json_round_trip() {
    for name in [
        "rotate_angle",
        "canvas_size",
        "pixelate",
        "vignette",
        "noise",
    ] {
        let spec = FilterSpec::from_name(name).unwrap();
        assert_eq!(spec.name(), name);
        spec.validate().unwrap();
        assert_ne!(spec.label(), "Unknown filter");
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<FilterSpec>(&json).unwrap(), spec);
    }
    let spec: FilterSpec = serde_json::from_str(
        r#"{"filter":"canvas_size","params":{"width":10,"height":4,"anchor":"bottom_right","fill":[1,2,3,4]}}"#,
    )
    .unwrap();
    assert_eq!(spec, canvas(10, 4, Anchor::BottomRight, [1, 2, 3, 4]));
    // Proxy scaling scales pixel lengths only.
    assert_eq!(
        canvas(100, 50, Anchor::Top, [0; 4]).scaled_for_proxy(0.5),
        canvas(50, 25, Anchor::Top, [0; 4])
    );
    assert_eq!(pixelate(9).scaled_for_proxy(0.5), pixelate(5));
    assert_eq!(pixelate(1).scaled_for_proxy(0.1), pixelate(1));
    assert_eq!(rot(33.0, true).scaled_for_proxy(0.5), rot(33.0, true));
}
