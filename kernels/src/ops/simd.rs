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
        if std::arch::is_x86_feature_detected!("avx2") {
            #[target_feature(enable = "avx2")]
            fn run<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            // SAFETY: `run` only needs AVX2, which was detected on this CPU
            // just above; it has no other preconditions.
            #[allow(unsafe_code)]
            return unsafe { run(f) };
        }
    }
    f()
}
