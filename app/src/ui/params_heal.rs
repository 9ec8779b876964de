//! The `heal` step's editor: its spots as a list (radius, where the source
//! comes from, remove), then the feather slider. Spots are added and moved
//! on the canvas with the heal tool.

use egui::Ui;
use lumen_kernels::ops::heal::{HealParams, MAX_SPOT_RADIUS};

use super::widgets::params_rows_except;

/// Edits a `heal` step; true when something changed.
pub fn heal_ui(ui: &mut Ui, p: &mut HealParams) -> bool {
    let mut changed = false;
    if let Some(step) = super::step_tools::editing_step(ui.ctx())
        && ui
            .button(super::tools::heal::HEAL_LABEL)
            .on_hover_text("Click blemishes on the image, or drag from one to where to copy from")
            .clicked()
    {
        super::step_tools::request(ui.ctx(), super::step_tools::ToolRequest::HealOnCanvas(step));
    }
    if p.spots.is_empty() {
        ui.weak(format!(
            "No spots yet: press \"{}\" and click on a blemish.",
            super::tools::heal::HEAL_LABEL
        ));
    }
    let mut remove = None;
    for (i, spot) in p.spots.iter_mut().enumerate() {
        ui.push_id(("spot", i), |ui| {
            ui.horizontal(|ui| {
                ui.label(format!("Spot {}", i + 1));
                changed |= ui
                    .add(
                        egui::Slider::new(&mut spot.radius, 0.002..=MAX_SPOT_RADIUS)
                            .logarithmic(true)
                            .text("radius"),
                    )
                    .on_hover_text("Radius, a fraction of the image's longer side")
                    .changed();
                match spot.source {
                    Some(_) => {
                        if ui
                            .small_button("auto")
                            .on_hover_text("Let Lumen choose where to copy from")
                            .clicked()
                        {
                            spot.source = None;
                            changed = true;
                        }
                    }
                    None => {
                        ui.weak("auto source");
                    }
                }
                if ui
                    .small_button("×")
                    .on_hover_text("Remove this spot")
                    .clicked()
                {
                    remove = Some(i);
                }
            });
        });
    }
    if let Some(i) = remove {
        p.spots.remove(i);
        changed = true;
    }
    changed | params_rows_except(ui, p, &["spots"])
}
