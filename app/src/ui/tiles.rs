//! GPU textures of an image, as tiles no larger than the GPU's maximum
//! texture side (a 48 MP photo does not fit one texture).

use std::sync::Arc;

use egui::{ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
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
        let stride = image.stride();
        for ty in (0..h).step_by(side) {
            for tx in (0..w).step_by(side) {
                let tw = side.min(w - tx);
                let th = side.min(h - ty);
                let color = if tw == w {
                    // Full-width tiles are contiguous rows: no gathering copy.
                    let rows = &image.pixels()[ty * stride..(ty + th) * stride];
                    ColorImage::from_rgba_unmultiplied([tw, th], rows)
                } else {
                    let mut rgba = Vec::with_capacity(tw * th * 4);
                    for y in ty..ty + th {
                        let start = y * stride + tx * 4;
                        rgba.extend_from_slice(&image.pixels()[start..start + tw * 4]);
                    }
                    ColorImage::from_rgba_unmultiplied([tw, th], &rgba)
                };
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
