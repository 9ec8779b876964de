//! The status bar (sizes, zoom buttons, compare, the pixel under the
//! pointer, render progress with Cancel, the last message), the shortcuts
//! overlay, the unsaved-changes prompt, and the clipboard.

use std::sync::Arc;

use egui::Ui;

use super::{LumenApp, Pending};
use crate::render::Quality;
use crate::ui::canvas::ZOOM_STEP;

impl LumenApp {
    /// The compare button: off, split, side by side.
    pub(super) fn compare_button(&mut self, ui: &mut Ui) {
        let compare = self.canvas.compare;
        if ui
            .selectable_label(
                compare != crate::ui::canvas::CompareMode::Off,
                compare.label(),
            )
            .on_hover_text("Compare with the original: off, split, side by side (C)")
            .clicked()
        {
            self.canvas.compare = compare.next();
        }
    }

    pub(super) fn status_ui(&mut self, ui: &mut Ui, narrow: bool) {
        ui.horizontal_wrapped(|ui| {
            self.size_ui(ui);
            ui.separator();
            self.zoom_ui(ui);
            ui.separator();
            if !narrow {
                // The narrow layout has it in the top bar.
                self.compare_button(ui);
            }
            ui.separator();
            // The pointer's pixel, in a field of constant width (blank
            // while the pointer is off the image), so that the bar's
            // layout, and with it the canvas, never moves as the pointer
            // comes and goes.
            ui.monospace(probe_text(self.canvas.probe.as_ref()));
            ui.separator();
            self.progress_ui(ui);
            // Errors stay in the banner above; the latest confirmation
            // here, on one line (whole on hover), for the same reason.
            if let Some(n) = self.notices().iter().rev().find(|n| !n.is_error) {
                ui.separator();
                notice_ui(ui, &n.text);
            }
        });
    }

    /// The full-resolution size (exact even while the preview shows; the
    /// original's while it is shown alone) and which tier is on screen.
    fn size_ui(&self, ui: &mut Ui) {
        let Some(d) = self.renderer.displayed() else {
            return;
        };
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

    fn zoom_ui(&mut self, ui: &mut Ui) {
        let ppp = ui.ctx().pixels_per_point();
        if ui.small_button("-").on_hover_text("Zoom out (-)").clicked() {
            self.canvas.zoom_by(1.0 / ZOOM_STEP);
        }
        ui.label(format!("{:.0}%", self.canvas.zoom * ppp * 100.0));
        if ui.small_button("+").on_hover_text("Zoom in (+)").clicked() {
            self.canvas.zoom_by(ZOOM_STEP);
        }
        if ui
            .small_button("Fit")
            .on_hover_text("Fit (Ctrl+0, F)")
            .clicked()
        {
            self.canvas.request_fit();
        }
        if ui
            .small_button("100%")
            .on_hover_text("100% (Ctrl+1, 1)")
            .clicked()
        {
            self.canvas.actual_size(ppp);
        }
    }

    /// Progress of a full render with its Cancel, or why it stopped.
    fn progress_ui(&mut self, ui: &mut Ui) {
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
            if ui.small_button("Cancel").on_hover_text("Escape").clicked() {
                self.cancel_render();
            }
        } else if let Some(err) = self.renderer.error() {
            ui.colored_label(ui.visuals().error_fg_color, err.to_owned());
        } else if self.renderer.is_cancelled() {
            ui.label("render cancelled (the preview shows)");
        }
    }

    /// Stops the full-resolution render; the preview stays.
    pub(super) fn cancel_render(&mut self) {
        self.renderer.cancel_full();
        log::info!("render cancelled");
        self.set_notice("Render cancelled; change the recipe to render again", false);
    }

    /// Copies the result (full resolution once rendered, else the preview)
    /// to the clipboard.
    pub(super) fn copy_result(&mut self, ctx: &egui::Context) {
        let image = self
            .renderer
            .full_result()
            .or_else(|| self.renderer.displayed().map(|d| d.image.clone()));
        let Some(image) = image else { return };
        let size = [image.width() as usize, image.height() as usize];
        ctx.copy_image(egui::ColorImage::from_rgba_unmultiplied(
            size,
            image.pixels(),
        ));
        self.set_notice(
            format!("Copied the {}×{} result", image.width(), image.height()),
            false,
        );
    }

    /// An image pasted with Ctrl+V becomes the document (after the
    /// unsaved-changes prompt).
    pub(super) fn take_pasted(&mut self, ctx: &egui::Context) {
        let pasted = ctx.input(|i| {
            i.events.iter().find_map(|e| match e {
                egui::Event::PasteImage(image) => Some(image.clone()),
                _ => None,
            })
        });
        if let Some(image) = pasted {
            self.guard(Pending::OpenPasted(image));
        }
        for (name, bytes) in crate::platform::take_pasted_files() {
            self.guard(Pending::OpenBytes(name, bytes));
        }
    }

    /// Opens pasted pixels: kept as a PNG for autosave
    /// ([`crate::platform::open_pasted`]).
    pub(super) fn open_pasted(&mut self, image: Arc<egui::ColorImage>) {
        self.start_task("paste", |tasks| crate::platform::open_pasted(tasks, image));
    }

    /// The list of shortcuts (F1, `?`).
    pub(super) fn help_ui(&mut self, ui: &Ui) {
        if !self.show_help {
            return;
        }
        let modal = egui::Modal::new(egui::Id::unique("help")).show(ui.ctx(), |ui| {
            ui.heading("Keyboard shortcuts");
            egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                for b in crate::keys::BINDINGS {
                    ui.monospace(b.keys);
                    ui.label(b.action);
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
            ui.button("Close")
        });
        if modal.inner.clicked() || modal.should_close() {
            self.show_help = false;
        }
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

/// The least width (points) a notice is cut to on the bar's row: a few
/// words.
const NOTICE_MIN_ROOM: f32 = 80.0;

/// The latest notice, cut to the room left on the bar's row (whole on
/// hover). A truncated label alone is as wide as the bar and so would
/// start a second row, lifting the canvas; it gets a row of its own only
/// where the row has no room for a few words (a phone's width).
fn notice_ui(ui: &mut Ui, text: &str) {
    let room = ui.available_size_before_wrap().x;
    let label = |ui: &mut Ui| {
        ui.add(egui::Label::new(text).truncate())
            .on_hover_text(text);
    };
    if room >= NOTICE_MIN_ROOM {
        let row = egui::vec2(room, ui.spacing().interact_size.y);
        ui.allocate_ui(row, label);
    } else {
        label(ui);
    }
}

/// The status bar's pointer readout, always the same number of characters
/// (spaces when there is no pixel under the pointer).
fn probe_text(probe: Option<&crate::ui::canvas::Probe>) -> String {
    let text = match probe {
        Some(p) => {
            let [r, g, b, a] = p.rgba;
            let what = if p.is_before { "original" } else { "" };
            format!(
                "x {:>5} y {:>5}  RGBA {r:>3} {g:>3} {b:>3} {a:>3} {what:<8}",
                p.x, p.y
            )
        }
        None => String::new(),
    };
    format!("{text:<46}")
}
