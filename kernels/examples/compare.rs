//! Single-threaded kernel timings for `scripts/compare.sh`.
//!
//! Generates one deterministic, photo-like 3840x2160 RGBA frame from a seed
//! (gradients, a smooth texture and noise; opaque), writes it to
//! `<out-dir>/frame.rgba` so the Python side times the exact same pixels,
//! then times each named case on the calling thread: the filter's
//! `render_rows` over the whole frame into a preallocated output buffer.
//! Each timing is the median of `--runs` runs after one warm-up run, both
//! wall-clock and CPU time (on a shared machine the CPU time is the steadier
//! measure: it leaves out time the process spent waiting for a core).
//!
//! `--hash` also prints an FNV-1a hash of each case's output.
//!
//! ```text
//! cargo run --release -p lumen_kernels --example compare -- \
//!     --out-dir target/compare --runs 7 invert grayscale ...
//! ```
//!
//! Prints one JSON object per line: `{"case": .., "wall_ms": ..,
//! "cpu_ms": .., "min_wall_ms": ..}` (medians of wall-clock and of process
//! CPU time, and the fastest wall-clock run) or
//! `{"case": .., "skipped": ".."}` (a filter this build lacks).

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use lumen_kernels::{FilterSpec, RgbaImage};

/// Frame width, pixels.
const WIDTH: u32 = 3840;
/// Frame height, pixels.
const HEIGHT: u32 = 2160;
/// Default seed of the frame.
const SEED: u64 = 0x5EED_1234_ABCD_0001;

/// The cases, by name, as recipe-step JSON (so a case whose filter is not in
/// this build parses to an error and is reported as skipped).
const CASES: &[(&str, &str)] = &[
    ("invert", r#"{"filter":"invert","params":{}}"#),
    ("grayscale", r#"{"filter":"grayscale","params":{}}"#),
    (
        "brightness_contrast",
        r#"{"filter":"brightness_contrast","params":{"brightness":0.1,"contrast":0.2}}"#,
    ),
    (
        "hsl",
        r#"{"filter":"hsl","params":{"hue_deg":30.0,"saturation":0.2,"lightness":0.1}}"#,
    ),
    (
        "exposure",
        r#"{"filter":"exposure","params":{"stops":0.7}}"#,
    ),
    (
        "gaussian_blur_s3",
        r#"{"filter":"gaussian_blur","params":{"sigma_px":3.0}}"#,
    ),
    (
        "gaussian_blur_s25",
        r#"{"filter":"gaussian_blur","params":{"sigma_px":25.0}}"#,
    ),
    (
        "unsharp_mask",
        r#"{"filter":"unsharp_mask","params":{"sigma_px":2.0,"amount":1.0,"threshold":0.0}}"#,
    ),
    ("sobel", r#"{"filter":"sobel","params":{}}"#),
    (
        "resize_half_lanczos3",
        r#"{"filter":"resize","params":{"width":1920,"height":1080,"method":"lanczos3"}}"#,
    ),
    (
        "rotate_90",
        r#"{"filter":"rotate","params":{"quarter_turns":1}}"#,
    ),
    (
        "rotate_180",
        r#"{"filter":"rotate","params":{"quarter_turns":2}}"#,
    ),
    (
        "rotate_270",
        r#"{"filter":"rotate","params":{"quarter_turns":3}}"#,
    ),
    (
        "resize_up_lanczos3",
        r#"{"filter":"resize","params":{"width":5760,"height":3240,"method":"lanczos3"}}"#,
    ),
    (
        "convolve_5x5",
        r#"{"filter":"convolve","params":{"kernel":[1,2,3,2,1,2,4,6,4,2,3,6,9,6,3,2,4,6,4,2,1,2,3,2,1],"divisor":81.0,"bias":0.0}}"#,
    ),
    (
        "median_r1",
        r#"{"filter":"median","params":{"radius_px":1}}"#,
    ),
    (
        "median_r4",
        r#"{"filter":"median","params":{"radius_px":4}}"#,
    ),
    (
        "median_r40",
        r#"{"filter":"median","params":{"radius_px":40}}"#,
    ),
    (
        "median_r10",
        r#"{"filter":"median","params":{"radius_px":10}}"#,
    ),
    (
        "rotate_angle",
        r#"{"filter":"rotate_angle","params":{"angle_deg":12.5,"expand":false}}"#,
    ),
];

/// xorshift64 step.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The photo-like frame: per channel a diagonal gradient, a smooth
/// "texture" (a low-frequency value-noise field, bilinearly interpolated
/// from a seeded 64-pixel lattice) and per-pixel noise of a few levels.
/// Integer math only, so the bytes depend on the seed alone.
fn frame(seed: u64) -> RgbaImage {
    const CELL: u32 = 64;
    let gw = WIDTH / CELL + 2;
    let gh = HEIGHT / CELL + 2;
    let mut state = seed | 1;
    let lattice: Vec<[i32; 3]> = (0..gw * gh)
        .map(|_| {
            let v = next(&mut state);
            [
                (v & 0x7F) as i32 - 64,
                ((v >> 8) & 0x7F) as i32 - 64,
                ((v >> 16) & 0x7F) as i32 - 64,
            ]
        })
        .collect();
    let mut pixels = Vec::with_capacity(WIDTH as usize * HEIGHT as usize * 4);
    for y in 0..HEIGHT {
        let (cy, fy) = ((y / CELL) as usize, (y % CELL) as i32);
        for x in 0..WIDTH {
            let (cx, fx) = ((x / CELL) as usize, (x % CELL) as i32);
            let at = |dx: usize, dy: usize| lattice[(cy + dy) * gw as usize + cx + dx];
            let (p00, p10, p01, p11) = (at(0, 0), at(1, 0), at(0, 1), at(1, 1));
            let n = next(&mut state);
            let grad = [
                (x * 160 / WIDTH) as i32 + 40,
                (y * 160 / HEIGHT) as i32 + 50,
                ((x + y) * 120 / (WIDTH + HEIGHT)) as i32 + 70,
            ];
            for c in 0..3 {
                let top = p00[c] * (CELL as i32 - fx) + p10[c] * fx;
                let bottom = p01[c] * (CELL as i32 - fx) + p11[c] * fx;
                let tex = (top * (CELL as i32 - fy) + bottom * fy) / (CELL * CELL) as i32;
                let noise = ((n >> (8 * c)) & 0x0F) as i32 - 8;
                pixels.push((grad[c] + tex + noise).clamp(0, 255) as u8);
            }
            pixels.push(255);
        }
    }
    match RgbaImage::from_pixels(WIDTH, HEIGHT, pixels) {
        Ok(img) => img,
        Err(e) => panic!("frame: {e}"),
    }
}

/// This process's CPU time so far, in ms (`CLOCK_PROCESS_CPUTIME_ID`), or
/// `None` off Linux.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn cpu_ms() -> Option<f64> {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec (two 64-bit fields on
    // 64-bit Linux) for the duration of the call.
    let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.sec as f64 * 1e3 + ts.nsec as f64 / 1e6)
}

/// CPU time is not read off Linux: wall-clock time stands in.
#[cfg(not(target_os = "linux"))]
fn cpu_ms() -> Option<f64> {
    None
}

/// Timings of one case, ms: medians of wall-clock and CPU time, and the
/// fastest wall-clock run.
struct Timing {
    wall: f64,
    cpu: f64,
    min_wall: f64,
}

/// Times `runs` calls of `f` after one warm-up call.
fn time_ms(runs: usize, mut f: impl FnMut()) -> Timing {
    f();
    let (mut wall, mut cpu): (Vec<f64>, Vec<f64>) = (0..runs.max(1))
        .map(|_| {
            let c0 = cpu_ms();
            let start = Instant::now();
            f();
            let w = start.elapsed().as_secs_f64() * 1e3;
            let c = match (c0, cpu_ms()) {
                (Some(a), Some(b)) => b - a,
                _ => w,
            };
            (w, c)
        })
        .unzip();
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    Timing {
        wall: wall[wall.len() / 2],
        cpu: cpu[cpu.len() / 2],
        min_wall: wall[0],
    }
}

/// One JSON line for a timed case.
fn timing_json(name: &str, t: &Timing) -> String {
    format!(
        r#"{{"case":"{name}","wall_ms":{:.3},"cpu_ms":{:.3},"min_wall_ms":{:.3}}}"#,
        t.wall, t.cpu, t.min_wall
    )
}

fn main() {
    let mut out_dir = String::from("target/compare");
    let mut runs = 7usize;
    let mut seed = SEED;
    let mut names = Vec::new();
    let mut hash = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out-dir" => out_dir = args.next().unwrap_or(out_dir),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--hash" => hash = true,
            "--list" => {
                for (name, json) in CASES {
                    println!("{name}\t{json}");
                }
                return;
            }
            _ => names.push(a),
        }
    }
    let img = frame(seed);
    if let Err(e) = std::fs::create_dir_all(&out_dir)
        .and_then(|()| std::fs::write(format!("{out_dir}/frame.rgba"), img.pixels()))
    {
        panic!("writing the frame to {out_dir}: {e}");
    }
    let mut stdout = std::io::stdout();
    let mut emit = |line: String| {
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    };

    // memcpy is always timed: it is the baseline of the point ops.
    names.retain(|n| n != "memcpy");
    {
        let mut buf = vec![0u8; img.pixels().len()];
        let ms = time_ms(runs, || {
            buf.copy_from_slice(black_box(img.pixels()));
            black_box(&mut buf);
        });
        emit(timing_json("memcpy", &ms));
    }
    for (name, json) in CASES {
        if !names.is_empty() && !names.iter().any(|n| n == name) {
            continue;
        }
        let spec: FilterSpec = match serde_json::from_str(json) {
            Ok(s) => s,
            Err(_) => {
                emit(format!(
                    r#"{{"case":"{name}","skipped":"skipped: not built"}}"#
                ));
                continue;
            }
        };
        let (w, h) = match spec.output_size(WIDTH, HEIGHT) {
            Ok(s) => s,
            Err(e) => panic!("{name}: {e}"),
        };
        let mut out = vec![0u8; w as usize * h as usize * 4];
        let band = img.as_band();
        let ms = time_ms(runs, || {
            if let Err(e) = spec.render_rows(black_box(&band), 0..h, &mut out) {
                panic!("{name}: {e}");
            }
            black_box(&mut out);
        });
        emit(timing_json(name, &ms));
        if hash {
            // FNV-1a of the output, to check that a change left it alone.
            let h = out.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            emit(format!(r#"{{"case":"{name}","output_fnv1a":"{h:016x}"}}"#));
        }
    }
}
