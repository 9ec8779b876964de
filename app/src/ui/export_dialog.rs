//! The export dialog (Ctrl+Shift+S): the format, JPEG quality and the
//! colour a JPEG's transparent pixels are flattened onto. Export then asks
//! where (desktop) or downloads (web).

use egui::Key;

use crate::export::{Exporter, FileKind};

/// What the user chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Export with these settings.
    Export,
    /// Close without exporting.
    Cancel,
}

/// Draws the dialog over the editor; `is_web` names the action Download.
pub fn export_dialog_ui(
    ctx: &egui::Context,
    exporter: &mut Exporter,
    is_web: bool,
) -> Option<Choice> {
    let mut choice = None;
    let modal = egui::Modal::new(egui::Id::unique("export-dialog")).show(ctx, |ui| {
        ui.set_width(340.0);
        ui.heading("Export");
        ui.label("Format");
        ui.horizontal(|ui| {
            ui.radio_value(&mut exporter.kind, FileKind::Png, "PNG")
                .on_hover_text("Lossless, keeps transparency");
            ui.radio_value(&mut exporter.kind, FileKind::Jpeg, "JPEG")
                .on_hover_text("Smaller files for photos; no transparency");
            ui.radio_value(&mut exporter.kind, FileKind::WebP, "WebP")
                .on_hover_text("Lossless, keeps transparency");
        });
        if exporter.kind == FileKind::Jpeg {
            ui.add(egui::Slider::new(&mut exporter.jpeg_quality, 1..=100).text("Quality"));
            ui.horizontal(|ui| {
                ui.color_edit_button_srgb(&mut exporter.matte);
                ui.label("Background for transparent pixels");
            });
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let verb = if is_web { "Download" } else { "Export…" };
            if ui.button(verb).clicked() || ui.input(|i| i.key_pressed(Key::Enter)) {
                choice = Some(Choice::Export);
            }
            if ui.button("Cancel").clicked() {
                choice = Some(Choice::Cancel);
            }
        });
    });
    if choice.is_none() && modal.should_close() {
        choice = Some(Choice::Cancel);
    }
    choice
}
