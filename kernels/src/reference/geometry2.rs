//! Reference free rotation and canvas size: per output pixel, in `f64`.
//!
//! The rotation uses the same sine, cosine and output size as the fast op
//! ([`RotateGeometry`], which defines them), but maps each output pixel with
//! the rotation matrix written out directly and blends the four neighbours
//! in `f64`, reading pixels outside the source as transparent black.

use crate::image::{CHANNELS, RgbaImage};
use crate::ops::canvas::canvas_offset;
use crate::ops::rotate_free::RotateGeometry;
use crate::spec::{CanvasSizeParams, RotateAngleParams};

fn from_fn(width: u32, height: u32, mut f: impl FnMut(u32, u32) -> [u8; 4]) -> Option<RgbaImage> {
    let mut pixels = Vec::with_capacity(width as usize * height as usize * CHANNELS);
    for y in 0..height {
        for x in 0..width {
            pixels.extend_from_slice(&f(x, y));
        }
    }
    RgbaImage::from_pixels(width, height, pixels).ok()
}

/// Pixel `(x, y)`, transparent black outside the image.
fn px_or_clear(src: &RgbaImage, x: i64, y: i64) -> [u8; 4] {
    match (u32::try_from(x), u32::try_from(y)) {
        (Ok(x), Ok(y)) => src.pixel(x, y).unwrap_or([0; 4]),
        _ => [0; 4],
    }
}

/// Reference `rotate_angle` (a copy of `src` if the output size is refused,
/// which the fast path reports as an error).
///
/// An output centre falling exactly on a source centre copies that pixel;
/// otherwise premultiplied `f64` values (colour `c * a`, alpha `a`) of the
/// four neighbours are blended, then un-premultiplied and rounded.
pub fn rotate_angle(p: &RotateAngleParams, src: &RgbaImage) -> RgbaImage {
    let Ok(g) = RotateGeometry::new(p, src.width(), src.height()) else {
        return src.clone();
    };
    let (ow, oh) = g.out;
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    from_fn(ow, oh, |x, y| {
        // Offsets from the output centre, rotated back by the angle.
        let ox = f64::from(x) + 0.5 - f64::from(ow) / 2.0;
        let oy = f64::from(y) + 0.5 - f64::from(oh) / 2.0;
        let sx = g.cos * ox + (g.sin * oy + (w / 2.0 - 0.5));
        let sy = -g.sin * ox + (g.cos * oy + (h / 2.0 - 0.5));
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        if fx == 0.0 && fy == 0.0 {
            return px_or_clear(src, x0, y0);
        }
        let mut v = [0.0; 4];
        for (dx, dy, k) in [
            (0, 0, (1.0 - fx) * (1.0 - fy)),
            (1, 0, fx * (1.0 - fy)),
            (0, 1, (1.0 - fx) * fy),
            (1, 1, fx * fy),
        ] {
            let s = px_or_clear(src, x0 + dx, y0 + dy);
            let a = f64::from(s[3]);
            for c in 0..3 {
                v[c] += k * f64::from(s[c]) * a;
            }
            v[3] += k * a;
        }
        let alpha = v[3].round().clamp(0.0, 255.0);
        if alpha == 0.0 {
            return [0; 4];
        }
        let c = |k: usize| (v[k] / v[3]).round().clamp(0.0, 255.0) as u8;
        [c(0), c(1), c(2), alpha as u8]
    })
    .unwrap_or_else(|| src.clone())
}

/// Reference `canvas_size`.
pub fn canvas_size(p: &CanvasSizeParams, src: &RgbaImage) -> RgbaImage {
    let (dx, dy) = canvas_offset(p, src.width(), src.height());
    from_fn(p.width, p.height, |x, y| {
        let (sx, sy) = (i64::from(x) - dx, i64::from(y) - dy);
        if sx >= 0 && sy >= 0 && sx < i64::from(src.width()) && sy < i64::from(src.height()) {
            px_or_clear(src, sx, sy)
        } else {
            p.fill
        }
    })
    .unwrap_or_else(|| src.clone())
}
