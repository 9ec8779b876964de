//! The crop tool: the step's input is shown whole with the crop rectangle
//! over it, eight handles (corners and edges) to drag, the inside to move
//! it, the area cut away dimmed and rule-of-thirds lines inside. Enter
//! commits the rectangle to the step (as fractions of its input), Escape
//! cancels (the app reads the keys, [`crate::app`]).

use egui::{Color32, Id, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};
use lumen_kernels::spec::CropParams;

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
            drag: None,
        }
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

    /// Draws the rectangle over the input drawn in `image` and takes
    /// drags of its handles and inside. Returns true when it moved.
    pub fn ui(&mut self, ui: &egui::Ui, image: Rect) -> bool {
        if image.width() <= 0.0 || image.height() <= 0.0 {
            return false;
        }
        let before = self.rect;
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
        self.rect != before
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
                self.rect = drag_rect(drag.start, handle, delta);
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
