//! What the canvas tools share: starting them from the keyboard, as in
//! other photo editors (`R` crop, `L` straighten (level), `Q` heal, `M`
//! the mask tool; each works on the last step of its kind, and crop,
//! straighten and heal add one, starting neutral, when the recipe has
//! none), the keys a tool takes while it is on, and when a tool may draw.

use egui::Key;
use lumen_kernels::{FilterSpec, Recipe, Step};

use super::LumenApp;
use crate::ui::panels::step_input_sizes;

/// The keys a canvas tool takes this frame: Enter applies, Escape cancels
/// (either ends it); `]` and `[` (plain, outside text fields) size its
/// brush or spot; `O` toggles the mask overlay. While the palette, a prompt
/// or a dialog is open, its keys are its own: a tool sees none of them.
#[derive(Default)]
pub(super) struct ToolInput {
    /// Enter.
    pub enter: bool,
    /// Escape.
    pub escape: bool,
    /// `]`.
    pub bigger: bool,
    /// `[`.
    pub smaller: bool,
    /// `O`.
    pub overlay: bool,
}

impl ToolInput {
    /// Whether the tool ends this frame (Enter or Escape).
    pub fn end(&self) -> bool {
        self.enter || self.escape
    }
}

impl LumenApp {
    /// This frame's keys for a canvas tool: none while a modal window has
    /// the keyboard.
    pub(super) fn tool_input(&self, ctx: &egui::Context) -> ToolInput {
        if self.modal_open() {
            return ToolInput::default();
        }
        let typing = ctx.egui_wants_keyboard_input();
        ctx.input(|i| {
            let plain = i.modifiers.is_none() && !typing;
            ToolInput {
                enter: i.key_pressed(Key::Enter),
                escape: i.key_pressed(Key::Escape),
                bigger: plain && i.key_pressed(Key::CloseBracket),
                smaller: plain && i.key_pressed(Key::OpenBracket),
                overlay: plain && i.key_pressed(crate::ui::tools::mask::OVERLAY_KEY),
            }
        })
    }
}

/// A canvas tool a key starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ToolKey {
    /// `R`: the crop tool.
    Crop,
    /// `L`: the straighten tool.
    Straighten,
    /// `Q`: the heal tool.
    Heal,
    /// `M`: the mask tool.
    Mask,
}

impl ToolKey {
    /// The tool whose key was pressed this frame, if any (`plain`: no
    /// Ctrl or Alt, and no text field has the keyboard).
    pub(super) fn pressed(i: &egui::InputState, plain: bool) -> Option<Self> {
        let keys = [
            (Key::R, Self::Crop),
            (Key::L, Self::Straighten),
            (Key::Q, Self::Heal),
            (Key::M, Self::Mask),
        ];
        keys.into_iter()
            .find(|&(k, _)| plain && !i.modifiers.shift && i.key_pressed(k))
            .map(|(_, t)| t)
    }

    /// Whether `step` is one this tool works on.
    fn works_on(self, step: &Step) -> bool {
        match self {
            Self::Crop => matches!(step.spec, FilterSpec::Crop(_)),
            Self::Straighten => matches!(step.spec, FilterSpec::RotateAngle(_)),
            Self::Heal => matches!(step.spec, FilterSpec::Heal(_)),
            Self::Mask => step.mask.is_some(),
        }
    }

    /// The filter added when no step suits the tool.
    fn filter(self) -> Option<&'static str> {
        match self {
            Self::Crop => Some("crop"),
            Self::Straighten => Some("rotate_angle"),
            Self::Heal => Some("heal"),
            Self::Mask => None,
        }
    }
}

impl LumenApp {
    /// The input size of step `step`, once the canvas shows an image of
    /// that size (the tool's render has landed, not the result still on
    /// screen from before): a tool draws only then, so that its handles
    /// line up with the pixels.
    pub(super) fn tool_image_size(&self, step: usize) -> Option<(u32, u32)> {
        let input = *step_input_sizes(self.doc.as_ref()?).get(step)?;
        let d = self.renderer.displayed()?;
        let shown = (
            (d.image.width() as f32 / d.scale).round() as u32,
            (d.image.height() as f32 / d.scale).round() as u32,
        );
        (shown == input).then_some(input)
    }

    /// Ends whichever canvas tool (or pick) is on, so that another may
    /// start, and shows the starting tool's `hint` in the status bar.
    pub(super) fn end_tools_for(&mut self, hint: &str) {
        self.crop_tool = None;
        self.mask_tool = None;
        self.straighten = None;
        self.heal_tool = None;
        self.picking = None;
        self.set_notice(hint, false);
    }

    /// What the renderer is asked for while a canvas tool is on: the
    /// recipe up to the tool's step, without it for crop and straighten
    /// (they show the step's input whole), with it for the mask and heal
    /// tools (they show the step's result).
    pub(super) fn tool_recipe(&self, recipe: &Recipe) -> Option<Recipe> {
        let end = if let Some(t) = &self.crop_tool {
            t.step
        } else if let Some(t) = &self.straighten {
            t.step
        } else if let Some(t) = &self.mask_tool {
            t.step + 1
        } else {
            self.heal_tool.as_ref()?.step + 1
        };
        Some(Recipe {
            steps: recipe.steps.get(..end)?.to_vec(),
        })
    }

    /// Starts `tool` on the last step it works on, adding that step when
    /// the recipe has none (the mask tool says how to add a mask instead).
    pub(super) fn start_tool_from_key(&mut self, tool: ToolKey) {
        let Some(doc) = self.doc.as_ref() else {
            return;
        };
        let step = match (
            doc.steps().iter().rposition(|s| tool.works_on(s)),
            tool.filter(),
        ) {
            (Some(i), _) => i,
            (None, Some(name)) => {
                self.add_filter(name);
                match self.doc.as_ref().map(|d| d.steps().len()) {
                    Some(n) if n > 0 => n - 1,
                    _ => return,
                }
            }
            (None, None) => {
                self.set_notice(
                    "No step has a mask yet: add one in a step's Mask section, then press M",
                    false,
                );
                return;
            }
        };
        match tool {
            ToolKey::Crop => self.start_crop_tool(step),
            ToolKey::Straighten => self.start_straighten(step),
            ToolKey::Heal => self.start_heal_tool(step),
            ToolKey::Mask => self.start_mask_tool(step),
        };
    }
}
