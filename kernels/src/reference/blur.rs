//! Reference blurs: an exact, sampled gaussian convolution.
//!
//! The 1-D kernel is `exp(-x²/2σ²)` sampled at integer offsets out to radius
//! `ceil(4σ)` and normalized to sum 1. It is applied separably (rows, then
//! columns) in `f64` to premultiplied RGBA, with edge replication (clamped
//! coordinates), then un-premultiplied and rounded once at the end.

use crate::image::{CHANNELS, RgbaImage};
use crate::spec::{GaussianBlurParams, UnsharpMaskParams};

/// The normalized sampled gaussian, `2 * ceil(4σ) + 1` taps.
pub fn gaussian_kernel(sigma_px: f64) -> Vec<f64> {
    if sigma_px.is_nan() || sigma_px <= 0.0 {
        return vec![1.0];
    }
    let radius = (4.0 * sigma_px).ceil() as i64;
    let raw: Vec<f64> = (-radius..=radius)
        .map(|x| {
            let x = x as f64;
            (-x * x / (2.0 * sigma_px * sigma_px)).exp()
        })
        .collect();
    let total: f64 = raw.iter().sum();
    raw.into_iter().map(|w| w / total).collect()
}

/// Exact blur of `src` as premultiplied `f64` RGBA (colour `c * a / 255`,
/// alpha `a`), row-major, before un-premultiplying and rounding.
pub fn gaussian_blur_premultiplied(sigma_px: f64, src: &RgbaImage) -> Vec<[f64; 4]> {
    let (w, h) = (src.width() as usize, src.height() as usize);
    let kernel = gaussian_kernel(sigma_px);
    let radius = (kernel.len() / 2) as i64;
    let pre: Vec<[f64; 4]> = src
        .pixels()
        .chunks_exact(CHANNELS)
        .map(|p| {
            let a = f64::from(p[3]);
            [
                f64::from(p[0]) * a / 255.0,
                f64::from(p[1]) * a / 255.0,
                f64::from(p[2]) * a / 255.0,
                a,
            ]
        })
        .collect();
    let clamp = |v: i64, n: usize| v.clamp(0, n as i64 - 1) as usize;
    let mut horiz = vec![[0.0; 4]; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0.0; 4];
            for (k, wt) in kernel.iter().enumerate() {
                let sx = clamp(x as i64 + k as i64 - radius, w);
                for c in 0..4 {
                    acc[c] += wt * pre[y * w + sx][c];
                }
            }
            horiz[y * w + x] = acc;
        }
    }
    let mut out = vec![[0.0; 4]; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0.0; 4];
            for (k, wt) in kernel.iter().enumerate() {
                let sy = clamp(y as i64 + k as i64 - radius, h);
                for c in 0..4 {
                    acc[c] += wt * horiz[sy * w + x][c];
                }
            }
            out[y * w + x] = acc;
        }
    }
    out
}

/// Straight colour (0..=255, unrounded) of a premultiplied pixel; `None`
/// where alpha is zero.
fn straight(p: &[f64; 4]) -> Option<[f64; 3]> {
    if p[3] <= 0.0 {
        return None;
    }
    Some([
        p[0] / p[3] * 255.0,
        p[1] / p[3] * 255.0,
        p[2] / p[3] * 255.0,
    ])
}

fn to_u8(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// Exact gaussian blur (sampled kernel, edge replication).
pub fn gaussian_blur(p: &GaussianBlurParams, src: &RgbaImage) -> RgbaImage {
    if p.sigma_px.is_nan() || p.sigma_px <= 0.0 {
        return src.clone();
    }
    let blurred = gaussian_blur_premultiplied(f64::from(p.sigma_px), src);
    let mut out = src.clone();
    for (o, b) in out.pixels_mut().chunks_exact_mut(CHANNELS).zip(&blurred) {
        let rgb = straight(b).unwrap_or([0.0; 3]);
        o[0] = to_u8(rgb[0]);
        o[1] = to_u8(rgb[1]);
        o[2] = to_u8(rgb[2]);
        o[3] = to_u8(b[3]);
    }
    out
}

/// Reference unsharp mask: each colour channel `s` becomes
/// `round(s + amount * (s - b))` where `|s - b| > threshold`, `b` being the
/// exact (unrounded, un-premultiplied) blur; alpha is kept.
pub fn unsharp_mask(p: &UnsharpMaskParams, src: &RgbaImage) -> RgbaImage {
    if p.sigma_px.is_nan() || p.sigma_px <= 0.0 {
        return src.clone();
    }
    let blurred = gaussian_blur_premultiplied(f64::from(p.sigma_px), src);
    let amount = f64::from(p.amount);
    let threshold = f64::from(p.threshold);
    let mut out = src.clone();
    for (o, b) in out.pixels_mut().chunks_exact_mut(CHANNELS).zip(&blurred) {
        let Some(rgb) = straight(b) else { continue };
        for c in 0..3 {
            let s = f64::from(o[c]);
            let diff = s - rgb[c].min(255.0);
            if diff.abs() > threshold {
                o[c] = to_u8(s + amount * diff);
            }
        }
    }
    out
}
