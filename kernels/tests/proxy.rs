//! The preview renders a scaled-down copy of the source, with radius-like
//! parameters scaled by `FilterSpec::scaled_for_proxy`. For every filter
//! whose look depends on a size in pixels, the proxy render must look like
//! the full render scaled down: closer to it than the same filter run on
//! the proxy with its parameters unscaled (what the preview would show if
//! the scaling were missing).

#![allow(clippy::unwrap_used)] // Test helpers outside #[test] fns.

use lumen_kernels::spec::{
    BoxBlurParams, CropParams, DenoiseParams, GaussianBlurParams, MedianParams, MotionBlurParams,
    PixelateParams, ResizeMethod, ResizeParams, UnsharpMaskParams,
};
use lumen_kernels::{FilterSpec, RgbaImage};

/// The proxy scale the test uses.
const SCALE: f32 = 0.5;

/// Smooth gradients with 16-pixel blocks and thin lines: structure at
/// several sizes, little detail finer than two pixels (which a half-size
/// copy cannot hold).
fn picture() -> RgbaImage {
    let (w, h) = (256u32, 192u32);
    let mut px = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let block = if (x / 16 + y / 16) % 2 == 0 { 60 } else { 0 };
            let line = if (x + 2 * y) % 64 < 4 { 120 } else { 0 };
            let r = (x * 180 / w + block) as u8;
            let g = (y * 150 / h + line) as u8;
            let b = (255 - x * 100 / w - block) as u8;
            px.extend_from_slice(&[r, g, b, 255]);
        }
    }
    RgbaImage::from_pixels(w, h, px).unwrap()
}

/// `img` resampled to `w` x `h` (area-weighted when shrinking).
fn resized(img: &RgbaImage, w: u32, h: u32) -> RgbaImage {
    FilterSpec::Resize(ResizeParams {
        width: w,
        height: h,
        method: ResizeMethod::Box,
        linear_light: false,
    })
    .apply(img)
    .unwrap()
}

/// Mean absolute difference per channel, in levels; infinite when the
/// sizes differ.
fn mean_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
    if (a.width(), a.height()) != (b.width(), b.height()) {
        return f64::INFINITY;
    }
    let sum: u64 = a
        .pixels()
        .iter()
        .zip(b.pixels())
        .map(|(&x, &y)| u64::from(x.abs_diff(y)))
        .sum();
    sum as f64 / a.pixels().len() as f64
}

/// Every filter whose result depends on a size in pixels, at sizes where
/// halving makes a difference.
fn size_dependent() -> Vec<FilterSpec> {
    vec![
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 6.0 }),
        FilterSpec::UnsharpMask(UnsharpMaskParams {
            sigma_px: 4.0,
            amount: 1.5,
            threshold: 0.0,
        }),
        FilterSpec::BoxBlur(BoxBlurParams { radius_px: 8 }),
        FilterSpec::MotionBlur(MotionBlurParams {
            length_px: 24.0,
            angle_deg: 20.0,
        }),
        FilterSpec::Median(MedianParams { radius_px: 6 }),
        FilterSpec::Denoise(DenoiseParams {
            strength: 0.6,
            radius_px: 6,
        }),
        FilterSpec::Pixelate(PixelateParams { block_px: 16 }),
        FilterSpec::Crop(CropParams {
            x: 40,
            y: 30,
            width: 120,
            height: 100,
        }),
        FilterSpec::Resize(ResizeParams {
            width: 200,
            height: 90,
            method: ResizeMethod::Bilinear,
            linear_light: false,
        }),
    ]
}

#[test]
fn the_proxy_render_looks_like_the_full_render_scaled_down() {
    let img = picture();
    let proxy = resized(
        &img,
        (img.width() as f32 * SCALE) as u32,
        (img.height() as f32 * SCALE) as u32,
    );
    let mut failures = Vec::new();
    for spec in size_dependent() {
        let full = spec.apply(&img).unwrap();
        let (pw, ph) = (
            ((full.width() as f32 * SCALE).round() as u32).max(1),
            ((full.height() as f32 * SCALE).round() as u32).max(1),
        );
        let want = resized(&full, pw, ph);
        let scaled = spec.scaled_for_proxy(SCALE).apply(&proxy).unwrap();
        let unscaled = spec.apply(&proxy).unwrap();
        let (good, bad) = (mean_diff(&want, &scaled), mean_diff(&want, &unscaled));
        // Within a few levels on average, and clearly better than not
        // scaling at all.
        if !(good <= 4.0 && good < 0.7 * bad) {
            failures.push(format!(
                "{}: proxy differs by {good:.2} levels on average, unscaled by {bad:.2}",
                spec.name()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
