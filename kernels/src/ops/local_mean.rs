//! Local averages of one value per pixel (luma, a dark channel), shared by
//! the photographic neighbourhood adjustments (`clarity`,
//! `shadows_highlights`, `dehaze`).
//!
//! The average is three box blurs of radius `r` along rows, then three
//! down columns: close to a gaussian of standard deviation
//! `sqrt(r (r + 1))`, about `r + 0.5`, at a cost that does not grow with
//! `r`. Values are 16-bit (levels in 1/256), sums are exact integers and
//! each box mean is `round(sum / (2r + 1))` by one fixed-point multiply,
//! with edges replicated. Every output row is computed from absolute rows
//! with this exact arithmetic, so any band gives the same values; it reads
//! the rows within `3r` ([`LocalMean::halo_px`]).
//!
//! Transparent pixels must not lend their hidden colour to their
//! neighbours: [`LocalMean::weighted`] averages `value * alpha` and
//! `alpha` and divides, which equals the plain average wherever the
//! neighbourhood is opaque (the box means keep constants exactly), so a
//! band whose rows are all opaque takes the plain path and still matches
//! any other band bit for bit.

use std::ops::Range;

use super::color::{LUMA_B_Q16, LUMA_G_Q16, LUMA_R_Q16};
use crate::image::{CHANNELS, SourceBand};
use crate::registry::halo_rows;

/// Largest radius of a local average, in pixels.
pub const MAX_LOCAL_RADIUS_PX: f32 = 500.0;

/// Box passes along each axis.
const PASSES: u32 = 3;

/// Columns per strip of the column passes: a strip of every row held stays
/// close to the core through the three passes.
const STRIP: usize = 64;

/// The value of full alpha in a weight plane (255 levels in 1/256).
const ALPHA_ONE: u32 = 255 << 8;

/// One 16-bit value per pixel for rows `y0..` of an image `width` pixels
/// wide.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    /// Pixels per row.
    pub width: usize,
    /// The absolute index of the first row held.
    pub y0: u32,
    /// The values, row after row.
    pub values: Vec<u16>,
}

impl Plane {
    /// A plane of `rows` filled row by row by `f(y, row_out)`.
    pub fn from_rows(width: usize, rows: Range<u32>, mut f: impl FnMut(u32, &mut [u16])) -> Self {
        let mut values = vec![0u16; rows.len() * width];
        if width > 0 {
            for (y, out) in rows.clone().zip(values.chunks_exact_mut(width)) {
                f(y, out);
            }
        }
        Self {
            width,
            y0: rows.start,
            values,
        }
    }

    /// The rows held.
    pub fn rows(&self) -> Range<u32> {
        let n = self.values.len().checked_div(self.width).unwrap_or(0);
        self.y0..self.y0 + n as u32
    }

    /// Row `y` (absolute); it must be held.
    pub fn row(&self, y: u32) -> &[u16] {
        let start = (y - self.y0) as usize * self.width;
        &self.values[start..start + self.width]
    }
}

/// The Rec. 709 luma of rows `rows` of `src` on the encoded values, in
/// 1/256 levels (`0..=65280`), with the weights of `grayscale`.
pub fn luma_plane(src: &SourceBand<'_>, rows: Range<u32>) -> Plane {
    Plane::from_rows(src.width as usize, rows, |y, out| {
        for (o, px) in out.iter_mut().zip(src.row(y).chunks_exact(CHANNELS)) {
            *o = luma_q8(px);
        }
    })
}

/// The luma of one RGBA pixel in 1/256 levels.
#[inline(always)]
pub fn luma_q8(px: &[u8]) -> u16 {
    let sum = LUMA_R_Q16 * u32::from(px[0])
        + LUMA_G_Q16 * u32::from(px[1])
        + LUMA_B_Q16 * u32::from(px[2]);
    ((sum + 128) >> 8) as u16
}

/// The alpha of rows `rows` of `src` in 1/256 levels, or `None` when every
/// pixel there is opaque.
pub fn alpha_plane(src: &SourceBand<'_>, rows: Range<u32>) -> Option<Plane> {
    let opaque = rows.clone().all(|y| {
        src.row(y)
            .chunks_exact(CHANNELS)
            .fold(255u8, |a, px| a & px[3])
            == 255
    });
    if opaque {
        return None;
    }
    Some(Plane::from_rows(src.width as usize, rows, |y, out| {
        for (o, px) in out.iter_mut().zip(src.row(y).chunks_exact(CHANNELS)) {
            *o = u16::from(px[3]) << 8;
        }
    }))
}

/// The local average of one size, built once per step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalMean {
    radius: u32,
    /// `round(2^32 / (2 radius + 1))`.
    recip: u64,
}

impl LocalMean {
    /// The average for `radius_px` (rounded; NaN and negatives are 0, which
    /// averages nothing; at most [`MAX_LOCAL_RADIUS_PX`]).
    pub fn new(radius_px: f32) -> Self {
        let r = if radius_px.is_finite() {
            radius_px.round().clamp(0.0, MAX_LOCAL_RADIUS_PX) as u32
        } else {
            0
        };
        let n = u64::from(2 * r + 1);
        Self {
            radius: r,
            recip: ((1u64 << 32) + n / 2) / n,
        }
    }

    /// The box radius in pixels.
    pub fn radius_px(&self) -> u32 {
        self.radius
    }

    /// Rows read above and below an output row: `3r`.
    pub fn halo_px(&self) -> u32 {
        PASSES * self.radius
    }

    /// The rows a plane must hold to average output rows `out_rows` of a
    /// `height`-row image.
    pub fn rows_needed(&self, height: u32, out_rows: Range<u32>) -> Range<u32> {
        halo_rows(self.halo_px(), height, out_rows)
    }

    /// `round(sum / (2r + 1))`.
    #[inline(always)]
    fn mean(&self, sum: u32) -> u16 {
        ((u64::from(sum) * self.recip + (1 << 31)) >> 32) as u16
    }

    /// The average of `plane` (holding [`Self::rows_needed`]) at output
    /// rows `out_rows` of a `height`-row image.
    pub fn average(&self, plane: &Plane, height: u32, out_rows: Range<u32>) -> Plane {
        let width = plane.width;
        if self.radius == 0 || width == 0 {
            return Plane::from_rows(width, out_rows, |y, out| out.copy_from_slice(plane.row(y)));
        }
        let mut pad = Vec::with_capacity(width + 2 * self.radius as usize);
        let (mut a, mut b) = (vec![0u16; width], vec![0u16; width]);
        let current = Plane::from_rows(width, plane.rows(), |y, out| {
            self.row_pass(plane.row(y), &mut pad, &mut a);
            self.row_pass(&a, &mut pad, &mut b);
            self.row_pass(&b, &mut pad, out);
        });
        let rows = current.rows();
        let mut out = Plane::from_rows(width, out_rows.clone(), |_, _| {});
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for x0 in (0..width).step_by(STRIP) {
            let sw = STRIP.min(width - x0);
            a.clear();
            for y in rows.clone() {
                a.extend_from_slice(&current.row(y)[x0..x0 + sw]);
            }
            let mut held = rows.clone();
            for k in (0..PASSES).rev() {
                let next = halo_rows(k * self.radius, height, out_rows.clone());
                self.column_pass(&a, held.clone(), sw, height, next.clone(), &mut b);
                std::mem::swap(&mut a, &mut b);
                held = next;
            }
            for (o, v) in out.values.chunks_exact_mut(width).zip(a.chunks_exact(sw)) {
                o[x0..x0 + sw].copy_from_slice(v);
            }
        }
        out
    }

    /// [`Self::average`] of `signal` weighted by `alpha` (from
    /// [`alpha_plane`], both over the same rows): `sum(s a) / sum(a)` in
    /// box means. Where every weight is full this is exactly
    /// [`Self::average`] of `signal`; where all are 0 it is 0. Without
    /// `alpha`, the plain average.
    pub fn weighted(
        &self,
        signal: &Plane,
        alpha: Option<&Plane>,
        height: u32,
        out_rows: Range<u32>,
    ) -> Plane {
        let Some(alpha) = alpha else {
            return self.average(signal, height, out_rows);
        };
        let mut product = signal.clone();
        for (p, &a) in product.values.iter_mut().zip(&alpha.values) {
            *p = ((u32::from(*p) * u32::from(a) + ALPHA_ONE / 2) / ALPHA_ONE) as u16;
        }
        let mut mean = self.average(&product, height, out_rows.clone());
        let weight = self.average(alpha, height, out_rows);
        for (m, &w) in mean.values.iter_mut().zip(&weight.values) {
            let w = u32::from(w);
            *m = (u32::from(*m) * ALPHA_ONE + w / 2)
                .checked_div(w)
                .map_or(0, |v| v.min(u32::from(u16::MAX)) as u16);
        }
        mean
    }

    /// One box pass along a row into `out`, edges replicated (through the
    /// padded copy `pad`).
    fn row_pass(&self, row: &[u16], pad: &mut Vec<u16>, out: &mut [u16]) {
        let r = self.radius as usize;
        let (first, last) = (row[0], row[row.len() - 1]);
        pad.clear();
        pad.extend(std::iter::repeat_n(first, r));
        pad.extend_from_slice(row);
        pad.extend(std::iter::repeat_n(last, r));
        let mut sum: u32 = pad[..=2 * r].iter().map(|&v| u32::from(v)).sum();
        out[0] = self.mean(sum);
        // Output x adds pad[x + 2r] and drops pad[x - 1].
        for ((o, &add), &drop) in out[1..].iter_mut().zip(&pad[2 * r + 1..]).zip(pad.iter()) {
            sum += u32::from(add);
            sum -= u32::from(drop);
            *o = self.mean(sum);
        }
    }

    /// One box pass down a strip of `sw` columns: `input` holds rows
    /// `held` (every row within the radius of `rows`, clamped), `out`
    /// receives rows `rows`; edges replicated.
    fn column_pass(
        &self,
        input: &[u16],
        held: Range<u32>,
        sw: usize,
        height: u32,
        rows: Range<u32>,
        out: &mut Vec<u16>,
    ) {
        let r = i64::from(self.radius);
        let last = i64::from(height) - 1;
        let at = |y: i64| {
            let i = (y.clamp(0, last) as u32 - held.start) as usize * sw;
            &input[i..i + sw]
        };
        let mut sums = [0u32; STRIP];
        let start = i64::from(rows.start);
        for j in -r..=r {
            for (s, &v) in sums.iter_mut().zip(at(start + j)) {
                *s += u32::from(v);
            }
        }
        out.clear();
        out.resize(rows.len() * sw, 0);
        for (y, o) in rows.zip(out.chunks_exact_mut(sw)) {
            let y = i64::from(y);
            if y > start {
                let (add, sub) = (at(y + r), at(y - r - 1));
                for ((s, &a), &b) in sums.iter_mut().zip(add).zip(sub) {
                    *s = *s + u32::from(a) - u32::from(b);
                }
            }
            for (o, &s) in o.iter_mut().zip(&sums) {
                *o = self.mean(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(width: usize, height: u32, f: impl Fn(usize, u32) -> u16) -> Plane {
        Plane::from_rows(width, 0..height, |y, out| {
            for (x, o) in out.iter_mut().enumerate() {
                *o = f(x, y);
            }
        })
    }

    /// Three box passes per axis by definition, in `f64`, rounded after
    /// each pass like the fast path.
    fn slow_average(p: &Plane, height: u32, r: i64) -> Vec<u16> {
        let w = p.width as i64;
        let h = i64::from(height);
        let mut v: Vec<f64> = p.values.iter().map(|&x| f64::from(x)).collect();
        let n = (2 * r + 1) as f64;
        for axis in 0..2 {
            for _ in 0..PASSES {
                let mut out = v.clone();
                for y in 0..h {
                    for x in 0..w {
                        let mut s = 0.0;
                        for j in -r..=r {
                            let (xx, yy) = if axis == 0 {
                                ((x + j).clamp(0, w - 1), y)
                            } else {
                                (x, (y + j).clamp(0, h - 1))
                            };
                            s += v[(yy * w + xx) as usize];
                        }
                        out[(y * w + x) as usize] = (s / n).round();
                    }
                }
                v = out;
            }
        }
        v.iter().map(|&x| x as u16).collect()
    }

    #[test]
    fn average_is_three_rounded_box_passes_per_axis() {
        for (w, h, r) in [(1, 1, 2), (7, 5, 1), (13, 9, 3), (4, 30, 6), (30, 2, 0)] {
            let p = plane(w, h, |x, y| {
                ((x * 7919 + y as usize * 104_729) % 65281) as u16
            });
            let m = LocalMean::new(r as f32);
            let fast = m.average(&p, h, 0..h);
            let slow = slow_average(&p, h, r);
            // The division by multiply rounds like `round` while the sum's
            // error, under `n 2^-17`, stays below the `1 / 2n` that
            // separates an odd `n`'s quotients from a half: `n < 256`.
            assert_eq!(fast.values, slow, "{w}x{h} r {r}");
        }
    }

    #[test]
    fn constants_stay_exactly_constant() {
        for r in [1.0, 7.0, 500.0] {
            let m = LocalMean::new(r);
            for c in [0u16, 1, 255 << 8, u16::MAX] {
                let p = plane(5, 40, |_, _| c);
                assert!(m.average(&p, 40, 0..40).values.iter().all(|&v| v == c));
            }
        }
    }

    #[test]
    fn any_band_gives_the_same_rows() {
        let (w, h) = (9usize, 37u32);
        let p = plane(w, h, |x, y| ((x * 31 + y as usize * 977) % 60000) as u16);
        let m = LocalMean::new(4.0);
        let whole = m.average(&p, h, 0..h);
        for (a, b) in [(0, 1), (3, 9), (20, 37), (36, 37), (10, 30)] {
            let need = m.rows_needed(h, a..b);
            let band = Plane::from_rows(w, need, |y, out| out.copy_from_slice(p.row(y)));
            let part = m.average(&band, h, a..b);
            for y in a..b {
                assert_eq!(part.row(y), whole.row(y), "band {a}..{b} row {y}");
            }
        }
    }

    #[test]
    fn weights_hide_transparent_values_and_match_the_plain_average_when_opaque() {
        let (w, h) = (12usize, 6u32);
        let m = LocalMean::new(2.0);
        let signal = plane(w, h, |x, _| if x < 6 { 60000 } else { 1000 });
        let alpha = plane(w, h, |x, _| if x < 6 { 0 } else { 255 << 8 });
        let out = m.weighted(&signal, Some(&alpha), h, 0..h);
        for y in 0..h {
            assert!(
                out.row(y)[6..].iter().all(|&v| v == 1000),
                "{:?}",
                out.row(y)
            );
        }
        let opaque = plane(w, h, |_, _| 255 << 8);
        assert_eq!(
            m.weighted(&signal, Some(&opaque), h, 0..h),
            m.average(&signal, h, 0..h)
        );
    }
}
