//! Monotone cubic tone curves (Fritsch–Carlson), shared by the `curves`
//! filter and the editor's curve widget so both draw the same curve.
//!
//! A curve passes through its control points `(x, y)`; between two points it
//! is a cubic Hermite segment whose tangents are chosen by the
//! Fritsch–Carlson method, so the curve never overshoots: it is monotone
//! wherever the points are, and stays within the range of the points' `y`.
//! Before the first point and after the last it is flat.

use super::adjust::to_level;

/// A monotone cubic through control points, ready to evaluate.
///
/// Built from any list of points without panicking: points whose `x` does
/// not increase past the previous kept point, and non-finite points, are
/// skipped; no points at all give the identity, one point a constant.
/// Validated curves (see [`crate::spec::check_curve`]) lose nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct MonotoneCurve {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Tangent (slope) at each point.
    ms: Vec<f64>,
}

impl MonotoneCurve {
    /// The curve through `points` (`[x, y]`, normally in `0..=1` with `x`
    /// strictly increasing).
    pub fn new(points: &[[f32; 2]]) -> Self {
        let mut xs: Vec<f64> = Vec::with_capacity(points.len());
        let mut ys: Vec<f64> = Vec::with_capacity(points.len());
        for &[x, y] in points {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let (x, y) = (f64::from(x), f64::from(y));
            if xs.last().is_none_or(|&last| x > last) {
                xs.push(x);
                ys.push(y);
            }
        }
        if xs.is_empty() {
            xs = vec![0.0, 1.0];
            ys = vec![0.0, 1.0];
        }
        let ms = fritsch_carlson_tangents(&xs, &ys);
        Self { xs, ys, ms }
    }

    /// The curve at `x`: flat outside the first and last point's `x`.
    pub fn eval(&self, x: f64) -> f64 {
        let n = self.xs.len();
        let (Some(&x_first), Some(&x_last)) = (self.xs.first(), self.xs.last()) else {
            return x;
        };
        if n == 1 || x.is_nan() || x <= x_first {
            return self.ys.first().copied().unwrap_or(x);
        }
        if x >= x_last {
            return self.ys.last().copied().unwrap_or(x);
        }
        // The segment k with xs[k] <= x < xs[k + 1] (at most 31 to scan).
        let k = self.xs.iter().rposition(|&xk| xk <= x).unwrap_or(0);
        let k = k.min(n - 2);
        let (x0, x1) = (self.xs[k], self.xs[k + 1]);
        let (y0, y1) = (self.ys[k], self.ys[k + 1]);
        let (m0, m1) = (self.ms[k], self.ms[k + 1]);
        let h = x1 - x0;
        let t = (x - x0) / h;
        let t2 = t * t;
        let t3 = t2 * t;
        let h00 = 2.0 * t3 - 3.0 * t2 + 1.0;
        let h10 = t3 - 2.0 * t2 + t;
        let h01 = -2.0 * t3 + 3.0 * t2;
        let h11 = t3 - t2;
        h00 * y0 + h10 * h * m0 + h01 * y1 + h11 * h * m1
    }

    /// The curve as a level table: `lut[v] = round(255 * f(v / 255))`,
    /// clamped to `0..=255`.
    pub fn lut(&self) -> [u8; 256] {
        std::array::from_fn(|v| to_level(255.0 * self.eval(v as f64 / 255.0)))
    }
}

/// Fritsch–Carlson tangents for points with strictly increasing `xs`
/// (at least one point).
///
/// 1. Secants `d_k = (y_{k+1} - y_k) / (x_{k+1} - x_k)`.
/// 2. End tangents are the end secants; an interior tangent is the mean of
///    its two secants, or 0 where they differ in sign or either is 0.
/// 3. Per segment, in order: if `d_k = 0` both its tangents become 0;
///    otherwise with `a = m_k / d_k`, `b = m_{k+1} / d_k`, where
///    `a^2 + b^2 > 9` both are scaled by `3 / sqrt(a^2 + b^2)`.
pub fn fritsch_carlson_tangents(xs: &[f64], ys: &[f64]) -> Vec<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return vec![0.0; n];
    }
    let d: Vec<f64> = (0..n - 1)
        .map(|k| (ys[k + 1] - ys[k]) / (xs[k + 1] - xs[k]))
        .collect();
    let mut m = vec![0.0; n];
    m[0] = d[0];
    m[n - 1] = d[n - 2];
    for k in 1..n - 1 {
        m[k] = if d[k - 1] * d[k] > 0.0 {
            0.5 * (d[k - 1] + d[k])
        } else {
            0.0
        };
    }
    for k in 0..n - 1 {
        if d[k] == 0.0 {
            m[k] = 0.0;
            m[k + 1] = 0.0;
            continue;
        }
        let a = m[k] / d[k];
        let b = m[k + 1] / d[k];
        let s = a * a + b * b;
        if s > 9.0 {
            let tau = 3.0 / s.sqrt();
            m[k] = tau * a * d[k];
            m[k + 1] = tau * b * d[k];
        }
    }
    m
}

/// The curve through `points` at `x` (both in `0..=1`), for drawing: the
/// same curve the `curves` filter applies. Builds the curve each call; use
/// [`MonotoneCurve`] to evaluate many points.
pub fn curve_eval(points: &[[f32; 2]], x: f32) -> f32 {
    MonotoneCurve::new(points).eval(f64::from(x)) as f32
}

/// The curve through `points` as a 256-entry level table,
/// `lut[v] = round(255 * curve(v / 255))` clamped to `0..=255`.
pub fn curve_lut(points: &[[f32; 2]]) -> [u8; 256] {
    MonotoneCurve::new(points).lut()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_and_linear() {
        let id = curve_lut(&[[0.0, 0.0], [1.0, 1.0]]);
        assert!(id.iter().enumerate().all(|(v, &o)| usize::from(o) == v));
        // Collinear points: the cubic reduces to the line.
        let c = MonotoneCurve::new(&[[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]);
        for i in 0..=100 {
            let x = f64::from(i) / 100.0;
            assert!((c.eval(x) - x).abs() < 1e-12);
        }
    }

    #[test]
    fn passes_through_points_flat_outside() {
        let pts = [[0.2, 0.1], [0.4, 0.9], [0.6, 0.85], [0.9, 0.3]];
        let c = MonotoneCurve::new(&pts);
        for [x, y] in pts {
            assert!((c.eval(f64::from(x)) - f64::from(y)).abs() < 1e-6);
        }
        assert!((c.eval(0.0) - 0.1f32 as f64).abs() < 1e-9);
        assert!((c.eval(1.0) - 0.3f32 as f64).abs() < 1e-9);
    }

    #[test]
    fn monotone_without_overshoot() {
        // A steep step that a natural spline would overshoot.
        let pts = [[0.0, 0.0], [0.45, 0.05], [0.55, 0.95], [1.0, 1.0]];
        let c = MonotoneCurve::new(&pts);
        let mut prev = -1.0;
        for i in 0..=1000 {
            let y = c.eval(f64::from(i) / 1000.0);
            assert!(y >= prev - 1e-12, "not monotone at {i}");
            assert!((-1e-12..=1.0 + 1e-12).contains(&y));
            prev = y;
        }
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert_eq!(curve_eval(&[], 0.3), 0.3);
        assert_eq!(curve_eval(&[[0.5, 0.7]], 0.1), 0.7);
        let bad = [
            [0.5, 0.5],
            [0.5, 0.9],
            [f32::NAN, 0.0],
            [0.2, 0.1],
            [0.8, 1.0],
        ];
        let v = curve_eval(&bad, 0.65);
        assert!((0.5..=1.0).contains(&v));
        let _ = curve_lut(&bad);
    }
}
