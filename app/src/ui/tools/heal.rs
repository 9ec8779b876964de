//! The heal tool: on a `heal` step's image, a click on a blemish adds a
//! spot whose source Lumen chooses, and a drag from the blemish to a clean
//! area adds one copying from where the drag ends. The spots already there
//! are drawn as circles (the target white, its source yellow, joined by a
//! line), and a circle follows the pointer at the size the next spot will
//! have (`[` and `]` change it).

use egui::{Color32, Id, Pos2, Rect, Sense, Stroke, Ui};
use lumen_kernels::ops::heal::{HealParams, HealPlan, MAX_SPOT_RADIUS, Spot};

/// The button in a `heal` step's editor that starts the tool.
pub const HEAL_LABEL: &str = "Heal on canvas";

/// Smallest spot radius the tool makes, a fraction of the longer side.
pub const MIN_TOOL_RADIUS: f32 = 0.002;

/// The radius of a new tool's spots, a fraction of the longer side.
pub const START_RADIUS: f32 = 0.02;

/// The tool while it is on: its step and the radius of the next spot.
#[derive(Clone, Debug)]
pub struct HealTool {
    /// The `heal` step it adds spots to.
    pub step: usize,
    /// Radius of the next spot, a fraction of the image's longer side.
    pub radius: f32,
    /// Where the drag being made started (fractions of the image).
    press: Option<Pos2>,
}

impl HealTool {
    /// The tool for step `step`.
    pub fn new(step: usize) -> Self {
        Self {
            step,
            radius: START_RADIUS,
            press: None,
        }
    }

    /// `]` makes the next spot a quarter larger, `[` a fifth smaller.
    pub fn resize(&mut self, grow: bool) {
        let f = if grow { 1.25 } else { 0.8 };
        self.radius = (self.radius * f).clamp(MIN_TOOL_RADIUS, MAX_SPOT_RADIUS);
    }

    /// Takes clicks and drags over the step's image, drawn in `image` at
    /// `size` pixels, and draws `params`' spots; returns the spot a click
    /// or a finished drag makes.
    pub fn ui(
        &mut self,
        ui: &Ui,
        image: Rect,
        size: (u32, u32),
        params: &HealParams,
    ) -> Option<Spot> {
        if image.width() <= 0.0 || image.height() <= 0.0 {
            return None;
        }
        let response = ui.interact(image, Id::unique("lumen-heal"), Sense::click_and_drag());
        let frac = |p: Pos2| ((p - image.min) / image.size()).to_pos2();
        let at = |f: Pos2| image.min + f.to_vec2() * image.size();
        // Points per fraction of the longer side.
        let long_pt = image.width().max(image.height());
        self.draw_spots(ui, image, size, params);

        let mut made = None;
        if response.clicked()
            && let Some(p) = response.interact_pointer_pos()
        {
            made = Some(self.spot(frac(p), None));
        }
        if response.drag_started() {
            let origin = ui.input(|i| i.pointer.press_origin());
            self.press = origin.or(response.interact_pointer_pos()).map(frac);
        }
        let pointer = response.interact_pointer_pos().or(response.hover_pos());
        if let (Some(from), Some(p)) = (self.press, pointer) {
            let stroke = Stroke::new(1.5, Color32::YELLOW);
            ui.painter().line_segment([at(from), p], stroke);
            ui.painter().circle_stroke(
                at(from),
                self.radius * long_pt,
                Stroke::new(1.5, Color32::WHITE),
            );
        }
        if response.drag_stopped()
            && let (Some(from), Some(p)) = (self.press.take(), response.interact_pointer_pos())
        {
            made = Some(self.spot(from, Some(frac(p))));
        }
        if let Some(p) = pointer {
            ui.painter()
                .circle_stroke(p, self.radius * long_pt, Stroke::new(1.0, Color32::WHITE));
        }
        made
    }

    /// A spot at `target` (fractions), copying from `source` or from where
    /// Lumen chooses.
    fn spot(&self, target: Pos2, source: Option<Pos2>) -> Spot {
        let inside = |p: Pos2| [p.x.clamp(0.0, 1.0), p.y.clamp(0.0, 1.0)];
        Spot {
            target: inside(target),
            source: source.map(inside),
            radius: self.radius,
        }
    }

    /// Each spot's target (white) and source (yellow, where the step's
    /// plan puts it, automatic ones included), joined by a line.
    fn draw_spots(&self, ui: &Ui, image: Rect, size: (u32, u32), params: &HealParams) {
        if size.0 == 0 || size.1 == 0 {
            return;
        }
        let plan = HealPlan::new(params, size.0, size.1);
        let sx = image.width() / size.0 as f32;
        let sy = image.height() / size.1 as f32;
        let to_screen =
            |x: f64, y: f64| Pos2::new(image.min.x + x as f32 * sx, image.min.y + y as f32 * sy);
        let painter = ui.painter_at(image);
        for s in &plan.spots {
            let target = to_screen(s.tx, s.ty);
            let source = to_screen(s.tx + s.dx as f64, s.ty + s.dy as f64);
            let r = s.r as f32 * sx;
            painter.circle_stroke(target, r, Stroke::new(1.5, Color32::WHITE));
            painter.circle_stroke(source, r, Stroke::new(1.0, Color32::YELLOW));
            let towards = source - target;
            if towards.length() > 2.0 * r {
                let dir = towards.normalized();
                painter.line_segment(
                    [target + dir * r, source - dir * r],
                    Stroke::new(1.0, Color32::YELLOW),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_size_the_next_spot_within_the_kernels_limits() {
        let mut tool = HealTool::new(0);
        tool.resize(true);
        assert!((tool.radius - START_RADIUS * 1.25).abs() < 1e-6);
        for _ in 0..100 {
            tool.resize(true);
        }
        assert_eq!(tool.radius, MAX_SPOT_RADIUS);
        for _ in 0..100 {
            tool.resize(false);
        }
        assert_eq!(tool.radius, MIN_TOOL_RADIUS);
    }

    #[test]
    fn a_spot_off_the_edge_is_kept_inside_the_image() {
        let tool = HealTool::new(0);
        let s = tool.spot(Pos2::new(-0.2, 0.5), Some(Pos2::new(1.4, 0.3)));
        assert_eq!(s.target, [0.0, 0.5]);
        assert_eq!(s.source, Some([1.0, 0.3]));
        assert_eq!(s.radius, START_RADIUS);
    }
}
