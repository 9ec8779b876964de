//! The menu bar, the status bar and the unsaved-changes prompt.

use super::{LumenApp, Pending};
use crate::dialogs::FileRequest;
use crate::export::WebFormat;
use crate::platform;
use crate::render::Quality;

impl LumenApp {
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…  (Ctrl+O)").clicked() {
                    self.guard(Pending::OpenDialog);
                }
                if ui.button("Export  (Ctrl+S)").clicked() {
                    self.save();
                }
                if ui.button("Export as…  (Ctrl+Shift+S)").clicked() {
                    self.export_dialog();
                }
                ui.add(
                    egui::Slider::new(&mut self.exporter.jpeg_quality, 1..=100)
                        .text("JPEG quality"),
                );
                ui.separator();
                if platform::IS_WEB {
                    ui.horizontal(|ui| {
                        ui.label("Download as");
                        ui.radio_value(&mut self.exporter.web_format, WebFormat::Png, "PNG");
                        ui.radio_value(&mut self.exporter.web_format, WebFormat::Jpeg, "JPEG");
                        ui.radio_value(&mut self.exporter.web_format, WebFormat::WebP, "WebP");
                    });
                }
                if ui.button("Load recipe…").clicked() {
                    self.ask_file(FileRequest::LoadRecipe);
                }
                if ui.button("Save recipe…").clicked()
                    && let Some(doc) = &self.doc
                {
                    let json = doc.recipe().to_json();
                    self.ask_file(FileRequest::SaveRecipe { json });
                }
                if !platform::IS_WEB {
                    ui.checkbox(&mut self.builtin_dialogs, "Use Lumen's file browser")
                        .on_hover_text("Instead of the system's file dialogs");
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    self.guard(Pending::Close);
                }
            });
            ui.menu_button("Edit", |ui| {
                let (can_undo, can_redo) = self
                    .doc
                    .as_ref()
                    .map_or((false, false), |d| (d.can_undo(), d.can_redo()));
                if ui
                    .add_enabled(can_undo, egui::Button::new("Undo  (Ctrl+Z)"))
                    .clicked()
                    && let Some(d) = self.doc.as_mut()
                {
                    d.undo();
                }
                if ui
                    .add_enabled(can_redo, egui::Button::new("Redo  (Ctrl+Shift+Z)"))
                    .clicked()
                    && let Some(d) = self.doc.as_mut()
                {
                    d.redo();
                }
                if ui.button("Add filter…  (Ctrl+K)").clicked() {
                    self.palette.show();
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Fit  (F)").clicked() {
                    self.canvas.request_fit();
                }
                if ui.button("100%  (1)").clicked() {
                    self.canvas.actual_size(ui.ctx().pixels_per_point());
                }
                ui.weak("Hold \\ to see the original");
            });
        });
    }

    pub(super) fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if let Some(d) = self.renderer.displayed() {
                // Full-resolution sizes, exact even while the preview shows.
                let (w, h) = match &self.doc {
                    Some(doc) if self.show_before => (doc.source.width(), doc.source.height()),
                    Some(doc) => crate::ui::panels::step_input_sizes(doc)
                        .last()
                        .copied()
                        .unwrap_or((0, 0)),
                    None => (d.image.width(), d.image.height()),
                };
                ui.label(format!("{w}×{h} px"));
                ui.separator();
                let q = if self.show_before {
                    "original"
                } else if d.quality == Quality::Proxy {
                    "preview"
                } else {
                    "full"
                };
                ui.label(q);
            }
            ui.separator();
            ui.label(format!(
                "{:.0}%",
                self.canvas.zoom * ui.ctx().pixels_per_point() * 100.0
            ));
            ui.separator();
            if self.renderer.is_busy() {
                match self.renderer.progress() {
                    Some(f) => {
                        ui.add(
                            egui::ProgressBar::new(f)
                                .desired_width(120.0)
                                .show_percentage(),
                        );
                    }
                    None => {
                        ui.spinner();
                    }
                }
                ui.label("rendering");
            } else if let Some(err) = self.renderer.error() {
                ui.colored_label(ui.visuals().error_fg_color, err.to_owned());
            }
            if let Some(n) = &self.notice {
                ui.separator();
                if n.is_error {
                    ui.colored_label(ui.visuals().error_fg_color, &n.text);
                } else {
                    ui.label(&n.text);
                }
            }
        });
    }

    pub(super) fn confirm_ui(&mut self, ui: &mut egui::Ui) {
        let Some(action) = self.confirm.clone() else {
            return;
        };
        let mut choice = None;
        let modal = egui::Modal::new(egui::Id::unique("unsaved")).show(ui.ctx(), |ui| {
            ui.heading("Unsaved changes");
            ui.label("Your edits have not been exported. Discard them?");
            ui.horizontal(|ui| {
                if ui.button("Export…").clicked() {
                    choice = Some(0);
                }
                if ui.button("Discard").clicked() {
                    choice = Some(1);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(2);
                }
            });
        });
        if choice.is_none() && modal.should_close() {
            choice = Some(2); // Escape or a click beside the prompt: Cancel
        }
        match choice {
            Some(0) => {
                self.confirm = None;
                self.export_then(action);
            }
            Some(1) => {
                self.confirm = None;
                self.run_pending(action);
            }
            Some(_) => self.confirm = None,
            None => {}
        }
    }
}
