//! The parameter editor of a step. Most filters get the editor the
//! registry's metadata describes ([`super::widgets`]); a few have a widget
//! of their own: levels and curves (drawn over the histogram of the step's
//! input), the convolution kernel grid, crop (aspect presets), resize
//! (aspect lock and percentages), the 3D LUT (import of a `.cube` file)
//! and temperature/tint (the white-balance eyedropper). Each returns true when it changed the
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
        FilterSpec::Lut3d(p) => photo::lut3d_ui(ui, p),
        FilterSpec::TemperatureTint(p) => photo::temperature_tint_ui(ui, p),
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

/// Crop: the rectangle in pixels of the step's input, and aspect presets.
fn crop_ui(ui: &mut Ui, p: &mut CropParams, input_size: (u32, u32)) -> bool {
    let (w, h) = input_size;
    let mut changed = false;
    egui::Grid::new("crop").num_columns(4).show(ui, |ui| {
        for (i, (label, value, max)) in [
            ("x", &mut p.x, w.saturating_sub(1)),
            ("y", &mut p.y, h.saturating_sub(1)),
            ("width", &mut p.width, w),
            ("height", &mut p.height, h),
        ]
        .into_iter()
        .enumerate()
        {
            ui.label(label);
            changed |= ui
                .add(
                    egui::DragValue::new(value)
                        .range(0..=max)
                        .update_while_editing(false),
                )
                .changed();
            if i % 2 == 1 {
                ui.end_row();
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Aspect");
        for (label, aspect) in CROP_ASPECTS {
            if ui
                .small_button(label)
                .on_hover_text("The largest centred rectangle of this shape")
                .clicked()
            {
                let (x, y, cw, ch) = crop_for_aspect(input_size, aspect);
                (p.x, p.y, p.width, p.height) = (x, y, cw, ch);
                changed = true;
            }
        }
    });
    ui.weak("0 width or height means: to the edge");
    changed
}

/// Resize: width and height keeping the input's aspect, percentage
/// buttons, then the method and linear light from the registry.
fn resize_ui(ui: &mut Ui, p: &mut ResizeParams, input_size: (u32, u32)) -> bool {
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
    changed | params_rows_except(ui, p, &["width", "height"])
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
