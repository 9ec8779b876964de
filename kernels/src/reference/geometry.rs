//! Reference geometry: per-pixel coordinate mapping, direct resampling.
//!
//! Rotate, flip and crop compute, for every output pixel, the source pixel
//! it comes from. Resize evaluates every output pixel directly as a 2-D sum
//! in `f64` over its source neighbourhood (no separable passes, no
//! precomputed tables), with the filter definitions documented in
//! [`crate::ops::resize`]; in linear light it uses the exact `f64` sRGB
//! transfer functions (no 16-bit tables).

use crate::image::{CHANNELS, RgbaImage};
use crate::ops::adjust::{linear_to_srgb, srgb_to_linear};
use crate::spec::{FlipAxis, FlipParams, ResizeMethod, ResizeParams, RotateParams};

/// Builds an image of the given size from a per-pixel function (a copy of
/// `src` if the size is invalid, which valid filter parameters never give).
fn from_fn(
    src: &RgbaImage,
    width: u32,
    height: u32,
    mut f: impl FnMut(u32, u32) -> [u8; 4],
) -> RgbaImage {
    let mut pixels = Vec::with_capacity(width as usize * height as usize * CHANNELS);
    for y in 0..height {
        for x in 0..width {
            pixels.extend_from_slice(&f(x, y));
        }
    }
    RgbaImage::from_pixels(width, height, pixels).unwrap_or_else(|_| src.clone())
}

fn px(src: &RgbaImage, x: u32, y: u32) -> [u8; 4] {
    src.pixel(x, y).unwrap_or([0; 4])
}

/// Reference rotation (clockwise quarter turns).
pub fn rotate(p: &RotateParams, src: &RgbaImage) -> RgbaImage {
    let (w, h) = (src.width(), src.height());
    match p.quarter_turns % 4 {
        0 => src.clone(),
        // Output (x, y) of a clockwise quarter turn is source (y, h - 1 - x).
        1 => from_fn(src, h, w, |x, y| px(src, y, h - 1 - x)),
        2 => from_fn(src, w, h, |x, y| px(src, w - 1 - x, h - 1 - y)),
        _ => from_fn(src, h, w, |x, y| px(src, w - 1 - y, x)),
    }
}

/// Reference flip.
pub fn flip(p: &FlipParams, src: &RgbaImage) -> RgbaImage {
    let (w, h) = (src.width(), src.height());
    match p.axis {
        FlipAxis::Horizontal => from_fn(src, w, h, |x, y| px(src, w - 1 - x, y)),
        FlipAxis::Vertical => from_fn(src, w, h, |x, y| px(src, x, h - 1 - y)),
    }
}

/// Reference crop of the clipped rectangle `(x, y, width, height)`.
pub fn crop(rect: (u32, u32, u32, u32), src: &RgbaImage) -> RgbaImage {
    let (x0, y0, w, h) = rect;
    from_fn(src, w, h, |x, y| px(src, x + x0, y + y0))
}

/// The filter value at offset `x` (in filter units) and its radius.
fn filter(method: ResizeMethod, x: f64) -> f64 {
    let sinc = |t: f64| {
        if t.abs() < 1e-12 {
            1.0
        } else if (t - t.round()).abs() < 1e-12 {
            0.0
        } else {
            (std::f64::consts::PI * t).sin() / (std::f64::consts::PI * t)
        }
    };
    match method {
        ResizeMethod::Nearest => 1.0,
        ResizeMethod::Bilinear => (1.0 - x.abs()).max(0.0),
        ResizeMethod::Box => {
            if (-0.5..0.5).contains(&x) {
                1.0
            } else {
                0.0
            }
        }
        ResizeMethod::CatmullRom => mitchell_netravali(0.0, 0.5, x),
        ResizeMethod::Mitchell => mitchell_netravali(1.0 / 3.0, 1.0 / 3.0, x),
        ResizeMethod::Lanczos3 => {
            if x.abs() < 3.0 {
                sinc(x) * sinc(x / 3.0)
            } else {
                0.0
            }
        }
    }
}

/// The Mitchell-Netravali cubic `k(x)` with parameters `b`, `c`, written
/// out piece by piece (radius 2).
fn mitchell_netravali(b: f64, c: f64, x: f64) -> f64 {
    let t = x.abs();
    let (p3, p2, p1, p0) = if t < 1.0 {
        (
            12.0 - 9.0 * b - 6.0 * c,
            -18.0 + 12.0 * b + 6.0 * c,
            0.0,
            6.0 - 2.0 * b,
        )
    } else if t < 2.0 {
        (
            -b - 6.0 * c,
            6.0 * b + 30.0 * c,
            -12.0 * b - 48.0 * c,
            8.0 * b + 24.0 * c,
        )
    } else {
        return 0.0;
    };
    (p3 * t.powi(3) + p2 * t.powi(2) + p1 * t + p0) / 6.0
}

/// Source pixels and normalized weights for output index `i` along an axis.
fn weights(method: ResizeMethod, src_len: u32, out_len: u32, i: u32) -> Vec<(u32, f64)> {
    let scale = f64::from(src_len) / f64::from(out_len);
    if method == ResizeMethod::Nearest {
        // `(i + 0.5) * src` is exact, so the quotient is exact whenever it is
        // a whole number and `floor` never lands one pixel low.
        let j = ((f64::from(i) + 0.5) * f64::from(src_len) / f64::from(out_len)).floor() as u32;
        return vec![(j.min(src_len - 1), 1.0)];
    }
    let radius = match method {
        ResizeMethod::Box => 0.5,
        ResizeMethod::Nearest | ResizeMethod::Bilinear => 1.0,
        ResizeMethod::CatmullRom | ResizeMethod::Mitchell => 2.0,
        ResizeMethod::Lanczos3 => 3.0,
    };
    let stretch = scale.max(1.0);
    let centre = (f64::from(i) + 0.5) * scale - 0.5;
    let taps: Vec<(u32, f64)> = (0..src_len)
        .filter(|&j| (f64::from(j) - centre).abs() <= radius * stretch)
        .map(|j| (j, filter(method, (f64::from(j) - centre) / stretch)))
        .collect();
    let total: f64 = taps.iter().map(|t| t.1).sum();
    taps.into_iter().map(|(j, w)| (j, w / total)).collect()
}

/// Reference resize, as premultiplied `f64` RGBA before rounding (colour
/// `c * a / 255`, alpha `a`), row-major. With `linear_light`, `c` is the
/// colour in linear light scaled to `0..=255`
/// (`255 * srgb_to_linear(v / 255)`).
pub fn resize_premultiplied(p: &ResizeParams, src: &RgbaImage) -> Vec<[f64; 4]> {
    let colour = |v: u8| {
        if p.linear_light {
            255.0 * srgb_to_linear(f64::from(v) / 255.0)
        } else {
            f64::from(v)
        }
    };
    let mut out = Vec::with_capacity(p.width as usize * p.height as usize);
    for y in 0..p.height {
        let wy = weights(p.method, src.height(), p.height, y);
        for x in 0..p.width {
            let wx = weights(p.method, src.width(), p.width, x);
            let mut acc = [0.0; 4];
            for &(sy, ky) in &wy {
                for &(sx, kx) in &wx {
                    let s = px(src, sx, sy);
                    let a = f64::from(s[3]);
                    let k = kx * ky;
                    acc[0] += k * colour(s[0]) * a / 255.0;
                    acc[1] += k * colour(s[1]) * a / 255.0;
                    acc[2] += k * colour(s[2]) * a / 255.0;
                    acc[3] += k * a;
                }
            }
            out.push(acc);
        }
    }
    out
}

/// Reference resize.
pub fn resize(p: &ResizeParams, src: &RgbaImage) -> RgbaImage {
    if p.method == ResizeMethod::Nearest {
        return from_fn(src, p.width, p.height, |x, y| {
            let sx = weights(p.method, src.width(), p.width, x)[0].0;
            let sy = weights(p.method, src.height(), p.height, y)[0].0;
            px(src, sx, sy)
        });
    }
    let values = resize_premultiplied(p, src);
    let mut i = 0;
    from_fn(src, p.width, p.height, |_, _| {
        let v = values[i];
        i += 1;
        let alpha = v[3].round().clamp(0.0, 255.0);
        if alpha == 0.0 {
            return [0; 4];
        }
        let c = |k: usize| {
            let straight = (v[k] / v[3] * 255.0).clamp(0.0, 255.0);
            let level = if p.linear_light {
                255.0 * linear_to_srgb(straight / 255.0)
            } else {
                straight
            };
            level.round().clamp(0.0, 255.0) as u8
        };
        [c(0), c(1), c(2), alpha as u8]
    })
}
