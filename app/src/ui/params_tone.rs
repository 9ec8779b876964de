//! The levels and curves editors, both drawn over the histogram of their
//! input.

use egui::{Color32, Pos2, Sense, Stroke, Ui, Vec2};
use lumen_kernels::histogram::Histogram;
use lumen_kernels::ops::curve::MonotoneCurve;
use lumen_kernels::ops::tone::auto_levels_from;
use lumen_kernels::spec::{CURVE_MAX_POINTS, CurvesParams, LevelsParams};

use super::histogram::paint_backdrop;
use super::widgets::params_rows;

const BACKDROP: Color32 = Color32::from_gray(70);

/// The levels editor: the histogram with the input black, gamma and white
/// points marked, sliders for each, and Auto (from the histogram).
pub fn levels_ui(ui: &mut Ui, p: &mut LevelsParams, hist: Option<&Histogram>) -> bool {
    let width = ui.available_width().min(300.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 70.0), Sense::hover());
    ui.painter()
        .rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    if let Some(h) = hist {
        paint_backdrop(ui, rect, &h.luma, BACKDROP);
    }
    let at = |level: f32| rect.left() + level / 255.0 * rect.width();
    let painter = ui.painter_at(rect.expand(4.0));
    let mid = f32::from(p.black)
        + (f32::from(p.white) - f32::from(p.black)) * 0.5f32.powf(1.0 / p.gamma.max(0.01));
    for (level, color) in [
        (f32::from(p.black), Color32::BLACK),
        (mid, Color32::GRAY),
        (f32::from(p.white), Color32::WHITE),
    ] {
        let x = at(level);
        painter.line_segment(
            [Pos2::new(x, rect.top()), Pos2::new(x, rect.bottom())],
            Stroke::new(1.5, color),
        );
    }
    let mut changed = params_rows(ui, p);
    if p.white <= p.black {
        // Keep the input range valid whichever slider moved.
        if p.black == 254 {
            p.white = 255;
        } else {
            p.white = p.black + 1;
        }
    }
    let auto = ui
        .add_enabled(hist.is_some(), egui::Button::new("Auto"))
        .on_hover_text("Set black and white from the histogram (clips 0.5% at each end)");
    if auto.clicked()
        && let Some(h) = hist
    {
        let a = auto_levels_from(h, 0.005);
        p.black = a.black;
        p.white = a.white;
        p.gamma = 1.0;
        changed = true;
    }
    changed
}

/// Which curve of a `curves` step the widget edits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Channel {
    #[default]
    Rgb,
    Red,
    Green,
    Blue,
}

impl Channel {
    fn points(self, p: &mut CurvesParams) -> &mut Vec<[f32; 2]> {
        match self {
            Self::Rgb => &mut p.rgb,
            Self::Red => &mut p.red,
            Self::Green => &mut p.green,
            Self::Blue => &mut p.blue,
        }
    }

    fn color(self) -> Color32 {
        match self {
            Self::Rgb => Color32::from_gray(230),
            Self::Red => Color32::from_rgb(230, 70, 70),
            Self::Green => Color32::from_rgb(80, 200, 80),
            Self::Blue => Color32::from_rgb(90, 130, 240),
        }
    }
}

/// Where a new point may go between its neighbours (x strictly
/// increasing, at least 1/255 apart).
fn clamp_x(points: &[[f32; 2]], i: usize, x: f32) -> f32 {
    let gap = 1.0 / 255.0;
    let lo = if i == 0 { 0.0 } else { points[i - 1][0] + gap };
    let hi = points.get(i + 1).map_or(1.0, |n| n[0] - gap);
    if lo > hi {
        points[i][0]
    } else {
        x.clamp(lo, hi)
    }
}

/// The curves editor: pick a channel, drag points, click to add one,
/// double-click a point to remove it; the histogram is drawn behind.
#[expect(
    clippy::too_many_lines,
    reason = "to be split into drawing and input handling"
)]
pub fn curves_ui(ui: &mut Ui, p: &mut CurvesParams, hist: Option<&Histogram>) -> bool {
    let id = ui.scope_id().with("curve-channel");
    let mut channel: Channel = ui.data(|d| d.get_temp(id)).unwrap_or_default();
    ui.horizontal(|ui| {
        for (c, label) in [
            (Channel::Rgb, "RGB"),
            (Channel::Red, "Red"),
            (Channel::Green, "Green"),
            (Channel::Blue, "Blue"),
        ] {
            ui.selectable_value(&mut channel, c, label)
                .on_hover_text("Edit this channel's curve");
        }
    });
    ui.data_mut(|d| d.insert_temp(id, channel));

    let side = ui.available_width().min(260.0);
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::click_and_drag());
    let response = response.on_hover_text(
        "Drag a point to move it, click to add one, double-click a point to remove it",
    );
    ui.painter()
        .rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    if let Some(h) = hist {
        let bins = match channel {
            Channel::Rgb => &h.luma,
            Channel::Red => &h.red,
            Channel::Green => &h.green,
            Channel::Blue => &h.blue,
        };
        paint_backdrop(ui, rect, bins, BACKDROP);
    }
    let to_screen = |pt: [f32; 2]| {
        Pos2::new(
            rect.left() + pt[0] * rect.width(),
            rect.bottom() - pt[1] * rect.height(),
        )
    };
    let from_screen = |pos: Pos2| {
        [
            ((pos.x - rect.left()) / rect.width()).clamp(0.0, 1.0),
            ((rect.bottom() - pos.y) / rect.height()).clamp(0.0, 1.0),
        ]
    };
    let painter = ui.painter_at(rect.expand(5.0));
    painter.line_segment(
        [rect.left_bottom(), rect.right_top()],
        Stroke::new(1.0, Color32::from_gray(90)),
    );

    let mut changed = false;
    let points = channel.points(p);
    let drag_id = ui.scope_id().with("curve-drag");
    let nearest = |points: &[[f32; 2]], pos: Pos2| {
        points
            .iter()
            .enumerate()
            .map(|(i, &pt)| (i, to_screen(pt).distance(pos)))
            .filter(|&(_, d)| d < 10.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    };
    if response.drag_started()
        && let Some(pos) = response.interact_pointer_pos()
    {
        let hit = nearest(points, pos);
        ui.data_mut(|d| d.insert_temp(drag_id, hit));
    }
    let dragging: Option<usize> = ui.data(|d| d.get_temp(drag_id)).flatten();
    if response.dragged()
        && let (Some(i), Some(pos)) = (dragging, response.interact_pointer_pos())
        && i < points.len()
    {
        let [x, y] = from_screen(pos);
        let x = clamp_x(points, i, x);
        if points[i] != [x, y] {
            points[i] = [x, y];
            changed = true;
        }
    }
    if response.drag_stopped() {
        ui.data_mut(|d| d.remove::<Option<usize>>(drag_id));
    }
    if response.double_clicked()
        && let Some(pos) = response.interact_pointer_pos()
        && let Some(i) = nearest(points, pos)
        && points.len() > 2
    {
        points.remove(i);
        changed = true;
    } else if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
        && nearest(points, pos).is_none()
        && points.len() < CURVE_MAX_POINTS
    {
        let [x, y] = from_screen(pos);
        let i = points.partition_point(|pt| pt[0] < x);
        let too_close = |j: usize| {
            points
                .get(j)
                .is_some_and(|pt| (pt[0] - x).abs() < 2.0 / 255.0)
        };
        let blocked = too_close(i) || (i > 0 && too_close(i - 1));
        if !blocked {
            points.insert(i, [x, y]);
            changed = true;
        }
    }

    let curve = MonotoneCurve::new(points);
    let samples: Vec<Pos2> = (0..=128)
        .map(|k| {
            let x = k as f32 / 128.0;
            to_screen([x, curve.eval(f64::from(x)).clamp(0.0, 1.0) as f32])
        })
        .collect();
    painter.add(egui::Shape::line(
        samples,
        Stroke::new(2.0, channel.color()),
    ));
    for &pt in points.iter() {
        painter.circle(
            to_screen(pt),
            4.0,
            channel.color(),
            Stroke::new(1.0, Color32::BLACK),
        );
    }
    if ui
        .small_button("Reset curve")
        .on_hover_text("Make this channel's curve a straight line")
        .clicked()
    {
        *points = lumen_kernels::spec::identity_curve();
        changed = true;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_keep_x_strictly_increasing() {
        let pts = [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]];
        assert!(clamp_x(&pts, 1, 0.0) > 0.0);
        assert!(clamp_x(&pts, 1, 1.0) < 1.0);
        assert_eq!(clamp_x(&pts, 1, 0.3), 0.3);
        assert_eq!(clamp_x(&pts, 0, 0.2), 0.2);
    }

    #[test]
    fn edited_curves_pass_validation() {
        let mut p = CurvesParams::default();
        for i in 0..p.rgb.len() {
            let x = clamp_x(&p.rgb, i, 2.0);
            p.rgb[i][0] = x;
        }
        let spec = lumen_kernels::FilterSpec::Curves(p);
        spec.validate().unwrap();
    }
}
