//! Parameter editors, one per filter. Each returns true when it changed the
//! spec; the document records the change in its history when the pointer is
//! released, so a slider drag is one undo step.

use egui::{Slider, Ui};
use lumen_kernels::FilterSpec;
use lumen_kernels::spec::{Anchor, FlipAxis, ResizeMethod};

fn slider(
    ui: &mut Ui,
    value: &mut f32,
    range: std::ops::RangeInclusive<f32>,
    text: &str,
    tip: &str,
) -> bool {
    ui.add(Slider::new(value, range).text(text))
        .on_hover_text(tip)
        .changed()
}

/// Edits `spec` in place. `input_size` is the size of the image the step
/// receives, for geometry defaults.
pub fn params_ui(ui: &mut Ui, spec: &mut FilterSpec, input_size: (u32, u32)) -> bool {
    match spec {
        FilterSpec::Invert(_) | FilterSpec::Grayscale(_) => {
            ui.weak("No parameters");
            false
        }
        FilterSpec::BrightnessContrast(p) => {
            slider(
                ui,
                &mut p.brightness,
                -1.0..=1.0,
                "Brightness",
                "Added to every channel",
            ) | slider(
                ui,
                &mut p.contrast,
                -1.0..=1.0,
                "Contrast",
                "Spread around mid-grey",
            )
        }
        FilterSpec::Exposure(p) => slider(
            ui,
            &mut p.stops,
            -5.0..=5.0,
            "Stops",
            "Exposure change in stops",
        ),
        FilterSpec::Gamma(p) => ui
            .add(
                Slider::new(&mut p.gamma, 0.1..=5.0)
                    .logarithmic(true)
                    .text("Gamma"),
            )
            .on_hover_text("Above 1 brightens mid-tones")
            .changed(),
        FilterSpec::Hsl(p) => {
            slider(
                ui,
                &mut p.hue_deg,
                -180.0..=180.0,
                "Hue °",
                "Hue rotation in degrees",
            ) | slider(
                ui,
                &mut p.saturation,
                -1.0..=1.0,
                "Saturation",
                "-1 removes colour",
            ) | slider(
                ui,
                &mut p.lightness,
                -1.0..=1.0,
                "Lightness",
                "Towards black or white",
            )
        }
        FilterSpec::GaussianBlur(p) => ui
            .add(
                Slider::new(&mut p.sigma_px, 0.0..=100.0)
                    .logarithmic(true)
                    .text("Sigma px"),
            )
            .on_hover_text("Standard deviation of the blur, in pixels")
            .changed(),
        FilterSpec::UnsharpMask(p) => {
            ui.add(
                Slider::new(&mut p.sigma_px, 0.0..=50.0)
                    .logarithmic(true)
                    .text("Sigma px"),
            )
            .on_hover_text("Radius of detail to enhance")
            .changed()
                | slider(
                    ui,
                    &mut p.amount,
                    0.0..=5.0,
                    "Amount",
                    "Strength of sharpening",
                )
                | slider(
                    ui,
                    &mut p.threshold,
                    0.0..=255.0,
                    "Threshold",
                    "Ignore differences below this",
                )
        }
        FilterSpec::Rotate(p) => {
            let mut changed = false;
            ui.horizontal(|ui| {
                for (turns, label) in [
                    (1, "90° clockwise"),
                    (2, "180°"),
                    (3, "90° counter-clockwise"),
                ] {
                    changed |= ui.radio_value(&mut p.quarter_turns, turns, label).changed();
                }
            });
            changed
        }
        FilterSpec::Flip(p) => {
            let mut changed = false;
            ui.horizontal(|ui| {
                changed |= ui
                    .radio_value(&mut p.axis, FlipAxis::Horizontal, "Left-right")
                    .changed();
                changed |= ui
                    .radio_value(&mut p.axis, FlipAxis::Vertical, "Top-bottom")
                    .changed();
            });
            changed
        }
        FilterSpec::Crop(p) => {
            let (w, h) = input_size;
            let mut changed = false;
            egui::Grid::new("crop").num_columns(4).show(ui, |ui| {
                ui.label("x");
                changed |= ui
                    .add(egui::DragValue::new(&mut p.x).range(0..=w.saturating_sub(1)))
                    .changed();
                ui.label("y");
                changed |= ui
                    .add(egui::DragValue::new(&mut p.y).range(0..=h.saturating_sub(1)))
                    .changed();
                ui.end_row();
                ui.label("width");
                changed |= ui
                    .add(egui::DragValue::new(&mut p.width).range(0..=w))
                    .changed();
                ui.label("height");
                changed |= ui
                    .add(egui::DragValue::new(&mut p.height).range(0..=h))
                    .changed();
                ui.end_row();
            });
            ui.weak("0 width or height means: to the edge");
            changed
        }
        FilterSpec::Resize(p) => {
            let mut changed = false;
            let aspect = input_size.0 as f32 / input_size.1.max(1) as f32;
            ui.horizontal(|ui| {
                ui.label("width");
                if ui
                    .add(egui::DragValue::new(&mut p.width).range(1..=65536))
                    .changed()
                {
                    p.height = ((p.width as f32 / aspect).round() as u32).max(1);
                    changed = true;
                }
                ui.label("height");
                if ui
                    .add(egui::DragValue::new(&mut p.height).range(1..=65536))
                    .changed()
                {
                    p.width = ((p.height as f32 * aspect).round() as u32).max(1);
                    changed = true;
                }
            });
            ui.horizontal(|ui| {
                for pct in [25, 50, 200] {
                    if ui.small_button(format!("{pct}%")).clicked() {
                        p.width = ((input_size.0 * pct) / 100).max(1);
                        p.height = ((input_size.1 * pct) / 100).max(1);
                        changed = true;
                    }
                }
            });
            egui::ComboBox::from_label("Method")
                .selected_text(format!("{:?}", p.method))
                .show_ui(ui, |ui| {
                    for m in [
                        ResizeMethod::Nearest,
                        ResizeMethod::Bilinear,
                        ResizeMethod::Lanczos3,
                    ] {
                        changed |= ui
                            .selectable_value(&mut p.method, m, format!("{m:?}"))
                            .changed();
                    }
                });
            changed
        }
        FilterSpec::RotateAngle(p) => {
            slider(
                ui,
                &mut p.angle_deg,
                -180.0..=180.0,
                "Angle",
                "Degrees, clockwise",
            ) | ui
                .checkbox(&mut p.expand, "Expand canvas")
                .on_hover_text("Grow the image to fit the rotated corners")
                .changed()
        }
        FilterSpec::CanvasSize(p) => {
            let mut changed = false;
            ui.horizontal(|ui| {
                ui.label("width");
                changed |= ui
                    .add(egui::DragValue::new(&mut p.width).range(1..=65536))
                    .changed();
                ui.label("height");
                changed |= ui
                    .add(egui::DragValue::new(&mut p.height).range(1..=65536))
                    .changed();
            });
            egui::Grid::new("anchor").show(ui, |ui| {
                for (i, (anchor, label)) in [
                    (Anchor::TopLeft, "top left"),
                    (Anchor::Top, "top"),
                    (Anchor::TopRight, "top right"),
                    (Anchor::Left, "left"),
                    (Anchor::Center, "centre"),
                    (Anchor::Right, "right"),
                    (Anchor::BottomLeft, "bottom left"),
                    (Anchor::Bottom, "bottom"),
                    (Anchor::BottomRight, "bottom right"),
                ]
                .into_iter()
                .enumerate()
                {
                    changed |= ui.selectable_value(&mut p.anchor, anchor, label).changed();
                    if i % 3 == 2 {
                        ui.end_row();
                    }
                }
            });
            ui.horizontal(|ui| {
                ui.label("fill");
                changed |= ui
                    .color_edit_button_srgba_unmultiplied(&mut p.fill)
                    .changed();
            });
            changed
        }
        FilterSpec::Pixelate(p) => ui
            .add(
                Slider::new(&mut p.block_px, 1..=200)
                    .logarithmic(true)
                    .text("Block"),
            )
            .on_hover_text("Block size in pixels")
            .changed(),
        FilterSpec::Vignette(p) => {
            slider(
                ui,
                &mut p.amount,
                -1.0..=1.0,
                "Amount",
                "Negative darkens the edges, positive lightens them",
            ) | slider(
                ui,
                &mut p.radius,
                0.0..=1.5,
                "Radius",
                "Where the falloff starts, fraction of the half-diagonal",
            ) | slider(
                ui,
                &mut p.softness,
                0.0..=1.0,
                "Softness",
                "Width of the falloff",
            )
        }
        FilterSpec::Noise(p) => {
            let mut changed = slider(ui, &mut p.amount, 0.0..=1.0, "Amount", "Grain strength");
            ui.horizontal(|ui| {
                ui.label("seed");
                changed |= ui.add(egui::DragValue::new(&mut p.seed)).changed();
            });
            changed |= ui
                .checkbox(&mut p.monochrome, "Monochrome")
                .on_hover_text("The same grain on red, green and blue")
                .changed();
            changed
        }
    }
}

/// The parameters a new step gets: the filter's defaults, adapted to the
/// image it will receive (a crop of the centre half, a resize to half size,
/// a canvas 10% larger).
pub fn initial_spec(name: &str, input_size: (u32, u32)) -> Option<FilterSpec> {
    let mut spec = FilterSpec::from_name(name)?;
    let (w, h) = input_size;
    match &mut spec {
        FilterSpec::Crop(p) => {
            p.x = w / 4;
            p.y = h / 4;
            p.width = (w / 2).max(1);
            p.height = (h / 2).max(1);
        }
        FilterSpec::Resize(p) => {
            p.width = (w / 2).max(1);
            p.height = (h / 2).max(1);
        }
        FilterSpec::CanvasSize(p) => {
            p.width = w.saturating_add(w / 10).clamp(1, 65536);
            p.height = h.saturating_add(h / 10).clamp(1, 65536);
        }
        _ => {}
    }
    Some(spec)
}
