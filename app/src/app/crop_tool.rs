//! The on-canvas crop tool's part of the editor
//! ([`crate::ui::tools::crop`]): started from a crop step's editor, it
//! shows the step's input whole (the renderer is asked for the steps
//! before the crop only), Enter writes the rectangle into the step as
//! fractions of its input (one undo step) and Escape leaves the step as it
//! was.

use lumen_kernels::FilterSpec;

use super::LumenApp;
use crate::ui::panels::step_input_sizes;
use crate::ui::tools::crop::{CropTool, ToolAction};

impl LumenApp {
    /// Starts the crop tool on the crop step at `step` (its index in the
    /// recipe). False when there is no such step.
    pub fn start_crop_tool(&mut self, step: usize) -> bool {
        let Some(doc) = self.doc.as_ref() else {
            return false;
        };
        let (Some(FilterSpec::Crop(params)), Some(&size)) = (
            doc.steps().get(step).map(|s| &s.spec),
            step_input_sizes(doc).get(step),
        ) else {
            return false;
        };
        let tool = CropTool::new(step, params, size);
        self.end_tools_for(
            "Drag the handles or the inside of the rectangle: Enter applies the crop, Esc cancels",
        );
        self.crop_tool = Some(tool);
        true
    }

    /// The crop tool, while it is on.
    pub fn crop_tool(&self) -> Option<&CropTool> {
        self.crop_tool.as_ref()
    }

    /// Enter commits, Escape cancels; the tool ends if its step is gone.
    /// Part of [`LumenApp::logic`].
    pub(super) fn crop_tool_logic(&mut self, ctx: &egui::Context) {
        let Some(tool) = &self.crop_tool else {
            self.canvas.tool_active = false;
            return;
        };
        let step = tool.step;
        let still_there = self.doc.as_ref().is_some_and(|d| {
            matches!(
                d.steps().get(step).map(|s| &s.spec),
                Some(FilterSpec::Crop(_))
            )
        });
        let keys = self.tool_input(ctx);
        if !still_there {
            self.crop_tool = None;
        } else if keys.escape {
            self.end_crop_tool(ToolAction::Cancel);
        } else if keys.enter {
            self.end_crop_tool(ToolAction::Apply);
        }
        self.canvas.tool_active = self.crop_tool.is_some();
    }

    /// Ends the tool, writing its rectangle into the step on
    /// [`ToolAction::Apply`] (one undo step).
    fn end_crop_tool(&mut self, action: ToolAction) {
        let Some(tool) = self.crop_tool.take() else {
            return;
        };
        match action {
            ToolAction::None => self.crop_tool = Some(tool),
            ToolAction::Cancel => self.set_notice("Crop cancelled", false),
            ToolAction::Apply => {
                if let Some(doc) = self.doc.as_mut() {
                    doc.edit_step(tool.step, FilterSpec::Crop(tool.params()));
                    doc.commit();
                }
                self.set_notice("Crop applied", false);
            }
        }
        self.canvas.tool_active = self.crop_tool.is_some();
    }

    /// Draws the tool over the canvas once the canvas shows the crop's
    /// input (not the cropped result still on screen from before).
    pub(super) fn crop_tool_ui(&mut self, ui: &egui::Ui) {
        let Some(step) = self.crop_tool.as_ref().map(|t| t.step) else {
            return;
        };
        if self.tool_image_size(step).is_none() {
            return;
        }
        if let Some(tool) = self.crop_tool.as_mut() {
            let action = tool.ui(ui, self.canvas.last_image_rect);
            self.end_crop_tool(action);
        }
    }
}
