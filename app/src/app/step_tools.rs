//! What steps' editors ask of the editor ([`crate::ui::step_tools`]):
//! importing a `.cube` file into a `lut3d` step, and the white-balance
//! eyedropper of a `temperature_tint` step, where a click on the canvas
//! picks a pixel of the step's input (from the renderer's per-step cache)
//! and sets temperature and tint so that it becomes neutral.

use lumen_kernels::FilterSpec;
use lumen_kernels::ops::cube::CubeLut;
use lumen_kernels::ops::tone::neutral_temperature_tint;
use lumen_kernels::registry::Family;
use lumen_kernels::{RenderStep, RgbaImage};

use super::{LumenApp, step_input_positions};
use crate::dialogs::FileRequest;
use crate::ui::panels::step_input_sizes;
use crate::ui::step_tools::{self, ToolRequest};

/// Pixels around the clicked one averaged by the eyedropper (a 3x3
/// square), so that noise does not decide the balance.
const PICK_RADIUS_PX: i64 = 1;

impl LumenApp {
    /// Takes the request a step's editor posted, and the canvas click while
    /// the eyedropper is on. Part of [`LumenApp::logic`].
    pub(super) fn step_tool_logic(&mut self, ctx: &egui::Context) {
        match step_tools::take_request(ctx) {
            Some(ToolRequest::ImportCube(step)) => self.ask_file(FileRequest::ImportCube { step }),
            Some(ToolRequest::PickWhite(step)) => {
                self.picking = Some(step);
                self.set_notice(
                    "Click a pixel that should be neutral grey or white (Esc cancels)",
                    false,
                );
            }
            Some(ToolRequest::CancelPick) => self.picking = None,
            Some(ToolRequest::CropOnCanvas(step)) => {
                self.start_crop_tool(step);
            }
            Some(ToolRequest::MaskOnCanvas(step)) => {
                self.start_mask_tool(step);
            }
            Some(ToolRequest::Straighten(step)) => {
                self.start_straighten(step);
            }
            Some(ToolRequest::HealOnCanvas(step)) => {
                self.start_heal_tool(step);
            }
            None => {}
        }
        let still_there = |step: usize| {
            self.doc.as_ref().is_some_and(|d| {
                matches!(
                    d.steps().get(step).map(|s| &s.spec),
                    Some(FilterSpec::TemperatureTint(_))
                )
            })
        };
        if self.picking.is_some_and(|s| !still_there(s)) || self.tool_input(ctx).escape {
            self.picking = None;
        }
        let click = self.canvas.take_click();
        if let (Some(step), Some(at), false) = (self.picking, click, self.show_before) {
            self.pick_white(step, at);
        }
        step_tools::set_picking(ctx, self.picking);
        self.canvas.picking = self.picking.is_some();
    }

    /// The step picking a neutral pixel, if the eyedropper is on.
    pub fn picking_white(&self) -> Option<usize> {
        self.picking
    }

    /// Sets step `step`'s temperature and tint from the pixel at `(x, y)`
    /// (full-resolution coordinates of the displayed result).
    fn pick_white(&mut self, step: usize, (x, y): (f32, f32)) {
        let Some(doc) = self.doc.as_ref() else { return };
        let moved = doc
            .steps()
            .get(step + 1..)
            .unwrap_or_default()
            .iter()
            .any(|s| s.enabled && s.spec.info().family == Family::Geometry);
        if moved {
            self.picking = None;
            self.set_notice(
                "Pick white needs the image as this step sees it: move the step after the \
                 crop, rotation or resize, or turn those off",
                true,
            );
            return;
        }
        let (Some(&k), Some(&full)) = (
            step_input_positions(doc).get(step),
            step_input_sizes(doc).get(step),
        ) else {
            return;
        };
        let Some(input) = self.renderer.step_input(k) else {
            self.set_notice(
                "The image is still rendering: click again in a moment",
                false,
            );
            return;
        };
        let scale = input.image.width() as f32 / full.0.max(1) as f32;
        let (px, py) = ((x * scale) as i64, (y * scale) as i64);
        let Some(mean) = mean_after(&input.image, &input.pending, px, py) else {
            self.set_notice("Pick white could not read that pixel", true);
            return;
        };
        let Some(pick) = neutral_temperature_tint(mean) else {
            self.set_notice(
                "That pixel is too dark to judge its colour: pick a lighter grey",
                true,
            );
            return;
        };
        let Some(doc) = self.doc.as_mut() else { return };
        doc.edit_step(step, FilterSpec::TemperatureTint(pick.params));
        doc.commit();
        self.picking = None;
        let (ix, iy) = (x as u32, y as u32);
        let text = if pick.exact {
            format!("White balance set from the pixel at {ix}, {iy}")
        } else {
            format!(
                "White balance set from the pixel at {ix}, {iy}, as far as temperature and tint reach"
            )
        };
        self.set_notice(text, false);
    }

    /// A `.cube` file was read for step `step`.
    pub(super) fn cube_loaded(&mut self, step: usize, name: &str, lut: CubeLut) {
        let Some(doc) = self.doc.as_mut() else { return };
        let Some(FilterSpec::Lut3d(params)) = doc.steps().get(step).map(|s| s.spec.clone()) else {
            self.set_notice(
                format!("{name}: the 3D LUT step it was chosen for is gone"),
                true,
            );
            return;
        };
        let n = lut.size;
        let mut params = params;
        params.lut = lut;
        doc.edit_step(step, FilterSpec::Lut3d(params));
        doc.commit();
        self.set_notice(format!("Imported {name} ({n}×{n}×{n})"), false);
    }
}

/// The mean colour (levels) of the pixels within [`PICK_RADIUS_PX`] of
/// `(x, y)` that lie inside `image` and are not fully transparent (the
/// clicked pixel alone, clamped into the image, if none is).
/// The mean colour around `(x, y)` of `image` after the point steps
/// `pending` (the steps of a fused run before the picking step): they are
/// applied to the rows around the pixel only, which gives the same pixels
/// as applying them to the whole image, since a point step maps each pixel
/// alone (a masked step is never among them: it is never fused).
fn mean_after(image: &RgbaImage, pending: &[RenderStep], x: i64, y: i64) -> Option<[f64; 3]> {
    if pending.is_empty() {
        return Some(mean_around(image, x, y));
    }
    let h = i64::from(image.height());
    let y = y.clamp(0, h - 1);
    let (top, bottom) = ((y - PICK_RADIUS_PX).max(0), (y + PICK_RADIUS_PX).min(h - 1));
    let rows = image.rows_copy(top as u32..bottom as u32 + 1);
    let band = RgbaImage::from_pixels(image.width(), (bottom - top + 1) as u32, rows)
        .and_then(|band| lumen_kernels::registry::apply_chain(pending, &band));
    match band {
        Ok(band) => Some(mean_around(&band, x, y - top)),
        Err(e) => {
            log::warn!("pick white: {e}");
            None
        }
    }
}

/// The mean colour of the visible (alpha > 0) pixels within [`PICK_RADIUS_PX`] of
/// `(x, y)` (the pixel itself where all are transparent).
fn mean_around(image: &RgbaImage, x: i64, y: i64) -> [f64; 3] {
    let (w, h) = (i64::from(image.width()), i64::from(image.height()));
    let (x, y) = (x.clamp(0, w - 1), y.clamp(0, h - 1));
    let mut sum = [0.0; 3];
    let mut n = 0.0;
    for yy in (y - PICK_RADIUS_PX).max(0)..=(y + PICK_RADIUS_PX).min(h - 1) {
        for xx in (x - PICK_RADIUS_PX).max(0)..=(x + PICK_RADIUS_PX).min(w - 1) {
            let Some(p) = image.pixel(xx as u32, yy as u32) else {
                continue;
            };
            if p[3] == 0 {
                continue;
            }
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
            n += 1.0;
        }
    }
    if n == 0.0 {
        let p = image.pixel(x as u32, y as u32).unwrap_or_default();
        return [0, 1, 2].map(|c| f64::from(p[c]));
    }
    sum.map(|s| s / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_covers_the_square_inside_the_image() {
        let px: Vec<u8> = (0..9u8).flat_map(|i| [i * 10, 0, 255 - i, 255]).collect();
        let img = RgbaImage::from_pixels(3, 3, px).unwrap_or_else(|e| panic!("{e}"));
        // Centre: all nine, mean of 0..90 step 10 = 40.
        assert_eq!(mean_around(&img, 1, 1)[0], 40.0);
        // Corner: four pixels (0, 10, 30, 40) = 20; outside points clamp.
        assert_eq!(mean_around(&img, 0, 0)[0], 20.0);
        assert_eq!(mean_around(&img, -5, -5)[0], 20.0);
    }
}
