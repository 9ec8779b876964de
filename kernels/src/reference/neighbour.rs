//! Reference neighbourhood filters: naive loops over each pixel's window in
//! `f64` (or exact integers), clamped coordinates for replicated edges.
//!
//! Where a filter is defined by quantized tables (motion blur tap
//! positions, bilateral weights, emboss factors) the reference takes those
//! tables from the op, since they are part of the filter's definition, and
//! checks everything else independently.

use crate::image::{CHANNELS, RgbaImage};
use crate::ops::box_motion::{MOTION_SUBPX, motion_taps};
use crate::ops::convolve::{convolve_finish, convolve_kernel};
use crate::ops::denoise::{bilateral_tables, range_distance};
use crate::ops::edges::luma;
use crate::ops::median::{median_output, median_values};
use crate::spec::{
    BoxBlurParams, ConvolveParams, DenoiseParams, EmbossParams, MedianParams, MotionBlurParams,
    SobelParams,
};

/// Pixel `(x, y)` with coordinates clamped into the image.
fn at(src: &RgbaImage, x: i64, y: i64) -> [u8; 4] {
    let x = x.clamp(0, i64::from(src.width()) - 1) as u32;
    let y = y.clamp(0, i64::from(src.height()) - 1) as u32;
    src.pixel(x, y).unwrap_or([0; 4])
}

/// Builds an image from a per-pixel function.
fn map(src: &RgbaImage, f: impl Fn(i64, i64) -> [u8; 4]) -> RgbaImage {
    let mut out = src.clone();
    let w = src.width() as usize;
    for (i, o) in out.pixels_mut().chunks_exact_mut(CHANNELS).enumerate() {
        o.copy_from_slice(&f((i % w) as i64, (i / w) as i64));
    }
    out
}

/// Weighted premultiplied mean: colour `round(Σ w c a / Σ w a)`, alpha
/// `round(Σ w a / Σ w)`.
fn weighted_mean(samples: impl Iterator<Item = (f64, [f64; 4])>) -> [u8; 4] {
    let (mut s, mut total) = ([0.0f64; 4], 0.0);
    for (w, p) in samples {
        total += w;
        let a = p[3];
        for c in 0..3 {
            s[c] += w * p[c] * a;
        }
        s[3] += w * a;
    }
    let r = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    if s[3] == 0.0 {
        return [0, 0, 0, r(s[3] / total)];
    }
    [
        r(s[0] / s[3]),
        r(s[1] / s[3]),
        r(s[2] / s[3]),
        r(s[3] / total),
    ]
}

fn f64px(p: [u8; 4]) -> [f64; 4] {
    p.map(f64::from)
}

/// Box blur: the premultiplied mean of the `(2r+1)²` square.
pub fn box_blur(p: &BoxBlurParams, src: &RgbaImage) -> RgbaImage {
    let r = i64::from(p.radius_px);
    if r == 0 {
        return src.clone();
    }
    map(src, |x, y| {
        weighted_mean(
            (-r..=r).flat_map(|dy| (-r..=r).map(move |dx| (1.0, f64px(at(src, x + dx, y + dy))))),
        )
    })
}

/// Motion blur: equal-weight bilinear samples at the taps of
/// [`motion_taps`], each corner's coordinates clamped.
pub fn motion_blur(p: &MotionBlurParams, src: &RgbaImage) -> RgbaImage {
    let taps = motion_taps(p);
    if taps.is_empty() {
        return src.clone();
    }
    let q = f64::from(MOTION_SUBPX);
    map(src, |x, y| {
        weighted_mean(taps.iter().flat_map(|&(dx, dy)| {
            let fx = f64::from(dx) / q;
            let fy = f64::from(dy) / q;
            let (x0, y0) = (fx.floor(), fy.floor());
            let (tx, ty) = (fx - x0, fy - y0);
            let (x0, y0) = (x + x0 as i64, y + y0 as i64);
            [
                ((1.0 - tx) * (1.0 - ty), at(src, x0, y0)),
                (tx * (1.0 - ty), at(src, x0 + 1, y0)),
                ((1.0 - tx) * ty, at(src, x0, y0 + 1)),
                (tx * ty, at(src, x0 + 1, y0 + 1)),
            ]
            .map(|(w, p)| (w, f64px(p)))
        }))
    })
}

/// Median: sorts each channel's 8-bit premultiplied values in the window.
pub fn median(p: &MedianParams, src: &RgbaImage) -> RgbaImage {
    let r = i64::from(p.radius_px.max(1));
    map(src, |x, y| {
        let mut vals: [Vec<u8>; 4] = Default::default();
        for dy in -r..=r {
            for dx in -r..=r {
                let v = median_values(&at(src, x + dx, y + dy));
                for c in 0..4 {
                    vals[c].push(v[c]);
                }
            }
        }
        let m = vals.map(|mut v| {
            v.sort_unstable();
            v[v.len() / 2]
        });
        median_output(m)
    })
}

/// Bilateral denoise with the weight tables of [`bilateral_tables`].
pub fn denoise(p: &DenoiseParams, src: &RgbaImage) -> RgbaImage {
    let Some(t) = bilateral_tables(p) else {
        return src.clone();
    };
    let r = t.radius as i64;
    let side = 2 * r + 1;
    map(src, |x, y| {
        let centre = median_values(&at(src, x, y));
        weighted_mean((-r..=r).flat_map(|dy| {
            let t = &t;
            (-r..=r).map(move |dx| {
                let px = at(src, x + dx, y + dy);
                let d = range_distance(centre, median_values(&px));
                let ws = t.spatial[((dy + r) * side + dx + r) as usize];
                (f64::from(ws) * f64::from(t.range[d]), f64px(px))
            })
        }))
    })
}

/// Sobel `gx`, `gy` at `(x, y)` from the 3x3 kernels directly.
fn sobel_at(src: &RgbaImage, x: i64, y: i64) -> (f64, f64) {
    let l = |dx: i64, dy: i64| f64::from(luma(&at(src, x + dx, y + dy)));
    let gx = (l(1, -1) + 2.0 * l(1, 0) + l(1, 1)) - (l(-1, -1) + 2.0 * l(-1, 0) + l(-1, 1));
    let gy = (l(-1, 1) + 2.0 * l(0, 1) + l(1, 1)) - (l(-1, -1) + 2.0 * l(0, -1) + l(1, -1));
    (gx, gy)
}

/// Sobel magnitude `round(sqrt(gx² + gy²) * scale)` in `f64`, alpha kept.
pub fn sobel(p: &SobelParams, src: &RgbaImage) -> RgbaImage {
    map(src, |x, y| {
        let (gx, gy) = sobel_at(src, x, y);
        let g = ((gx * gx + gy * gy).sqrt() * f64::from(p.scale))
            .round()
            .min(255.0) as u8;
        [g, g, g, at(src, x, y)[3]]
    })
}

/// Emboss `128 + strength (gx cos θ - gy sin θ) / 8` in `f64` with libm's
/// sine and cosine, alpha kept.
pub fn emboss(p: &EmbossParams, src: &RgbaImage) -> RgbaImage {
    let t = f64::from(p.angle_deg).to_radians();
    let k = f64::from(p.strength) / 8.0;
    map(src, |x, y| {
        let (gx, gy) = sobel_at(src, x, y);
        let g = (128.0 + k * (gx * t.cos() - gy * t.sin()))
            .round()
            .clamp(0.0, 255.0) as u8;
        [g, g, g, at(src, x, y)[3]]
    })
}

/// Convolution per [`crate::ops::convolve`], summing in tap order.
pub fn convolve(p: &ConvolveParams, src: &RgbaImage) -> RgbaImage {
    let k = convolve_kernel(p);
    let r = (k.side / 2) as i64;
    map(src, |x, y| {
        let (mut s, mut alpha) = ([0.0f64; 3], 0.0f64);
        for ty in 0..k.side {
            for tx in 0..k.side {
                let t = ty * k.side + tx;
                let px = at(src, x + tx as i64 - r, y + ty as i64 - r);
                let a = u32::from(px[3]);
                for c in 0..3 {
                    s[c] += k.weights[t] * f64::from(u32::from(px[c]) * a);
                }
                alpha += k.alpha_weights[t] * f64::from(a);
            }
        }
        convolve_finish(&k, s, alpha)
    })
}
