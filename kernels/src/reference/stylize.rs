//! Reference pixelate, vignette and noise: per output pixel, in `f64`.

use crate::image::{CHANNELS, RgbaImage};
use crate::ops::stylize::{add_grain, grain, noise_strength};
use crate::spec::{NoiseParams, PixelateParams, VignetteParams};

fn map_pixels(src: &RgbaImage, mut f: impl FnMut(u32, u32, [u8; 4]) -> [u8; 4]) -> RgbaImage {
    let mut out = src.clone();
    let w = src.width();
    for (i, px) in out.pixels_mut().chunks_exact_mut(CHANNELS).enumerate() {
        let (x, y) = ((i % w as usize) as u32, (i / w as usize) as u32);
        let v = f(x, y, [px[0], px[1], px[2], px[3]]);
        px.copy_from_slice(&v);
    }
    out
}

/// Reference `pixelate`: each pixel becomes the premultiplied mean of its
/// block, computed from scratch.
pub fn pixelate(p: &PixelateParams, src: &RgbaImage) -> RgbaImage {
    let b = p.block_px.max(1);
    map_pixels(src, |x, y, _| {
        let (bx, by) = (x / b * b, y / b * b);
        let mut sum = [0.0f64; 4];
        let mut n = 0.0;
        for sy in by..(by + b).min(src.height()) {
            for sx in bx..(bx + b).min(src.width()) {
                let s = src.pixel(sx, sy).unwrap_or([0; 4]);
                let a = f64::from(s[3]);
                for c in 0..3 {
                    sum[c] += f64::from(s[c]) * a;
                }
                sum[3] += a;
                n += 1.0;
            }
        }
        if sum[3] == 0.0 {
            return [0; 4];
        }
        let c = |k: usize| (sum[k] / sum[3]).round().clamp(0.0, 255.0) as u8;
        [
            c(0),
            c(1),
            c(2),
            (sum[3] / n).round().clamp(0.0, 255.0) as u8,
        ]
    })
}

/// Reference `vignette`, straight from the definition in
/// [`crate::ops::stylize`].
pub fn vignette(p: &VignetteParams, src: &RgbaImage) -> RgbaImage {
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    let half_diag = (w * w + h * h).sqrt() / 2.0;
    map_pixels(src, |x, y, s| {
        let dx = f64::from(x) + 0.5 - w / 2.0;
        let dy = f64::from(y) + 0.5 - h / 2.0;
        let d = (dx * dx + dy * dy).sqrt() / half_diag;
        let (r, soft) = (f64::from(p.radius), f64::from(p.softness));
        let t = if d <= r {
            0.0
        } else if soft == 0.0 {
            1.0
        } else {
            ((d - r) / soft).min(1.0)
        };
        let k = t * t * (3.0 - 2.0 * t);
        let m = f64::from(p.amount) * k;
        let mut out = s;
        for c in 0..3 {
            let v = f64::from(s[c]);
            let o = if m < 0.0 {
                v * (1.0 + m)
            } else {
                v + (255.0 - v) * m
            };
            out[c] = o.round().clamp(0.0, 255.0) as u8;
        }
        out
    })
}

/// Reference `noise`: [`grain`] per pixel and channel.
pub fn noise(p: &NoiseParams, src: &RgbaImage) -> RgbaImage {
    let q = noise_strength(p);
    map_pixels(src, |x, y, s| {
        let mut out = s;
        for c in 0..3 {
            let ch = if p.monochrome { None } else { Some(c as u32) };
            out[c] = add_grain(s[c], grain(p.seed, x, y, ch), q);
        }
        out
    })
}
