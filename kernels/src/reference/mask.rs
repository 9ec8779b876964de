//! Reference masks: each pixel's weight straight from the definitions in
//! [`crate::mask`], in `f64` without quantising, every shape and every brush
//! segment looked at for every pixel; and the blend in `f64`.

use crate::image::{CHANNELS, RgbaImage};
use crate::mask::{Combine, Mask, Shape, Stroke};

fn smooth(t: f64) -> f64 {
    t * t * (3.0 - 2.0 * t)
}

/// 0 from `outer`, else 1 up to `inner`, smooth between.
fn edge(d: f64, inner: f64, outer: f64) -> f64 {
    if d >= outer {
        0.0
    } else if d <= inner {
        1.0
    } else {
        smooth((outer - d) / (outer - inner))
    }
}

/// Distance from `p` to the segment `a`-`b` (all in pixels).
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let len2 = vx * vx + vy * vy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * vx + (p.1 - a.1) * vy) / len2).clamp(0.0, 1.0)
    };
    let (qx, qy) = (a.0 + t * vx, a.1 + t * vy);
    ((p.0 - qx).powi(2) + (p.1 - qy).powi(2)).sqrt()
}

fn stroke_weight(s: &Stroke, p: (f64, f64), w: f64, h: f64) -> f64 {
    let pts: Vec<(f64, f64)> = s
        .points
        .iter()
        .map(|q| (f64::from(q[0]) * w, f64::from(q[1]) * h))
        .collect();
    let d = if pts.len() == 1 {
        segment_distance(p, pts[0], pts[0])
    } else {
        pts.windows(2)
            .map(|ab| segment_distance(p, ab[0], ab[1]))
            .fold(f64::INFINITY, f64::min)
    };
    let r = f64::from(s.radius) * w.max(h);
    edge(d, r * f64::from(s.hardness), r)
}

/// One shape's weight at pixel `(x, y)` of a `w` x `h` input whose pixel
/// there is `px`.
pub fn shape_weight(shape: &Shape, x: u32, y: u32, w: u32, h: u32, px: [u8; 4]) -> f64 {
    let (wf, hf) = (f64::from(w), f64::from(h));
    // The pixel centre as fractions, then in pixels.
    let (u, v) = ((f64::from(x) + 0.5) / wf, (f64::from(y) + 0.5) / hf);
    match shape {
        Shape::Radial(r) => {
            let (rx, ry) = (f64::from(r.radius[0]) * wf, f64::from(r.radius[1]) * hf);
            if rx <= 0.0 || ry <= 0.0 {
                return 0.0;
            }
            let dx = (u - f64::from(r.center[0])) * wf;
            let dy = (v - f64::from(r.center[1])) * hf;
            let a = f64::from(r.angle_deg).to_radians();
            let along = dx * a.cos() + dy * a.sin();
            let across = -dx * a.sin() + dy * a.cos();
            let d = ((along / rx).powi(2) + (across / ry).powi(2)).sqrt();
            edge(d, 1.0 - f64::from(r.feather), 1.0)
        }
        Shape::Linear(l) => {
            let (fx, fy) = (f64::from(l.from[0]) * wf, f64::from(l.from[1]) * hf);
            let (dx, dy) = (
                (f64::from(l.to[0]) - f64::from(l.from[0])) * wf,
                (f64::from(l.to[1]) - f64::from(l.from[1])) * hf,
            );
            let t = ((u * wf - fx) * dx + (v * hf - fy) * dy) / (dx * dx + dy * dy);
            1.0 - smooth(t.clamp(0.0, 1.0))
        }
        Shape::Brush(b) => {
            let p = (u * wf, v * hf);
            b.strokes.iter().fold(0.0, |acc, s| {
                let k = stroke_weight(s, p, wf, hf);
                if s.erase {
                    acc.min(1.0 - k)
                } else {
                    acc.max(k)
                }
            })
        }
        Shape::Range(r) => {
            if let Some([lo, hi]) = r.luma {
                let l = (0.2126 * f64::from(px[0])
                    + 0.7152 * f64::from(px[1])
                    + 0.0722 * f64::from(px[2]))
                    / 255.0;
                let dist = (f64::from(lo) - l).max(l - f64::from(hi)).max(0.0);
                if dist == 0.0 {
                    1.0
                } else {
                    edge(dist, 0.0, f64::from(r.feather))
                }
            } else {
                let c = r.color.unwrap_or_default();
                let d = (0..3)
                    .map(|i| (f64::from(px[i]) - f64::from(c[i])).powi(2))
                    .sum::<f64>()
                    .sqrt()
                    / (255.0 * 3.0_f64.sqrt());
                let tol = f64::from(r.tolerance);
                if d <= tol {
                    1.0
                } else {
                    edge(d, tol, tol + f64::from(r.feather))
                }
            }
        }
    }
}

/// The mask's weight (`0..=1`) at pixel `(x, y)` of `src`.
pub fn weight(mask: &Mask, src: &RgbaImage, x: u32, y: u32) -> f64 {
    let px = src.pixel(x, y).unwrap_or([0; 4]);
    let (w, h) = (src.width(), src.height());
    let k = mask.shapes.iter().fold(0.0, |acc: f64, shape| {
        let s = shape_weight(shape, x, y, w, h, px);
        match shape.mode() {
            Combine::Add => acc.max(s),
            Combine::Subtract => acc.min(1.0 - s),
            Combine::Intersect => acc.min(s),
        }
    });
    if mask.invert { 1.0 - k } else { k }
}

/// Every pixel's weight, row-major.
pub fn weights(mask: &Mask, src: &RgbaImage) -> Vec<f64> {
    let (w, h) = (src.width(), src.height());
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| weight(mask, src, x, y))
        .collect()
}

/// `input + (filtered - input) * weight` per channel, rounded, in `f64`.
pub fn blend(input: &RgbaImage, filtered: &RgbaImage, weights: &[f64]) -> RgbaImage {
    let mut out = input.clone();
    for ((o, f), &k) in out
        .pixels_mut()
        .chunks_exact_mut(CHANNELS)
        .zip(filtered.pixels().chunks_exact(CHANNELS))
        .zip(weights)
    {
        for (oc, &fc) in o.iter_mut().zip(f) {
            let i = f64::from(*oc);
            *oc = (i + (f64::from(fc) - i) * k).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}
