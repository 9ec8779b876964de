//! The straighten tool's part of the editor
//! ([`crate::ui::tools::straighten`]): started from a `rotate_angle`
//! step's editor, it shows the step's input; a line drawn along the
//! horizon sets the step's angle and puts the largest upright crop right
//! after it (updating a crop already there), as one undo step. Escape
//! cancels.

use egui::Pos2;
use lumen_kernels::spec::CropParams;
use lumen_kernels::{FilterSpec, Step};

use super::LumenApp;
use crate::ui::panels::step_input_sizes;
use crate::ui::tools::straighten::{StraightenTool, level_angle, straight_crop};

/// Lines shorter than this (input pixels) are taken as slips.
const MIN_LINE_PX: f64 = 4.0;

impl LumenApp {
    /// Starts the straighten tool on the `rotate_angle` step at `step`.
    /// False when there is no such step.
    pub fn start_straighten(&mut self, step: usize) -> bool {
        let is_rotate = self.doc.as_ref().is_some_and(|d| {
            matches!(
                d.steps().get(step).map(|s| &s.spec),
                Some(FilterSpec::RotateAngle(_))
            )
        });
        if !is_rotate {
            return false;
        }
        self.end_tools_for("Draw a line along the horizon (or an upright edge); Esc cancels");
        self.straighten = Some(StraightenTool::new(step));
        true
    }

    /// The straighten tool, while it is on.
    pub fn straighten_tool(&self) -> Option<&StraightenTool> {
        self.straighten.as_ref()
    }

    /// Escape, or its step going away, ends the tool. Part of
    /// [`LumenApp::logic`].
    pub(super) fn straighten_logic(&mut self, ctx: &egui::Context) {
        let Some(tool) = &self.straighten else {
            return;
        };
        let still_there = self.doc.as_ref().is_some_and(|d| {
            matches!(
                d.steps().get(tool.step).map(|s| &s.spec),
                Some(FilterSpec::RotateAngle(_))
            )
        });
        if !still_there || self.tool_input(ctx).escape {
            self.straighten = None;
        }
        self.canvas.tool_active |= self.straighten.is_some();
    }

    /// Draws the line once the canvas shows the step's input, and applies
    /// it when drawn.
    pub(super) fn straighten_ui(&mut self, ui: &egui::Ui) {
        let Some(step) = self.straighten.as_ref().map(|t| t.step) else {
            return;
        };
        if self.tool_image_size(step).is_none() {
            return;
        }
        let Some(tool) = self.straighten.as_mut() else {
            return;
        };
        if let Some(line) = tool.ui(ui, self.canvas.last_image_rect) {
            self.apply_straighten(step, line);
        }
    }

    /// Sets step `step` to level `line` (fractions of its input) and
    /// crops to the largest upright rectangle after it.
    fn apply_straighten(&mut self, step: usize, line: [Pos2; 2]) {
        let Some(doc) = self.doc.as_mut() else {
            return;
        };
        let Some(&input) = step_input_sizes(doc).get(step) else {
            return;
        };
        let (w, h) = (f64::from(input.0), f64::from(input.1));
        let px = |p: Pos2| [f64::from(p.x) * w, f64::from(p.y) * h];
        let (a, b) = (px(line[0]), px(line[1]));
        if (b[0] - a[0]).hypot(b[1] - a[1]) < MIN_LINE_PX {
            self.set_notice("Draw a longer line along the horizon", false);
            return;
        }
        let angle = level_angle(a, b);
        let mut recipe = doc.recipe().clone();
        let Some(FilterSpec::RotateAngle(mut params)) =
            recipe.steps.get(step).map(|s| s.spec.clone())
        else {
            return;
        };
        params.angle_deg = angle as f32;
        let spec = FilterSpec::RotateAngle(params);
        let Ok(out) = spec.output_size(input.0, input.1) else {
            self.set_notice("That angle cannot be applied to this image", false);
            return;
        };
        recipe.steps[step].spec = spec;
        let crop = FilterSpec::Crop(CropParams::fractions(straight_crop(input, out, angle)));
        match recipe.steps.get_mut(step + 1) {
            Some(next) if matches!(next.spec, FilterSpec::Crop(_)) => next.spec = crop,
            _ => recipe.steps.insert(step + 1, Step::new(crop)),
        }
        doc.set_recipe(recipe, format!("Straighten by {angle:.1}°"));
        self.straighten = None;
        self.set_notice(format!("Straightened by {angle:.1}° and cropped"), false);
    }
}
