//! GPU textures of an image, as tiles no larger than the GPU's maximum
//! texture side (a 48 MP photo does not fit one texture), and the slot the
//! canvas keeps them in. Converting a large image into egui's texture
//! format takes tens of milliseconds (about 60 ms for 24 MP), so on the
//! desktop a large result is converted on a background thread while the
//! canvas goes on drawing the tiles it has (the preview of the same
//! geometry); the web app, without threads on its page, converts at once.

use std::ops::Range;
use std::sync::{Arc, mpsc};

use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
use lumen_kernels::RgbaImage;

use crate::platform;

/// Images of at least this many pixels are converted in the background
/// (native): a 4 MP image converts in about 10 ms, under a frame.
pub const BACKGROUND_MIN_PIXELS: u64 = 4 << 20;

/// The GPU textures of one image, as tiles no larger than the texture limit.
pub struct Tiles {
    /// The image uploaded.
    pub image: Arc<RgbaImage>,
    /// Full-resolution pixels per pixel of `image`.
    pub scale: f32,
    /// Each tile's rectangle in image pixels and its texture.
    pub tiles: Vec<(Rect, TextureHandle)>,
}

/// What a slot needs to make the tiles of an image.
#[derive(Clone)]
pub struct TileRequest<'a> {
    /// Names the textures (for egui's debugging).
    pub name: &'static str,
    /// The image.
    pub image: &'a Arc<RgbaImage>,
    /// Full-resolution pixels per pixel of `image`.
    pub scale: f32,
    /// The GPU's largest texture side.
    pub max_side: usize,
}

impl Tiles {
    /// Uploads `image` as textures named after `name`.
    pub fn upload(ctx: &egui::Context, request: &TileRequest<'_>) -> Self {
        let TileRequest {
            name,
            image,
            scale,
            max_side,
        } = request.clone();
        let side = max_side.clamp(256, 8192);
        let (w, h) = (image.width() as usize, image.height() as usize);
        let mut tiles = Vec::new();
        for ty in (0..h).step_by(side) {
            for tx in (0..w).step_by(side) {
                let tw = side.min(w - tx);
                let th = side.min(h - ty);
                let color = color_image(image, tx..tx + tw, ty..ty + th);
                let options = TextureOptions {
                    magnification: egui::TextureFilter::Nearest,
                    minification: egui::TextureFilter::Linear,
                    wrap_mode: egui::TextureWrapMode::ClampToEdge,
                    mipmap_mode: Some(egui::TextureFilter::Linear),
                };
                let tex = ctx.load_texture(format!("{name}-{tx}-{ty}"), color, options);
                let rect = Rect::from_min_size(
                    Pos2::new(tx as f32, ty as f32),
                    Vec2::new(tw as f32, th as f32),
                );
                tiles.push((rect, tex));
            }
        }
        Self {
            image: image.clone(),
            scale,
            tiles,
        }
    }

    /// Whether these tiles may be drawn in place of `image` shown at
    /// `scale`: both have the same full-resolution size, but for the
    /// rounding of a preview's size (one pixel of the coarser of the two).
    fn stands_in_for(&self, image: &RgbaImage, scale: f32) -> bool {
        let slack = 1.0 / self.scale.min(scale);
        (full_size(&self.image, self.scale) - full_size(image, scale))
            .abs()
            .max_elem()
            <= slack
    }
}

/// The full-resolution size of `image` shown at `scale`.
fn full_size(image: &RgbaImage, scale: f32) -> Vec2 {
    Vec2::new(image.width() as f32, image.height() as f32) / scale
}

/// Tiles being made on a background thread.
struct Pending {
    image: Arc<RgbaImage>,
    done: mpsc::Receiver<Tiles>,
}

/// The tiles of one of the canvas's images (the result or the original):
/// those drawn, and those being made for a newer image.
#[derive(Default)]
pub struct TileSlot {
    shown: Option<Tiles>,
    pending: Option<Pending>,
}

impl TileSlot {
    /// The tiles to draw for the image of `request`: its own, or, while a
    /// large one is converted in the background, the last ones of the same
    /// geometry (drawn at their own scale).
    pub fn get(&mut self, ctx: &egui::Context, request: &TileRequest<'_>) -> &Tiles {
        let wanted = request.image;
        if self
            .pending
            .as_ref()
            .is_some_and(|p| !Arc::ptr_eq(&p.image, wanted))
        {
            self.pending = None; // superseded: its result is dropped
        }
        let current = self
            .shown
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(&t.image, wanted));
        if !current && self.pending.is_none() {
            let same_geometry = self
                .shown
                .as_ref()
                .is_some_and(|t| t.stands_in_for(wanted, request.scale));
            let large =
                u64::from(wanted.width()) * u64::from(wanted.height()) >= BACKGROUND_MIN_PIXELS;
            if same_geometry && large {
                self.pending = Some(convert_in_background(ctx, request));
            } else {
                self.shown = None; // made below, at once
            }
        }
        if let Some(pending) = &self.pending {
            match pending.done.try_recv() {
                Ok(tiles) => {
                    self.shown = Some(tiles);
                    self.pending = None;
                }
                Err(mpsc::TryRecvError::Empty) => {}
                // No thread started, or it ended without its tiles: they
                // are made here, at once.
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.pending = None;
                    self.shown = None;
                }
            }
        }
        self.shown
            .get_or_insert_with(|| Tiles::upload(ctx, request))
    }

    /// True while tiles are being made in the background.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
}

/// Starts making the tiles of `request` on a background task
/// ([`platform::spawn_task`]: a thread on the desktop; on the web page, at
/// once), which repaints when they are ready.
fn convert_in_background(ctx: &egui::Context, request: &TileRequest<'_>) -> Pending {
    let (send, done) = mpsc::channel();
    let (ctx, image) = (ctx.clone(), request.image.clone());
    let (name, scale, max_side) = (request.name, request.scale, request.max_side);
    // Not started: `send` is dropped with the task, and the slot makes the
    // tiles itself.
    let _ = platform::spawn_task("tiles", move || {
        let request = TileRequest {
            name,
            image: &image,
            scale,
            max_side,
        };
        // The slot may have gone (a new document): nothing to tell.
        let _ = send.send(Tiles::upload(&ctx, &request));
        ctx.request_repaint();
    });
    Pending {
        image: request.image.clone(),
        done,
    }
}

/// The pixels of `image` in columns `xs` and rows `ys` as egui takes them
/// (premultiplied alpha), converted straight from the image's rows in one
/// pass, with no gathered copy of a tile narrower than the image. Allocating
/// the tile's fresh memory costs about as much as the conversion itself.
fn color_image(image: &RgbaImage, xs: Range<usize>, ys: Range<usize>) -> ColorImage {
    let stride = image.stride();
    let mut pixels = Vec::with_capacity(xs.len() * ys.len());
    for y in ys.clone() {
        let row = &image.pixels()[y * stride + xs.start * 4..y * stride + xs.end * 4];
        pixels.extend(
            row.chunks_exact(4)
                .map(|p| Color32::from_rgba_unmultiplied(p[0], p[1], p[2], p[3])),
        );
    }
    ColorImage::new([xs.len(), ys.len()], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5x3 image whose pixel (x, y) is (x, y, x + y, alpha).
    fn image(alpha: impl Fn(usize, usize) -> u8) -> RgbaImage {
        let mut px = Vec::new();
        for y in 0..3 {
            for x in 0..5 {
                px.extend([x as u8 * 40, y as u8 * 60, (x + y) as u8 * 20, alpha(x, y)]);
            }
        }
        RgbaImage::from_pixels(5, 3, px).unwrap()
    }

    /// What egui's own conversion gives for the same rectangle.
    fn expected(image: &RgbaImage, xs: Range<usize>, ys: Range<usize>) -> ColorImage {
        let mut rgba = Vec::new();
        for y in ys.clone() {
            let start = y * image.stride() + xs.start * 4;
            rgba.extend_from_slice(&image.pixels()[start..start + xs.len() * 4]);
        }
        ColorImage::from_rgba_unmultiplied([xs.len(), ys.len()], &rgba)
    }

    #[test]
    fn tiles_hold_their_rectangle_premultiplied() {
        for img in [image(|_, _| 255), image(|x, y| (x * 50 + y * 7) as u8)] {
            for (xs, ys) in [(0..5, 0..3), (1..4, 1..3), (4..5, 0..1)] {
                let got = color_image(&img, xs.clone(), ys.clone());
                assert_eq!(got, expected(&img, xs, ys));
            }
        }
    }

    fn flat(width: u32, height: u32, value: u8) -> Arc<RgbaImage> {
        let px = vec![value; width as usize * height as usize * 4];
        Arc::new(RgbaImage::from_pixels(width, height, px).unwrap())
    }

    fn request(image: &Arc<RgbaImage>, scale: f32) -> TileRequest<'_> {
        TileRequest {
            name: "test",
            image,
            scale,
            max_side: 2048,
        }
    }

    /// Asks `slot` for `image` until its own tiles come (ten seconds at most).
    fn wait_for(slot: &mut TileSlot, ctx: &egui::Context, image: &Arc<RgbaImage>) {
        let start = std::time::Instant::now();
        while !Arc::ptr_eq(&slot.get(ctx, &request(image, 1.0)).image, image) {
            assert!(
                start.elapsed().as_secs() < 10,
                "the background tiles never came"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(!slot.is_pending());
    }

    /// A large full-resolution result is converted off the calling thread:
    /// meanwhile the preview's tiles are drawn at their own scale; a newer
    /// result supersedes a pending one.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_large_result_is_converted_in_the_background_while_the_preview_shows() {
        let ctx = egui::Context::default();
        let mut slot = TileSlot::default();
        // A preview's size is rounded: 1024 rows at scale 0.5 stand for
        // the full result's 2047.
        let preview = flat(1200, 1024, 10);
        let shown = slot.get(&ctx, &request(&preview, 0.5));
        assert!(
            Arc::ptr_eq(&shown.image, &preview),
            "a small image is made at once"
        );
        assert!(!slot.is_pending());

        let full = flat(2400, 2047, 20);
        let shown = slot.get(&ctx, &request(&full, 1.0));
        assert!(
            Arc::ptr_eq(&shown.image, &preview),
            "the preview stays while the full result converts"
        );
        assert_eq!(shown.scale, 0.5);
        assert!(slot.is_pending());
        let newer = flat(2400, 2047, 30);
        slot.get(&ctx, &request(&newer, 1.0));
        wait_for(&mut slot, &ctx, &newer);
        let shown = slot.get(&ctx, &request(&newer, 1.0));
        assert_eq!(shown.scale, 1.0);
        assert_eq!(
            shown.tiles.len(),
            2,
            "two tiles of at most 2048 pixels a side"
        );
    }

    /// A result of another size (a crop, a resize) cannot be stood in for
    /// by the last tiles: it is made at once.
    #[test]
    fn a_new_geometry_is_converted_at_once() {
        let ctx = egui::Context::default();
        let mut slot = TileSlot::default();
        let preview = flat(1024, 1024, 10);
        slot.get(&ctx, &request(&preview, 0.5));
        let cropped = flat(2048, 2100, 20);
        let shown = slot.get(&ctx, &request(&cropped, 1.0));
        assert!(Arc::ptr_eq(&shown.image, &cropped));
        assert!(!slot.is_pending());
    }
}
