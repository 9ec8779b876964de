//! A step's mask controls, under its parameter editor: add a radial,
//! linear, range or brush shape, edit each shape's numbers (positions and sizes
//! are fractions of the image), choose how it combines, remove it, invert
//! the whole mask or remove it. Only steps that keep the image's size and
//! are not geometry get these controls.

use egui::{DragValue, Ui};
use lumen_kernels::Mask;
use lumen_kernels::mask::{Combine, Linear, POS_LIMIT, Radial, RangeShape, Shape};

/// The button that adds a radial shape.
pub const ADD_RADIAL_LABEL: &str = "+ Radial";
/// The button that adds a linear gradient shape.
pub const ADD_LINEAR_LABEL: &str = "+ Linear";
/// The button that adds a brush shape (painted with the mask tool).
pub const ADD_BRUSH_LABEL: &str = "+ Brush";
/// The button that adds a luma range shape.
pub const ADD_RANGE_LABEL: &str = "+ Range";
/// The check box that inverts the mask.
pub const INVERT_LABEL: &str = "Invert mask";
/// The button that removes the whole mask.
pub const REMOVE_MASK_LABEL: &str = "Remove mask";

/// The button that starts the on-canvas mask tool.
pub const MASK_ON_CANVAS_LABEL: &str = "Mask on canvas";

/// What the controls changed this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskChange {
    /// Nothing.
    None,
    /// A number being dragged or typed: one history entry when the edit
    /// ends.
    Continuous,
    /// A button or box: a history entry of its own at once.
    Discrete,
}

impl MaskChange {
    fn or(self, other: Self) -> Self {
        match (self, other) {
            (Self::Discrete, _) | (_, Self::Discrete) => Self::Discrete,
            (Self::Continuous, _) | (_, Self::Continuous) => Self::Continuous,
            _ => Self::None,
        }
    }
}

/// A radial shape in the middle of the image.
pub fn new_radial() -> Shape {
    Shape::Radial(Radial {
        center: [0.5, 0.5],
        radius: [0.3, 0.3],
        feather: 0.5,
        angle_deg: 0.0,
        mode: Combine::Add,
    })
}

/// A linear gradient from the middle of the image downwards.
pub fn new_linear() -> Shape {
    Shape::Linear(Linear {
        from: [0.5, 0.4],
        to: [0.5, 0.7],
        mode: Combine::Add,
    })
}

/// A range shape selecting the brighter half of the tones.
pub fn new_range() -> Shape {
    Shape::Range(RangeShape {
        luma: Some([0.5, 1.0]),
        color: None,
        tolerance: 0.1,
        feather: 0.1,
        mode: Combine::Add,
    })
}

/// Draws the mask controls for `mask` (`None`: the step has no mask) and
/// says what changed.
pub fn mask_ui(ui: &mut Ui, mask: &mut Option<Mask>) -> MaskChange {
    let mut change = MaskChange::None;
    ui.horizontal_wrapped(|ui| {
        ui.label("Mask:");
        let added = [
            (ADD_RADIAL_LABEL, new_radial as fn() -> Shape),
            (ADD_LINEAR_LABEL, new_linear),
            (ADD_RANGE_LABEL, new_range),
            (ADD_BRUSH_LABEL, super::tools::mask::new_brush),
        ]
        .into_iter()
        .find_map(|(label, make)| ui.small_button(label).clicked().then(make));
        if let Some(shape) = added {
            mask.get_or_insert_with(Mask::default).shapes.push(shape);
            change = MaskChange::Discrete;
        }
    });
    let Some(m) = mask.as_mut() else {
        return change;
    };
    let mut remove_mask = false;
    ui.horizontal(|ui| {
        if ui.checkbox(&mut m.invert, INVERT_LABEL).changed() {
            change = MaskChange::Discrete;
        }
        if ui.small_button(REMOVE_MASK_LABEL).clicked() {
            remove_mask = true;
        }
        if let Some(step) = super::step_tools::editing_step(ui.ctx())
            && ui
                .small_button(MASK_ON_CANVAS_LABEL)
                .on_hover_text("Drag the shapes' handles on the image")
                .clicked()
        {
            super::step_tools::request(
                ui.ctx(),
                super::step_tools::ToolRequest::MaskOnCanvas(step),
            );
        }
    });
    let mut removed = None;
    for (k, shape) in m.shapes.iter_mut().enumerate() {
        ui.push_id(("mask-shape", k), |ui| {
            let (c, remove) = shape_ui(ui, k, shape);
            change = change.or(c);
            if remove {
                removed = Some(k);
            }
        });
    }
    if let Some(k) = removed {
        m.shapes.remove(k);
        change = MaskChange::Discrete;
    }
    if remove_mask || (m.shapes.is_empty() && change == MaskChange::Discrete) {
        *mask = None;
        change = MaskChange::Discrete;
    }
    change
}

/// One shape: its kind, how it combines, a remove button, then its numbers.
/// Returns what changed and whether it asked to be removed.
fn shape_ui(ui: &mut Ui, k: usize, shape: &mut Shape) -> (MaskChange, bool) {
    let mut change = MaskChange::None;
    let mut remove = false;
    ui.horizontal(|ui| {
        let by = ui.label(format!("{}. {}", k + 1, shape.kind())).id;
        let mode = match shape {
            Shape::Radial(s) => &mut s.mode,
            Shape::Linear(s) => &mut s.mode,
            Shape::Brush(s) => &mut s.mode,
            Shape::Range(s) => &mut s.mode,
        };
        let before = *mode;
        egui::ComboBox::from_id_salt("mode")
            .selected_text(mode_label(*mode))
            .show_ui(ui, |ui| {
                for m in [Combine::Add, Combine::Subtract, Combine::Intersect] {
                    ui.selectable_value(mode, m, mode_label(m));
                }
            })
            .response
            .labelled_by(by);
        if *mode != before {
            change = MaskChange::Discrete;
        }
        if ui
            .small_button("x")
            .on_hover_text("Remove this shape")
            .clicked()
        {
            remove = true;
        }
    });
    let numbers = match shape {
        Shape::Radial(s) => radial_ui(ui, s),
        Shape::Linear(s) => point_ui(ui, "From", &mut s.from) | point_ui(ui, "To", &mut s.to),
        Shape::Range(s) => range_ui(ui, s),
        Shape::Brush(s) => {
            ui.weak(format!("{} strokes", s.strokes.len()));
            false
        }
    };
    if numbers {
        change = change.or(MaskChange::Continuous);
    }
    (change, remove)
}

fn mode_label(mode: Combine) -> &'static str {
    match mode {
        Combine::Add => "add",
        Combine::Subtract => "subtract",
        Combine::Intersect => "intersect",
    }
}

/// A number box for a fraction in `lo..=hi`, named by the label `by` for
/// assistive technology; whether it changed.
fn fraction(ui: &mut Ui, v: &mut f32, lo: f32, hi: f32, by: egui::Id) -> bool {
    ui.add(
        DragValue::new(v)
            .speed(0.005)
            .range(lo..=hi)
            .max_decimals(3),
    )
    .labelled_by(by)
    .changed()
}

/// A labelled pair of numbers (x, y) in `lo..=hi`; whether either changed.
fn pair_ui(ui: &mut Ui, label: &str, p: &mut [f32; 2], lo: f32, hi: f32) -> bool {
    ui.horizontal(|ui| {
        let by = ui.label(label).id;
        let x = fraction(ui, &mut p[0], lo, hi, by);
        let y = fraction(ui, &mut p[1], lo, hi, by);
        x | y
    })
    .inner
}

/// A labelled pair of position fractions (x, y); whether either changed.
fn point_ui(ui: &mut Ui, label: &str, p: &mut [f32; 2]) -> bool {
    pair_ui(ui, label, p, -POS_LIMIT, POS_LIMIT)
}

/// A labelled number box for a fraction in `0..=1`; whether it changed.
fn unit_ui(ui: &mut Ui, label: &str, v: &mut f32) -> bool {
    let by = ui.label(label).id;
    fraction(ui, v, 0.0, 1.0, by)
}

fn radial_ui(ui: &mut Ui, s: &mut Radial) -> bool {
    let mut changed = point_ui(ui, "Centre", &mut s.center);
    changed |= pair_ui(ui, "Radius", &mut s.radius, 0.0, 10.0);
    ui.horizontal(|ui| {
        changed |= unit_ui(ui, "Feather", &mut s.feather);
        let by = ui.label("Angle").id;
        changed |= ui
            .add(
                DragValue::new(&mut s.angle_deg)
                    .speed(0.5)
                    .range(-360.0..=360.0)
                    .suffix("°"),
            )
            .labelled_by(by)
            .changed();
    });
    changed
}

fn range_ui(ui: &mut Ui, s: &mut RangeShape) -> bool {
    let mut changed = false;
    if let Some(luma) = s.luma.as_mut() {
        changed |= pair_ui(ui, "Luma", luma, 0.0, 1.0);
    }
    ui.horizontal(|ui| {
        if let Some(color) = s.color.as_mut() {
            let by = ui.label("Colour").id;
            changed |= ui.color_edit_button_srgb(color).labelled_by(by).changed();
            changed |= unit_ui(ui, "Tolerance", &mut s.tolerance);
        }
        changed |= unit_ui(ui, "Feather", &mut s.feather);
    });
    changed
}
