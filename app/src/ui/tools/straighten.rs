//! The straighten tool: a line drawn along the horizon on the step's input
//! sets a `rotate_angle` step to the angle that levels it, and a crop after
//! it keeps the largest upright rectangle inside the turned image.

use egui::{Color32, Id, Pos2, Rect, Sense, Stroke, Ui};

/// The button in a `rotate_angle` step's editor that starts the tool.
pub const STRAIGHTEN_LABEL: &str = "Straighten on canvas";

/// The clockwise turn (degrees, as `rotate_angle` takes it) that makes the
/// line from `a` to `b` (in pixels, y down) level, or upright when it is
/// nearer upright than level: within `-45..=45`.
pub fn level_angle(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let mut deg = -dy.atan2(dx).to_degrees();
    while deg > 45.0 {
        deg -= 90.0;
    }
    while deg < -45.0 {
        deg += 90.0;
    }
    deg
}

/// The largest upright rectangle (width, height) inside a `w` x `h`
/// rectangle turned by `angle_deg`.
pub fn largest_upright(w: f64, h: f64, angle_deg: f64) -> (f64, f64) {
    if w <= 0.0 || h <= 0.0 {
        return (0.0, 0.0);
    }
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let (sin, cos) = (sin.abs(), cos.abs());
    let (long, short) = (w.max(h), w.min(h));
    if short <= 2.0 * sin * cos * long || (sin - cos).abs() < 1e-10 {
        // Two corners of the rectangle touch the longer sides.
        let x = 0.5 * short;
        if w >= h {
            (x / sin, x / cos)
        } else {
            (x / cos, x / sin)
        }
    } else {
        let cos2 = cos * cos - sin * sin;
        ((w * cos - h * sin) / cos2, (h * cos - w * sin) / cos2)
    }
}

/// The centred crop, as fractions `[x, y, w, h]` of the turned image's
/// `out` size, that keeps the largest upright part of a `w` x `h` input
/// turned by `angle_deg`.
pub fn straight_crop(input: (u32, u32), out: (u32, u32), angle_deg: f64) -> [f32; 4] {
    let (cw, ch) = largest_upright(f64::from(input.0), f64::from(input.1), angle_deg);
    let fw = (cw / f64::from(out.0.max(1))).clamp(0.0, 1.0);
    let fh = (ch / f64::from(out.1.max(1))).clamp(0.0, 1.0);
    [
        ((1.0 - fw) / 2.0) as f32,
        ((1.0 - fh) / 2.0) as f32,
        fw as f32,
        fh as f32,
    ]
}

/// The tool while it is on: the step, and the line being drawn (ends in
/// fractions of the input).
#[derive(Clone, Debug)]
pub struct StraightenTool {
    /// The `rotate_angle` step it sets.
    pub step: usize,
    line: Option<[Pos2; 2]>,
}

impl StraightenTool {
    /// The tool for step `step`.
    pub fn new(step: usize) -> Self {
        Self { step, line: None }
    }

    /// Takes a drag over the input drawn in `image` and draws the line;
    /// returns the line's ends in fractions of the input when the drag
    /// ends.
    pub fn ui(&mut self, ui: &Ui, image: Rect) -> Option<[Pos2; 2]> {
        if image.width() <= 0.0 || image.height() <= 0.0 {
            return None;
        }
        let response = ui.interact(image, Id::unique("lumen-straighten"), Sense::drag());
        let frac = |p: Pos2| ((p - image.min) / image.size()).to_pos2();
        if response.drag_started()
            && let Some(p) = response.interact_pointer_pos()
        {
            self.line = Some([frac(p), frac(p)]);
        }
        if let (Some(line), Some(p)) = (self.line.as_mut(), response.interact_pointer_pos()) {
            line[1] = frac(p);
        }
        if let Some([a, b]) = self.line {
            let at = |f: Pos2| image.min + f.to_vec2() * image.size();
            ui.painter()
                .line_segment([at(a), at(b)], Stroke::new(2.0, Color32::YELLOW));
        }
        if response.drag_stopped() {
            return self.line.take();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_line_needs_no_turn_and_a_tilted_one_is_undone() {
        assert_eq!(level_angle([0.0, 0.0], [10.0, 0.0]), 0.0);
        // Falling to the right: the picture is turned clockwise; undo it.
        assert!(
            (level_angle([0.0, 0.0], [100.0, 100.0 * 5f64.to_radians().tan()]) + 5.0).abs() < 1e-9
        );
        // A nearly upright line is made upright.
        assert!((level_angle([0.0, 0.0], [3.0, 100.0]) - 1.718).abs() < 0.01);
    }

    #[test]
    fn no_turn_keeps_everything_and_a_turn_keeps_a_rectangle_inside() {
        assert_eq!(largest_upright(400.0, 300.0, 0.0), (400.0, 300.0));
        let (w, h) = (400.0, 300.0);
        let a = 10f64.to_radians();
        let (cw, ch) = largest_upright(w, h, 10.0);
        // Each corner of the crop, turned back, lies inside the input.
        for (sx, sy) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
            let (x, y) = (sx * cw / 2.0, sy * ch / 2.0);
            let (u, v) = (x * a.cos() + y * a.sin(), -x * a.sin() + y * a.cos());
            assert!(u.abs() <= w / 2.0 + 1e-6 && v.abs() <= h / 2.0 + 1e-6);
        }
        assert!(cw > 300.0 && ch > 200.0, "{cw} x {ch}");
    }
}
