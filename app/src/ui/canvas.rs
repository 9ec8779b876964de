//! The canvas: shows the result with zoom, pan, fit and 100%, a pixel grid
//! at high zoom and a transparency checkerboard; compares it with the
//! original (held `\`, a split view with a draggable divider, or side by
//! side); and reports the pixel under the pointer.
//!
//! Fit never enlarges past 100%, and the view is fitted again when the
//! result's size changes (a crop, rotate or resize) or, while it is
//! fitted, when the canvas changes size (a panel or the window resized).

use std::sync::Arc;

use egui::{Color32, ColorImage, Pos2, Rect, Sense, TextureHandle, TextureOptions, Vec2};
use lumen_kernels::RgbaImage;

use super::tiles::{Draw, TileRequest, TileSlot};

/// Zoom at and above which the pixel grid is drawn (screen px per image px).
pub const PIXEL_GRID_MIN_ZOOM: f32 = 8.0;
const MIN_ZOOM: f32 = 0.01;
const MAX_ZOOM: f32 = 64.0;
/// One `+` or `-` zooms by this factor.
pub const ZOOM_STEP: f32 = 1.25;

/// How the original is compared with the result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompareMode {
    /// The result only (hold `\` for the original).
    #[default]
    Off,
    /// The original left of a draggable divider, the result right of it.
    Split,
    /// The original and the result side by side.
    SideBySide,
}

impl CompareMode {
    /// The next mode (the Compare button and `C` cycle through them).
    pub fn next(self) -> Self {
        match self {
            Self::Off => Self::Split,
            Self::Split => Self::SideBySide,
            Self::SideBySide => Self::Off,
        }
    }

    /// A short name for buttons and the status bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "Compare",
            Self::Split => "Split",
            Self::SideBySide => "Side by side",
        }
    }
}

/// The pixel under the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Column, full-resolution pixels.
    pub x: u32,
    /// Row, full-resolution pixels.
    pub y: u32,
    /// Its straight-alpha RGBA value (from the preview while it shows).
    pub rgba: [u8; 4],
    /// True when it is a pixel of the original.
    pub is_before: bool,
}

/// Zoom, pan and textures of the canvas.
pub struct CanvasState {
    /// Screen points per full-resolution image pixel.
    pub zoom: f32,
    /// Offset of the image centre from the canvas centre, in points.
    pub pan: Vec2,
    /// How the original is compared with the result.
    pub compare: CompareMode,
    /// Where the split view's divider is, as a fraction of the canvas width.
    pub split: f32,
    fit_pending: bool,
    /// True while the view is as Fit left it (no zoom or pan since).
    fitted: bool,
    after: TileSlot,
    before: TileSlot,
    checker: Option<TextureHandle>,
    /// The canvas rectangle of the last frame.
    pub last_rect: Rect,
    /// Where the image was drawn in the last frame, in points (the result;
    /// the original while only it is shown).
    pub last_image_rect: Rect,
    /// Where the original was drawn in the last frame (compare views).
    pub last_before_rect: Rect,
    /// The pixel under the pointer in the last frame.
    pub probe: Option<Probe>,
    /// Full-resolution size of the last result shown (not the original).
    after_size: Option<Vec2>,
    /// The compare mode of the last frame (a new one is fitted afresh).
    last_compare: CompareMode,
    /// True while a tool picks a pixel: a crosshair, and clicks are kept.
    pub picking: bool,
    /// True while an on-canvas tool ([`super::tools`]) takes drags: they
    /// no longer pan (the wheel and pinch still zoom).
    pub tool_active: bool,
    /// Where the image was last clicked, in full-resolution pixels of the
    /// result, until taken.
    clicked: Option<(f32, f32)>,
    /// The pixel under the pointer when its button went down on the
    /// canvas (`Some(None)`: off the image), until released.
    pressed: Option<Option<(f32, f32)>>,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            pan: Vec2::ZERO,
            compare: CompareMode::Off,
            split: 0.5,
            fit_pending: true,
            fitted: true,
            after: TileSlot::default(),
            before: TileSlot::default(),
            checker: None,
            last_rect: Rect::NOTHING,
            last_image_rect: Rect::NOTHING,
            last_before_rect: Rect::NOTHING,
            probe: None,
            after_size: None,
            last_compare: CompareMode::Off,
            picking: false,
            tool_active: false,
            clicked: None,
            pressed: None,
        }
    }
}

/// An image to draw.
pub struct CanvasImage<'a> {
    /// The pixels to show.
    pub image: &'a Arc<RgbaImage>,
    /// Full-resolution pixels per pixel of `image` (proxies are smaller).
    pub scale: f32,
    /// A screen-sized copy of `image`, drawn while it has pixels enough
    /// for the zoom ([`crate::render::level`]).
    pub level: Option<&'a Arc<RgbaImage>>,
    /// True for the original (before).
    pub is_before: bool,
}

impl CanvasImage<'_> {
    /// Its full-resolution size, pixels.
    fn full_size(&self) -> Vec2 {
        Vec2::new(
            self.image.width() as f32 / self.scale,
            self.image.height() as f32 / self.scale,
        )
    }
}

/// What the canvas shows this frame.
pub struct CanvasView<'a> {
    /// The result (or the last one while the next renders).
    pub after: Option<CanvasImage<'a>>,
    /// The original.
    pub before: Option<CanvasImage<'a>>,
    /// True while `\` is held: the original alone.
    pub hold_before: bool,
}

/// The zoom that fits an image of `size` pixels into `rect` with a margin,
/// never above 100% (`max` points per pixel).
fn fit_zoom(rect: Rect, size: Vec2, max: f32) -> f32 {
    let fit = (rect.width() / size.x).min(rect.height() / size.y) * 0.95;
    fit.min(max).clamp(MIN_ZOOM, MAX_ZOOM)
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
        self.fitted = false;
    }

    /// Zooms by `factor` about the canvas centre.
    pub fn zoom_by(&mut self, factor: f32) {
        let new_zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.pan *= new_zoom / self.zoom;
        self.zoom = new_zoom;
        self.fitted = false;
    }

    /// The last click on the result, in its full-resolution pixels, once.
    pub fn take_click(&mut self) -> Option<(f32, f32)> {
        self.clicked.take()
    }

    /// Forgets all textures (a new document).
    pub fn reset(&mut self) {
        self.after = TileSlot::default();
        self.before = TileSlot::default();
        self.after_size = None;
        self.fit_pending = true;
    }

    /// What to draw for the part `view` (full-resolution pixels) of
    /// `shown` at `zoom`, and the scale of the tiles drawn.
    fn draws_for(
        &mut self,
        ctx: &egui::Context,
        shown: &CanvasImage<'_>,
        view: Rect,
        zoom: f32,
    ) -> (Vec<Draw>, f32) {
        let request = TileRequest {
            name: if shown.is_before { "before" } else { "after" },
            image: shown.image,
            scale: shown.scale,
            level: shown.level,
            max_side: ctx.input(|i| i.max_texture_side),
        };
        let slot = if shown.is_before {
            &mut self.before
        } else {
            &mut self.after
        };
        slot.draws(ctx, &request, view, zoom * ctx.pixels_per_point())
    }

    /// True while a large image's textures are made in the background.
    pub fn is_uploading(&self) -> bool {
        self.after.is_pending() || self.before.is_pending()
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

    /// Draws the canvas and handles zoom (wheel, pinch), pan (drag) and
    /// the split view's divider.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: CanvasView<'_>) {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        if (self.fitted && self.last_rect.size() != rect.size())
            || self.last_compare != self.compare
        {
            self.fit_pending = true; // the canvas or its layout changed: fit again
        }
        self.last_compare = self.compare;
        self.last_rect = rect;
        self.probe = None;
        ui.painter()
            .rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
        let Some(after) = view.after else {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Loading…",
                egui::FontId::proportional(18.0),
                ui.visuals().weak_text_color(),
            );
            return;
        };
        let after_full = after.full_size();
        if self.after_size.is_some_and(|s| s != after_full) {
            self.fit_pending = true; // a crop, rotate or resize: fit the new size
        }
        self.after_size = Some(after_full);
        let max_zoom = 1.0 / ui.ctx().pixels_per_point();
        let before = view
            .before
            .filter(|_| view.hold_before || self.compare != CompareMode::Off);
        let Some(before) = before else {
            self.fit(rect, after_full, max_zoom);
            self.navigate(ui, rect, &response);
            self.last_image_rect = self.draw(ui, rect, rect, &after, self.zoom, self.pan);
            self.pick(ui, &response, after_full);
            return;
        };
        let same_size = before.full_size() == after_full;
        if view.hold_before {
            self.hold_before_ui(ui, rect, &response, &before, same_size, max_zoom);
        } else if self.compare == CompareMode::Split && same_size {
            self.split_ui(ui, rect, &response, &before, &after, max_zoom);
        } else {
            self.side_by_side_ui(ui, rect, &response, &before, &after, max_zoom);
        }
        self.pick(ui, &response, after_full);
    }

    /// A tool's pick: a crosshair while picking, and a click on the result
    /// kept in its full-resolution pixels. The pixel is the one under the
    /// pointer when the button went down, so a layout that shifts while
    /// the button is held (a panel growing) cannot move the pick.
    fn pick(&mut self, ui: &egui::Ui, response: &egui::Response, after_full: Vec2) {
        if self.picking && response.hovered() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
        }
        let shown = self.last_image_rect;
        let under = |p: Pos2| {
            if !shown.contains(p) || shown.width() <= 0.0 || shown.height() <= 0.0 {
                return None;
            }
            let at = (p - shown.min) / shown.size() * after_full;
            (at.x < after_full.x && at.y < after_full.y).then_some((at.x, at.y))
        };
        let pointer = response.interact_pointer_pos();
        if response.is_pointer_button_down_on() && self.pressed.is_none() {
            self.pressed = Some(pointer.and_then(under));
        }
        if response.clicked() {
            let pressed = self.pressed.take().flatten();
            self.clicked = pressed.or_else(|| pointer.and_then(under));
        } else if !response.is_pointer_button_down_on() {
            self.pressed = None;
        }
    }

    fn fit(&mut self, rect: Rect, size: Vec2, max_zoom: f32) {
        if self.fit_pending && rect.width() > 1.0 {
            self.zoom = fit_zoom(rect, size, max_zoom);
            self.pan = Vec2::ZERO;
            self.fit_pending = false;
            self.fitted = true;
        }
    }

    /// `\` held: the original alone, at the result's view when the sizes
    /// match (to compare a detail), else fitted in its own geometry.
    fn hold_before_ui(
        &mut self,
        ui: &egui::Ui,
        rect: Rect,
        response: &egui::Response,
        before: &CanvasImage<'_>,
        same_size: bool,
        max_zoom: f32,
    ) {
        let shown = if same_size {
            self.fit(rect, before.full_size(), max_zoom);
            self.navigate(ui, rect, response);
            self.draw(ui, rect, rect, before, self.zoom, self.pan)
        } else {
            let zoom = fit_zoom(rect, before.full_size(), max_zoom);
            self.draw(ui, rect, rect, before, zoom, Vec2::ZERO)
        };
        self.last_image_rect = shown;
        self.last_before_rect = shown;
    }

    /// The split view: one geometry, the original left of the divider.
    fn split_ui(
        &mut self,
        ui: &egui::Ui,
        rect: Rect,
        response: &egui::Response,
        before: &CanvasImage<'_>,
        after: &CanvasImage<'_>,
        max_zoom: f32,
    ) {
        self.fit(rect, after.full_size(), max_zoom);
        let x = rect.left() + rect.width() * self.split;
        let handle = Rect::from_x_y_ranges(x - 6.0..=x + 6.0, rect.y_range());
        let divider = ui
            .interact(handle, egui::Id::unique("split-divider"), Sense::drag())
            .on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
        if divider.dragged()
            && let Some(p) = divider.interact_pointer_pos()
        {
            self.split = ((p.x - rect.left()) / rect.width()).clamp(0.0, 1.0);
        } else {
            self.navigate(ui, rect, response);
        }
        let x = rect.left() + rect.width() * self.split;
        let (left, right) = (
            Rect::from_min_max(rect.min, Pos2::new(x, rect.bottom())),
            Rect::from_min_max(Pos2::new(x, rect.top()), rect.max),
        );
        let (zoom, pan) = (self.zoom, self.pan);
        self.last_before_rect = self.draw(ui, rect, left, before, zoom, pan);
        self.last_image_rect = self.draw(ui, rect, right, after, zoom, pan);
        let stroke = egui::Stroke::new(2.0, Color32::WHITE);
        ui.painter().vline(x, rect.y_range(), stroke);
        ui.painter()
            .circle_filled(Pos2::new(x, rect.center().y), 7.0, Color32::WHITE);
        label(ui, left, "Before", egui::Align2::LEFT_TOP);
        label(ui, right, "After", egui::Align2::RIGHT_TOP);
    }

    /// Side by side: the original in the left half, the result in the
    /// right; one zoom and pan for both when the sizes match.
    fn side_by_side_ui(
        &mut self,
        ui: &egui::Ui,
        rect: Rect,
        response: &egui::Response,
        before: &CanvasImage<'_>,
        after: &CanvasImage<'_>,
        max_zoom: f32,
    ) {
        let mid = rect.center().x;
        let left = Rect::from_min_max(rect.min, Pos2::new(mid - 2.0, rect.bottom()));
        let right = Rect::from_min_max(Pos2::new(mid + 2.0, rect.top()), rect.max);
        self.fit(right, after.full_size(), max_zoom);
        let hover = response.hover_pos();
        let nav_rect = if hover.is_some_and(|p| left.contains(p)) {
            left
        } else {
            right
        };
        self.navigate(ui, nav_rect, response);
        let (zoom, pan) = (self.zoom, self.pan);
        self.last_before_rect = if before.full_size() == after.full_size() {
            self.draw(ui, left, left, before, zoom, pan)
        } else {
            let own = fit_zoom(left, before.full_size(), max_zoom);
            self.draw(ui, left, left, before, own, Vec2::ZERO)
        };
        self.last_image_rect = self.draw(ui, right, right, after, zoom, pan);
        label(ui, left, "Before", egui::Align2::LEFT_TOP);
        label(ui, right, "After", egui::Align2::LEFT_TOP);
    }

    /// Zoom (wheel, pinch) and pan (drag) over `rect`; double-click fits.
    fn navigate(&mut self, ui: &egui::Ui, rect: Rect, response: &egui::Response) {
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
                self.fitted = false;
            }
        }
        if response.dragged() && !self.tool_active {
            self.pan += response.drag_delta();
            self.fitted = false;
        }
        if response.double_clicked() {
            self.fit_pending = true;
        }
    }

    /// Draws `shown` centred in `frame` (offset by `pan`) at `zoom`,
    /// clipped to `clip`; returns where the whole image lies.
    fn draw(
        &mut self,
        ui: &egui::Ui,
        frame: Rect,
        clip: Rect,
        shown: &CanvasImage<'_>,
        zoom: f32,
        pan: Vec2,
    ) -> Rect {
        let img_rect = Rect::from_center_size(frame.center() + pan, shown.full_size() * zoom);
        let painter = ui.painter_at(clip);
        // Checkerboard in screen space (8-point squares) behind the image.
        let visible = img_rect.intersect(clip);
        if visible.is_positive() {
            let checker = self.checker(ui.ctx());
            let uv = Rect::from_min_max(
                (visible.min - frame.min).to_pos2() / 16.0,
                (visible.max - frame.min).to_pos2() / 16.0,
            );
            painter.image(checker, visible, uv, Color32::WHITE);
        }
        // The visible part in full-resolution pixels; the tiles may be the
        // preview's while the full result's are made, or its level.
        let view = Rect::from_min_max(
            ((visible.min - img_rect.min) / zoom).to_pos2(),
            ((visible.max - img_rect.min) / zoom).to_pos2(),
        );
        let (draws, scale) = self.draws_for(ui.ctx(), shown, view, zoom);
        for draw in draws {
            let screen = Rect::from_min_max(
                img_rect.min + draw.rect.min.to_vec2() * zoom,
                img_rect.min + draw.rect.max.to_vec2() * zoom,
            );
            painter.image(draw.texture, screen, draw.uv, Color32::WHITE);
        }
        if zoom >= PIXEL_GRID_MIN_ZOOM && scale == 1.0 && visible.is_positive() {
            pixel_grid(&painter, img_rect, visible, zoom);
        }
        if let Some(p) = ui
            .ctx()
            .pointer_hover_pos()
            .filter(|p| visible.contains(*p))
        {
            self.probe = probe(shown, img_rect, zoom, p).or(self.probe);
        }
        img_rect
    }
}

/// The pixel of `shown` (drawn at `img_rect`, `zoom`) under `pointer`.
fn probe(shown: &CanvasImage<'_>, img_rect: Rect, zoom: f32, pointer: Pos2) -> Option<Probe> {
    let at = (pointer - img_rect.min) / zoom;
    let full = shown.full_size();
    if at.x < 0.0 || at.y < 0.0 || at.x >= full.x || at.y >= full.y {
        return None;
    }
    let (x, y) = (at.x as u32, at.y as u32);
    let img = shown.image;
    let px = ((at.x / shown.scale) as u32).min(img.width().saturating_sub(1)) as usize;
    let py = ((at.y / shown.scale) as u32).min(img.height().saturating_sub(1)) as usize;
    let i = py * img.stride() + px * 4;
    let rgba: [u8; 4] = img.pixels().get(i..i + 4)?.try_into().ok()?;
    Some(Probe {
        x,
        y,
        rgba,
        is_before: shown.is_before,
    })
}

/// A small caption in a corner of `rect`.
fn label(ui: &egui::Ui, rect: Rect, text: &str, align: egui::Align2) {
    let pos = align.pos_in_rect(&rect.shrink(8.0));
    let painter = ui.painter_at(rect);
    let galley = painter.layout_no_wrap(
        text.to_owned(),
        egui::FontId::proportional(13.0),
        Color32::WHITE,
    );
    let text_rect = align.anchor_size(pos, galley.size());
    painter.rect_filled(text_rect.expand(3.0), 3.0, Color32::from_black_alpha(150));
    painter.galley(text_rect.min, galley, Color32::WHITE);
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
