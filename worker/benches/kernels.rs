//! Filter throughput on a 3840x2160 RGBA frame, through the native tiled
//! renderer ([`render_steps`]) with one thread and with every thread, plus a
//! `memcpy` baseline.
//!
//! Run with `cargo bench -p lumen_worker --bench kernels`, or through
//! `scripts/bench.sh`, which writes the results into BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use lumen_kernels::RgbaImage;
use lumen_worker::{JobControl, default_threads, render_steps};

mod cases;
use cases::{HEIGHT, WIDTH, cases};

/// A deterministic frame: smooth gradients with xorshift noise, opaque-ish
/// alpha, so no filter hits a trivial fast path.
fn frame() -> RgbaImage {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut pixels = Vec::with_capacity(WIDTH as usize * HEIGHT as usize * 4);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state & 0x1F) as u32;
            pixels.push(((x * 255 / WIDTH + noise) & 0xFF) as u8);
            pixels.push(((y * 255 / HEIGHT + noise) & 0xFF) as u8);
            pixels.push((((x + y) * 255 / (WIDTH + HEIGHT)) ^ noise) as u8);
            pixels.push(200 + (noise as u8 & 0x37));
        }
    }
    match RgbaImage::from_pixels(WIDTH, HEIGHT, pixels) {
        Ok(img) => img,
        Err(e) => panic!("bench frame: {e}"),
    }
}

/// A fixed amount of pure arithmetic: no memory traffic, no locks.
fn spin(iters: u64) -> u64 {
    let mut x = 1_u64;
    for i in 0..iters {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
    }
    x
}

/// The same total work as [`spin`], split evenly over `threads` scoped
/// threads: its speedup is the most any parallel code could get from the
/// cores actually free during the run.
fn spin_split(total: u64, threads: usize) -> u64 {
    let per = total / threads as u64;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(move || spin(black_box(per))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .fold(0, u64::wrapping_add)
    })
}

fn bench(c: &mut Criterion) {
    let img = frame();
    let all = default_threads();
    let control = JobControl::new();
    let mut group = c.benchmark_group("frame_3840x2160");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sampling_mode(SamplingMode::Flat);

    let mut buf = vec![0_u8; img.pixels().len()];
    group.bench_function("memcpy", |b| {
        b.iter(|| {
            buf.copy_from_slice(black_box(img.pixels()));
            black_box(&mut buf);
        });
    });

    // The floor under every filter's time: a fresh output frame, allocated
    // zeroed (fresh pages from the OS at this size) and written once.
    group.bench_function("alloc_fill", |b| {
        b.iter(|| match RgbaImage::new(WIDTH, HEIGHT) {
            Ok(mut out) => {
                out.pixels_mut().fill(black_box(1));
                out
            }
            Err(e) => panic!("alloc_fill: {e}"),
        });
    });

    // Control for the thread speedups below, on a shared machine.
    for (suffix, threads) in [("threads_1", 1), ("threads_all", all)] {
        group.bench_function(format!("parallel_ceiling/{suffix}"), |b| {
            b.iter(|| spin_split(200_000_000, threads));
        });
    }

    for (label, spec) in cases() {
        for (suffix, threads) in [("threads_1", 1), ("threads_all", all)] {
            group.bench_function(format!("{label}/{suffix}"), |b| {
                b.iter(|| {
                    let steps = [spec.clone()];
                    match render_steps(black_box(&img), &steps, threads, &control, &|_| {}) {
                        Ok(out) => out,
                        Err(e) => panic!("{label}: {e}"),
                    }
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
