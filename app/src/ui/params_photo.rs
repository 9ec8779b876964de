//! Editors of the photographic adjustments that need more than their
//! parameters: the 3D LUT (its table comes from a `.cube` file, imported
//! through the file dialog) and temperature/tint (a white-balance
//! eyedropper that picks a neutral pixel on the canvas). Both post their
//! requests through [`super::step_tools`].

use egui::Ui;
use lumen_kernels::ops::cube::CubeLut;
use lumen_kernels::ops::lut3d::Lut3dParams;
use lumen_kernels::spec::TemperatureTintParams;

use super::step_tools::{self, ToolRequest};
use super::widgets::{params_rows, params_rows_except};

/// The label of the LUT import button.
pub const IMPORT_CUBE_LABEL: &str = "Import .cube…";

/// The label of the eyedropper button.
pub const PICK_WHITE_LABEL: &str = "Pick white";

/// A line describing the step's table.
pub fn table_summary(lut: &CubeLut) -> String {
    if *lut == CubeLut::default() {
        return "No table yet (the identity): import a .cube file".into();
    }
    let n = lut.size;
    let title = if lut.title.is_empty() {
        "Untitled table"
    } else {
        lut.title.as_str()
    };
    format!("{title}: {n}×{n}×{n}")
}

/// The 3D LUT: what table it holds, the import button, then
/// interpolation and amount.
pub fn lut3d_ui(ui: &mut Ui, p: &mut Lut3dParams) -> bool {
    ui.label(table_summary(&p.lut));
    let button = ui.button(IMPORT_CUBE_LABEL).on_hover_text(
        "Read a 3D LUT in .cube format (Adobe / Resolve); the recipe keeps the whole table",
    );
    if button.clicked()
        && let Some(step) = step_tools::editing_step(ui.ctx())
    {
        step_tools::request(ui.ctx(), ToolRequest::ImportCube(step));
    }
    params_rows_except(ui, p, &["lut"])
}

/// Temperature and tint, with the eyedropper: while it is on, a click on
/// the image sets both so that the clicked pixel (of this step's input)
/// becomes neutral.
pub fn temperature_tint_ui(ui: &mut Ui, p: &mut TemperatureTintParams) -> bool {
    let ctx = ui.ctx().clone();
    let step = step_tools::editing_step(&ctx);
    let active = step.is_some() && step_tools::picking(&ctx) == step;
    let button = ui.selectable_label(active, PICK_WHITE_LABEL).on_hover_text(
        "Then click a pixel that should be grey or white: temperature and tint are set \
             so that it becomes neutral (Esc cancels)",
    );
    if button.clicked()
        && let Some(step) = step
    {
        let request = if active {
            ToolRequest::CancelPick
        } else {
            ToolRequest::PickWhite(step)
        };
        step_tools::request(&ctx, request);
    }
    if active {
        ui.weak("Click a neutral pixel on the image");
    }
    params_rows(ui, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_the_table() {
        assert!(table_summary(&CubeLut::default()).starts_with("No table yet"));
        let mut lut = CubeLut::identity(17);
        assert_eq!(table_summary(&lut), "Untitled table: 17×17×17");
        lut.title = "Film".into();
        assert_eq!(table_summary(&lut), "Film: 17×17×17");
    }
}
