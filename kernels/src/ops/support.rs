//! Helpers shared by the neighbourhood ops: platform-independent `exp`,
//! `sin` and `cos` for building tables (only `+ - * /`, which IEEE 754
//! rounds identically everywhere, unlike libm), premultiplication, and
//! edge-replicated padded copies of source rows.

use crate::image::{CHANNELS, SourceBand};

/// `e^x` for `x <= 0` (larger `x` is clamped to 0), from basic arithmetic
/// only, so the result is the same on every platform. Relative error below
/// 1e-12 for `x >= -100`, plenty for weight
/// tables quantized to 1/256.
pub fn det_exp_neg(x: f64) -> f64 {
    if x.is_nan() || x < -700.0 {
        return 0.0;
    }
    let x = x.min(0.0);
    // e^x = (e^(x / 2^k))^(2^k) with |x / 2^k| <= 1/2.
    let mut k = 0;
    let mut y = x;
    while y < -0.5 {
        y *= 0.5;
        k += 1;
    }
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..24 {
        term *= y / f64::from(n);
        sum += term;
    }
    for _ in 0..k {
        sum *= sum;
    }
    sum
}

/// `(sin, cos)` of an angle in degrees, from basic arithmetic only (same
/// result on every platform). Exact at multiples of 90 degrees.
pub fn det_sin_cos_deg(deg: f64) -> (f64, f64) {
    if !deg.is_finite() {
        return (0.0, 1.0);
    }
    // Reduce to quadrant q and an angle in -45..=45 degrees.
    let mut d = deg % 360.0;
    if d < 0.0 {
        d += 360.0;
    }
    let q = (d / 90.0).round();
    let r = (d - q * 90.0) * (std::f64::consts::PI / 180.0);
    let r2 = r * r;
    let (mut s, mut c) = (0.0, 0.0);
    let (mut ts, mut tc) = (r, 1.0);
    for n in 0..12 {
        s += ts;
        c += tc;
        let k = f64::from(2 * n + 2);
        ts *= -r2 / (k * (k + 1.0));
        tc *= -r2 / ((k - 1.0) * k);
    }
    match (q as i64) % 4 {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// `round(v / 255)` for `v` in `0..=65535`.
#[inline(always)]
pub fn div255(v: u32) -> u32 {
    let t = v + 128;
    (t + (t >> 8)) >> 8
}

/// Premultiplied 8-bit value of a colour channel: `round(c * a / 255)`.
#[inline(always)]
pub fn pm8(c: u8, a: u8) -> u8 {
    div255(u32::from(c) * u32::from(a)) as u8
}

/// Copies of source rows `y_lo..y_hi` (clamped into the image, so rows
/// outside it replicate the edge), each padded by `pad` replicated pixels on
/// both sides and mapped through `f`. Row `i` of the result is virtual row
/// `y_lo + i`; each row holds `width + 2 * pad` values.
pub fn padded_rows<T: Copy + Default>(
    src: &SourceBand<'_>,
    y_lo: i64,
    y_hi: i64,
    pad: usize,
    f: impl Fn(&[u8]) -> T,
) -> Vec<T> {
    let w = src.width as usize;
    let pw = w + 2 * pad;
    let n = (y_hi - y_lo).max(0) as usize;
    let mut out = vec![T::default(); n * pw];
    for (i, row) in out.chunks_exact_mut(pw.max(1)).enumerate() {
        let s = src.row_clamped(y_lo + i as i64);
        for (o, px) in row[pad..pad + w].iter_mut().zip(s.chunks_exact(CHANNELS)) {
            *o = f(px);
        }
        let (first, last) = (row[pad], row[pad + w - 1]);
        row[..pad].fill(first);
        row[pad + w..].fill(last);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn det_math_matches_libm_closely() {
        for i in 0..2000 {
            let x = -f64::from(i) * 0.05;
            let (a, b) = (det_exp_neg(x), x.exp());
            assert!((a - b).abs() <= 1e-12 * b.max(1e-300), "{x}: {a} vs {b}");
        }
        for i in -3600..=3600 {
            let d = f64::from(i) * 0.1;
            let (s, c) = det_sin_cos_deg(d);
            let r = d.to_radians();
            assert!((s - r.sin()).abs() < 1e-14, "sin {d}");
            assert!((c - r.cos()).abs() < 1e-14, "cos {d}");
        }
        assert_eq!(det_sin_cos_deg(90.0), (1.0, 0.0));
        assert_eq!(det_sin_cos_deg(-180.0), (-0.0, -1.0));
    }

    #[test]
    fn div255_rounds() {
        for v in 0..=65535u32 {
            assert_eq!(div255(v), (v * 2 + 255) / 510, "{v}");
        }
    }
}
