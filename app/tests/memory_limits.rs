//! The memory governor in the editor: an image too large for the budget is
//! offered downscaled (and opens at a size that fits), and a recipe whose
//! full-resolution render would not fit is refused with a reason, while the
//! editor keeps working.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable as _;
use image::ImageEncoder as _;
use lumen_app::governor::open_estimate;
use lumen_app::{LumenApp, Options};
use lumen_kernels::FilterSpec;
use lumen_kernels::spec::ResizeParams;

mod common;
use common::{app, harness, step_until};

fn png(dir: &std::path::Path, w: u32, h: u32) -> PathBuf {
    let pixels: Vec<u8> = (0..w * h * 4).map(|i| (i * 7 % 251) as u8).collect();
    let path = dir.join("big.png");
    let file = std::fs::File::create(&path).unwrap();
    image::codecs::png::PngEncoder::new(file)
        .write_image(&pixels, w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    path
}

#[test]
fn an_image_over_the_budget_is_offered_downscaled_and_opens_within_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = png(dir.path(), 1600, 1200);
    // Under what editing 1600x1200 needs, above what decoding it needs
    // (it is decoded at full size before it is downscaled).
    let budget = open_estimate(1100, 1000);
    let mut h = harness(Options {
        image: Some(path),
        memory_budget: Some(budget),
        ..Default::default()
    });
    h.run_steps(3);
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.query_by_label("Image too large").is_none() {
        assert!(Instant::now() < deadline, "no too-large prompt");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        app(&h).document().is_none(),
        "nothing decoded before the answer"
    );
    h.get_by_label("Open downscaled").click();
    step_until(&mut h, "the downscaled document", |a| {
        a.document().is_some()
    });
    let doc = app(&h).document().unwrap();
    let (w, hh) = (doc.source.width(), doc.source.height());
    assert!(open_estimate(w, hh) <= budget, "{w}x{hh} does not fit");
    assert!(w > 700 && hh > 500, "{w}x{hh} is needlessly small");
    let aspect = f64::from(w) / f64::from(hh);
    assert!((aspect - 4.0 / 3.0).abs() < 0.01, "aspect {aspect}");
}

#[test]
fn a_recipe_too_large_to_render_is_refused_and_export_says_why() {
    let budget = 64 << 20; // the 512x512 sample fits easily
    let mut h = harness(Options {
        memory_budget: Some(budget),
        ..Default::default()
    });
    step_until(&mut h, "the sample", LumenApp::is_idle);
    let huge = FilterSpec::Resize(ResizeParams {
        width: 8000,
        height: 8000,
        ..ResizeParams::default()
    });
    h.state_mut()
        .as_mut()
        .unwrap()
        .document_mut()
        .unwrap()
        .add_step(huge);
    step_until(&mut h, "the refusal", LumenApp::is_idle);
    assert!(
        app(&h).full_result().is_none(),
        "no full render was attempted"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.png");
    h.state_mut()
        .as_mut()
        .unwrap()
        .export_to(out.clone(), lumen_app::io::ExportFormat::Png);
    h.run_steps(3);
    let notice = app(&h).notice().expect("a notice").clone();
    assert!(notice.is_error);
    assert!(
        notice.text.contains("step 1 (Resize) at 8000x8000"),
        "{}",
        notice.text
    );
    assert!(!out.exists(), "nothing was written");
    // Undo: the editor renders again.
    h.state_mut()
        .as_mut()
        .unwrap()
        .document_mut()
        .unwrap()
        .undo();
    step_until(&mut h, "a render after undo", |a| a.full_result().is_some());
}
