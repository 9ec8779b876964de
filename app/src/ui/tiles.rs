//! GPU textures of an image, as tiles no larger than the GPU's maximum
//! texture side (a 48 MP photo does not fit one texture).

use std::ops::Range;
use std::sync::Arc;

use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
use lumen_kernels::RgbaImage;

/// The GPU textures of one image, as tiles no larger than the texture limit.
pub struct Tiles {
    /// The image uploaded.
    pub image: Arc<RgbaImage>,
    /// Each tile's rectangle in image pixels and its texture.
    pub tiles: Vec<(Rect, TextureHandle)>,
}

impl Tiles {
    /// Uploads `image` as textures named after `name`.
    pub fn upload(ctx: &egui::Context, name: &str, image: Arc<RgbaImage>, max_side: usize) -> Self {
        let side = max_side.clamp(256, 8192);
        let (w, h) = (image.width() as usize, image.height() as usize);
        let mut tiles = Vec::new();
        for ty in (0..h).step_by(side) {
            for tx in (0..w).step_by(side) {
                let tw = side.min(w - tx);
                let th = side.min(h - ty);
                let color = color_image(&image, tx..tx + tw, ty..ty + th);
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
        Self { image, tiles }
    }
}

/// The pixels of `image` in columns `xs` and rows `ys` as egui takes them
/// (premultiplied alpha), converted straight from the image's rows in one
/// pass, with no gathered copy of a tile narrower than the image. This
/// runs on the UI thread for every full-resolution result; allocating the
/// tile's fresh memory costs about as much as the conversion itself.
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
}
