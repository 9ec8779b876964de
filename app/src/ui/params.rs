//! The parameter editor of a step. Most filters get the editor the
//! registry's metadata describes ([`super::widgets`]); a few have a widget
//! of their own: levels and curves (drawn over the histogram of the step's
//! input), the convolution kernel grid, crop (aspect presets), resize
//! (aspect lock and percentages), heal (its list of spots), the 3D LUT
//! (import of a `.cube` file) and temperature/tint (the white-balance
//! eyedropper). Each returns true when it changed the
//! spec; the document records the change in its history when the pointer
//! is released, so a slider drag is one undo step.

use egui::Ui;
use lumen_kernels::FilterSpec;
use lumen_kernels::histogram::Histogram;
use lumen_kernels::spec::{ConvolveParams, CropParams, FILTERS, ResizeParams};

use super::params_photo as photo;
use super::params_tone as tone;
use super::widgets::{params_rows, params_rows_except};

/// Edits `spec` in place. `input_size` is the size of the image the step
/// receives, for geometry editors; `hist` is the histogram of that image
/// (the step's input), drawn behind the levels and curves editors.
pub fn params_ui(
    ui: &mut Ui,
    spec: &mut FilterSpec,
    input_size: (u32, u32),
    hist: Option<&Histogram>,
) -> bool {
    match spec {
        FilterSpec::Levels(p) => tone::levels_ui(ui, p, hist),
        FilterSpec::Curves(p) => tone::curves_ui(ui, p, hist),
        FilterSpec::Convolve(p) => convolve_ui(ui, p),
        FilterSpec::Crop(p) => crop_ui(ui, p, input_size),
        FilterSpec::Resize(p) => resize_ui(ui, p, input_size),
        FilterSpec::Heal(p) => super::params_heal::heal_ui(ui, p),
        FilterSpec::Lut3d(p) => photo::lut3d_ui(ui, p),
        FilterSpec::TemperatureTint(p) => photo::temperature_tint_ui(ui, p),
        FilterSpec::RotateAngle(_) => {
            if let Some(step) = super::step_tools::editing_step(ui.ctx())
                && ui
                    .button(super::tools::straighten::STRAIGHTEN_LABEL)
                    .on_hover_text("Draw a line along the horizon on the image")
                    .clicked()
            {
                super::step_tools::request(
                    ui.ctx(),
                    super::step_tools::ToolRequest::Straighten(step),
                );
            }
            params_rows(ui, spec.params_mut())
        }
        other => {
            let params = other.params_mut();
            if params.infos().is_empty() {
                ui.weak("No parameters");
                return false;
            }
            params_rows(ui, params)
        }
    }
}

/// The convolution kernel as a grid of numbers, 3x3 / 5x5 buttons, then
/// divisor and bias.
fn convolve_ui(ui: &mut Ui, p: &mut ConvolveParams) -> bool {
    let side = if p.kernel.len() == 25 { 5 } else { 3 };
    let mut changed = false;
    let limit = lumen_kernels::spec::MAX_CONVOLVE_WEIGHT;
    egui::Grid::new("convolve_kernel").show(ui, |ui| {
        for (i, w) in p.kernel.iter_mut().enumerate() {
            changed |= ui
                .add(
                    egui::DragValue::new(w)
                        .speed(0.1)
                        .range(-limit..=limit)
                        .update_while_editing(false),
                )
                .changed();
            if i % side == side - 1 {
                ui.end_row();
            }
        }
    });
    ui.horizontal(|ui| {
        for n in [3usize, 5] {
            if ui.small_button(format!("{n}x{n}")).clicked() && p.kernel.len() != n * n {
                let mut k = vec![0.0; n * n];
                k[n * n / 2] = 1.0;
                p.kernel = k;
                changed = true;
            }
        }
    });
    changed | params_rows_except(ui, p, &["kernel"])
}

/// The label of the button that starts the on-canvas crop tool.
pub const CROP_ON_CANVAS_LABEL: &str = "Crop on canvas";

/// Crop: the rectangle, read out and edited in pixels of the step's input
/// (kept as fractions of it when the step stores fractions, as new crops
/// do), and aspect presets.
fn crop_ui(ui: &mut Ui, p: &mut CropParams, input_size: (u32, u32)) -> bool {
    let (w, h) = input_size;
    let relative = p.is_relative();
    let (mut x, mut y, mut cw, mut ch) = p.pixels(w, h);
    let mut changed = false;
    egui::Grid::new("crop").num_columns(4).show(ui, |ui| {
        for (i, (label, value, max)) in [
            ("x", &mut x, w.saturating_sub(1)),
            ("y", &mut y, h.saturating_sub(1)),
            ("width", &mut cw, w),
            ("height", &mut ch, h),
        ]
        .into_iter()
        .enumerate()
        {
            ui.label(label);
            changed |= ui
                .add(
                    egui::DragValue::new(value)
                        .range(0..=max)
                        .suffix(" px")
                        .update_while_editing(false),
                )
                .changed();
            if i % 2 == 1 {
                ui.end_row();
            }
        }
    });
    if changed {
        *p = if relative {
            crop_fractions((x, y, cw, ch), input_size)
        } else {
            CropParams {
                x,
                y,
                width: cw,
                height: ch,
                ..CropParams::default()
            }
        };
    }
    if let Some(step) = super::step_tools::editing_step(ui.ctx())
        && ui
            .button(CROP_ON_CANVAS_LABEL)
            .on_hover_text("Drag the rectangle on the image; Enter applies, Esc cancels")
            .clicked()
    {
        super::step_tools::request(ui.ctx(), super::step_tools::ToolRequest::CropOnCanvas(step));
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Aspect");
        for (label, aspect) in CROP_ASPECTS {
            if ui
                .small_button(label)
                .on_hover_text("The largest centred rectangle of this shape")
                .clicked()
            {
                *p = crop_fractions(crop_for_aspect(input_size, aspect), input_size);
                changed = true;
            }
        }
    });
    if p.is_relative() {
        let [fx, fy, fw, fh] = p.rect_frac;
        ui.weak(format!(
            "Stored as fractions ({fx:.3}, {fy:.3}, {fw:.3} x {fh:.3}): fits any image size"
        ));
    } else {
        ui.weak("Stored in pixels; 0 width or height means: to the edge");
    }
    changed
}

/// A pixel rectangle of a `size` image as a fraction crop.
pub fn crop_fractions(rect: (u32, u32, u32, u32), size: (u32, u32)) -> CropParams {
    let (w, h) = (size.0.max(1) as f32, size.1.max(1) as f32);
    let (x, y, cw, ch) = rect;
    CropParams::fractions([
        (x as f32 / w).clamp(0.0, 1.0),
        (y as f32 / h).clamp(0.0, 1.0),
        (cw as f32 / w).clamp(0.0, 1.0),
        (ch as f32 / h).clamp(0.0, 1.0),
    ])
}

/// How a resize step gives its size.
#[derive(Clone, Copy, PartialEq)]
enum ResizeMode {
    Pixels,
    LongEdge,
    Percent,
}

/// Resize: by exact size (width and height keeping the input's aspect,
/// percentage buttons), by long edge or by percentage; the resulting size
/// read out; then the method and linear light from the registry.
fn resize_ui(ui: &mut Ui, p: &mut ResizeParams, input_size: (u32, u32)) -> bool {
    let mut changed = false;
    let max = lumen_kernels::spec::MAX_OUTPUT_SIDE_PX;
    let mode = if p.long_edge_px > 0 {
        ResizeMode::LongEdge
    } else if p.percent > 0.0 {
        ResizeMode::Percent
    } else {
        ResizeMode::Pixels
    };
    let mut picked = mode;
    ui.horizontal(|ui| {
        ui.selectable_value(&mut picked, ResizeMode::Pixels, "Size");
        ui.selectable_value(&mut picked, ResizeMode::LongEdge, "Long edge");
        ui.selectable_value(&mut picked, ResizeMode::Percent, "Percent");
    });
    if picked != mode {
        let (ow, oh) = p.size_for(input_size.0, input_size.1);
        (p.width, p.height) = (ow.clamp(1, max), oh.clamp(1, max));
        p.long_edge_px = 0;
        p.percent = 0.0;
        match picked {
            ResizeMode::LongEdge => p.long_edge_px = ow.max(oh).clamp(1, max),
            ResizeMode::Percent => p.percent = 100.0,
            ResizeMode::Pixels => {}
        }
        changed = true;
    }
    changed |= match picked {
        ResizeMode::Pixels => resize_pixels_ui(ui, p, input_size),
        ResizeMode::LongEdge => ui
            .add(
                egui::DragValue::new(&mut p.long_edge_px)
                    .range(1..=max)
                    .suffix(" px")
                    .update_while_editing(false),
            )
            .changed(),
        ResizeMode::Percent => ui
            .add(
                egui::DragValue::new(&mut p.percent)
                    .range(0.1..=10_000.0)
                    .suffix(" %")
                    .update_while_editing(false),
            )
            .changed(),
    };
    let (ow, oh) = p.size_for(input_size.0, input_size.1);
    ui.weak(format!("Output {ow} x {oh} px"));
    changed | params_rows_except(ui, p, &["width", "height", "long_edge_px", "percent"])
}

/// Width and height keeping the input's aspect, and percentage buttons.
fn resize_pixels_ui(ui: &mut Ui, p: &mut ResizeParams, input_size: (u32, u32)) -> bool {
    let mut changed = false;
    let aspect = input_size.0 as f32 / input_size.1.max(1) as f32;
    let max = lumen_kernels::spec::MAX_OUTPUT_SIDE_PX;
    ui.horizontal(|ui| {
        ui.label("width");
        let drag = egui::DragValue::new(&mut p.width)
            .range(1..=max)
            .update_while_editing(false);
        if ui.add(drag).changed() {
            p.height = ((p.width as f32 / aspect).round() as u32).clamp(1, max);
            changed = true;
        }
        ui.label("height");
        let drag = egui::DragValue::new(&mut p.height)
            .range(1..=max)
            .update_while_editing(false);
        if ui.add(drag).changed() {
            p.width = ((p.height as f32 * aspect).round() as u32).clamp(1, max);
            changed = true;
        }
    });
    ui.horizontal(|ui| {
        for pct in [25, 50, 100, 200] {
            if ui.small_button(format!("{pct}%")).clicked() {
                p.width = ((input_size.0 * pct) / 100).clamp(1, max);
                p.height = ((input_size.1 * pct) / 100).clamp(1, max);
                changed = true;
            }
        }
    });
    changed
}

/// The parameters a new step gets for an input of `input_size`: the
/// registry's editor start (adjustments and geometry neutral, filters with
/// a strength at a modest visible value).
pub fn initial_spec(name: &str, input_size: (u32, u32)) -> Option<FilterSpec> {
    let entry = FILTERS.iter().find(|e| e.info.name == name)?;
    Some((entry.editor_start)(input_size.0, input_size.1))
}

/// Crop presets: label and width / height (0 for the image's own).
pub const CROP_ASPECTS: [(&str, f32); 6] = [
    ("Original", 0.0),
    ("1:1", 1.0),
    ("4:3", 4.0 / 3.0),
    ("3:2", 1.5),
    ("16:9", 16.0 / 9.0),
    ("4:5", 0.8),
];

/// The largest rectangle of `aspect` (width / height; 0 for the image's
/// own) centred in a `w` x `h` image: `(x, y, width, height)`.
pub fn crop_for_aspect((w, h): (u32, u32), aspect: f32) -> (u32, u32, u32, u32) {
    let (w, h) = (w.max(1), h.max(1));
    if aspect <= 0.0 {
        return (0, 0, w, h);
    }
    let (mut cw, mut ch) = (w, ((w as f32 / aspect).round() as u32).max(1));
    if ch > h {
        ch = h;
        cw = ((h as f32 * aspect).round() as u32).clamp(1, w);
    }
    ((w - cw) / 2, (h - ch) / 2, cw, ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumen_kernels::registry::ParamKind;

    /// A filter whose parameters include a custom one needs its own editor
    /// here; every other filter gets the generic one.
    #[test]
    fn every_parameter_has_an_editor() {
        for entry in FILTERS {
            let mut spec = (entry.default)();
            let special = matches!(
                spec,
                FilterSpec::Levels(_)
                    | FilterSpec::Curves(_)
                    | FilterSpec::Convolve(_)
                    | FilterSpec::Crop(_)
                    | FilterSpec::Resize(_)
                    | FilterSpec::Heal(_)
                    | FilterSpec::Lut3d(_)
            );
            let custom = spec
                .params_mut()
                .infos()
                .iter()
                .any(|i| i.kind == ParamKind::Custom);
            assert!(
                special || !custom,
                "{} has a custom parameter but no editor of its own",
                entry.info.name
            );
        }
    }

    #[test]
    fn crop_presets_fit_and_centre() {
        assert_eq!(crop_for_aspect((400, 300), 1.0), (50, 0, 300, 300));
        assert_eq!(crop_for_aspect((400, 300), 16.0 / 9.0), (0, 37, 400, 225));
        assert_eq!(crop_for_aspect((400, 300), 0.0), (0, 0, 400, 300));
        assert_eq!(crop_for_aspect((300, 400), 0.8), (0, 12, 300, 375));
        for (_, a) in CROP_ASPECTS {
            let (x, y, cw, ch) = crop_for_aspect((1, 1), a);
            assert!(x + cw <= 1 && y + ch <= 1 && cw >= 1 && ch >= 1);
        }
    }
}
