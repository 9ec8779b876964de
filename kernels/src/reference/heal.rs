//! Reference `heal`: the definition in [`crate::ops::heal`], one whole
//! image at a time, in `f64`, every spot's source chosen and every pixel
//! computed from scratch.

use crate::image::RgbaImage;
use crate::ops::heal::{AUTO_DISTANCE, HealParams, RIM_SAMPLES};

fn smooth(t: f64) -> f64 {
    t * t * (3.0 - 2.0 * t)
}

/// The pixel at `(x, y)` clamped into the image.
fn px(src: &RgbaImage, x: i64, y: i64) -> [f64; 4] {
    let x = x.clamp(0, i64::from(src.width()) - 1) as u32;
    let y = y.clamp(0, i64::from(src.height()) - 1) as u32;
    src.pixel(x, y).unwrap_or([0; 4]).map(f64::from)
}

fn mean3(src: &RgbaImage, x: i64, y: i64) -> [f64; 4] {
    let mut sum = [0.0; 4];
    for dy in -1..=1 {
        for dx in -1..=1 {
            let p = px(src, x + dx, y + dy);
            for c in 0..4 {
                sum[c] += p[c] / 9.0;
            }
        }
    }
    sum
}

/// A spot's target centre and radius, and its source centre, in pixels.
type SpotGeometry = ((f64, f64, f64), (f64, f64));

/// Spot centres and radii in pixels, and each spot's source centre.
fn geometry(p: &HealParams, w: f64, h: f64) -> Vec<SpotGeometry> {
    let long = w.max(h);
    let targets: Vec<(f64, f64, f64)> = p
        .spots
        .iter()
        .map(|s| {
            (
                f64::from(s.target[0]) * w,
                f64::from(s.target[1]) * h,
                f64::from(s.radius) * long,
            )
        })
        .collect();
    let dirs = [
        (1.0, 0.0),
        (-1.0, 0.0),
        (0.0, 1.0),
        (0.0, -1.0),
        (1.0, 1.0),
        (-1.0, 1.0),
        (1.0, -1.0),
        (-1.0, -1.0),
    ];
    p.spots
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (tx, ty, r) = targets[i];
            let source = if let Some([x, y]) = s.source {
                (f64::from(x) * w, f64::from(y) * h)
            } else {
                let cands: Vec<(f64, f64)> = dirs
                    .iter()
                    .map(|&(ux, uy): &(f64, f64)| {
                        let n = (ux * ux + uy * uy).sqrt();
                        (
                            tx + ux / n * AUTO_DISTANCE * r,
                            ty + uy / n * AUTO_DISTANCE * r,
                        )
                    })
                    .collect();
                let inside = |c: &(f64, f64)| c.0 >= r && c.0 <= w - r && c.1 >= r && c.1 <= h - r;
                let clear = |c: &(f64, f64)| {
                    targets.iter().enumerate().all(|(j, t)| {
                        j == i || ((c.0 - t.0).powi(2) + (c.1 - t.1).powi(2)).sqrt() >= r + t.2
                    })
                };
                cands
                    .iter()
                    .find(|c| inside(c) && clear(c))
                    .or_else(|| cands.iter().find(|c| inside(c)))
                    .copied()
                    .unwrap_or(cands[0])
            };
            (targets[i], source)
        })
        .collect()
}

/// Reference `heal`.
pub fn heal(p: &HealParams, src: &RgbaImage) -> RgbaImage {
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    let mut out = src.clone();
    let inner = 1.0 - f64::from(p.feather);
    for ((tx, ty, r), (sx, sy)) in geometry(p, w, h) {
        if r <= 0.0 {
            continue;
        }
        let (dx, dy) = ((sx - tx).round() as i64, (sy - ty).round() as i64);
        let rim: Vec<(f64, f64, [f64; 4])> = (0..RIM_SAMPLES)
            .map(|k| {
                let a = (k as f64 * 360.0 / RIM_SAMPLES as f64).to_radians();
                let (bx, by) = (tx + r * a.cos(), ty + r * a.sin());
                let (ix, iy) = (bx.floor() as i64, by.floor() as i64);
                let t = mean3(src, ix, iy);
                let o = mean3(src, ix + dx, iy + dy);
                (bx, by, [0, 1, 2, 3].map(|c| t[c] - o[c]))
            })
            .collect();
        for y in 0..src.height() {
            for x in 0..src.width() {
                let (cx, cy) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
                let d = ((cx - tx).powi(2) + (cy - ty).powi(2)).sqrt() / r;
                let k = if d >= 1.0 {
                    continue;
                } else if d <= inner {
                    1.0
                } else {
                    smooth((1.0 - d) / (1.0 - inner))
                };
                let weights: Vec<f64> = rim
                    .iter()
                    .map(|(bx, by, _)| 1.0 / ((cx - bx).powi(2) + (cy - by).powi(2) + 1.0))
                    .collect();
                let total: f64 = weights.iter().sum();
                let from = px(src, i64::from(x) + dx, i64::from(y) + dy);
                let cur = out.pixel(x, y).unwrap_or([0; 4]).map(f64::from);
                let mut v = [0_u8; 4];
                for c in 0..4 {
                    let offset: f64 = rim
                        .iter()
                        .zip(&weights)
                        .map(|((_, _, d), w)| w * d[c])
                        .sum::<f64>()
                        / total;
                    let healed = from[c] + offset;
                    v[c] = (cur[c] + (healed - cur[c]) * k).round().clamp(0.0, 255.0) as u8;
                }
                let i = (y as usize * src.width() as usize + x as usize) * 4;
                out.pixels_mut()[i..i + 4].copy_from_slice(&v);
            }
        }
    }
    out
}
