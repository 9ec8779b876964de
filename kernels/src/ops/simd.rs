//! Runtime CPU dispatch for the hot loops.
//!
//! The kernels are portable Rust written so that the compiler vectorizes
//! them (SSE2 on any x86_64, simd128 on wasm32). At [`CpuLevel::Avx2`],
//! [`with_avx2`] runs such a loop compiled a second time with AVX2 enabled:
//! the loop body is inlined into a `#[target_feature(enable = "avx2")]`
//! function, so the same source gets 256-bit vectors. Only AVX2 is enabled
//! (no FMA), and Rust never contracts `a * b + c` into a fused
//! multiply-add, so results are bit-identical at every level: integer math
//! is exact, and `f32` add/multiply/divide are correctly rounded IEEE
//! operations whatever the vector width.
//!
//! The level is a value passed down to each dispatch point, never a global
//! switch: the public ops use [`CpuLevel::detected`], and their
//! `*_with_level` variants take the level to run at, so tests and
//! benchmarks compare levels side by side (as fast_image_resize's tests
//! loop over its CPU extensions).

/// The instruction set a kernel may use. A level is a ceiling: asking for
/// [`CpuLevel::Avx2`] on a CPU without AVX2 runs the baseline code (see
/// [`CpuLevel::is_supported`]), so no level is ever unsafe to pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CpuLevel {
    /// The portable build: SSE2 on x86_64, simd128 on wasm32 (as the crate
    /// is compiled).
    Baseline,
    /// The same loops compiled for x86_64 AVX2.
    Avx2,
}

impl CpuLevel {
    /// Every level, lowest first.
    pub const ALL: [Self; 2] = [Self::Baseline, Self::Avx2];

    /// The highest level this CPU supports: what the public ops run at.
    #[inline]
    pub fn detected() -> Self {
        if Self::Avx2.is_supported() {
            Self::Avx2
        } else {
            Self::Baseline
        }
    }

    /// Whether this CPU can run code built for this level.
    #[inline]
    pub fn is_supported(self) -> bool {
        match self {
            Self::Baseline => true,
            Self::Avx2 => avx2_detected(),
        }
    }

    /// The levels this CPU supports, lowest first.
    pub fn supported() -> Vec<Self> {
        Self::ALL.into_iter().filter(|l| l.is_supported()).collect()
    }

    /// Whether the AVX2 paths run at this level: asked for and supported.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub(crate) fn avx2(self) -> bool {
        self == Self::Avx2 && avx2_detected()
    }
}

/// Whether this CPU has AVX2 (cached by the standard library after the
/// first call).
#[inline(always)]
fn avx2_detected() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Runs `f`, compiled with AVX2 when `level` allows it and the CPU supports
/// it (x86_64 only; otherwise `f` runs as compiled).
///
/// `f` and everything it calls in its hot loop should be
/// `#[inline(always)]` (or small enough to inline), so that the loop is
/// compiled inside the AVX2 function.
#[inline(always)]
pub fn with_avx2<R>(level: CpuLevel, f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if level.avx2() {
            #[target_feature(enable = "avx2")]
            fn run<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            // SAFETY: `run` only needs AVX2, which `level.avx2()` detected
            // on this CPU just above; it has no other preconditions.
            #[allow(unsafe_code)]
            return unsafe { run(f) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = level;
    f()
}

/// Calls `body(args..)` (a `#[inline(always)]` function returning `()`),
/// compiled with AVX2 when `level` (a [`CpuLevel`]) allows it and the CPU
/// supports it.
///
/// For large loop bodies, which the compiler would not inline into
/// [`with_avx2`]'s closure: here `body` is inlined into a nested
/// `#[target_feature(enable = "avx2")]` function with the same parameters.
/// Arguments are given as `name: Type` and passed by the local variables
/// of the same names.
macro_rules! avx2_call {
    ($level:expr; $body:path; $($arg:ident : $ty:ty),* $(,)?) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            fn avx2($($arg: $ty),*) {
                $body($($arg),*)
            }
            if $crate::ops::simd::CpuLevel::avx2($level) {
                // SAFETY: `avx2` only needs AVX2, detected just above.
                #[allow(unsafe_code)]
                unsafe {
                    avx2($($arg),*)
                }
            } else {
                $body($($arg),*)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _: $crate::ops::simd::CpuLevel = $level;
            $body($($arg),*)
        }
    }};
}
pub(crate) use avx2_call;

/// `a > b ? a : b` as a select: vectorises, unlike `f32::max`, whose NaN
/// handling costs extra instructions per lane. For operands that are never
/// NaN it gives the same result.
#[inline(always)]
pub(crate) fn max_sel(a: f32, b: f32) -> f32 {
    if a > b { a } else { b }
}

/// `a < b ? a : b` as a select (see [`max_sel`]).
#[inline(always)]
pub(crate) fn min_sel(a: f32, b: f32) -> f32 {
    if a < b { a } else { b }
}

/// `floor(x)` as an integer, for `x` in `0.0..=255.0` (not NaN), with
/// adds, compares and selects that vectorise (a saturating `as` cast does
/// not): the floor is the round-to-nearest of `x - 0.5` (exact for
/// `x < 256`), corrected up where `x` is itself an integer and that
/// rounding went down to even. Gives what `x as u8` gives.
#[inline(always)]
pub(crate) fn floor_level(x: f32) -> u32 {
    const ROUNDER: f32 = 12_582_912.0; // 1.5 * 2^23
    const TWO_POW_23: f32 = 8_388_608.0;
    let r = ((x - 0.5) + ROUNDER) - ROUNDER;
    let r = if r + 1.0 <= x { r + 1.0 } else { r };
    (r + TWO_POW_23).to_bits() & 0xFF
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_level_is_the_truncating_cast() {
        // Every level and many fractions, including exact integers and
        // halves (where rounding to even would go wrong).
        for i in 0..=255 * 64 {
            let x = i as f32 / 64.0;
            assert_eq!(floor_level(x), u32::from(x as u8), "{x}");
        }
        for x in [0.0, 0.499_999_97, 0.5, 254.999_98, 255.0, 1e-30] {
            assert_eq!(floor_level(x), u32::from(x as u8), "{x}");
        }
    }

    #[test]
    fn baseline_is_always_supported_and_detected_is_the_highest() {
        assert!(CpuLevel::Baseline.is_supported());
        let supported = CpuLevel::supported();
        assert_eq!(supported.first(), Some(&CpuLevel::Baseline));
        assert_eq!(supported.last(), Some(&CpuLevel::detected()));
        #[cfg(target_arch = "x86_64")]
        {
            assert!(!CpuLevel::Baseline.avx2());
            assert_eq!(CpuLevel::Avx2.avx2(), CpuLevel::Avx2.is_supported());
        }
    }
}
