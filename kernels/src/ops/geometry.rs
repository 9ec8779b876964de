//! Lossless geometry: quarter-turn rotation, flips, crop.
//!
//! Pixels are copied whole (4 bytes), never blended. Output row `y` of
//! each op reads:
//!
//! * rotate 0: source row `y`; rotate 2 (180°): source row `h - 1 - y`,
//!   reversed; rotate 1 and 3 (odd turns): one pixel of every source row,
//!   so a band of output rows needs the whole source. Clockwise: a quarter
//!   turn maps source `(x, y)` to output `(h - 1 - y, x)`, three quarter
//!   turns map it to `(y, w - 1 - x)`.
//! * flip horizontal: source row `y`, reversed; vertical: source row
//!   `h - 1 - y`.
//! * crop `(x, y, w, h)`: source row `y + y0`, pixels `x0..x0 + w`.

use std::ops::Range;

use super::simd::CpuLevel;
use crate::image::{CHANNELS, SourceBand};
use crate::spec::{FlipAxis, FlipParams, RotateParams};

/// Side of the square tiles of the odd-turn rotation, in pixels (64 measured
/// fastest of 8..=128 on a 4K frame).
const TILE: usize = 64;

/// Side of the square tiles of 8x8 blocks of the AVX2 odd-turn rotation,
/// in pixels (256 measured fastest of 64..=1024 on a 4K frame: a tile's
/// source, 256 KiB, stays in L2, and each output row gets 1 KiB runs).
#[cfg(target_arch = "x86_64")]
const BLOCK_TILE: usize = 256;

/// Copies `src` pixels into `dst` in reverse pixel order.
fn reverse_pixels(src: &[u8], dst: &mut [u8]) {
    for (d, s) in dst
        .chunks_exact_mut(CHANNELS)
        .zip(src.chunks_exact(CHANNELS).rev())
    {
        d.copy_from_slice(s);
    }
}

/// Rotation by quarter turns clockwise, output rows `out_rows`.
///
/// Odd turns produce a `height` x `width` image.
pub fn rotate_rows(p: &RotateParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    rotate_rows_with_level(CpuLevel::detected(), p, src, out_rows, dst);
}

/// [`rotate_rows`] at a given [`CpuLevel`] (same result at every level).
pub fn rotate_rows_with_level(
    level: CpuLevel,
    p: &RotateParams,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let h = src.height;
    match p.quarter_turns % 4 {
        0 => {
            let stride = src.stride();
            for (d, y) in dst.chunks_exact_mut(stride).zip(out_rows) {
                d.copy_from_slice(src.row(y));
            }
        }
        2 => {
            let stride = src.stride();
            for (d, y) in dst.chunks_exact_mut(stride).zip(out_rows) {
                reverse_pixels(src.row(h - 1 - y), d);
            }
        }
        turns => {
            let clockwise = turns == 1;
            rotate_odd(level, clockwise, src, out_rows, dst);
        }
    }
}

/// Odd quarter turns (`clockwise`: one turn, else three), output rows
/// `out_rows` of the `h` x `w` result. At [`CpuLevel::Avx2`] (on a CPU
/// that has it), 8x8 blocks of pixels are transposed in registers
/// ([`avx2::rotate_odd`]); otherwise pixels are copied one by one in square
/// tiles ([`rotate_rect`]).
fn rotate_odd(
    level: CpuLevel,
    clockwise: bool,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if level.avx2() {
            // SAFETY: `avx2::rotate_odd` only needs AVX2, detected just above.
            #[allow(unsafe_code)]
            unsafe {
                avx2::rotate_odd(clockwise, src, out_rows, dst);
            }
            return;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = level;
    let (a, b) = (out_rows.start as usize, out_rows.end as usize);
    rotate_rect(clockwise, src, a, a..b, 0..src.height as usize, dst);
}

/// Odd quarter turns, pixel by pixel, for output rows `rows` and output
/// columns `cols` of the band whose first output row is `first`, in square
/// tiles of [`TILE`] pixels: a tile reads `TILE` pixels of each of `TILE`
/// source rows (64 KiB, kept in L1/L2 for the whole tile) and writes `TILE`
/// whole pixels of each of `TILE` output rows.
#[inline(always)]
fn rotate_rect(
    clockwise: bool,
    src: &SourceBand<'_>,
    first: usize,
    rows: Range<usize>,
    cols: Range<usize>,
    dst: &mut [u8],
) {
    let (w, h) = (src.width as usize, src.height as usize);
    let (dst_px, _) = dst.as_chunks_mut::<CHANNELS>();
    for oy0 in rows.clone().step_by(TILE) {
        let oy1 = (oy0 + TILE).min(rows.end);
        for ox0 in cols.clone().step_by(TILE) {
            let ox1 = (ox0 + TILE).min(cols.end);
            // Source row of each output column of the tile.
            let mut srows: [&[[u8; CHANNELS]]; TILE] = [&[]; TILE];
            for (ox, row) in (ox0..ox1).zip(srows.iter_mut()) {
                let sy = if clockwise { h - 1 - ox } else { ox };
                *row = src.row(sy as u32).as_chunks::<CHANNELS>().0;
            }
            for oy in oy0..oy1 {
                let sx = if clockwise { oy } else { w - 1 - oy };
                let at = (oy - first) * h;
                let drow = &mut dst_px[at + ox0..at + ox1];
                for (d, row) in drow.iter_mut().zip(&srows) {
                    *d = row[sx];
                }
            }
        }
    }
}

/// The AVX2 build of the odd quarter turns.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_loadu_si256, _mm256_permute2x128_si256, _mm256_storeu_si256,
        _mm256_unpackhi_epi32, _mm256_unpackhi_epi64, _mm256_unpacklo_epi32, _mm256_unpacklo_epi64,
    };
    use std::ops::Range;

    use super::{BLOCK_TILE, CHANNELS, SourceBand, rotate_rect};

    /// Bytes of 8 pixels.
    const ROW8: usize = 8 * CHANNELS;

    /// Loads 8 pixels from the start of `s` (bounds-checked).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load(s: &[u8]) -> __m256i {
        let s = &s[..ROW8];
        // SAFETY: `s` holds the 32 bytes read; unaligned loads are allowed.
        unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
    }

    /// Stores 8 pixels at the start of `d` (bounds-checked).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn store(d: &mut [u8], v: __m256i) {
        let d = &mut d[..ROW8];
        // SAFETY: `d` holds the 32 bytes written; unaligned stores are allowed.
        unsafe { _mm256_storeu_si256(d.as_mut_ptr().cast(), v) }
    }

    /// Transposes the 8x8 matrix of 32-bit pixels `r` (rows in, columns
    /// out).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn transpose(r: [__m256i; 8]) -> [__m256i; 8] {
        let t0 = _mm256_unpacklo_epi32(r[0], r[1]);
        let t1 = _mm256_unpackhi_epi32(r[0], r[1]);
        let t2 = _mm256_unpacklo_epi32(r[2], r[3]);
        let t3 = _mm256_unpackhi_epi32(r[2], r[3]);
        let t4 = _mm256_unpacklo_epi32(r[4], r[5]);
        let t5 = _mm256_unpackhi_epi32(r[4], r[5]);
        let t6 = _mm256_unpacklo_epi32(r[6], r[7]);
        let t7 = _mm256_unpackhi_epi32(r[6], r[7]);
        let u0 = _mm256_unpacklo_epi64(t0, t2);
        let u1 = _mm256_unpackhi_epi64(t0, t2);
        let u2 = _mm256_unpacklo_epi64(t1, t3);
        let u3 = _mm256_unpackhi_epi64(t1, t3);
        let u4 = _mm256_unpacklo_epi64(t4, t6);
        let u5 = _mm256_unpackhi_epi64(t4, t6);
        let u6 = _mm256_unpacklo_epi64(t5, t7);
        let u7 = _mm256_unpackhi_epi64(t5, t7);
        [
            _mm256_permute2x128_si256::<0x20>(u0, u4),
            _mm256_permute2x128_si256::<0x20>(u1, u5),
            _mm256_permute2x128_si256::<0x20>(u2, u6),
            _mm256_permute2x128_si256::<0x20>(u3, u7),
            _mm256_permute2x128_si256::<0x31>(u0, u4),
            _mm256_permute2x128_si256::<0x31>(u1, u5),
            _mm256_permute2x128_si256::<0x31>(u2, u6),
            _mm256_permute2x128_si256::<0x31>(u3, u7),
        ]
    }

    /// Odd quarter turns: whole 8x8 blocks, in square tiles of
    /// [`BLOCK_TILE`] output pixels, are loaded as 8 rows of 8 source
    /// pixels, transposed and stored as 8 rows of 8 output pixels; the
    /// output rows and columns that do not fill a block go through
    /// [`rotate_rect`].
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn rotate_odd(
        clockwise: bool,
        src: &SourceBand<'_>,
        out_rows: Range<u32>,
        dst: &mut [u8],
    ) {
        let (w, h) = (src.width as usize, src.height as usize);
        let (a, b) = (out_rows.start as usize, out_rows.end as usize);
        let b8 = a + (b - a) / 8 * 8;
        let h8 = h / 8 * 8;
        let dstride = h * CHANNELS;
        for oy0 in (a..b8).step_by(BLOCK_TILE) {
            let oy1 = (oy0 + BLOCK_TILE).min(b8);
            for ox0 in (0..h8).step_by(BLOCK_TILE) {
                let ox1 = (ox0 + BLOCK_TILE).min(h8);
                for by in (oy0..oy1).step_by(8) {
                    for bx in (ox0..ox1).step_by(8) {
                        // Source rows of output columns bx..bx + 8, and the
                        // first source column of the block.
                        let rows: [&[u8]; 8] = std::array::from_fn(|k| {
                            let sy = if clockwise { h - 1 - (bx + k) } else { bx + k };
                            src.row(sy as u32)
                        });
                        let sx = if clockwise { by } else { w - 8 - by };
                        let cols =
                            transpose(std::array::from_fn(|k| load(&rows[k][sx * CHANNELS..])));
                        for (j, &v) in cols.iter().enumerate() {
                            // Column j of the block is source column sx + j:
                            // output row by + j clockwise, by + 7 - j else.
                            let oy = if clockwise { by + j } else { by + 7 - j };
                            let at = (oy - a) * dstride + bx * CHANNELS;
                            store(&mut dst[at..], v);
                        }
                    }
                }
            }
        }
        if h8 < h {
            rotate_rect(clockwise, src, a, a..b8, h8..h, dst);
        }
        if b8 < b {
            rotate_rect(clockwise, src, a, b8..b, 0..h, dst);
        }
    }
}

/// Mirror, output rows `out_rows`: horizontal mirrors left-right, vertical
/// top-bottom.
pub fn flip_rows(p: &FlipParams, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let stride = src.stride();
    let h = src.height;
    for (d, y) in dst.chunks_exact_mut(stride).zip(out_rows) {
        match p.axis {
            FlipAxis::Horizontal => reverse_pixels(src.row(y), d),
            FlipAxis::Vertical => d.copy_from_slice(src.row(h - 1 - y)),
        }
    }
}

/// Crop to the already clipped rectangle `(x, y, width, height)`, output
/// rows `out_rows`.
pub fn crop_rows(
    rect: (u32, u32, u32, u32),
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let (x, y0, w, _) = rect;
    let start = x as usize * CHANNELS;
    let len = w as usize * CHANNELS;
    for (d, y) in dst.chunks_exact_mut(len).zip(out_rows) {
        d.copy_from_slice(&src.row(y + y0)[start..start + len]);
    }
}
