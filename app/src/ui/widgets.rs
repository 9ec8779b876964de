//! Parameter widgets generated from the registry's metadata
//! ([`ParamInfo`]): a slider over the soft range for numbers (typed values
//! may use the whole hard range and take effect on Enter or when the field
//! loses focus, so typing "5.5" is one edit, not three), radio buttons for
//! small option sets, a combo box for choices, a checkbox for toggles, a
//! colour button for colours. The ↺ button beside a number, or its
//! context menu, resets that one parameter to its default.

use egui::{Slider, SliderClamping, Ui};
use lumen_kernels::registry::{DynParams, ParamInfo, ParamKind, ParamMut};

/// Width left for the value box, label and reset button beside a slider,
/// in points.
const LABEL_ROOM: f32 = 150.0;

/// Narrowest slider drawn, in points.
const MIN_SLIDER: f32 = 80.0;

/// What the user did with one parameter's widget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Edit {
    /// The value changed.
    pub changed: bool,
    /// The user asked to reset it to its default.
    pub reset: bool,
}

impl std::ops::BitOrAssign for Edit {
    fn bitor_assign(&mut self, other: Self) {
        self.changed |= other.changed;
        self.reset |= other.reset;
    }
}

/// Draws the widget of every parameter of `params` that has a generic
/// editor (all but [`ParamKind::Custom`]); true when one changed or was
/// reset.
pub fn params_rows(ui: &mut Ui, params: &mut dyn DynParams) -> bool {
    params_rows_except(ui, params, &[])
}

/// [`params_rows`] without the parameters named in `skip`.
pub fn params_rows_except(ui: &mut Ui, params: &mut dyn DynParams, skip: &[&str]) -> bool {
    let mut changed = false;
    for info in params.infos() {
        if skip.contains(&info.name) {
            continue;
        }
        let Some(value) = params.param_mut(info.name) else {
            continue;
        };
        let edit = ui.push_id(info.name, |ui| param_ui(ui, info, value)).inner;
        if edit.reset {
            changed |= params.reset_param(info.name);
        }
        changed |= edit.changed;
    }
    changed
}

/// Sets the slider width so sliders grow with the panel.
fn fit_slider(ui: &mut Ui) {
    ui.spacing_mut().slider_width = (ui.available_width() - LABEL_ROOM).max(MIN_SLIDER);
}

/// The label with its unit, e.g. "Sigma (px)".
fn caption(info: &ParamInfo) -> String {
    if info.unit.is_empty() {
        info.label.to_owned()
    } else {
        format!("{} ({})", info.label, info.unit)
    }
}

/// Draws a number widget with a ↺ button after it, and reads both: a
/// change, or a reset asked for by the button or the widget's context menu.
fn with_reset(
    ui: &mut Ui,
    info: &ParamInfo,
    help: &str,
    add: impl FnOnce(&mut Ui) -> egui::Response,
) -> Edit {
    ui.horizontal(|ui| {
        let response = add(ui).on_hover_text(help);
        let mut reset = false;
        response.context_menu(|ui| {
            if ui.button("Reset to default").clicked() {
                reset = true;
                ui.close();
            }
        });
        reset |= reset_button(ui, info).clicked();
        Edit {
            changed: response.changed() && !reset,
            reset,
        }
    })
    .inner
}

/// A small button with a circular arrow (↺, painted: the bundled font has
/// no such glyph), labelled "Reset LABEL" for screen readers and tests.
fn reset_button(ui: &mut Ui, info: &ParamInfo) -> egui::Response {
    let side = ui.spacing().interact_size.y * 0.8;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::click());
    let name = format!("Reset {}", info.label);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
    if ui.is_rect_visible(rect) {
        let visuals = ui.style().interact(&response);
        let painter = ui.painter();
        painter.rect_filled(rect, 2.0, visuals.weak_bg_fill);
        let centre = rect.center();
        let r = side * 0.28;
        let stroke = egui::Stroke::new(1.4, visuals.fg_stroke.color);
        // Three quarters of a circle, anticlockwise from the top right, and
        // an arrowhead at its end.
        let points: Vec<egui::Pos2> = (0..=18)
            .map(|i| {
                let a = -std::f32::consts::FRAC_PI_4 - i as f32 * std::f32::consts::PI / 12.0;
                centre + r * egui::vec2(a.cos(), a.sin())
            })
            .collect();
        let tip = points[0];
        painter.add(egui::Shape::line(points, stroke));
        painter.line_segment([tip, tip + egui::vec2(-r * 0.7, 0.0)], stroke);
        painter.line_segment([tip, tip + egui::vec2(0.0, -r * 0.7)], stroke);
    }
    response.on_hover_text(format!("Reset {} to its default", info.label))
}

/// One parameter's widget.
pub fn param_ui(ui: &mut Ui, info: &ParamInfo, value: ParamMut<'_>) -> Edit {
    let help = info.help_text();
    match (info.kind, value) {
        (ParamKind::Float { .. }, ParamMut::Float(v)) => float_ui(ui, info, v, &help),
        (ParamKind::Int { labels, .. }, ParamMut::U8(v)) if !labels.is_empty() => {
            let mut x = u32::from(*v);
            let edit = options_ui(ui, info, labels, &mut x);
            *v = u8::try_from(x).unwrap_or(*v);
            edit
        }
        (ParamKind::Int { labels, .. }, ParamMut::U32(v)) if !labels.is_empty() => {
            options_ui(ui, info, labels, v)
        }
        (
            ParamKind::Int {
                hard, soft, log, ..
            },
            ParamMut::U8(v),
        ) => {
            let mut x = u32::from(*v);
            let edit = int_ui(ui, info, (hard, soft, log), &mut x, &help);
            *v = u8::try_from(x).unwrap_or(u8::MAX);
            edit
        }
        (
            ParamKind::Int {
                hard, soft, log, ..
            },
            ParamMut::U32(v),
        ) => int_ui(ui, info, (hard, soft, log), v, &help),
        (ParamKind::Toggle, ParamMut::Toggle(v)) => Edit {
            changed: ui.checkbox(v, info.label).on_hover_text(&help).changed(),
            reset: false,
        },
        (ParamKind::Choice(choices), ParamMut::Choice(v)) => choice_ui(ui, info, choices, v),
        (ParamKind::Floats { hard, soft, parts }, ParamMut::Floats(values)) => {
            floats_ui(ui, info, (hard, soft, parts), values, &help)
        }
        (ParamKind::Color, ParamMut::Color(c)) => {
            let mut changed = false;
            ui.horizontal(|ui| {
                ui.label(info.label);
                changed = ui
                    .color_edit_button_srgba_unmultiplied(c)
                    .on_hover_text(&help)
                    .changed();
            });
            Edit {
                changed,
                reset: false,
            }
        }
        _ => Edit::default(),
    }
}

/// A float: a slider over the soft range; typed values may use the whole
/// hard range.
fn float_ui(ui: &mut Ui, info: &ParamInfo, v: &mut f32, help: &str) -> Edit {
    let ParamKind::Float {
        hard,
        soft,
        log,
        decimals,
    } = info.kind
    else {
        return Edit::default();
    };
    fit_slider(ui);
    let slider = Slider::new(v, soft.0..=soft.1)
        .logarithmic(log)
        .clamping(SliderClamping::Never)
        .update_while_editing(false)
        .max_decimals(usize::from(decimals).max(1))
        .text(caption(info));
    let edit = with_reset(ui, info, help, |ui| ui.add(slider));
    if !v.is_finite() {
        *v = soft.0;
    }
    *v = v.clamp(hard.0, hard.1);
    edit
}

/// One of named choices, as a combo box.
fn choice_ui(
    ui: &mut Ui,
    info: &ParamInfo,
    choices: &[lumen_kernels::registry::Choice],
    v: &mut dyn lumen_kernels::registry::ChoiceValue,
) -> Edit {
    let mut index = v.index();
    let current = choices.get(index).map_or("", |c| c.label);
    let mut changed = false;
    egui::ComboBox::from_label(info.label)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for (i, c) in choices.iter().enumerate() {
                changed |= ui.selectable_value(&mut index, i, c.label).changed();
            }
        });
    if changed {
        v.set_index(index);
    }
    Edit {
        changed,
        reset: false,
    }
}

/// An array of floats: a slider per part, one reset button for all.
fn floats_ui(
    ui: &mut Ui,
    info: &ParamInfo,
    (hard, soft, parts): ((f32, f32), (f32, f32), &[&str]),
    values: &mut [f32],
    help: &str,
) -> Edit {
    ui.label(info.label).on_hover_text(help);
    fit_slider(ui);
    let mut edit = Edit::default();
    for (v, part) in values.iter_mut().zip(parts.iter()) {
        let slider = Slider::new(v, soft.0..=soft.1)
            .clamping(SliderClamping::Never)
            .update_while_editing(false)
            .text(*part);
        edit.changed |= ui.add(slider).on_hover_text(help).changed();
        *v = if v.is_finite() {
            v.clamp(hard.0, hard.1)
        } else {
            0.0
        };
    }
    edit.reset = reset_button(ui, info).clicked();
    edit
}

/// An integer: a slider over the soft range, or a number box when the
/// range is too wide for a slider (seeds, pixel positions).
fn int_ui(
    ui: &mut Ui,
    info: &ParamInfo,
    (hard, soft, log): ((u32, u32), (u32, u32), bool),
    v: &mut u32,
    help: &str,
) -> Edit {
    let edit = if soft.1 - soft.0 > 100_000 {
        with_reset(ui, info, help, |ui| {
            ui.label(caption(info));
            let drag = egui::DragValue::new(v)
                .range(hard.0..=hard.1)
                .update_while_editing(false);
            ui.add(drag)
        })
    } else {
        fit_slider(ui);
        let slider = Slider::new(v, soft.0..=soft.1)
            .logarithmic(log)
            .clamping(SliderClamping::Never)
            .update_while_editing(false)
            .text(caption(info));
        with_reset(ui, info, help, |ui| ui.add(slider))
    };
    *v = (*v).clamp(hard.0, hard.1);
    edit
}

/// A few labelled options of an integer parameter, as radio buttons.
fn options_ui(ui: &mut Ui, info: &ParamInfo, labels: &[&str], v: &mut u32) -> Edit {
    let mut changed = false;
    ui.label(info.label);
    ui.horizontal_wrapped(|ui| {
        for (i, label) in (0u32..).zip(labels) {
            changed |= ui.radio_value(v, i, *label).changed();
        }
    });
    Edit {
        changed,
        reset: false,
    }
}
