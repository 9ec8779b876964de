//! The heal tool's part of the editor ([`crate::ui::tools::heal`]):
//! started from a `heal` step's editor, it shows the recipe up to and
//! including that step (spots are placed on the image they repair, and
//! each one shows healed at once); every click or drag adds a spot as one
//! undo step. `[` and `]` size the next spot; Enter or Escape ends it.

use lumen_kernels::FilterSpec;
use lumen_kernels::ops::heal::{HealParams, MAX_SPOTS, Spot};

use super::LumenApp;
use crate::ui::tools::heal::HealTool;

impl LumenApp {
    /// Starts the heal tool on the `heal` step at `step`. False when there
    /// is no such step.
    pub fn start_heal_tool(&mut self, step: usize) -> bool {
        if self.heal_params(step).is_none() {
            return false;
        }
        self.end_tools_for(
            "Click a blemish, or drag from it to where to copy from; [ and ] size the spot; Enter or Esc ends",
        );
        self.heal_tool = Some(HealTool::new(step));
        true
    }

    /// The heal tool, while it is on.
    pub fn heal_tool(&self) -> Option<&HealTool> {
        self.heal_tool.as_ref()
    }

    /// The parameters of the `heal` step at `step`, if it is one.
    fn heal_params(&self, step: usize) -> Option<&HealParams> {
        match self.doc.as_ref()?.steps().get(step).map(|s| &s.spec) {
            Some(FilterSpec::Heal(p)) => Some(p),
            _ => None,
        }
    }

    /// Enter or Escape ends the tool, as does its step going away; `[`
    /// and `]` size the next spot. Part of [`LumenApp::logic`].
    pub(super) fn heal_tool_logic(&mut self, ctx: &egui::Context) {
        let Some(step) = self.heal_tool.as_ref().map(|t| t.step) else {
            return;
        };
        let keys = self.tool_input(ctx);
        if self.heal_params(step).is_none() || keys.end() {
            self.heal_tool = None;
        } else if let Some(tool) = self.heal_tool.as_mut()
            && (keys.bigger || keys.smaller)
        {
            tool.resize(keys.bigger);
        }
        self.canvas.tool_active |= self.heal_tool.is_some();
    }

    /// Draws the spots once the canvas shows the step's image, and adds
    /// the one a click or drag makes.
    pub(super) fn heal_tool_ui(&mut self, ui: &egui::Ui) {
        let Some(step) = self.heal_tool.as_ref().map(|t| t.step) else {
            return;
        };
        let (Some(size), Some(params)) = (self.tool_image_size(step), self.heal_params(step))
        else {
            return;
        };
        let params = params.clone();
        let rect = self.canvas.last_image_rect;
        let Some(tool) = self.heal_tool.as_mut() else {
            return;
        };
        if let Some(spot) = tool.ui(ui, rect, size, &params) {
            self.add_heal_spot(step, spot);
        }
    }

    /// Appends `spot` to the `heal` step at `step`, as one undo step.
    fn add_heal_spot(&mut self, step: usize, spot: Spot) {
        let Some(doc) = self.doc.as_mut() else {
            return;
        };
        let mut recipe = doc.recipe().clone();
        let Some(FilterSpec::Heal(params)) = recipe.steps.get_mut(step).map(|s| &mut s.spec) else {
            return;
        };
        if params.spots.len() >= MAX_SPOTS {
            self.set_notice(
                format!("A heal step holds at most {MAX_SPOTS} spots: add another heal step"),
                false,
            );
            return;
        }
        let auto = spot.source.is_none();
        params.spots.push(spot);
        let n = params.spots.len();
        doc.set_recipe(recipe, format!("Heal spot {n}"));
        let from = if auto {
            "from a place Lumen chose"
        } else {
            "from where the drag ended"
        };
        self.set_notice(format!("Healed spot {n} {from}"), false);
    }
}
