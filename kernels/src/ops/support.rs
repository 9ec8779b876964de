//! Helpers shared by the neighbourhood ops: platform-independent `exp`,
//! `ln`, `pow`, the sRGB transfer function, `sin` and `cos` for building
//! tables (only `+ - * /`, which IEEE 754
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

/// `e^x` for any `x` (clamped to `-700..=700`), from basic arithmetic
/// only: [`det_exp_neg`] of `-|x|`, inverted for positive `x`.
pub fn det_exp(x: f64) -> f64 {
    if x > 0.0 {
        1.0 / det_exp_neg(-x.min(700.0))
    } else {
        det_exp_neg(x)
    }
}

/// `ln(x)` for `x > 0` (`-inf` for 0 and below, NaN for NaN), from basic
/// arithmetic only, so the result is the same on every platform. The
/// exponent is split off through the float's bits, the mantissa brought
/// into `sqrt(1/2)..sqrt(2)` and `ln(m) = 2 atanh((m - 1) / (m + 1))`
/// summed as a series. Relative error below 1e-14.
pub fn det_ln(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    // Subnormals: scale into the normal range first.
    let (x, extra) = if x < f64::MIN_POSITIVE {
        (x * 18_446_744_073_709_551_616.0, -64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7FF) as i32 - 1023 + extra;
    let mut m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let z = (m - 1.0) / (m + 1.0);
    let z2 = z * z;
    let mut term = z;
    let mut sum = 0.0;
    for n in 0..30 {
        sum += term / f64::from(2 * n + 1);
        term *= z2;
    }
    2.0 * sum + f64::from(e) * std::f64::consts::LN_2
}

/// `x^y` for `x >= 0` from [`det_exp`] and [`det_ln`] (0 for `x = 0`).
pub fn det_pow(x: f64, y: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    det_exp(y * det_ln(x))
}

/// The sRGB transfer function inverse (encoded `0..=1` to linear light),
/// from basic arithmetic only ([`det_pow`]).
pub fn det_srgb_to_linear(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        det_pow((c + 0.055) / 1.055, 2.4)
    }
}

/// The linear light of each 8-bit sRGB level ([`det_srgb_to_linear`]).
pub fn det_linear_levels() -> [f64; 256] {
    std::array::from_fn(|v| det_srgb_to_linear(v as f64 / 255.0))
}

/// The sRGB transfer function (linear light, clamped to `0..=1`, to
/// encoded `0..=1`), from basic arithmetic only ([`det_pow`]).
pub fn det_linear_to_srgb(l: f64) -> f64 {
    let l = if l.is_nan() { 0.0 } else { l.clamp(0.0, 1.0) };
    if l <= 0.003_130_8 {
        12.92 * l
    } else {
        1.055 * det_pow(l, 1.0 / 2.4) - 0.055
    }
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
    fn det_ln_pow_and_srgb_match_libm_closely() {
        for i in 1..4000 {
            let x = f64::from(i) * 0.0137;
            let (a, b) = (det_ln(x), x.ln());
            assert!(
                (a - b).abs() <= 1e-14 * b.abs().max(1.0),
                "ln {x}: {a} vs {b}"
            );
            let (a, b) = (det_exp(x.min(50.0)), x.min(50.0).exp());
            assert!((a - b).abs() <= 1e-12 * b, "exp {x}: {a} vs {b}");
        }
        assert_eq!(det_ln(1.0), 0.0);
        assert!(det_ln(0.0) == f64::NEG_INFINITY && det_ln(f64::NAN).is_nan());
        assert!((det_ln(1e-310) - 1e-310f64.ln()).abs() < 1e-12);
        let lin = det_linear_levels();
        for v in 0..=255u8 {
            let c = f64::from(v) / 255.0;
            let libm = if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            };
            assert!((lin[usize::from(v)] - libm).abs() < 1e-14, "{v}");
            let back = det_linear_to_srgb(lin[usize::from(v)]);
            assert!((back - c).abs() < 1e-12, "{v}: {back}");
        }
        assert_eq!(det_linear_to_srgb(-1.0), 0.0);
        assert!((det_linear_to_srgb(2.0) - 1.0).abs() < 1e-15);
        assert_eq!(det_linear_to_srgb(f64::NAN), 0.0);
    }

    #[test]
    fn div255_rounds() {
        for v in 0..=65535u32 {
            assert_eq!(div255(v), (v * 2 + 255) / 510, "{v}");
        }
    }
}
