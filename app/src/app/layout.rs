//! Where the steps go: a panel on the right on a wide window, and on a
//! narrow one (a phone) a drawer along the bottom that the top bar's
//! "Steps" button opens and closes, so the photo keeps the width.

use egui::Ui;
use lumen_kernels::RenderStep;
use lumen_kernels::histogram::Histogram;

use super::{LumenApp, step_input_positions};
use crate::ui::panels::{self, StepAction};

/// Below this width (points) the editor uses the narrow layout.
pub const NARROW_WIDTH: f32 = 600.0;

/// True when the window (or page) is too narrow for a side panel.
pub fn is_narrow(ctx: &egui::Context) -> bool {
    ctx.content_rect().width() < NARROW_WIDTH
}

impl LumenApp {
    /// The histogram, recipe steps and history: a right panel, or on a
    /// narrow screen a bottom drawer while it is open.
    pub(super) fn steps_panel_ui(&mut self, ui: &mut Ui, narrow: bool) {
        if self.doc.is_none() {
            return;
        }
        let mut open_palette = false;
        if narrow {
            if self.steps_open {
                let height = ui.ctx().content_rect().height();
                egui::Panel::bottom("steps-drawer")
                    .resizable(true)
                    .default_size(height * 0.45)
                    .min_size(120.0)
                    .max_size(height * 0.8)
                    .show(ui, |ui| open_palette = self.steps_contents(ui, 110.0));
            }
        } else {
            egui::Panel::right("steps")
                .default_size(320.0)
                .show(ui, |ui| open_palette = self.steps_contents(ui, 220.0));
        }
        if open_palette {
            self.palette.show(String::new());
        }
    }

    /// The panel's contents; true when the user asked for the palette.
    fn steps_contents(&mut self, ui: &mut Ui, history_height: f32) -> bool {
        let Some(doc) = self.doc.as_mut() else {
            return false;
        };
        egui::Panel::bottom("history")
            .resizable(true)
            .default_size(history_height)
            .min_size(60.0)
            .show(ui, |ui| panels::history_ui(ui, doc));
        crate::ui::histogram::histogram_ui(ui, self.histogram.get());
        ui.separator();
        let chain: Vec<RenderStep> = doc.recipe().render_steps();
        let inputs: Vec<Option<&Histogram>> = step_input_positions(doc)
            .into_iter()
            .map(|k| self.histogram.input(&chain[..k]))
            .collect();
        matches!(
            panels::steps_ui(ui, doc, &inputs),
            Some(StepAction::OpenPalette)
        )
    }

    /// The narrow layout's buttons in the top bar: the steps drawer and
    /// compare (which the wrapped status bar would push out of reach).
    pub(super) fn narrow_bar_ui(&mut self, ui: &mut Ui) {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .selectable_label(self.steps_open, "Steps")
                .on_hover_text("Show or hide the recipe steps")
                .clicked()
            {
                self.steps_open = !self.steps_open;
            }
            self.compare_button(ui);
        });
    }
}
