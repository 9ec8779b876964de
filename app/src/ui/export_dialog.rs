//! The export dialog (Ctrl+Shift+S): the format, the quality of lossy
//! formats, the colour a JPEG's transparent pixels are flattened onto, and
//! whether the photo's metadata goes along. Export then asks where
//! (desktop) or downloads (web).

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
                .on_hover_text("Lossless or lossy, keeps transparency");
            ui.radio_value(&mut exporter.kind, FileKind::Avif, "AVIF")
                .on_hover_text("The smallest files for photos, keeps transparency");
        });
        if exporter.kind == FileKind::WebP {
            ui.checkbox(&mut exporter.webp_lossless, "Lossless WebP");
        }
        let lossy = match exporter.kind {
            FileKind::Jpeg | FileKind::Avif => true,
            FileKind::WebP => !exporter.webp_lossless,
            FileKind::Png => false,
        };
        if lossy {
            ui.add(egui::Slider::new(&mut exporter.jpeg_quality, 1..=100).text("Quality"));
        }
        if exporter.kind == FileKind::Jpeg {
            ui.horizontal(|ui| {
                ui.color_edit_button_srgb(&mut exporter.matte);
                ui.label("Background for transparent pixels");
            });
        }
        ui.checkbox(
            &mut exporter.strip_metadata,
            "Remove location and camera data",
        )
        .on_hover_text(
            "Exports leave out the EXIF, XMP and IPTC of the opened file \
                 (camera, date, GPS position, captions); the colour profile stays",
        );
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
