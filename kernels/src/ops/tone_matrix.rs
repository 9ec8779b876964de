//! Colour ops that mix channels: vibrance, sepia, channel mixer and
//! black & white.
//!
//! Each takes `src` and `dst` of equal length (whole RGBA pixels), works on
//! the sRGB values as they are and keeps alpha unchanged. All run in
//! integer fixed point with a loop over whole pixels; the results are
//! within one level of the exact `f64` formulas in their doc comments
//! (rounded half away from zero, clamped to `0..=255`).

use super::color::{LUMA_B_Q16, LUMA_G_Q16, LUMA_R_Q16};
use crate::spec::{BlackWhiteParams, ChannelMixerParams, SepiaParams, VibranceParams};

/// The classic sepia matrix (rows: output R, G, B; columns: source R, G, B).
pub const SEPIA_MATRIX: [[f64; 3]; 3] = [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
];

/// `1.0` in the 16-bit fixed point of [`Matrix`].
const ONE_Q16: f64 = 65_536.0;

/// A 3x3 colour matrix plus offset in 16-bit fixed point:
/// `out_i = clamp((m_i0 R + m_i1 G + m_i2 B + bias_i) >> 16, 0, 255)`, where
/// `bias_i` includes the offset and the `2^15` that makes the flooring shift
/// round to nearest.
///
/// With weights in -2..=2 and offsets in -255..=255 (validated), every sum
/// stays below `2^28` in magnitude, far inside `i32`. Each weight is off by
/// at most `2^-17`, so a result is off by at most `3 * 255 * 2^-17 < 0.006`
/// levels before rounding.
#[derive(Clone, Copy, Debug)]
struct Matrix {
    m: [[i32; 3]; 3],
    bias: [i32; 3],
}

impl Matrix {
    fn new(rows: [[f64; 3]; 3], offset: [f64; 3]) -> Self {
        let q = |w: f64| (w * ONE_Q16).round() as i32;
        Self {
            m: rows.map(|row| row.map(q)),
            bias: offset.map(|o| q(o) + (1 << 15)),
        }
    }

    fn apply(&self, src: &[u8], dst: &mut [u8]) {
        let [[m00, m01, m02], [m10, m11, m12], [m20, m21, m22]] = self.m;
        let [b0, b1, b2] = self.bias;
        let (src_px, _) = src.as_chunks::<4>();
        let (dst_px, _) = dst.as_chunks_mut::<4>();
        for (d, s) in dst_px.iter_mut().zip(src_px) {
            let r = i32::from(s[0]);
            let g = i32::from(s[1]);
            let b = i32::from(s[2]);
            let level = |v: i32| (v >> 16).clamp(0, 255) as u8;
            *d = [
                level(m00 * r + m01 * g + m02 * b + b0),
                level(m10 * r + m11 * g + m12 * b + b1),
                level(m20 * r + m21 * g + m22 * b + b2),
                s[3],
            ];
        }
    }
}

/// Sepia: the blend `M = (1 - amount) I + amount S` of the identity and
/// [`SEPIA_MATRIX`] `S`, applied as `[R', G', B'] = M [R, G, B]`, rounded
/// and clamped (so the blend happens before clamping). Alpha is kept.
pub fn sepia(p: &SepiaParams, src: &[u8], dst: &mut [u8]) {
    let a = f64::from(p.amount);
    let rows: [[f64; 3]; 3] = std::array::from_fn(|i| {
        std::array::from_fn(|j| {
            let identity = if i == j { 1.0 } else { 0.0 };
            (1.0 - a) * identity + a * SEPIA_MATRIX[i][j]
        })
    });
    Matrix::new(rows, [0.0; 3]).apply(src, dst);
}

/// Channel mixer: `R' = red . [R, G, B] + offset[0]`,
/// `G' = green . [R, G, B] + offset[1]`, `B' = blue . [R, G, B] + offset[2]`
/// (offsets in levels), rounded and clamped. Alpha is kept.
pub fn channel_mixer(p: &ChannelMixerParams, src: &[u8], dst: &mut [u8]) {
    let row = |w: [f32; 3]| w.map(f64::from);
    Matrix::new(
        [row(p.red), row(p.green), row(p.blue)],
        p.offset.map(f64::from),
    )
    .apply(src, dst);
}

/// Black & white: `y = round(red R + green G + blue B)`, clamped, written to
/// R, G and B. Alpha is kept.
pub fn black_white(p: &BlackWhiteParams, src: &[u8], dst: &mut [u8]) {
    let q = |w: f32| (f64::from(w) * ONE_Q16).round() as i32;
    let (wr, wg, wb) = (q(p.red), q(p.green), q(p.blue));
    let (src_px, _) = src.as_chunks::<4>();
    let (dst_px, _) = dst.as_chunks_mut::<4>();
    for (d, s) in dst_px.iter_mut().zip(src_px) {
        let sum = wr * i32::from(s[0]) + wg * i32::from(s[1]) + wb * i32::from(s[2]) + (1 << 15);
        let y = (sum >> 16).clamp(0, 255) as u8;
        *d = [y, y, y, s[3]];
    }
}

/// Vibrance, per pixel with `Y = 0.2126 R + 0.7152 G + 0.0722 B` (unrounded)
/// and saturation `s = (max(R, G, B) - min(R, G, B)) / 255`:
///
/// `k = 1 + amount * (1 - s)`, `c' = round(Y + (c - Y) k)` for each of R, G
/// and B, clamped. Greys (`s = 0`) get the full change, fully saturated
/// colours (`s = 1`) none; `amount = -1` turns greyish pixels grey, `1`
/// doubles their distance from grey. Alpha is kept.
///
/// Fixed point: `Y` in 8 fractional bits (from the 16-bit Rec. 709 weights
/// of [`super::color`]), `k` in 12; within one level of the formula.
pub fn vibrance(p: &VibranceParams, src: &[u8], dst: &mut [u8]) {
    if p.amount == 0.0 {
        dst.copy_from_slice(src);
        return;
    }
    let amount = f64::from(p.amount);
    // k in Q12 = (K0 - K1 * d) >> 8 with d = max - min, i.e. K0, K1 in Q20.
    let k0 = ((1.0 + amount) * f64::from(1 << 20)).round() as i32;
    let k1 = (amount * f64::from(1 << 20) / 255.0).round() as i32;
    const WR: i32 = LUMA_R_Q16 as i32;
    const WG: i32 = LUMA_G_Q16 as i32;
    const WB: i32 = LUMA_B_Q16 as i32;
    let (src_px, _) = src.as_chunks::<4>();
    let (dst_px, _) = dst.as_chunks_mut::<4>();
    for (d, s) in dst_px.iter_mut().zip(src_px) {
        let r = i32::from(s[0]);
        let g = i32::from(s[1]);
        let b = i32::from(s[2]);
        // Luma in Q8: at most 255 * 2^8.
        let y8 = (r * WR + g * WG + b * WB + (1 << 7)) >> 8;
        let spread = r.max(g).max(b) - r.min(g).min(b);
        // In 0..=8192 (k in 0..=2).
        let k = (k0 - k1 * spread + (1 << 7)) >> 8;
        // Q20: |y8 << 12| < 2^28 and |(c << 8) - y8| * k < 2^29.
        let base = (y8 << 12) + (1 << 19);
        let level = |c: i32| ((base + ((c << 8) - y8) * k) >> 20).clamp(0, 255) as u8;
        *d = [level(r), level(g), level(b), s[3]];
    }
}
