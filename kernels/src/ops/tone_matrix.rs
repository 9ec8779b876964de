//! Colour ops that mix channels: vibrance, sepia, channel mixer and
//! black & white.
//!
//! Each takes `src` and `dst` of equal length (whole RGBA pixels), works on
//! the sRGB values as they are and keeps alpha unchanged. All run in `f32`
//! (plain multiplies and adds, no transcendental functions, so the same
//! result on every platform) in a straight loop over pixel words, which
//! the compiler vectorises; the results are within one level of the exact
//! `f64` formulas in their doc comments (which round halves away from zero;
//! these round them to even, see `level`), clamped to `0..=255`.

use crate::registry::PointStage;
use crate::spec::{BlackWhiteParams, ChannelMixerParams, SepiaParams, VibranceParams};

/// The classic sepia matrix (rows: output R, G, B; columns: source R, G, B).
pub const SEPIA_MATRIX: [[f64; 3]; 3] = [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
];

/// Maps every pixel, as a little-endian RGBA word, through `f`.
///
/// A straight loop over whole words: with the channels taken out by shifts
/// and masks in the kernels below, the compiler vectorises it (four or more
/// pixels per instruction) without byte shuffles.
#[inline(always)]
fn map_words(src: &[u8], dst: &mut [u8], f: impl Fn(u32) -> u32) {
    let (src_px, _) = src.as_chunks::<4>();
    let (dst_px, _) = dst.as_chunks_mut::<4>();
    for (d, s) in dst_px.iter_mut().zip(src_px) {
        *d = f(u32::from_le_bytes(*s)).to_le_bytes();
    }
}

/// R, G, B of a pixel word as `f32` in `0..=255`.
#[inline(always)]
fn unpack(w: u32) -> [f32; 3] {
    // Through `i32`: signed conversion is one instruction on every target.
    [w & 0xFF, (w >> 8) & 0xFF, (w >> 16) & 0xFF].map(|c| c as i32 as f32)
}

/// `1.5 * 2^23`: adding it to an `f32` in `0..=255` leaves that value
/// rounded to an integer (ties to even) in the low mantissa bits.
const ROUNDER: f32 = 12_582_912.0;

/// A level clamped to `0..=255` and rounded to nearest (ties to even, the
/// IEEE default), by the add-a-magic-number trick: plain `f32` add and bit
/// mask, which vectorise on every target (a saturating `as` cast does not).
#[inline(always)]
fn level(v: f32) -> u32 {
    (v.clamp(0.0, 255.0) + ROUNDER).to_bits() & 0xFF
}

/// The word of levels `r, g, b` with the alpha of `w`.
#[inline(always)]
fn pack([r, g, b]: [f32; 3], w: u32) -> u32 {
    level(r) | (level(g) << 8) | (level(b) << 16) | (w & 0xFF00_0000)
}

/// A 3x3 colour matrix plus offset (rows: output R, G, B; columns: source
/// R, G, B), in `f32`. With weights in -2..=2 and offsets in -255..=255 the
/// `f32` sums are off by well under 0.001 levels.
fn apply_matrix(rows: [[f32; 3]; 3], offset: [f32; 3], src: &[u8], dst: &mut [u8]) {
    let [[m00, m01, m02], [m10, m11, m12], [m20, m21, m22]] = rows;
    let [o0, o1, o2] = offset;
    map_words(src, dst, |w| {
        let [r, g, b] = unpack(w);
        pack(
            [
                m00 * r + m01 * g + m02 * b + o0,
                m10 * r + m11 * g + m12 * b + o1,
                m20 * r + m21 * g + m22 * b + o2,
            ],
            w,
        )
    });
}

/// A colour matrix plus offset as a point stage, for fused runs.
fn matrix_stage(rows: [[f32; 3]; 3], offset: [f32; 3]) -> PointStage {
    let [[m00, m01, m02], [m10, m11, m12], [m20, m21, m22]] = rows;
    let [o0, o1, o2] = offset;
    PointStage::per_pixel(move |[r, g, b]| {
        [
            m00 * r + m01 * g + m02 * b + o0,
            m10 * r + m11 * g + m12 * b + o1,
            m20 * r + m21 * g + m22 * b + o2,
        ]
    })
}

/// The matrix of [`sepia`] in `f32`.
fn sepia_rows(p: &SepiaParams) -> [[f32; 3]; 3] {
    let a = f64::from(p.amount);
    let rows: [[f64; 3]; 3] = std::array::from_fn(|i| {
        std::array::from_fn(|j| {
            let identity = if i == j { 1.0 } else { 0.0 };
            (1.0 - a) * identity + a * SEPIA_MATRIX[i][j]
        })
    });
    rows.map(|row| row.map(|w| w as f32))
}

/// Sepia: the blend `M = (1 - amount) I + amount S` of the identity and
/// [`SEPIA_MATRIX`] `S`, applied as `[R', G', B'] = M [R, G, B]`, rounded
/// and clamped (so the blend happens before clamping). Alpha is kept.
pub fn sepia(p: &SepiaParams, src: &[u8], dst: &mut [u8]) {
    apply_matrix(sepia_rows(p), [0.0; 3], src, dst);
}

/// [`sepia`] as a point stage, for fused runs.
pub fn sepia_stage(p: &SepiaParams) -> PointStage {
    matrix_stage(sepia_rows(p), [0.0; 3])
}

/// [`channel_mixer`] as a point stage, for fused runs.
pub fn channel_mixer_stage(p: &ChannelMixerParams) -> PointStage {
    matrix_stage([p.red, p.green, p.blue], p.offset)
}

/// [`black_white`] as a point stage, for fused runs.
pub fn black_white_stage(p: &BlackWhiteParams) -> PointStage {
    let (wr, wg, wb) = (p.red, p.green, p.blue);
    PointStage::per_pixel(move |[r, g, b]| {
        let y = wr * r + wg * g + wb * b;
        [y, y, y]
    })
}

/// [`vibrance`] as a point stage, for fused runs (the same formula on
/// unrounded levels).
pub fn vibrance_stage(p: &VibranceParams) -> PointStage {
    let k0 = 1.0 + p.amount;
    let k1 = p.amount / 255.0;
    PointStage::per_pixel(move |[r, g, b]| {
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let k = k0 - k1 * (max3(r, g, b) - min3(r, g, b));
        [y + (r - y) * k, y + (g - y) * k, y + (b - y) * k]
    })
}

/// Channel mixer: `R' = red . [R, G, B] + offset[0]`,
/// `G' = green . [R, G, B] + offset[1]`, `B' = blue . [R, G, B] + offset[2]`
/// (offsets in levels), rounded and clamped. Alpha is kept.
pub fn channel_mixer(p: &ChannelMixerParams, src: &[u8], dst: &mut [u8]) {
    apply_matrix([p.red, p.green, p.blue], p.offset, src, dst);
}

/// Black & white: `y = round(red R + green G + blue B)`, clamped, written to
/// R, G and B. Alpha is kept.
pub fn black_white(p: &BlackWhiteParams, src: &[u8], dst: &mut [u8]) {
    let (wr, wg, wb) = (p.red, p.green, p.blue);
    map_words(src, dst, |w| {
        let [r, g, b] = unpack(w);
        let y = level(wr * r + wg * g + wb * b);
        y | (y << 8) | (y << 16) | (w & 0xFF00_0000)
    });
}

/// The largest of three values, none NaN. Written as selects rather than
/// `f32::max`, whose NaN handling costs extra instructions per lane.
#[inline(always)]
fn max3(a: f32, b: f32, c: f32) -> f32 {
    let m = if a > b { a } else { b };
    if m > c { m } else { c }
}

/// The smallest of three values, none NaN (see [`max3`]).
#[inline(always)]
fn min3(a: f32, b: f32, c: f32) -> f32 {
    let m = if a < b { a } else { b };
    if m < c { m } else { c }
}

/// Vibrance, per pixel with `Y = 0.2126 R + 0.7152 G + 0.0722 B` (unrounded)
/// and saturation `s = (max(R, G, B) - min(R, G, B)) / 255`:
///
/// `k = 1 + amount * (1 - s)`, `c' = round(Y + (c - Y) k)` for each of R, G
/// and B, clamped. Greys (`s = 0`) get the full change, fully saturated
/// colours (`s = 1`) none; `amount = -1` turns greyish pixels grey, `1`
/// doubles their distance from grey. Alpha is kept. Computed in `f32`.
pub fn vibrance(p: &VibranceParams, src: &[u8], dst: &mut [u8]) {
    if p.amount == 0.0 {
        dst.copy_from_slice(src);
        return;
    }
    // k = k0 - k1 * (max - min).
    let k0 = 1.0 + p.amount;
    let k1 = p.amount / 255.0;
    map_words(src, dst, |w| {
        let [r, g, b] = unpack(w);
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let k = k0 - k1 * (max3(r, g, b) - min3(r, g, b));
        pack([y + (r - y) * k, y + (g - y) * k, y + (b - y) * k], w)
    });
}
