//! Interactive latency on a 24-megapixel photo (6000x4000), natively, as a
//! person editing meets it:
//!
//! - **preview**: from a parameter change (the renderer asked for the new
//!   recipe, as a slider drag does) until the new preview pixels are what
//!   the canvas shows;
//! - **full**: from the same change until the full-resolution result is;
//! - **frame**: the longest editor frame (the whole `LumenApp`, under
//!   egui_kittest, without a GPU) from a change until the full render has
//!   arrived and is drawn, and the median frame over the same time.
//!
//! Each figure is the median of several changes, each from a settled
//! render of the previous value, in this process after one warm-up change.
//! `scripts/bench.sh` runs it and puts its table into BENCHMARKS.md:
//!
//! ```sh
//! cargo run --release -p lumen_app --example latency            # markdown table
//! cargo run --release -p lumen_app --example latency -- --quick # fewer changes
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark: any failure ends it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::{Harness, HarnessBuilder};
use lumen_app::render::{Quality, Renderer};
use lumen_app::{LumenApp, Options};
use lumen_kernels::spec::{ExposureParams, GaussianBlurParams};
use lumen_kernels::{FilterSpec, RgbaImage};
use lumen_worker::{NativeExecutor, default_threads};

const WIDTH: u32 = 6000;
const HEIGHT: u32 = 4000;

/// A case: the step at two settings a drag moves between. The renderer
/// caches the steps of the current chain only, so each change back to an
/// earlier value renders again, as a drag does.
struct Case {
    name: &'static str,
    values: [FilterSpec; 2],
}

fn cases() -> Vec<Case> {
    let exposure = |stops| FilterSpec::Exposure(ExposureParams { stops });
    let blur = |sigma_px| FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px });
    vec![
        Case {
            name: "exposure",
            values: [exposure(0.5), exposure(0.6)],
        },
        Case {
            name: "gaussian_blur σ10",
            values: [blur(10.0), blur(10.5)],
        },
    ]
}

/// A photo-like frame: smooth gradients with xorshift noise, opaque.
fn photo() -> RgbaImage {
    let mut image = RgbaImage::new(WIDTH, HEIGHT).unwrap();
    let mut s = 0x2545_f491_u32;
    for (i, px) in image.pixels_mut().chunks_exact_mut(4).enumerate() {
        let (x, y) = ((i as u32 % WIDTH), (i as u32 / WIDTH));
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        let n = (s & 31) as u8;
        px[0] = ((x * 200 / WIDTH) as u8).saturating_add(n);
        px[1] = ((y * 200 / HEIGHT) as u8).saturating_add(n);
        px[2] = (((x + y) * 100 / (WIDTH + HEIGHT)) as u8).saturating_add(n);
        px[3] = 255;
    }
    image
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// Polls `renderer` until `done`, for at most a minute.
fn poll_until(renderer: &mut Renderer, what: &str, done: impl Fn(&Renderer) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(renderer) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_micros(200));
        renderer.poll();
    }
}

/// Preview and full latency of one change of `case`, `changes` times.
fn renderer_latency(source: &Arc<RgbaImage>, case: &Case, changes: usize) -> (Duration, Duration) {
    let waker: lumen_worker::Waker = Arc::new(|| {});
    let mut renderer = Renderer::new(Box::new(NativeExecutor::new(default_threads(), waker)));
    renderer.set_source(Arc::clone(source));
    renderer.request([case.values[0].clone()]);
    poll_until(&mut renderer, "the first render", |r| !r.is_busy());
    let (mut previews, mut fulls) = (Vec::new(), Vec::new());
    for i in 0..=changes {
        let before = renderer.displayed().map_or(0, |d| d.generation);
        let start = Instant::now();
        renderer.request([case.values[(i + 1) % 2].clone()]);
        poll_until(&mut renderer, "the preview", |r| {
            r.displayed().is_some_and(|d| d.generation != before)
        });
        let preview = start.elapsed();
        let first = renderer.displayed().map(|d| d.quality);
        poll_until(&mut renderer, "the full render", |r| !r.is_busy());
        let full = start.elapsed();
        assert!(renderer.error().is_none(), "{:?}", renderer.error());
        if i > 0 {
            // The first change warms the caches and the frame pool.
            previews.push(if first == Some(Quality::Proxy) {
                preview
            } else {
                full
            });
            fulls.push(full);
        }
    }
    (median(previews), median(fulls))
}

fn harness(path: std::path::PathBuf) -> Harness<'static, Option<LumenApp>> {
    let options = Options {
        image: Some(path),
        ..Options::default()
    };
    HarnessBuilder::default()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(
            move |ui, state: &mut Option<LumenApp>| {
                let app =
                    state.get_or_insert_with(|| LumenApp::with_options(ui.ctx(), options.clone()));
                app.logic(ui.ctx());
                app.ui(ui);
            },
            None,
        )
}

/// Steps `h` until the editor is idle; each frame's time.
fn frames_until_idle(h: &mut Harness<'static, Option<LumenApp>>) -> Vec<Duration> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut frames = Vec::new();
    loop {
        let start = Instant::now();
        h.step();
        frames.push(start.elapsed());
        if h.state().as_ref().is_some_and(LumenApp::is_idle) {
            return frames;
        }
        assert!(Instant::now() < deadline, "the editor did not settle");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The longest and the median editor frame while changes of `case` render.
fn frame_times(path: &std::path::Path, case: &Case, changes: usize) -> (Duration, Duration) {
    let mut h = harness(path.to_owned());
    frames_until_idle(&mut h);
    let app = h.state_mut().as_mut().unwrap();
    app.document_mut().unwrap().add_step(case.values[0].clone());
    frames_until_idle(&mut h);
    let mut all = Vec::new();
    for i in 0..=changes {
        let app = h.state_mut().as_mut().unwrap();
        app.document_mut()
            .unwrap()
            .edit_step(0, case.values[(i + 1) % 2].clone());
        let frames = frames_until_idle(&mut h);
        if i > 0 {
            all.extend(frames);
        }
    }
    let longest = all.iter().copied().max().unwrap_or_default();
    (longest, median(all))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let changes = if quick { 2 } else { 5 };
    let source = Arc::new(photo());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.png");
    image::RgbaImage::from_raw(WIDTH, HEIGHT, source.pixels().to_vec())
        .unwrap()
        .save(&path)
        .unwrap();
    println!(
        "| step (24 MP, {} threads) | preview ms | full ms | longest frame ms | median frame ms |",
        default_threads()
    );
    println!("| --- | --- | --- | --- | --- |");
    for case in cases() {
        let (preview, full) = renderer_latency(&source, &case, changes);
        let (longest, typical) = frame_times(&path, &case, changes);
        println!(
            "| {} | {} | {} | {} | {} |",
            case.name,
            ms(preview),
            ms(full),
            ms(longest),
            ms(typical)
        );
    }
}
