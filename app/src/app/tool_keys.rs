//! Canvas tools from the keyboard, as in other photo editors: `R` crop,
//! `L` straighten (level), `Q` heal, `M` the mask tool. Each works on the
//! last step of its kind; crop, straighten and heal add one (starting
//! neutral) when the recipe has none.

use egui::Key;
use lumen_kernels::{FilterSpec, Step};

use super::LumenApp;

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
