//! The on-canvas mask tool's part of the editor
//! ([`crate::ui::tools::mask`]): started from a step's mask controls, it
//! shows the recipe up to that step (so handles line up with the step's
//! own image) and turns drags of the handles into mask edits, one undo
//! step per drag. Enter or Escape ends it.

use egui::Key;
use lumen_kernels::Recipe;

use super::LumenApp;
use crate::ui::panels::step_input_sizes;
use crate::ui::tools::mask::MaskTool;

impl LumenApp {
    /// Starts the mask tool on the mask of step `step`. False when that
    /// step has no mask.
    pub fn start_mask_tool(&mut self, step: usize) -> bool {
        let has_mask = self
            .doc
            .as_ref()
            .is_some_and(|d| d.steps().get(step).is_some_and(|s| s.mask.is_some()));
        if !has_mask {
            return false;
        }
        self.crop_tool = None;
        self.picking = None;
        self.mask_tool = Some(MaskTool::new(step));
        self.set_notice(
            "Drag the mask's handles; Enter or Esc ends the mask tool",
            false,
        );
        true
    }

    /// The mask tool, while it is on.
    pub fn mask_tool(&self) -> Option<&MaskTool> {
        self.mask_tool.as_ref()
    }

    /// Enter or Escape ends the tool, as does its step losing its mask.
    /// Part of [`LumenApp::logic`].
    pub(super) fn mask_tool_logic(&mut self, ctx: &egui::Context) {
        let Some(tool) = &self.mask_tool else {
            return;
        };
        let step = tool.step;
        let still_there = self
            .doc
            .as_ref()
            .is_some_and(|d| d.steps().get(step).is_some_and(|s| s.mask.is_some()));
        let end = ctx.input(|i| i.key_pressed(Key::Enter) || i.key_pressed(Key::Escape));
        if !still_there || end {
            self.mask_tool = None;
        }
        self.canvas.tool_active |= self.mask_tool.is_some();
    }

    /// What the renderer is asked for while the mask tool is on: the steps
    /// up to and including its step.
    pub(super) fn mask_tool_recipe(&self, recipe: &Recipe) -> Option<Recipe> {
        let step = self.mask_tool.as_ref()?.step;
        Some(Recipe {
            steps: recipe.steps.get(..=step)?.to_vec(),
        })
    }

    /// Draws the handles once the canvas shows the step's image, and
    /// writes a moved handle into the step's mask.
    pub(super) fn mask_tool_ui(&mut self, ui: &egui::Ui) {
        let (Some(tool), Some(doc)) = (self.mask_tool.as_mut(), self.doc.as_mut()) else {
            return;
        };
        let Some(mask) = doc.steps().get(tool.step).and_then(|s| s.mask.clone()) else {
            return;
        };
        let input = step_input_sizes(doc).get(tool.step).copied();
        let shown = self.renderer.displayed().map(|d| {
            let w = (d.image.width() as f32 / d.scale).round() as u32;
            let h = (d.image.height() as f32 / d.scale).round() as u32;
            (w, h)
        });
        if input.is_none() || input != shown {
            return;
        }
        if let Some(edited) = tool.ui(ui, self.canvas.last_image_rect, &mask) {
            doc.edit_mask(tool.step, Some(edited));
        }
    }
}
