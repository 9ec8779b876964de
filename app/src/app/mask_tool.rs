//! The on-canvas mask tool's part of the editor
//! ([`crate::ui::tools::mask`]): started from a step's mask controls, it
//! shows the recipe up to that step (so handles line up with the step's
//! own image) and turns drags of the handles into mask edits, one undo
//! step per drag; a drag elsewhere paints into the mask's brush shape
//! (`[` and `]` size the brush, Alt erases); `O` shows the mask's weights
//! in red. Enter or Escape ends it.

use super::LumenApp;
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
        self.end_tools_for(
            "Drag the mask's handles; O shows the mask in red; Enter or Esc ends the mask tool",
        );
        self.mask_tool = Some(MaskTool::new(step));
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
        let keys = self.tool_input(ctx);
        if !still_there || keys.end() {
            self.mask_tool = None;
        } else if let Some(tool) = self.mask_tool.as_mut() {
            if keys.overlay {
                tool.overlay = !tool.overlay;
            }
            if keys.bigger || keys.smaller {
                tool.resize_brush(keys.bigger);
            }
        }
        self.canvas.tool_active |= self.mask_tool.is_some();
    }

    /// Draws the handles once the canvas shows the step's image, and
    /// writes a moved handle into the step's mask.
    pub(super) fn mask_tool_ui(&mut self, ui: &egui::Ui) {
        let Some(step) = self.mask_tool.as_ref().map(|t| t.step) else {
            return;
        };
        if self.tool_image_size(step).is_none() {
            return;
        }
        let (Some(tool), Some(doc)) = (self.mask_tool.as_mut(), self.doc.as_mut()) else {
            return;
        };
        let Some((mask, filter)) = doc
            .steps()
            .get(tool.step)
            .and_then(|s| Some((s.mask.clone()?, s.spec.name())))
        else {
            return;
        };
        let Some(displayed) = self.renderer.displayed() else {
            return;
        };
        let rect = self.canvas.last_image_rect;
        let shown = (displayed.image.as_ref(), displayed.generation);
        tool.overlay_ui(ui, rect, &mask, filter, shown);
        if let Some(edited) = tool.ui(ui, rect, &mask) {
            doc.edit_mask(tool.step, Some(edited));
        }
        if let Some(why) = tool.take_refusal() {
            self.set_notice(why, true);
        }
    }
}
