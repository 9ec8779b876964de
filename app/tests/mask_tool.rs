//! The on-canvas mask tool under egui_kittest: started from a step's mask
//! controls, dragging a radial shape's centre or a linear shape's end
//! moves it in the recipe by the drag's share of the image, one undo step
//! per drag; `O` shows and hides the mask's red overlay; a drag with a
//! brush shape paints a stroke of the size `[` and `]` set.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::{Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lumen_app::ui::mask_panel::{
    ADD_BRUSH_LABEL, ADD_LINEAR_LABEL, ADD_RADIAL_LABEL, MASK_ON_CANVAS_LABEL,
};
use lumen_app::ui::tools::mask::{BRUSH_RADIUS, OVERLAY_KEY};
use lumen_kernels::mask::Shape;

mod common;
use common::{State, app, app_mut, drag, harness, settle};

/// The editor on the sample with an exposure step masked by the shape
/// that `add` adds, the mask tool on; the image's rectangle on screen.
fn open(add: &str) -> (Harness<'static, State>, egui::Rect) {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("exposure");
    settle(&mut h);
    h.get_by_label(add).click();
    h.run_steps(3);
    h.get_by_label(MASK_ON_CANVAS_LABEL).click();
    h.run_steps(3);
    assert_eq!(app(&h).mask_tool().map(|t| t.step), Some(0));
    settle(&mut h);
    h.run_steps(3);
    let rect = app(&h).canvas().last_image_rect;
    assert!(rect.width() > 50.0 && rect.height() > 50.0, "{rect:?}");
    (h, rect)
}

fn shape(h: &Harness<'_, State>) -> Shape {
    let mask = app(h).document().unwrap().steps()[0].mask.clone().unwrap();
    mask.shapes[0].clone()
}

fn at(rect: egui::Rect, p: [f32; 2]) -> Pos2 {
    rect.min + Vec2::new(p[0], p[1]) * rect.size()
}

fn near(a: [f32; 2], b: [f32; 2]) -> bool {
    (a[0] - b[0]).abs() < 0.01 && (a[1] - b[1]).abs() < 0.01
}

#[test]
fn dragging_a_radial_centre_moves_the_shape_in_the_recipe() {
    let (mut h, rect) = open(ADD_RADIAL_LABEL);
    let Shape::Radial(before) = shape(&h) else {
        panic!("not radial")
    };
    let entries = app(&h).document().unwrap().history_len();
    let from = at(rect, before.center);
    let by = Vec2::new(rect.width() * 0.2, rect.height() * -0.1);
    drag(&mut h, from, from + by);
    let Shape::Radial(after) = shape(&h) else {
        panic!("not radial")
    };
    let want = [before.center[0] + 0.2, before.center[1] - 0.1];
    assert!(near(after.center, want), "{:?} != {want:?}", after.center);
    assert_eq!(after.radius, before.radius, "only the centre moves");
    assert_eq!(app(&h).document().unwrap().history_len(), entries + 1);
}

#[test]
fn dragging_a_linear_end_moves_that_end_only() {
    let (mut h, rect) = open(ADD_LINEAR_LABEL);
    let Shape::Linear(before) = shape(&h) else {
        panic!("not linear")
    };
    let from = at(rect, before.to);
    let by = Vec2::new(rect.width() * -0.15, rect.height() * 0.1);
    drag(&mut h, from, from + by);
    let Shape::Linear(after) = shape(&h) else {
        panic!("not linear")
    };
    let want = [before.to[0] - 0.15, before.to[1] + 0.1];
    assert!(near(after.to, want), "{:?} != {want:?}", after.to);
    assert_eq!(after.from, before.from);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(app(&h).mask_tool().is_none());
}

#[test]
fn o_shows_and_hides_the_mask_overlay() {
    let (mut h, _) = open(ADD_RADIAL_LABEL);
    let shown = |h: &Harness<'_, State>| app(h).mask_tool().unwrap().overlay_shown();
    assert!(!shown(&h));
    h.key_press(OVERLAY_KEY);
    h.run_steps(3);
    assert!(shown(&h), "O shows the overlay");
    h.key_press(OVERLAY_KEY);
    h.run_steps(3);
    assert!(!shown(&h), "O again hides it");
}

#[test]
fn a_brush_stroke_adds_a_stroke_to_the_mask() {
    let (mut h, rect) = open(ADD_BRUSH_LABEL);
    assert!(matches!(shape(&h), Shape::Brush(b) if b.strokes.is_empty()));
    h.key_press(egui::Key::CloseBracket);
    h.run_steps(2);
    let radius = app(&h).mask_tool().unwrap().brush_radius;
    assert!(radius > BRUSH_RADIUS, "] makes the brush bigger: {radius}");
    let from = at(rect, [0.2, 0.3]);
    let to = at(rect, [0.7, 0.6]);
    drag(&mut h, from, to);
    let Shape::Brush(brush) = shape(&h) else {
        panic!("not a brush")
    };
    assert_eq!(brush.strokes.len(), 1, "{brush:?}");
    let stroke = &brush.strokes[0];
    assert_eq!(stroke.radius, radius);
    assert!(!stroke.erase);
    assert!(stroke.points.len() >= 2, "{stroke:?}");
    assert!(near(stroke.points[0], [0.2, 0.3]), "{:?}", stroke.points[0]);
    assert!(near(*stroke.points.last().unwrap(), [0.7, 0.6]));
}

#[test]
fn a_stroke_past_the_mask_limit_is_refused_with_a_notice() {
    let (mut h, rect) = open(ADD_BRUSH_LABEL);
    // A mask one point short of the kernel's limit.
    let mut mask = app(&h).document().unwrap().steps()[0].mask.clone().unwrap();
    let Some(Shape::Brush(b)) = mask.shapes.get_mut(0) else {
        panic!("not a brush")
    };
    b.strokes.push(lumen_kernels::mask::Stroke {
        points: vec![[0.5, 0.5]; lumen_kernels::mask::MAX_BRUSH_POINTS - 1],
        radius: 0.01,
        hardness: 0.5,
        erase: false,
    });
    app_mut(&mut h)
        .document_mut()
        .unwrap()
        .edit_mask(0, Some(mask.clone()));
    settle(&mut h);
    drag(&mut h, at(rect, [0.2, 0.3]), at(rect, [0.7, 0.6]));
    settle(&mut h);
    assert_eq!(
        app(&h).document().unwrap().steps()[0].mask.as_ref(),
        Some(&mask)
    );
    let said = app(&h)
        .notices()
        .iter()
        .any(|n| n.is_error && n.text.contains("not added"));
    assert!(said, "{:?}", app(&h).notices());
}

#[test]
fn a_long_brush_drag_goes_on_as_new_strokes_in_one_undo_step() {
    let (mut h, rect) = open(ADD_BRUSH_LABEL);
    let entries = app(&h).document().unwrap().history_len();
    let n = lumen_app::ui::tools::mask::MAX_STROKE_POINTS + 100;
    let (a, b) = (at(rect, [0.2, 0.5]), at(rect, [0.4, 0.5]));
    h.hover_at(a);
    h.run_steps(1);
    h.drag_at(a);
    h.run_steps(1);
    for i in 0..n {
        h.hover_at(if i % 2 == 0 { b } else { a });
        h.run_steps(1);
    }
    h.drop_at(a);
    settle(&mut h);
    let Shape::Brush(brush) = shape(&h) else {
        panic!("not a brush")
    };
    let points: usize = brush.strokes.iter().map(|s| s.points.len()).sum();
    assert!(brush.strokes.len() >= 2, "{} strokes", brush.strokes.len());
    assert!(points > n, "{points} points for a drag of {n} moves");
    assert_eq!(app(&h).document().unwrap().history_len(), entries + 1);
}
