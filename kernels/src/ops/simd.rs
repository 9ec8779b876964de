//! Runtime CPU dispatch for the hot loops.
//!
//! The kernels are portable Rust written so that the compiler vectorizes
//! them (SSE2 on any x86_64, simd128 on wasm32). [`with_avx2`] runs such a
//! loop compiled a second time with AVX2 enabled, when the CPU has it: the
//! loop body is inlined into a `#[target_feature(enable = "avx2")]`
//! function, so the same source gets 256-bit vectors. Only AVX2 is enabled
//! (no FMA), and Rust never contracts `a * b + c` into a fused
//! multiply-add, so results are bit-identical on every path: integer math is
//! exact, and `f32` add/multiply/divide are correctly rounded IEEE
//! operations whatever the vector width.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the AVX2 paths may run (see [`set_avx2_enabled`]).
static AVX2_ENABLED: AtomicBool = AtomicBool::new(true);

/// Allows or forbids the AVX2 paths (they are allowed by default and then
/// used whenever the CPU has AVX2). For tests and benchmarks that compare
/// them with the baseline (SSE2) build of the same loops; results are
/// identical either way.
pub fn set_avx2_enabled(enabled: bool) {
    AVX2_ENABLED.store(enabled, Ordering::Relaxed);
}

/// Whether the AVX2 paths run: allowed and supported by this CPU.
#[inline(always)]
pub fn avx2_active() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        AVX2_ENABLED.load(Ordering::Relaxed) && std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Runs `f`, compiled with AVX2 when the CPU supports it (x86_64 only;
/// elsewhere, and on CPUs without AVX2, `f` runs as compiled).
///
/// `f` and everything it calls in its hot loop should be
/// `#[inline(always)]` (or small enough to inline), so that the loop is
/// compiled inside the AVX2 function.
#[inline(always)]
pub fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if avx2_active() {
            #[target_feature(enable = "avx2")]
            fn run<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            // SAFETY: `run` only needs AVX2, which `avx2_active` detected on
            // this CPU just above; it has no other preconditions.
            #[allow(unsafe_code)]
            return unsafe { run(f) };
        }
    }
    f()
}

/// Calls `body(args..)` (a `#[inline(always)]` function returning `()`),
/// compiled with AVX2 when the CPU supports it.
///
/// For large loop bodies, which the compiler would not inline into
/// [`with_avx2`]'s closure: here `body` is inlined into a nested
/// `#[target_feature(enable = "avx2")]` function with the same parameters.
/// Arguments are given as `name: Type` and passed by the local variables
/// of the same names.
macro_rules! avx2_call {
    ($body:path; $($arg:ident : $ty:ty),* $(,)?) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            fn avx2($($arg: $ty),*) {
                $body($($arg),*)
            }
            if $crate::ops::simd::avx2_active() {
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
            $body($($arg),*)
        }
    }};
}
pub(crate) use avx2_call;
