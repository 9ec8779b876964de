//! Side panels: the recipe's steps with their parameter editors, and the
//! history list.

use egui::Ui;
use lumen_kernels::FilterSpec;
use lumen_kernels::histogram::Histogram;

use super::params::params_ui;
use crate::document::Document;

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

/// The recipe panel: one collapsible editor per step, with enable, move and
/// remove buttons. `input_hists[i]` is the histogram of the image entering
/// step `i`, once counted (levels and curves draw it).
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
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (i, &input_size) in sizes.iter().enumerate().take(n) {
            let step = doc.steps()[i].clone();
            let mut spec: FilterSpec = step.spec;
            ui.push_id(i, |ui| {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let mut enabled = step.enabled;
                        if ui
                            .checkbox(&mut enabled, "")
                            .on_hover_text("Enable or disable this step")
                            .changed()
                        {
                            doc.toggle_step(i);
                        }
                        ui.strong(format!("{}. {}", i + 1, spec.label()))
                            .on_hover_text(spec.info().description);
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui.small_button("x").on_hover_text("Remove").clicked() {
                                doc.remove_step(i);
                            }
                            if ui
                                .add_enabled(i + 1 < n, egui::Button::new("v").small())
                                .on_hover_text("Move down")
                                .clicked()
                            {
                                doc.move_step(i, i + 1);
                            }
                            if ui
                                .add_enabled(i > 0, egui::Button::new("^").small())
                                .on_hover_text("Move up")
                                .clicked()
                            {
                                doc.move_step(i, i - 1);
                            }
                            if ui
                                .small_button("Reset")
                                .on_hover_text("Reset to defaults")
                                .clicked()
                                && let Some(default) =
                                    super::params::initial_spec(spec.name(), input_size)
                            {
                                doc.edit_step(i, default);
                                doc.commit();
                            }
                        });
                    });
                    let hist = input_hists.get(i).copied().flatten();
                    if i < doc.steps().len() && params_ui(ui, &mut spec, input_size, hist) {
                        doc.edit_step(i, spec);
                    }
                });
            });
            if doc.steps().len() != n {
                break;
            }
        }
    });
    action
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
