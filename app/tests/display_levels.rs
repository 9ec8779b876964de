//! What the canvas uploads to show a photo much larger than itself: a
//! screen-sized level at fit, full-resolution tiles only for the part in
//! view when zoomed in, and the same for the original in a compare view.
//! Counted from egui's texture manager (what the GPU is sent).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::Key;
use lumen_app::io::{self, ExportFormat};
use lumen_app::render::Quality;
use lumen_kernels::RgbaImage;

mod common;
use common::{State, app, app_mut, harness, settle};

const W: usize = 4000;
const H: usize = 3000;

/// Pixels of the textures whose names start with `prefix`.
fn texture_pixels(h: &egui_kittest::Harness<'_, State>, prefix: &str) -> usize {
    let manager = h.ctx.tex_manager();
    let manager = manager.read();
    manager
        .allocated()
        .filter(|(_, meta)| meta.name.starts_with(prefix))
        .map(|(_, meta)| meta.size[0] * meta.size[1])
        .sum()
}

#[test]
fn a_large_photo_uploads_a_level_at_fit_and_only_the_tiles_in_view_when_zoomed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.png");
    let pixels = (0..W * H)
        .flat_map(|i| [(i % W * 255 / W) as u8, (i / W * 255 / H) as u8, 90, 255])
        .collect();
    let image = RgbaImage::from_pixels(W as u32, H as u32, pixels).unwrap();
    std::fs::write(&path, io::encode(&image, ExportFormat::Png).unwrap()).unwrap();

    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).open_path(path);
    settle(&mut h);
    let shown = app(&h).displayed().expect("the photo is shown");
    assert_eq!(shown.quality, Quality::Full);
    let level = shown.level.as_ref().expect("shown through a level");
    let canvas = app(&h).canvas().last_rect;
    assert!(
        level.width().max(level.height()) as f32 >= canvas.width().max(canvas.height()),
        "the level covers the canvas: {}x{} for {canvas:?}",
        level.width(),
        level.height()
    );
    let at_fit = texture_pixels(&h, "after");
    assert_eq!(
        at_fit,
        level.width() as usize * level.height() as usize,
        "at fit only the level is uploaded"
    );
    assert!(at_fit * 8 < W * H, "{at_fit} pixels for a {W}x{H} photo");

    // 100%: the tiles in view are made, over a few frames, and no others.
    h.key_press(Key::Num1);
    settle(&mut h);
    let zoomed = texture_pixels(&h, "after") - at_fit;
    let view = app(&h).canvas().last_rect;
    let cells = |side: f32| ((side / 1024.0).ceil() as usize + 1) * 1024;
    assert!(zoomed > 0, "full-resolution tiles are made when zoomed in");
    assert!(
        zoomed <= cells(view.width()) * cells(view.height()),
        "{zoomed} pixels uploaded for a {view:?} view"
    );

    // The original, held for comparison, gets its own level.
    h.key_press(Key::F); // fit again
    settle(&mut h);
    h.key_down(Key::Backslash);
    settle(&mut h);
    h.run_steps(2);
    let before = texture_pixels(&h, "before");
    h.key_up(Key::Backslash);
    assert!(before > 0, "the original is drawn");
    assert!(before * 8 < W * H, "{before} pixels of the original");
}
