//! Helpers shared by the kernels' integration tests: deterministic noise
//! images, a max-difference measure, and the band check that renders output
//! rows from a band holding only `source_rows` and compares them with the
//! whole-image render.

#![allow(dead_code)] // Each test binary uses a different subset.

use lumen_kernels::image::CHANNELS;
use lumen_kernels::{FilterSpec, RgbaImage, SourceBand};

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect()
}

/// A noise image; `opaque` sets every alpha to 255.
pub fn image(w: u32, h: u32, seed: u64, opaque: bool) -> RgbaImage {
    let mut px = noise(seed, (w * h) as usize * CHANNELS);
    if opaque {
        for p in px.chunks_exact_mut(CHANNELS) {
            p[3] = 255;
        }
    }
    RgbaImage::from_pixels(w, h, px).unwrap()
}

/// Largest per-channel difference.
pub fn max_diff(a: &RgbaImage, b: &RgbaImage) -> i32 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    a.pixels()
        .iter()
        .zip(b.pixels())
        .map(|(&x, &y)| (i32::from(x) - i32::from(y)).abs())
        .max()
        .unwrap_or(0)
}

/// Renders output rows `a..b` from a band holding only the source rows the
/// spec asks for.
pub fn render_band(spec: &FilterSpec, img: &RgbaImage, a: u32, b: u32) -> Vec<u8> {
    let (w, h) = (img.width(), img.height());
    let (ow, _) = spec.output_size(w, h).unwrap();
    let rows = spec.source_rows(w, h, a..b);
    let stride = img.stride();
    let pixels = &img.pixels()[rows.start as usize * stride..rows.end as usize * stride];
    let band = SourceBand::new(w, h, rows.start, pixels).unwrap();
    let mut dst = vec![0u8; (b - a) as usize * ow as usize * CHANNELS];
    spec.render_rows(&band, a..b, &mut dst).unwrap();
    dst
}

/// Checks that every band between the cut points (fractions of the output
/// height), and single rows, render exactly like the whole image.
pub fn check_bands(spec: &FilterSpec, img: &RgbaImage, cuts: &[f64]) {
    let full = spec.apply(img).unwrap();
    let oh = full.height();
    let mut points: Vec<u32> = cuts
        .iter()
        .map(|c| ((c * f64::from(oh)) as u32).min(oh))
        .collect();
    points.extend([0, oh]);
    points.sort_unstable();
    points.dedup();
    let stride = full.stride();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let band = render_band(spec, img, a, b);
        assert!(
            band == full.pixels()[a as usize * stride..b as usize * stride],
            "{spec:?} on {}x{}: band {a}..{b} differs from the whole render",
            img.width(),
            img.height()
        );
    }
    for a in [0, oh / 2, oh - 1] {
        let band = render_band(spec, img, a, a + 1);
        assert_eq!(
            band,
            &full.pixels()[a as usize * stride..(a + 1) as usize * stride]
        );
    }
}

/// Sizes with one row, one column, odd and prime shapes.
pub const AWKWARD: [(u32, u32); 8] = [
    (1, 1),
    (1, 9),
    (9, 1),
    (13, 7),
    (31, 17),
    (2, 40),
    (40, 3),
    (64, 65),
];

/// A point op's fast path against its reference: within `tol` levels, with
/// alpha untouched. For use inside `proptest!`.
pub fn check_point_op(
    spec: &FilterSpec,
    img: &RgbaImage,
    tol: i32,
) -> Result<(), proptest::test_runner::TestCaseError> {
    spec.validate().unwrap();
    let fast = spec.apply(img).unwrap();
    let slow = lumen_kernels::reference::apply(spec, img).unwrap();
    let diff = max_diff(&fast, &slow);
    proptest::prop_assert!(diff <= tol, "{spec:?}: max diff {diff} > {tol}");
    let alpha = |i: &RgbaImage| {
        i.pixels()
            .iter()
            .skip(3)
            .step_by(4)
            .copied()
            .collect::<Vec<_>>()
    };
    proptest::prop_assert_eq!(alpha(&fast), alpha(img));
    Ok(())
}

/// Random images of 1..=17 x 1..=17 pixels, any alpha (a proptest
/// strategy).
pub fn small_image() -> impl proptest::strategy::Strategy<Value = RgbaImage> {
    use proptest::prelude::*;
    (1u32..=17, 1u32..=17).prop_flat_map(|(w, h)| {
        proptest::collection::vec(any::<u8>(), (w * h * 4) as usize)
            .prop_map(move |px| RgbaImage::from_pixels(w, h, px).unwrap())
    })
}

/// A value in `lo..=hi`, with the ends and 0 (when inside) often (a
/// proptest strategy).
pub fn param(lo: f32, hi: f32) -> impl proptest::strategy::Strategy<Value = f32> {
    use proptest::prelude::*;
    let mid = if lo <= 0.0 && 0.0 <= hi { 0.0 } else { lo };
    prop_oneof![
        1 => Just(lo),
        1 => Just(hi),
        1 => Just(mid),
        6 => lo..=hi,
    ]
}
