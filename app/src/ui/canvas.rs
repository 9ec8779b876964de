//! The canvas: shows an image with zoom, pan, fit and 100%, a pixel grid at
//! high zoom, a transparency checkerboard, and tiling for images larger than
//! the GPU's maximum texture side.

use std::sync::Arc;

use egui::{Color32, ColorImage, Pos2, Rect, Sense, TextureHandle, TextureOptions, Vec2};
use lumen_kernels::RgbaImage;

/// Zoom at and above which the pixel grid is drawn (screen px per image px).
pub const PIXEL_GRID_MIN_ZOOM: f32 = 8.0;
const MIN_ZOOM: f32 = 0.01;
const MAX_ZOOM: f32 = 64.0;

/// The GPU textures of one image, as tiles no larger than the texture limit.
struct Tiles {
    image: Arc<RgbaImage>,
    /// Each tile's rectangle in image pixels and its texture.
    tiles: Vec<(Rect, TextureHandle)>,
}

impl Tiles {
    fn upload(ctx: &egui::Context, name: &str, image: Arc<RgbaImage>, max_side: usize) -> Self {
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

/// Zoom, pan and textures of the canvas.
pub struct CanvasState {
    /// Screen points per full-resolution image pixel.
    pub zoom: f32,
    /// Offset of the image centre from the canvas centre, in points.
    pub pan: Vec2,
    fit_pending: bool,
    after: Option<Tiles>,
    before: Option<Tiles>,
    checker: Option<TextureHandle>,
    /// The canvas rectangle of the last frame.
    pub last_rect: Rect,
    /// Where the image was drawn in the last frame, in points.
    pub last_image_rect: Rect,
    /// Full-resolution size of the last result shown (not the original).
    after_size: Option<Vec2>,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            pan: Vec2::ZERO,
            fit_pending: true,
            after: None,
            before: None,
            checker: None,
            last_rect: Rect::NOTHING,
            last_image_rect: Rect::NOTHING,
            after_size: None,
        }
    }
}

/// What to draw this frame.
pub struct CanvasImage<'a> {
    /// The pixels to show.
    pub image: &'a Arc<RgbaImage>,
    /// Full-resolution pixels per pixel of `image` (proxies are smaller).
    pub scale: f32,
    /// True to show the original (before) instead of the result.
    pub is_before: bool,
}

impl CanvasState {
    /// Fits the image to the canvas on the next frame.
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// Shows the image at 100% (one image pixel per screen pixel).
    pub fn actual_size(&mut self, pixels_per_point: f32) {
        self.zoom = 1.0 / pixels_per_point;
        self.pan = Vec2::ZERO;
    }

    /// Forgets all textures (a new document).
    pub fn reset(&mut self) {
        self.after = None;
        self.before = None;
        self.after_size = None;
        self.fit_pending = true;
    }

    fn tiles_for(&mut self, ctx: &egui::Context, img: &Arc<RgbaImage>, before: bool) -> &Tiles {
        let max_side = ctx.input(|i| i.max_texture_side);
        let slot = if before {
            &mut self.before
        } else {
            &mut self.after
        };
        let name = if before { "before" } else { "after" };
        if slot.as_ref().is_none_or(|t| !Arc::ptr_eq(&t.image, img)) {
            *slot = None;
        }
        slot.get_or_insert_with(|| Tiles::upload(ctx, name, img.clone(), max_side))
    }

    fn checker(&mut self, ctx: &egui::Context) -> egui::TextureId {
        self.checker
            .get_or_insert_with(|| {
                let (a, b) = (Color32::from_gray(200), Color32::from_gray(150));
                let img = ColorImage::new([2, 2], vec![a, b, b, a]);
                let options = TextureOptions {
                    magnification: egui::TextureFilter::Nearest,
                    minification: egui::TextureFilter::Nearest,
                    wrap_mode: egui::TextureWrapMode::Repeat,
                    mipmap_mode: None,
                };
                ctx.load_texture("checker", img, options)
            })
            .id()
    }

    /// Draws the canvas and handles zoom (wheel, pinch) and pan (drag).
    pub fn ui(&mut self, ui: &mut egui::Ui, shown: Option<CanvasImage<'_>>) {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        self.last_rect = rect;
        ui.painter()
            .rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
        let Some(shown) = shown else {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Loading…",
                egui::FontId::proportional(18.0),
                ui.visuals().weak_text_color(),
            );
            return;
        };
        let full_size = Vec2::new(
            shown.image.width() as f32 / shown.scale,
            shown.image.height() as f32 / shown.scale,
        );
        // The original of a recipe that changes the size (crop, rotate,
        // resize) is shown fitted in its own geometry, not at the
        // result's zoom; the result's view is kept for when it returns.
        if !shown.is_before {
            self.after_size = Some(full_size);
        }
        let own_view = shown.is_before && self.after_size.is_some_and(|s| s != full_size);
        if self.fit_pending && rect.width() > 1.0 && !own_view {
            self.zoom = fit_zoom(rect, full_size);
            self.pan = Vec2::ZERO;
            self.fit_pending = false;
        }
        if own_view {
            let zoom = fit_zoom(rect, full_size);
            self.draw(ui, rect, &shown, full_size, zoom, Vec2::ZERO);
            return;
        }
        self.navigate(ui, rect, &response);
        let (zoom, pan) = (self.zoom, self.pan);
        self.draw(ui, rect, &shown, full_size, zoom, pan);
    }

    /// Zoom (wheel, pinch) and pan (drag); double-click fits.
    fn navigate(&mut self, ui: &egui::Ui, rect: Rect, response: &egui::Response) {
        // Zoom about the pointer: pinch or ctrl+wheel (zoom_delta), or wheel.
        if response.hovered() {
            let (zoom_delta, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta.y));
            let factor = if zoom_delta != 1.0 {
                zoom_delta
            } else {
                (scroll / 200.0).exp()
            };
            if factor != 1.0 {
                let new_zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
                if let Some(p) = response.hover_pos() {
                    let centre = rect.center() + self.pan;
                    self.pan += (p - centre) * (1.0 - new_zoom / self.zoom);
                }
                self.zoom = new_zoom;
            }
        }
        if response.dragged() {
            self.pan += response.drag_delta();
        }
        if response.double_clicked() {
            self.fit_pending = true;
        }
    }

    /// Draws `shown` (of `full_size` full-resolution pixels) at `zoom`
    /// screen points per pixel, its centre `pan` from the canvas centre.
    fn draw(
        &mut self,
        ui: &egui::Ui,
        rect: Rect,
        shown: &CanvasImage<'_>,
        full_size: Vec2,
        zoom: f32,
        pan: Vec2,
    ) {
        let img_size = full_size * zoom;
        let img_rect = Rect::from_center_size(rect.center() + pan, img_size);
        self.last_image_rect = img_rect;
        let painter = ui.painter_at(rect);

        // Checkerboard in screen space (8-point squares) behind the image.
        let visible = img_rect.intersect(rect);
        if visible.is_positive() {
            let checker = self.checker(ui.ctx());
            let uv = Rect::from_min_max(
                (visible.min - rect.min).to_pos2() / 16.0,
                (visible.max - rect.min).to_pos2() / 16.0,
            );
            painter.image(checker, visible, uv, Color32::WHITE);
        }

        let scale = shown.scale;
        let tiles = self.tiles_for(ui.ctx(), shown.image, shown.is_before);
        for (tile_rect, tex) in &tiles.tiles {
            let screen = Rect::from_min_max(
                img_rect.min + tile_rect.min.to_vec2() / scale * zoom,
                img_rect.min + tile_rect.max.to_vec2() / scale * zoom,
            );
            if screen.intersects(rect) {
                let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
                painter.image(tex.id(), screen, uv, Color32::WHITE);
            }
        }

        if zoom >= PIXEL_GRID_MIN_ZOOM && scale == 1.0 {
            pixel_grid(&painter, img_rect, visible, zoom);
        }
    }
}

/// The zoom that fits an image of `size` pixels into `rect` with a margin.
fn fit_zoom(rect: Rect, size: Vec2) -> f32 {
    let fit = (rect.width() / size.x).min(rect.height() / size.y) * 0.95;
    fit.clamp(MIN_ZOOM, MAX_ZOOM)
}

fn pixel_grid(painter: &egui::Painter, img_rect: Rect, visible: Rect, zoom: f32) {
    let stroke = egui::Stroke::new(1.0, Color32::from_black_alpha(60));
    let first_x = ((visible.min.x - img_rect.min.x) / zoom).floor();
    let last_x = ((visible.max.x - img_rect.min.x) / zoom).ceil();
    for i in first_x as i64..=last_x as i64 {
        let x = img_rect.min.x + i as f32 * zoom;
        painter.vline(x, visible.y_range(), stroke);
    }
    let first_y = ((visible.min.y - img_rect.min.y) / zoom).floor();
    let last_y = ((visible.max.y - img_rect.min.y) / zoom).ceil();
    for i in first_y as i64..=last_y as i64 {
        let y = img_rect.min.y + i as f32 * zoom;
        painter.hline(visible.x_range(), y, stroke);
    }
}
