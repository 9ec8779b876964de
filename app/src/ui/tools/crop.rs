//! The crop tool: the step's input is shown whole with the crop rectangle
//! over it, eight handles (corners and edges) to drag, the inside to move
//! it, the area cut away dimmed and rule-of-thirds lines inside. A bar
//! above the image locks an aspect (the presets of the step's editor) and
//! has Apply and Cancel (for touch); Enter and Escape do the same (the app
//! reads the keys, [`crate::app`]).

use egui::{Color32, Id, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};
use lumen_kernels::spec::CropParams;

use crate::ui::params::CROP_ASPECTS;

/// The label of the tool bar's button that applies the crop.
pub const APPLY_LABEL: &str = "Apply crop";
/// The label of the tool bar's button that cancels the tool.
pub const CANCEL_LABEL: &str = "Cancel crop";
/// The label of the tool bar's button that unlocks the aspect.
pub const FREE_LABEL: &str = "Free";

/// What the tool bar asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolAction {
    /// Nothing.
    None,
    /// Write the rectangle into the step.
    Apply,
    /// Leave the step as it was.
    Cancel,
}

/// The smallest side of a crop, as a fraction of the input's.
pub const MIN_SIDE: f32 = 0.01;

/// Side of a handle's square, in points (touch friendly).
const HANDLE_PT: f32 = 14.0;

/// What a drag moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handle {
    /// The whole rectangle.
    Move,
    /// Top edge.
    Top,
    /// Bottom edge.
    Bottom,
    /// Left edge.
    Left,
    /// Right edge.
    Right,
    /// Top-left corner.
    TopLeft,
    /// Top-right corner.
    TopRight,
    /// Bottom-left corner.
    BottomLeft,
    /// Bottom-right corner.
    BottomRight,
}

impl Handle {
    /// The eight handles (corners, then edges).
    pub const EIGHT: [Self; 8] = [
        Self::TopLeft,
        Self::TopRight,
        Self::BottomLeft,
        Self::BottomRight,
        Self::Top,
        Self::Bottom,
        Self::Left,
        Self::Right,
    ];

    /// Which edges it moves: (left, top, right, bottom).
    fn edges(self) -> (bool, bool, bool, bool) {
        match self {
            Self::Move => (true, true, true, true),
            Self::Top => (false, true, false, false),
            Self::Bottom => (false, false, false, true),
            Self::Left => (true, false, false, false),
            Self::Right => (false, false, true, false),
            Self::TopLeft => (true, true, false, false),
            Self::TopRight => (false, true, true, false),
            Self::BottomLeft => (true, false, false, true),
            Self::BottomRight => (false, false, true, true),
        }
    }

    /// Where it sits on `r` (a rectangle on screen).
    pub fn position(self, r: Rect) -> Pos2 {
        let (cx, cy) = (r.center().x, r.center().y);
        match self {
            Self::Move => r.center(),
            Self::Top => Pos2::new(cx, r.top()),
            Self::Bottom => Pos2::new(cx, r.bottom()),
            Self::Left => Pos2::new(r.left(), cy),
            Self::Right => Pos2::new(r.right(), cy),
            Self::TopLeft => r.left_top(),
            Self::TopRight => r.right_top(),
            Self::BottomLeft => r.left_bottom(),
            Self::BottomRight => r.right_bottom(),
        }
    }
}

/// `rect` (`[left, top, width, height]`, fractions of the input) after
/// dragging `handle` by `delta` (fractions of the input's width and
/// height): moved edges stay inside the image and at least [`MIN_SIDE`]
/// apart; a move keeps the size and stays inside.
pub fn drag_rect(rect: [f32; 4], handle: Handle, delta: Vec2) -> [f32; 4] {
    let [x, y, w, h] = rect;
    let (mut l, mut t, mut r, mut b) = (x, y, x + w, y + h);
    if handle == Handle::Move {
        let dx = delta.x.clamp(-l, 1.0 - r);
        let dy = delta.y.clamp(-t, 1.0 - b);
        return [l + dx, t + dy, w, h];
    }
    let (ml, mt, mr, mb) = handle.edges();
    if ml {
        l = (l + delta.x).clamp(0.0, (r - MIN_SIDE).max(0.0));
    }
    if mr {
        r = (r + delta.x).clamp((l + MIN_SIDE).min(1.0), 1.0);
    }
    if mt {
        t = (t + delta.y).clamp(0.0, (b - MIN_SIDE).max(0.0));
    }
    if mb {
        b = (b + delta.y).clamp((t + MIN_SIDE).min(1.0), 1.0);
    }
    [l, t, r - l, b - t]
}

/// `rect` made `aspect` wide (width / height in fractions of the input)
/// after a drag of `handle`: a corner keeps the opposite corner and
/// shrinks the side that is too long; an edge keeps its length and sets
/// the other side about the rectangle's centre (moved inside if needed;
/// shortened at the opposite edge if even the whole image is too small).
pub fn fit_aspect(rect: [f32; 4], handle: Handle, aspect: f32) -> [f32; 4] {
    if aspect <= 0.0 || !aspect.is_finite() || handle == Handle::Move {
        return rect;
    }
    let [x, y, w, h] = rect;
    let (r, b) = (x + w, y + h);
    match handle {
        Handle::Left | Handle::Right => {
            let (mut w, mut h) = (w, w / aspect);
            if h > 1.0 {
                h = 1.0;
                w = aspect;
            }
            let x = if handle == Handle::Left { r - w } else { x };
            let top = (y + rect[3] / 2.0 - h / 2.0).clamp(0.0, 1.0 - h);
            [x, top, w, h]
        }
        Handle::Top | Handle::Bottom => {
            let (mut w, mut h) = (h * aspect, h);
            if w > 1.0 {
                w = 1.0;
                h = 1.0 / aspect;
            }
            let y = if handle == Handle::Top { b - h } else { y };
            let left = (x + rect[2] / 2.0 - w / 2.0).clamp(0.0, 1.0 - w);
            [left, y, w, h]
        }
        _ => {
            let (w, h) = if w / h > aspect {
                (h * aspect, h)
            } else {
                (w, w / aspect)
            };
            let (ml, mt, _, _) = handle.edges();
            let x = if ml { r - w } else { x };
            let y = if mt { b - h } else { y };
            [x, y, w, h]
        }
    }
}

/// A drag in progress: what it moves, the rectangle when it began and
/// where the pointer was pressed.
#[derive(Clone, Copy, Debug)]
struct Drag {
    handle: Handle,
    start: [f32; 4],
    origin: Pos2,
}

/// The crop tool of one step.
#[derive(Clone, Debug)]
pub struct CropTool {
    /// The crop step's index in the recipe.
    pub step: usize,
    /// `[left, top, width, height]`, fractions of the step's input.
    pub rect: [f32; 4],
    /// The locked aspect, width / height in pixels; `None`: free.
    pub aspect: Option<f32>,
    /// The step's input size, pixels.
    size: (u32, u32),
    drag: Option<Drag>,
}

impl CropTool {
    /// The tool for step `step`, starting from `params` on a `size` input.
    pub fn new(step: usize, params: &CropParams, size: (u32, u32)) -> Self {
        let (w, h) = (size.0.max(1) as f32, size.1.max(1) as f32);
        let (x, y, cw, ch) = params.pixels(size.0, size.1);
        let (x, y) = (x.min(size.0), y.min(size.1));
        // A pixel width or height of 0 means: to the edge.
        let cw = if cw == 0 {
            size.0 - x
        } else {
            cw.min(size.0 - x)
        };
        let ch = if ch == 0 {
            size.1 - y
        } else {
            ch.min(size.1 - y)
        };
        let rect = [x as f32 / w, y as f32 / h, cw as f32 / w, ch as f32 / h];
        let rect = rect.map(|v| v.clamp(0.0, 1.0));
        Self {
            step,
            rect,
            aspect: None,
            size,
            drag: None,
        }
    }

    /// The locked aspect in fractions of the input (width / height).
    fn aspect_frac(&self) -> Option<f32> {
        let (w, h) = (self.size.0.max(1) as f32, self.size.1.max(1) as f32);
        self.aspect.map(|a| a * h / w)
    }

    /// Locks the aspect (width / height in pixels; 0 or less: the input's
    /// own) or frees it (`None`). A locked aspect reshapes the rectangle to
    /// the largest of that shape inside it, about its centre.
    pub fn set_aspect(&mut self, aspect: Option<f32>) {
        let (w, h) = (self.size.0.max(1) as f32, self.size.1.max(1) as f32);
        self.aspect = aspect.map(|a| if a > 0.0 { a } else { w / h });
        let Some(af) = self.aspect_frac() else {
            return;
        };
        let [x, y, cw, ch] = self.rect;
        let (nw, nh) = if cw / ch > af {
            (ch * af, ch)
        } else {
            (cw, cw / af)
        };
        self.rect = [x + (cw - nw) / 2.0, y + (ch - nh) / 2.0, nw, nh];
    }

    /// The parameters the step gets on commit.
    pub fn params(&self) -> CropParams {
        CropParams::fractions(self.rect)
    }

    /// Where the rectangle lies on screen when the input is drawn in
    /// `image`.
    pub fn screen_rect(&self, image: Rect) -> Rect {
        let [x, y, w, h] = self.rect;
        Rect::from_min_size(
            image.min + Vec2::new(x, y) * image.size(),
            Vec2::new(w, h) * image.size(),
        )
    }

    /// Draws the rectangle over the input drawn in `image`, takes drags of
    /// its handles and inside, and draws the tool bar above the image.
    pub fn ui(&mut self, ui: &egui::Ui, image: Rect) -> ToolAction {
        if image.width() <= 0.0 || image.height() <= 0.0 {
            return ToolAction::None;
        }
        let shown = self.screen_rect(image);
        let inside = ui.interact(shown, Id::unique("lumen-crop-move"), Sense::drag());
        self.follow(&inside, Handle::Move, image);
        for handle in Handle::EIGHT {
            let at = Rect::from_center_size(handle.position(shown), Vec2::splat(HANDLE_PT));
            let id = Id::unique(("lumen-crop-handle", handle as u8));
            let response = ui.interact(at, id, Sense::drag());
            self.follow(&response, handle, image);
        }
        self.paint(ui, image);
        self.tool_bar(ui, image)
    }

    /// The aspect presets, Apply and Cancel, above the image's top.
    fn tool_bar(&mut self, ui: &egui::Ui, image: Rect) -> ToolAction {
        let mut action = ToolAction::None;
        let at = Pos2::new(image.min.x, (image.min.y - 30.0).max(ui.clip_rect().min.y));
        egui::Area::new(Id::unique("lumen-crop-tool-bar"))
            .fixed_pos(at)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        if ui
                            .selectable_label(self.aspect.is_none(), FREE_LABEL)
                            .clicked()
                        {
                            self.set_aspect(None);
                        }
                        for (label, aspect) in CROP_ASPECTS {
                            if ui.small_button(label).clicked() {
                                self.set_aspect(Some(aspect));
                            }
                        }
                        ui.separator();
                        if ui.button(APPLY_LABEL).clicked() {
                            action = ToolAction::Apply;
                        }
                        if ui.button(CANCEL_LABEL).clicked() {
                            action = ToolAction::Cancel;
                        }
                    });
                });
            });
        action
    }

    /// Applies a drag of `handle` reported by `response`.
    fn follow(&mut self, response: &egui::Response, handle: Handle, image: Rect) {
        if response.drag_started()
            && let Some(origin) = response.interact_pointer_pos()
        {
            self.drag = Some(Drag {
                handle,
                start: self.rect,
                origin,
            });
        }
        if let Some(drag) = self.drag
            && drag.handle == handle
        {
            if response.dragged()
                && let Some(p) = response.interact_pointer_pos()
            {
                let delta = (p - drag.origin) / image.size();
                let free = drag_rect(drag.start, handle, delta);
                self.rect = match self.aspect_frac() {
                    Some(af) => fit_aspect(free, handle, af),
                    None => free,
                };
            }
            if response.drag_stopped() {
                self.drag = None;
            }
        }
    }

    /// The dimmed surround, the outline, thirds and handles.
    fn paint(&self, ui: &egui::Ui, image: Rect) {
        let painter = ui.painter();
        let r = self.screen_rect(image);
        let dim = Color32::from_black_alpha(150);
        for band in [
            Rect::from_min_max(image.min, Pos2::new(image.max.x, r.min.y)),
            Rect::from_min_max(Pos2::new(image.min.x, r.max.y), image.max),
            Rect::from_min_max(Pos2::new(image.min.x, r.min.y), Pos2::new(r.min.x, r.max.y)),
            Rect::from_min_max(Pos2::new(r.max.x, r.min.y), Pos2::new(image.max.x, r.max.y)),
        ] {
            if band.is_positive() {
                painter.rect_filled(band, 0.0, dim);
            }
        }
        let thirds = Stroke::new(1.0, Color32::from_white_alpha(110));
        for i in 1..3 {
            let f = i as f32 / 3.0;
            let x = r.min.x + r.width() * f;
            let y = r.min.y + r.height() * f;
            painter.line_segment([Pos2::new(x, r.min.y), Pos2::new(x, r.max.y)], thirds);
            painter.line_segment([Pos2::new(r.min.x, y), Pos2::new(r.max.x, y)], thirds);
        }
        painter.rect_stroke(r, 0.0, Stroke::new(1.5, Color32::WHITE), StrokeKind::Middle);
        for handle in Handle::EIGHT {
            let at = Rect::from_center_size(handle.position(r), Vec2::splat(HANDLE_PT * 0.6));
            painter.rect_filled(at, 1.0, Color32::WHITE);
            painter.rect_stroke(
                at,
                1.0,
                Stroke::new(1.0, Color32::BLACK),
                StrokeKind::Outside,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHOLE: [f32; 4] = [0.0, 0.0, 1.0, 1.0];

    fn close(a: [f32; 4], b: [f32; 4]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn a_corner_moves_its_two_edges_only() {
        let r = drag_rect(WHOLE, Handle::BottomRight, Vec2::new(-0.25, -0.5));
        assert!(close(r, [0.0, 0.0, 0.75, 0.5]), "{r:?}");
        let r = drag_rect(WHOLE, Handle::TopLeft, Vec2::new(0.1, 0.2));
        assert!(close(r, [0.1, 0.2, 0.9, 0.8]), "{r:?}");
        let r = drag_rect(WHOLE, Handle::Top, Vec2::new(0.3, 0.2));
        assert!(
            close(r, [0.0, 0.2, 1.0, 0.8]),
            "an edge ignores the other axis: {r:?}"
        );
    }

    #[test]
    fn edges_stay_inside_and_apart_and_a_move_keeps_the_size() {
        let r = drag_rect(WHOLE, Handle::Left, Vec2::new(-0.5, 0.0));
        assert!(close(r, WHOLE), "{r:?}");
        let r = drag_rect(WHOLE, Handle::Right, Vec2::new(-2.0, 0.0));
        assert!(close(r, [0.0, 0.0, MIN_SIDE, 1.0]), "{r:?}");
        let r = drag_rect([0.2, 0.2, 0.5, 0.5], Handle::Move, Vec2::new(0.6, -0.9));
        assert!(close(r, [0.5, 0.0, 0.5, 0.5]), "{r:?}");
    }

    #[test]
    fn a_locked_aspect_holds_through_corner_and_edge_drags() {
        for handle in Handle::EIGHT {
            for delta in [
                Vec2::new(-0.3, -0.1),
                Vec2::new(0.2, 0.4),
                Vec2::new(-0.9, 0.9),
            ] {
                let free = drag_rect([0.1, 0.2, 0.6, 0.5], handle, delta);
                let r = fit_aspect(free, handle, 1.5);
                assert!(
                    (r[2] / r[3] - 1.5).abs() < 1e-4,
                    "{handle:?} {delta:?}: {r:?}"
                );
                assert!(r[0] >= -1e-6 && r[1] >= -1e-6, "{handle:?}: {r:?}");
                assert!(
                    r[0] + r[2] <= 1.0 + 1e-5 && r[1] + r[3] <= 1.0 + 1e-5,
                    "{r:?}"
                );
            }
        }
        // A corner keeps the opposite corner.
        let r = fit_aspect([0.0, 0.0, 0.8, 0.4], Handle::TopLeft, 1.0);
        assert!(close(r, [0.4, 0.0, 0.4, 0.4]), "{r:?}");
        let mut tool = CropTool::new(0, &CropParams::default(), (200, 100));
        tool.set_aspect(Some(1.0));
        assert!(close(tool.rect, [0.25, 0.0, 0.5, 1.0]), "{:?}", tool.rect);
        assert_eq!(tool.params().pixels(200, 100), (50, 0, 100, 100));
    }

    #[test]
    fn the_tool_starts_from_the_steps_rectangle_and_commits_fractions() {
        let p = CropParams {
            x: 10,
            y: 20,
            width: 50,
            height: 40,
            ..CropParams::default()
        };
        let tool = CropTool::new(2, &p, (100, 80));
        assert!(close(tool.rect, [0.1, 0.25, 0.5, 0.5]), "{:?}", tool.rect);
        assert_eq!(tool.params().pixels(100, 80), (10, 20, 50, 40));
        let whole = CropTool::new(0, &CropParams::default(), (100, 80));
        assert!(close(whole.rect, WHOLE), "{:?}", whole.rect);
    }
}
