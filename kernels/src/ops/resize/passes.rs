//! The two passes of the filtered resize ([`super`], the parent module): vertical
//! (weighted sums of whole rows) and horizontal (weighted sums of
//! neighbouring pixels of one row, with an AVX2 build on x86_64 that
//! computes exactly the same sums).

use super::PaddedTaps;
use crate::image::CHANNELS;
use crate::ops::simd::CpuLevel;

/// Floats of a chunk of the vertical pass.
const VCHUNK: usize = 32;

/// The vertical pass: `acc[j] = sum over taps (w * row[j])` (rows of `f32`
/// values, or of bytes taken as their values), taps summed in
/// order from zero. In chunks of [`VCHUNK`] values summed over all taps in
/// registers (each value's sum is the same sequence of operations).
#[inline(always)]
pub(super) fn vertical<T: Copy + Into<f32>>(taps: &[(f32, &[T])], acc: &mut [f32]) {
    let whole = acc.len() / VCHUNK * VCHUNK;
    let (head, tail) = acc.split_at_mut(whole);
    for (ci, a) in head.chunks_exact_mut(VCHUNK).enumerate() {
        let at = ci * VCHUNK;
        let mut r = [0f32; VCHUNK];
        for &(w, row) in taps {
            let Some(h) = row.get(at..at + VCHUNK) else {
                continue;
            };
            for (x, &v) in r.iter_mut().zip(h) {
                *x += w * v.into();
            }
        }
        a.copy_from_slice(&r);
    }
    tail.fill(0.0);
    for &(w, row) in taps {
        for (a, &v) in tail.iter_mut().zip(row.get(whole..).unwrap_or(&[])) {
            *a += w * v.into();
        }
    }
}

/// Output pixels of a group of the horizontal pass.
const HGROUP: usize = 4;

/// The source windows and the weights of a group of output pixels.
type Group<'a> = ([&'a [[f32; 4]]; HGROUP], [&'a [f32]; HGROUP]);

/// The source windows and weights of output pixels `g..g + HGROUP`, or
/// `None` if any lies outside `pre` or the weight table (never for taps
/// built for this row).
#[inline(always)]
fn gather<'a>(taps: &'a PaddedTaps, pre: &'a [[f32; 4]], g: usize) -> Option<Group<'a>> {
    let len = taps.len;
    let mut srcs: [&[[f32; 4]]; HGROUP] = [&[]; HGROUP];
    let mut ws: [&[f32]; HGROUP] = [&[]; HGROUP];
    for p in 0..HGROUP {
        let s = *taps.start.get(g + p)?;
        srcs[p] = pre.get(s..s + len)?;
        ws[p] = taps.weights.get((g + p) * len..(g + p + 1) * len)?;
    }
    Some((srcs, ws))
}

/// One row through the horizontal taps, [`HGROUP`] output pixels at a
/// time (independent sums, so they overlap in the pipeline; each pixel's
/// sum is the same sequence of operations as one at a time).
#[inline(always)]
pub(super) fn horizontal(level: CpuLevel, taps: &PaddedTaps, pre: &[[f32; 4]], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if level.avx2() {
            // SAFETY: `avx2::horizontal` only needs AVX2, detected just above.
            #[allow(unsafe_code)]
            unsafe {
                avx2::horizontal(taps, pre, out);
            }
            return;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = level;
    let (out_px, _) = out.as_chunks_mut::<CHANNELS>();
    let len = taps.len;
    let n = out_px.len().min(taps.start.len());
    let whole = n / HGROUP * HGROUP;
    for g in (0..whole).step_by(HGROUP) {
        let Some((srcs, ws)) = gather(taps, pre, g) else {
            continue;
        };
        let mut acc = [[0f32; 4]; HGROUP];
        for k in 0..len {
            for p in 0..HGROUP {
                let wk = ws[p][k];
                let v = srcs[p][k];
                for c in 0..4 {
                    acc[p][c] += wk * v[c];
                }
            }
        }
        out_px[g..g + HGROUP].copy_from_slice(&acc);
    }
    tail(taps, pre, out_px, whole, n);
}

/// Output pixels `whole..n` one at a time (the pixels after the last whole
/// group), for both builds of the horizontal pass.
#[inline(always)]
fn tail(taps: &PaddedTaps, pre: &[[f32; 4]], out_px: &mut [[f32; 4]], whole: usize, n: usize) {
    let len = taps.len;
    for (x, o) in out_px.iter_mut().enumerate().take(n).skip(whole) {
        let s = taps.start[x];
        let (Some(src), Some(w)) = (
            pre.get(s..s + len),
            taps.weights.get(x * len..(x + 1) * len),
        ) else {
            continue;
        };
        let mut acc = [0f32; 4];
        for (wk, v) in w.iter().zip(src) {
            for c in 0..4 {
                acc[c] += wk * v[c];
            }
        }
        *o = acc;
    }
}

/// The AVX2 build of the horizontal pass.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub(super) mod avx2 {
    use std::arch::x86_64::{
        __m256, _mm_set1_ps, _mm256_add_ps, _mm256_andnot_si256, _mm256_blend_epi32,
        _mm256_castps_si256, _mm256_cmpeq_epi32, _mm256_div_ps, _mm256_extract_epi32,
        _mm256_loadu_ps, _mm256_loadu2_m128, _mm256_max_ps, _mm256_min_ps, _mm256_mul_ps,
        _mm256_packus_epi16, _mm256_packus_epi32, _mm256_permute_ps, _mm256_set_m128,
        _mm256_set1_epi32, _mm256_set1_ps, _mm256_setzero_ps, _mm256_setzero_si256,
        _mm256_storeu_ps, _mm256_sub_epi32,
    };

    use super::super::MAGIC;
    use super::{CHANNELS, HGROUP, PaddedTaps};

    /// `Transfer::finish` for sRGB values, two pixels at a time: the same
    /// operations on each value (alpha `round(clamp(a, 0, 255))`, colour
    /// `round(clamp(c * (255 / a), 0, 255))`, rounding by adding
    /// [`MAGIC`], transparent black where alpha rounds to 0), so the same
    /// bytes. Returns how many pixels it wrote (an even count; the caller
    /// finishes the rest).
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(in super::super) unsafe fn finish_srgb(acc: &[f32], dst: &mut [u8]) -> usize {
        let n = (acc.len() / CHANNELS).min(dst.len() / CHANNELS) / 2 * 2;
        let zero = _mm256_setzero_ps();
        let max = _mm256_set1_ps(255.0);
        let magic = _mm256_set1_ps(MAGIC);
        let magic_bits = _mm256_set1_epi32(MAGIC.to_bits() as i32);
        let zero_i = _mm256_setzero_si256();
        for (v, d) in acc[..n * CHANNELS]
            .chunks_exact(2 * CHANNELS)
            .zip(dst[..n * CHANNELS].chunks_exact_mut(2 * CHANNELS))
        {
            // SAFETY: `v` is 8 floats.
            let v = unsafe { _mm256_loadu_ps(v.as_ptr()) };
            let round = |x| {
                _mm256_sub_epi32(
                    _mm256_castps_si256(_mm256_add_ps(
                        _mm256_min_ps(_mm256_max_ps(x, zero), max),
                        magic,
                    )),
                    magic_bits,
                )
            };
            let a = _mm256_permute_ps::<0xFF>(v);
            let alpha = round(a);
            let colour = round(_mm256_mul_ps(v, _mm256_div_ps(max, a)));
            let px = _mm256_blend_epi32::<0b1000_1000>(colour, alpha);
            let px = _mm256_andnot_si256(_mm256_cmpeq_epi32(alpha, zero_i), px);
            let p16 = _mm256_packus_epi32(px, px);
            let p8 = _mm256_packus_epi16(p16, p16);
            let lo = _mm256_extract_epi32::<0>(p8) as u32;
            let hi = _mm256_extract_epi32::<4>(p8) as u32;
            d[..CHANNELS].copy_from_slice(&lo.to_le_bytes());
            d[CHANNELS..].copy_from_slice(&hi.to_le_bytes());
        }
        n
    }

    /// [`super::horizontal`] with 256-bit vectors of two pixels: for each
    /// group of [`HGROUP`] output pixels, `HGROUP` independent sums over
    /// the taps, each `acc + w * v` from zero in tap order, exactly as the
    /// portable loop computes them.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn horizontal(taps: &PaddedTaps, pre: &[[f32; 4]], out: &mut [f32]) {
        let (out_px, _) = out.as_chunks_mut::<CHANNELS>();
        let len = taps.len;
        let n = out_px.len().min(taps.start.len());
        let whole = n / HGROUP * HGROUP;
        for g in (0..whole).step_by(HGROUP) {
            let Some((srcs, ws)) = super::gather(taps, pre, g) else {
                continue;
            };
            let mut acc: [__m256; HGROUP / 2] = [_mm256_setzero_ps(); HGROUP / 2];
            for k in 0..len {
                for (q, acc_q) in acc.iter_mut().enumerate() {
                    // SAFETY: `srcs[p]` and `ws[p]` hold `len` items each
                    // (checked above) and `k < len`.
                    unsafe {
                        let (p0, p1) = (2 * q, 2 * q + 1);
                        let w = _mm256_set_m128(
                            _mm_set1_ps(*ws[p1].get_unchecked(k)),
                            _mm_set1_ps(*ws[p0].get_unchecked(k)),
                        );
                        let v = _mm256_loadu2_m128(
                            srcs[p1].get_unchecked(k).as_ptr(),
                            srcs[p0].get_unchecked(k).as_ptr(),
                        );
                        *acc_q = _mm256_add_ps(*acc_q, _mm256_mul_ps(w, v));
                    }
                }
            }
            for (o, a) in out_px[g..g + HGROUP].chunks_exact_mut(2).zip(acc) {
                // SAFETY: `o` is 8 floats.
                unsafe { _mm256_storeu_ps(o.as_flattened_mut().as_mut_ptr(), a) };
            }
        }
        super::tail(taps, pre, out_px, whole, n);
    }
}
