//! Side panels: the recipe's steps with their parameter editors, and the
//! history list.

use egui::Ui;
use lumen_kernels::FilterSpec;
use lumen_kernels::histogram::Histogram;

use super::params::params_ui;
use crate::document::Document;

/// Whether the person worked the widgets in `rect` this frame: a press,
/// drag or release that began or ended there, typing into a widget there
/// that has the focus, or an assistive-technology action. A parameter
/// editor that changes a value without any of these is only showing it
/// (a number box clamps a value beyond its range, e.g. a restored crop
/// larger than a changed image), and that is not an edit: recording it
/// would invent history.
pub fn touched(ui: &Ui, rect: egui::Rect) -> bool {
    let ctx = ui.ctx();
    let here = |id: Option<egui::Id>| {
        id.and_then(|id| ctx.read_response(id))
            .is_some_and(|r| rect.intersects(r.rect))
    };
    let focus = ctx.memory(|m| m.focused());
    let focused_here = here(focus);
    // A number typed into a box here is applied when the box loses the
    // focus (a click elsewhere): that frame counts too.
    let was_focused = ctx.data(|d| d.get_temp::<Option<egui::Id>>(last_focus_key()).flatten());
    if was_focused != focus && here(was_focused) {
        return true;
    }
    ui.input(|i| {
        let pointer = (i.pointer.any_down() || i.pointer.any_released())
            && [i.pointer.press_origin(), i.pointer.interact_pos()]
                .into_iter()
                .flatten()
                .any(|p| rect.contains(p));
        let typed = focused_here
            && i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. } | egui::Event::Text(_) | egui::Event::Paste(_)
                )
            });
        let assisted = i
            .events
            .iter()
            .any(|e| matches!(e, egui::Event::AccessKitActionRequest(_)));
        pointer || typed || assisted
    })
}

fn last_focus_key() -> egui::Id {
    egui::Id::unique("lumen-steps-last-focus")
}

/// What the user asked for in the steps panel.
pub enum StepAction {
    /// Open the command palette.
    OpenPalette,
}

/// Output size after each step (`sizes[k]` is the input of step k), from
/// the source size; geometry only, no pixels.
pub fn step_input_sizes(doc: &Document) -> Vec<(u32, u32)> {
    let mut size = (doc.source.width(), doc.source.height());
    let mut sizes = Vec::with_capacity(doc.steps().len() + 1);
    for step in doc.steps() {
        sizes.push(size);
        if step.enabled
            && let Ok(next) = step.spec.output_size(size.0, size.1)
        {
            size = next;
        }
    }
    sizes.push(size);
    sizes
}

/// The payload of a step being dragged to a new place: its index.
#[derive(Clone, Copy, Debug)]
struct StepDrag(usize);

/// Opacity of a disabled step's title and editor.
pub const DISABLED_OPACITY: f32 = 0.45;

/// The recipe panel: one editor per step, with enable, move and remove
/// buttons; a step is dragged to a new place by its handle, and a
/// disabled step is greyed out. `input_hists[i]` is the histogram of the
/// image entering step `i`, once counted (levels and curves draw it).
pub fn steps_ui(
    ui: &mut Ui,
    doc: &mut Document,
    input_hists: &[Option<&Histogram>],
) -> Option<StepAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Recipe");
        if ui.button("+ Add filter").on_hover_text("Ctrl+K").clicked() {
            action = Some(StepAction::OpenPalette);
        }
    });
    ui.separator();
    if doc.steps().is_empty() {
        ui.weak("No steps yet. Press Ctrl+K to add a filter.");
    }
    let sizes = step_input_sizes(doc);
    let n = doc.steps().len();
    let mut dropped = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (i, &input_size) in sizes.iter().enumerate().take(n) {
            let frame = ui.push_id(i, |ui| {
                egui::Frame::group(ui.style())
                    .show(ui, |ui| {
                        step_ui(
                            ui,
                            doc,
                            i,
                            input_size,
                            input_hists.get(i).copied().flatten(),
                        );
                    })
                    .response
            });
            if let Some(from) = drop_target(ui, &frame.inner, i) {
                dropped = Some((from, i));
            }
            if doc.steps().len() != n {
                break;
            }
        }
    });
    if let Some((from, to)) = dropped {
        doc.move_step(from, to);
    }
    let focus = ui.ctx().memory(|m| m.focused());
    ui.ctx()
        .data_mut(|d| d.insert_temp(last_focus_key(), focus));
    action
}

/// While a step is dragged over step `i`, marks where it would go; returns
/// the dragged step's index when it is dropped here.
fn drop_target(ui: &Ui, frame: &egui::Response, i: usize) -> Option<usize> {
    let hovering = frame.dnd_hover_payload::<StepDrag>()?;
    let y = if hovering.0 > i {
        frame.rect.top()
    } else {
        frame.rect.bottom()
    };
    let stroke = egui::Stroke::new(2.0, ui.visuals().selection.stroke.color);
    ui.painter().hline(frame.rect.x_range(), y, stroke);
    frame
        .dnd_release_payload::<StepDrag>()
        .map(|p| p.0)
        .filter(|&from| from != i)
}

/// One step: its header and its parameter editor.
fn step_ui(
    ui: &mut Ui,
    doc: &mut Document,
    i: usize,
    input_size: (u32, u32),
    hist: Option<&Histogram>,
) {
    let Some(step) = doc.steps().get(i).cloned() else {
        return;
    };
    step_header_ui(ui, doc, i, input_size);
    if i >= doc.steps().len() {
        return;
    }
    let mut spec: FilterSpec = step.spec;
    if !step.enabled {
        ui.multiply_opacity(DISABLED_OPACITY);
    }
    super::step_tools::set_editing_step(ui.ctx(), i);
    let edit = ui.scope(|ui| params_ui(ui, &mut spec, input_size, hist));
    if edit.inner && touched(ui, edit.response.rect) {
        doc.edit_step(i, spec);
    }
}

/// What a step's header asked for.
#[derive(Clone, Copy)]
enum HeaderAction {
    Toggle,
    Remove,
    Move(usize),
    Reset,
}

/// A step's header: drag handle, enable box and title on the left (the
/// title shortened to fit), Reset, move and remove buttons on the right.
fn step_header_ui(ui: &mut Ui, doc: &mut Document, i: usize, input_size: (u32, u32)) {
    let Some(step) = doc.steps().get(i).cloned() else {
        return;
    };
    let n = doc.steps().len();
    let asked = std::cell::Cell::new(None);
    egui::Sides::new().shrink_left().truncate().show(
        ui,
        |ui| {
            ui.dnd_drag_source(egui::Id::unique("step-drag").with(i), StepDrag(i), |ui| {
                ui.label("::").on_hover_text("Drag to move this step")
            });
            let mut enabled = step.enabled;
            if ui
                .checkbox(&mut enabled, "")
                .on_hover_text("Enable or disable this step")
                .changed()
            {
                asked.set(Some(HeaderAction::Toggle));
            }
            if !step.enabled {
                ui.multiply_opacity(DISABLED_OPACITY);
            }
            ui.add(egui::Label::new(
                egui::RichText::new(format!("{}. {}", i + 1, step.spec.label())).strong(),
            ))
            .on_hover_text(step.spec.info().description);
        },
        |ui| {
            if ui.small_button("x").on_hover_text("Remove").clicked() {
                asked.set(Some(HeaderAction::Remove));
            }
            let down = egui::Button::new("v").small();
            if ui
                .add_enabled(i + 1 < n, down)
                .on_hover_text("Move down")
                .clicked()
            {
                asked.set(Some(HeaderAction::Move(i + 1)));
            }
            let up = egui::Button::new("^").small();
            if ui.add_enabled(i > 0, up).on_hover_text("Move up").clicked() {
                asked.set(Some(HeaderAction::Move(i.saturating_sub(1))));
            }
            if ui
                .small_button("Reset")
                .on_hover_text("Reset to defaults")
                .clicked()
            {
                asked.set(Some(HeaderAction::Reset));
            }
        },
    );
    match asked.get() {
        Some(HeaderAction::Toggle) => doc.toggle_step(i),
        Some(HeaderAction::Remove) => doc.remove_step(i),
        Some(HeaderAction::Move(to)) => doc.move_step(i, to),
        Some(HeaderAction::Reset) => {
            if let Some(default) = super::params::initial_spec(step.spec.name(), input_size) {
                doc.edit_step(i, default);
                doc.commit();
            }
        }
        None => {}
    }
}

/// The history list: click an entry to go back (or forward) to it. It
/// fills its panel, and scrolls to the current entry whenever that changes
/// (an edit, undo or redo).
pub fn history_ui(ui: &mut Ui, doc: &mut Document) {
    ui.heading("History");
    ui.separator();
    let (labels, current) = doc.history();
    let labels: Vec<String> = labels.into_iter().map(str::to_owned).collect();
    let seen_id = egui::Id::unique("history-current");
    let moved = ui.data(|d| d.get_temp::<(usize, usize)>(seen_id)) != Some((current, labels.len()));
    ui.data_mut(|d| d.insert_temp(seen_id, (current, labels.len())));
    egui::ScrollArea::vertical()
        .id_salt("history")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (i, label) in labels.iter().enumerate() {
                let text = if i > current {
                    egui::RichText::new(label).weak()
                } else {
                    egui::RichText::new(label)
                };
                let row = ui.selectable_label(i == current, text);
                if i == current && moved {
                    row.scroll_to_me(Some(egui::Align::Center));
                }
                if row.clicked() {
                    doc.jump_to(i);
                }
            }
        });
}
