//! Rotation by any angle (`rotate_angle`), bilinear on premultiplied values.
//!
//! # Geometry
//!
//! The angle is reduced to `0..360` degrees. Its sine and cosine come from
//! [`sin_cos_deg`]: exact (0, ±1) at multiples of 90°, otherwise a Taylor
//! series on a reduced argument using only `+ - * /`, so they are the same
//! on every platform (no libm).
//!
//! Output size ([`RotateGeometry::new`]): with `expand`, the rotated
//! bounding box, each side `ceil(|w cos| + |h sin| - 1e-6)` (resp.
//! `ceil(|w sin| + |h cos| - 1e-6)`), at least 1: the tolerance absorbs the
//! series' last-bit error so that a quarter turn gives exactly `h x w`;
//! without `expand` the input size.
//!
//! Output pixel `(X, Y)` has centre `(ox, oy) = (X + 0.5 - W/2, Y + 0.5 -
//! H/2)` relative to the output centre. Rotating clockwise by θ (y down),
//! the inverse map gives the source position in pixel-index coordinates
//! (pixel `i` centred on `i`):
//!
//! ```text
//! sx =  cos θ · ox + (sin θ · oy + (w/2 - 0.5))
//! sy = -sin θ · ox + (cos θ · oy + (h/2 - 0.5))
//! ```
//!
//! evaluated in `f64` in exactly that order ([`RotateGeometry::map`]) from
//! the absolute output coordinates, so every band computes the same values
//! (the bracketed terms depend only on the row and the first ones only on
//! the column, so both are computed once per row and once per band).
//!
//! # Sampling
//!
//! * If `(sx, sy)` is exactly a source pixel centre, that pixel is copied
//!   unchanged (so angle 0 is the identity and 90/180/270 match the
//!   quarter-turn `rotate` bit for bit).
//! * Otherwise the four surrounding pixels are blended bilinearly, as
//!   premultiplied `f32` RGBA, always adding the taps in the same order;
//!   pixels outside the source count as transparent black (which
//!   antialiases the rotated edges and leaves the uncovered corners
//!   transparent, without colour). The result is un-premultiplied and
//!   rounded (`floor(v + 0.5)` in `f32`); alpha rounding to 0 gives `[0, 0,
//!   0, 0]`. Interior pixels (all four taps inside the source) are
//!   gathered a chunk at a time and blended in SIMD lanes with the same
//!   arithmetic, so the result does not depend on which path runs.
//!
//! # Bands
//!
//! Each coordinate is a monotone function of `X` and of `Y` (every rounded
//! operation is monotone), so over output rows `a..b` the extremes of `sy`
//! are at the four corner pixels. [`RotateGeometry::source_rows`] takes
//! `floor(min sy) .. floor(max sy) + 2` (the `+ 2`: the row below, for the
//! bilinear taps), clamped to the source.

use std::ops::Range;

use super::simd::{CpuLevel, floor_level, min_sel, with_avx2};
use crate::error::Result;
use crate::image::{CHANNELS, SourceBand, checked_byte_len};
use crate::spec::RotateAngleParams;

/// Sine and cosine of `deg` degrees, deterministic on every platform.
///
/// Multiples of 90° are exact. Otherwise the angle is reduced to
/// `-45..=45` degrees plus a quarter-turn count and evaluated with Taylor
/// series (error below 1e-16).
pub fn sin_cos_deg(deg: f64) -> (f64, f64) {
    let mut d = deg % 360.0;
    if d < 0.0 {
        d += 360.0;
    }
    // Quarter turns `q` and the remainder `r` in -45..=45.
    let q = ((d + 45.0) / 90.0).floor();
    let r = d - q * 90.0;
    let q = (q as i64).rem_euclid(4);
    let (s, c) = if r == 0.0 {
        (0.0, 1.0)
    } else {
        let x = r * (std::f64::consts::PI / 180.0);
        let x2 = x * x;
        // sin: x - x^3/3! + ...; cos: 1 - x^2/2! + ...; |x| <= π/4.
        let (mut st, mut ct) = (x, 1.0);
        let (mut s, mut c) = (x, 1.0);
        for k in 1..12 {
            let k = f64::from(k);
            st *= -x2 / ((2.0 * k) * (2.0 * k + 1.0));
            ct *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
            s += st;
            c += ct;
        }
        (s, c)
    };
    match q {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// Everything about one rotation that does not depend on the pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RotateGeometry {
    /// Sine of the clockwise angle.
    pub sin: f64,
    /// Cosine of the angle.
    pub cos: f64,
    /// Source width and height.
    pub src: (u32, u32),
    /// Output width and height.
    pub out: (u32, u32),
}

fn side(v: f64) -> u32 {
    let s = (v - 1e-6).ceil();
    if s < 1.0 {
        1
    } else {
        s.min(f64::from(u32::MAX)) as u32
    }
}

impl RotateGeometry {
    /// The geometry of rotating a `w` x `h` source; fails if the output
    /// would be larger than Lumen's size limits.
    pub fn new(p: &RotateAngleParams, w: u32, h: u32) -> Result<Self> {
        let (sin, cos) = sin_cos_deg(f64::from(p.angle_deg));
        let out = if p.expand {
            let (fw, fh) = (f64::from(w), f64::from(h));
            let ow = side((fw * cos).abs() + (fh * sin).abs());
            let oh = side((fw * sin).abs() + (fh * cos).abs());
            (ow, oh)
        } else {
            (w, h)
        };
        checked_byte_len(out.0, out.1)?;
        Ok(Self {
            sin,
            cos,
            src: (w, h),
            out,
        })
    }

    /// The column terms `(cos θ · ox, -sin θ · ox)` of output column `x`.
    pub fn column_terms(&self, x: u32) -> (f64, f64) {
        let ox = f64::from(x) + 0.5 - f64::from(self.out.0) / 2.0;
        (self.cos * ox, -self.sin * ox)
    }

    /// The row terms `(sin θ · oy + (w/2 - 0.5), cos θ · oy + (h/2 - 0.5))`
    /// of output row `y`.
    pub fn row_terms(&self, y: u32) -> (f64, f64) {
        let oy = f64::from(y) + 0.5 - f64::from(self.out.1) / 2.0;
        let cx = f64::from(self.src.0) / 2.0 - 0.5;
        let cy = f64::from(self.src.1) / 2.0 - 0.5;
        (self.sin * oy + cx, self.cos * oy + cy)
    }

    /// The source position `(sx, sy)` (pixel centres at integers) that
    /// output pixel `(x, y)` samples.
    pub fn map(&self, x: u32, y: u32) -> (f64, f64) {
        let (cx, cy) = self.column_terms(x);
        let (rx, ry) = self.row_terms(y);
        (cx + rx, cy + ry)
    }

    /// Source rows that output rows `out_rows` read.
    pub fn source_rows(&self, out_rows: Range<u32>) -> Range<u32> {
        if out_rows.is_empty() {
            return 0..0;
        }
        let last_x = self.out.0.saturating_sub(1);
        let last_y = out_rows.end - 1;
        let ys = [
            self.map(0, out_rows.start).1,
            self.map(last_x, out_rows.start).1,
            self.map(0, last_y).1,
            self.map(last_x, last_y).1,
        ];
        let lo = ys.iter().copied().fold(f64::INFINITY, f64::min).floor();
        let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max).floor() + 2.0;
        let h = f64::from(self.src.1);
        let s = lo.clamp(0.0, h) as u32;
        let e = hi.clamp(0.0, h) as u32;
        s..e.max(s)
    }
}

/// Source row `y` of the band, `None` outside the source or the band.
fn band_row<'a>(src: &SourceBand<'a>, y: i64) -> Option<&'a [u8]> {
    let rows = src.rows();
    if y < i64::from(rows.start) || y >= i64::from(rows.end) {
        return None;
    }
    let stride = src.stride();
    let start = (y - i64::from(rows.start)) as usize * stride;
    src.pixels.get(start..start + stride)
}

/// Pixel `x` of `row`, `None` outside it.
fn row_px(row: Option<&[u8]>, x: i64) -> Option<&[u8]> {
    let i = usize::try_from(x).ok()?.checked_mul(CHANNELS)?;
    row?.get(i..i + CHANNELS)
}

/// `floor(v)` as an integer, for `|v| < 2^62`.
fn floor_i64(v: f64) -> i64 {
    let t = v as i64;
    if (t as f64) > v { t - 1 } else { t }
}

/// Rounds a non-negative value to a level: `floor(v + 0.5)`, at most 255
/// (negative and NaN give 0).
fn level(v: f32) -> u8 {
    (v + 0.5).min(255.0) as u8
}

/// Premultiplied blend of four taps `[p00, p10, p01, p11]` (`None` =
/// transparent) with weights `k`, then un-premultiplied.
fn blend(taps: [Option<&[u8]>; 4], k: [f32; 4], d: &mut [u8]) {
    let mut acc = [0.0f32; 4];
    for (p, k) in taps.into_iter().zip(k) {
        if let Some(p) = p {
            let ka = k * f32::from(p[3]);
            acc[0] += ka * f32::from(p[0]);
            acc[1] += ka * f32::from(p[1]);
            acc[2] += ka * f32::from(p[2]);
            acc[3] += ka;
        }
    }
    let alpha = level(acc[3]);
    if alpha == 0 {
        d.fill(0);
        return;
    }
    let inv = 1.0 / acc[3];
    d[0] = level(acc[0] * inv);
    d[1] = level(acc[1] * inv);
    d[2] = level(acc[2] * inv);
    d[3] = alpha;
}

/// Output pixels gathered per vectorised blend.
const CHUNK: usize = 64;

/// The interior pixels of a chunk, gathered for [`blend_lanes`]: for each
/// lane its output column, its four taps as little-endian RGBA words (top
/// left, top right, bottom left, bottom right) and its fractional offsets.
struct Lanes {
    n: usize,
    x: [usize; CHUNK],
    taps: [[u32; CHUNK]; 4],
    fx: [f32; CHUNK],
    fy: [f32; CHUNK],
}

impl Lanes {
    fn new() -> Self {
        Self {
            n: 0,
            x: [0; CHUNK],
            taps: [[0; CHUNK]; 4],
            fx: [0.0; CHUNK],
            fy: [0.0; CHUNK],
        }
    }

    /// Adds the pixel at output column `x` with taps `top` and `bottom`
    /// (two adjacent pixels each) and offsets `fx`, `fy`.
    #[inline(always)]
    fn push(&mut self, x: usize, top: &[u8; 8], bottom: &[u8; 8], fx: f32, fy: f32) {
        let i = self.n;
        let word =
            |p: &[u8; 8], at: usize| u32::from_le_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]);
        self.x[i] = x;
        self.taps[0][i] = word(top, 0);
        self.taps[1][i] = word(top, 4);
        self.taps[2][i] = word(bottom, 0);
        self.taps[3][i] = word(bottom, 4);
        self.fx[i] = fx;
        self.fy[i] = fy;
        self.n += 1;
    }
}

/// [`blend`] on every lane of `lanes` at once (the same operations in the
/// same order, so the same bits), as little-endian RGBA words.
#[inline(always)]
fn blend_lanes(lanes: &Lanes, out: &mut [u32; CHUNK]) {
    for i in 0..CHUNK {
        let (fx, fy) = (lanes.fx[i], lanes.fy[i]);
        let k = [
            (1.0 - fx) * (1.0 - fy),
            fx * (1.0 - fy),
            (1.0 - fx) * fy,
            fx * fy,
        ];
        let mut acc = [0.0f32; 4];
        for (taps, k) in lanes.taps.iter().zip(k) {
            let w = taps[i];
            let c = |shift: u32| ((w >> shift) & 0xFF) as i32 as f32;
            let ka = k * c(24);
            acc[0] += ka * c(0);
            acc[1] += ka * c(8);
            acc[2] += ka * c(16);
            acc[3] += ka;
        }
        // `level` of each: floor(min(v + 0.5, 255)), v >= 0.
        let level = |v: f32| floor_level(min_sel(v + 0.5, 255.0));
        let alpha = level(acc[3]);
        let inv = 1.0 / acc[3];
        let word = level(acc[0] * inv)
            | (level(acc[1] * inv) << 8)
            | (level(acc[2] * inv) << 16)
            | (alpha << 24);
        out[i] = if alpha == 0 { 0 } else { word };
    }
}

/// Rotation by any angle, output rows `out_rows` (see the module docs).
pub fn rotate_angle_rows(
    g: &RotateGeometry,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    rotate_angle_rows_with_level(CpuLevel::detected(), g, src, out_rows, dst);
}

/// [`rotate_angle_rows`] at a given [`CpuLevel`] (same result at every
/// level). Interior pixels (four taps inside the band) are gathered a
/// chunk at a time and blended together in SIMD lanes; the others take
/// the general path.
pub fn rotate_angle_rows_with_level(
    level: CpuLevel,
    g: &RotateGeometry,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let out_stride = g.out.0 as usize * CHANNELS;
    if out_stride == 0 {
        return;
    }
    let columns: Vec<(f64, f64)> = (0..g.out.0).map(|x| g.column_terms(x)).collect();
    let mut lanes = Lanes::new();
    let mut words = [0u32; CHUNK];
    for (drow, y) in dst.chunks_exact_mut(out_stride).zip(out_rows) {
        let (rx, ry) = g.row_terms(y);
        for (c, chunk) in columns.chunks(CHUNK).enumerate() {
            lanes.n = 0;
            for (j, &(cx, cy)) in chunk.iter().enumerate() {
                let x = c * CHUNK + j;
                let d = &mut drow[x * CHANNELS..(x + 1) * CHANNELS];
                gather_or_render(src, cx + rx, cy + ry, x, d, &mut lanes);
            }
            if lanes.n == 0 {
                continue;
            }
            with_avx2(level, || blend_lanes(&lanes, &mut words));
            for (&x, w) in lanes.x[..lanes.n].iter().zip(&words) {
                drow[x * CHANNELS..(x + 1) * CHANNELS].copy_from_slice(&w.to_le_bytes());
            }
        }
    }
}

/// Output column `x` sampling source position `(sx, sy)`: an interior
/// bilinear pixel is added to `lanes`; any other is rendered into `d`.
#[inline(always)]
fn gather_or_render(
    src: &SourceBand<'_>,
    sx: f64,
    sy: f64,
    x: usize,
    d: &mut [u8],
    lanes: &mut Lanes,
) {
    if !(sx.abs() < 1e9 && sy.abs() < 1e9) {
        d.fill(0);
        return;
    }
    let (w, h) = (i64::from(src.width), i64::from(src.height));
    let y_first = i64::from(src.y0);
    let (x0, y0) = (floor_i64(sx), floor_i64(sy));
    let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
    if fx == 0.0 && fy == 0.0 {
        match row_px(band_row(src, y0), x0) {
            Some(p) => d.copy_from_slice(p),
            None => d.fill(0),
        }
        return;
    }
    let (fx, fy) = (fx as f32, fy as f32);
    if x0 >= 0 && x0 + 1 < w && y0 >= y_first.max(0) && y0 + 1 < h {
        // Interior: both rows, two adjacent pixels each.
        let stride = src.stride();
        let i = (y0 - y_first) as usize * stride + x0 as usize * CHANNELS;
        let top = src.pixels.get(i..i + 2 * CHANNELS);
        let bottom = src.pixels.get(i + stride..i + stride + 2 * CHANNELS);
        if let (Some(Ok(t)), Some(Ok(b))) = (
            top.map(<&[u8; 8]>::try_from),
            bottom.map(<&[u8; 8]>::try_from),
        ) {
            lanes.push(x, t, b, fx, fy);
            return;
        }
    }
    let k = [
        (1.0 - fx) * (1.0 - fy),
        fx * (1.0 - fy),
        (1.0 - fx) * fy,
        fx * fy,
    ];
    let (r0, r1) = (band_row(src, y0), band_row(src, y0 + 1));
    let taps = [
        row_px(r0, x0),
        row_px(r0, x0 + 1),
        row_px(r1, x0),
        row_px(r1, x0 + 1),
    ];
    blend(taps, k, d);
}
