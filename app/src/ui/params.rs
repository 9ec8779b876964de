//! Parameter editors, one per filter. Each returns true when it changed the
//! spec; the document records the change in its history when the pointer is
//! released, so a slider drag is one undo step.

use egui::{Slider, Ui};
use lumen_kernels::FilterSpec;
use lumen_kernels::histogram::Histogram;

use super::params_tone as tone;
use lumen_kernels::spec::{Anchor, FlipAxis, ResizeMethod};

/// A float slider with a hover tip; true when it changed.
pub(super) fn slider(
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
/// receives, for geometry defaults; `hist` is the histogram of the current
/// result, drawn behind the levels and curves editors.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per filter; to be generated from the filter metadata"
)]
pub fn params_ui(
    ui: &mut Ui,
    spec: &mut FilterSpec,
    input_size: (u32, u32),
    hist: Option<&Histogram>,
) -> bool {
    match spec {
        FilterSpec::Levels(p) => tone::levels_ui(ui, p, hist),
        FilterSpec::Curves(p) => tone::curves_ui(ui, p, hist),
        FilterSpec::ChannelMixer(p) => tone::channel_mixer_ui(ui, p),
        FilterSpec::BlackWhite(p) => tone::black_white_ui(ui, p),
        FilterSpec::Vibrance(p) => slider(
            ui,
            &mut p.amount,
            -1.0..=1.0,
            "Vibrance",
            "Saturates dull colours more than vivid ones; negative mutes them",
        ),
        FilterSpec::TemperatureTint(p) => {
            slider(
                ui,
                &mut p.temperature,
                -1.0..=1.0,
                "Temperature",
                "Negative is cooler (bluer), positive warmer (yellower)",
            ) | slider(
                ui,
                &mut p.tint,
                -1.0..=1.0,
                "Tint",
                "Negative is greener, positive more magenta",
            )
        }
        FilterSpec::Sepia(p) => slider(
            ui,
            &mut p.amount,
            0.0..=1.0,
            "Amount",
            "0 is the original, 1 full sepia",
        ),
        FilterSpec::Threshold(p) => ui
            .add(Slider::new(&mut p.level, 0..=255).text("Level"))
            .on_hover_text("Pixels with luma at or above this become white, the rest black")
            .changed(),
        FilterSpec::Posterize(p) => ui
            .add(Slider::new(&mut p.levels, 2..=32).text("Levels"))
            .on_hover_text("Levels per channel")
            .changed(),
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
        FilterSpec::BoxBlur(p) => ui
            .add(
                Slider::new(&mut p.radius_px, 0..=200)
                    .logarithmic(true)
                    .text("Radius px"),
            )
            .on_hover_text("Half the side of the averaged square, in pixels")
            .changed(),
        FilterSpec::MotionBlur(p) => {
            slider(
                ui,
                &mut p.length_px,
                0.0..=200.0,
                "Length px",
                "Length of the streak, in pixels",
            ) | slider(
                ui,
                &mut p.angle_deg,
                -180.0..=180.0,
                "Angle",
                "Direction of the streak, degrees counter-clockwise",
            )
        }
        FilterSpec::Median(p) => ui
            .add(
                Slider::new(&mut p.radius_px, 1..=100)
                    .logarithmic(true)
                    .text("Radius px"),
            )
            .on_hover_text("Half the side of the window, in pixels")
            .changed(),
        FilterSpec::Denoise(p) => {
            slider(
                ui,
                &mut p.strength,
                0.0..=1.0,
                "Strength",
                "How different neighbours may be and still be averaged",
            ) | ui
                .add(Slider::new(&mut p.radius_px, 1..=10).text("Radius px"))
                .on_hover_text("Size of the neighbourhood, in pixels")
                .changed()
        }
        FilterSpec::Sobel(p) => slider(
            ui,
            &mut p.scale,
            0.0..=8.0,
            "Scale",
            "Gain applied to the edge magnitude",
        ),
        FilterSpec::Emboss(p) => {
            slider(
                ui,
                &mut p.angle_deg,
                -180.0..=180.0,
                "Light angle",
                "Direction the light comes from, degrees counter-clockwise",
            ) | slider(
                ui,
                &mut p.strength,
                0.0..=10.0,
                "Strength",
                "Depth of the relief",
            )
        }
        FilterSpec::Convolve(p) => {
            let side = if p.kernel.len() == 25 { 5 } else { 3 };
            let mut changed = false;
            egui::Grid::new("convolve_kernel").show(ui, |ui| {
                for (i, w) in p.kernel.iter_mut().enumerate() {
                    changed |= ui
                        .add(egui::DragValue::new(w).speed(0.1).range(-1000.0..=1000.0))
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
            changed |= ui
                .add(
                    egui::DragValue::new(&mut p.divisor)
                        .speed(0.1)
                        .range(-1_000_000.0..=1_000_000.0)
                        .prefix("Divisor "),
                )
                .on_hover_text("0 divides by the sum of the weights")
                .changed();
            changed
                | slider(
                    ui,
                    &mut p.bias,
                    -255.0..=255.0,
                    "Bias",
                    "Added to each colour",
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
            ui.horizontal(|ui| {
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
                .selected_text(method_label(p.method).0)
                .show_ui(ui, |ui| {
                    for m in RESIZE_METHODS {
                        let (label, tip) = method_label(m);
                        changed |= ui
                            .selectable_value(&mut p.method, m, label)
                            .on_hover_text(tip)
                            .changed();
                    }
                });
            changed |= ui
                .checkbox(&mut p.linear_light, "Linear light")
                .on_hover_text(
                    "Resample in linear light: physically right for downscaling bright detail, \
                     slower",
                )
                .changed();
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
                    changed |= ui
                        .selectable_value(&mut p.anchor, anchor, label)
                        .on_hover_text("Where the old image sits in the new canvas")
                        .changed();
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

/// The resampling filters in menu order.
pub const RESIZE_METHODS: [ResizeMethod; 6] = [
    ResizeMethod::Nearest,
    ResizeMethod::Box,
    ResizeMethod::Bilinear,
    ResizeMethod::CatmullRom,
    ResizeMethod::Mitchell,
    ResizeMethod::Lanczos3,
];

/// A resampling filter's name and what it is good for.
pub fn method_label(m: ResizeMethod) -> (&'static str, &'static str) {
    match m {
        ResizeMethod::Nearest => ("Nearest", "Hard pixels: pixel art, masks"),
        ResizeMethod::Box => ("Box", "Area average: fast, clean downscaling"),
        ResizeMethod::Bilinear => ("Bilinear", "Smooth, slightly soft"),
        ResizeMethod::CatmullRom => ("Catmull-Rom", "Sharp bicubic"),
        ResizeMethod::Mitchell => ("Mitchell", "Balanced bicubic, little ringing"),
        ResizeMethod::Lanczos3 => ("Lanczos 3", "Sharpest, may ring at hard edges"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
