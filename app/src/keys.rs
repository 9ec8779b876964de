//! The editor's keyboard shortcuts in one table: the help overlay and the
//! README list them from here, and the web app blocks the browser's own
//! action for every browser shortcut the editor owns (Ctrl+K would
//! otherwise also focus the address bar).

use egui::Key;

/// One shortcut as shown to people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The keys, e.g. `Ctrl+Shift+S`.
    pub keys: &'static str,
    /// What they do.
    pub action: &'static str,
}

/// Every shortcut, in the order the help overlay shows them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "Ctrl+K",
        action: "Add a filter (command palette)",
    },
    Binding {
        keys: "Ctrl+Z",
        action: "Undo",
    },
    Binding {
        keys: "Ctrl+Shift+Z, Ctrl+Y",
        action: "Redo",
    },
    Binding {
        keys: "Ctrl+O",
        action: "Open an image",
    },
    Binding {
        keys: "Ctrl+S",
        action: "Export",
    },
    Binding {
        keys: "Ctrl+Shift+S",
        action: "Export as",
    },
    Binding {
        keys: "Ctrl+V",
        action: "Open the image on the clipboard",
    },
    Binding {
        keys: "Ctrl+Shift+C",
        action: "Copy the result to the clipboard",
    },
    Binding {
        keys: "hold \\",
        action: "Show the original",
    },
    Binding {
        keys: "C",
        action: "Compare: off, split, side by side",
    },
    Binding {
        keys: "+ / -",
        action: "Zoom in / out",
    },
    Binding {
        keys: "Ctrl+0, F, double-click",
        action: "Fit the image (never above 100%)",
    },
    Binding {
        keys: "Ctrl+1, 1",
        action: "100% (one image pixel per screen pixel)",
    },
    Binding {
        keys: "Escape",
        action: "Cancel a render; close a dialog",
    },
    Binding {
        keys: "Ctrl+Q",
        action: "Quit (desktop)",
    },
    Binding {
        keys: "R",
        action: "Crop tool (on the last crop step; adds one if none)",
    },
    Binding {
        keys: "L",
        action: "Straighten tool: draw along the horizon",
    },
    Binding {
        keys: "Q",
        action: "Heal tool: click a blemish, or drag to a source",
    },
    Binding {
        keys: "M",
        action: "Mask tool (on the last step with a mask)",
    },
    Binding {
        keys: "O",
        action: "Mask tool: show or hide the mask in red",
    },
    Binding {
        keys: "[ / ]",
        action: "Mask and heal tools: smaller / bigger brush or spot (Alt erases)",
    },
    Binding {
        keys: "F1, ?",
        action: "This list of shortcuts",
    },
];

/// True for a key press the editor handles and the browser must not also
/// act on: Ctrl (or Cmd) with K, O, S, Z, Y, 0 or 1 (search, open page,
/// save page, browser zoom reset...), and F1 (browser help). Ctrl+C, X and
/// V stay with the browser, or its copy and paste events would not fire.
pub fn owned_by_app(key: Key, command: bool) -> bool {
    if key == Key::F1 {
        return true;
    }
    command
        && matches!(
            key,
            Key::K | Key::O | Key::S | Key::Z | Key::Y | Key::Num0 | Key::Num1
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_owns_its_shortcuts_and_leaves_copy_paste() {
        for key in [Key::K, Key::O, Key::S, Key::Z, Key::Y, Key::Num0, Key::Num1] {
            assert!(owned_by_app(key, true), "{key:?}");
            assert!(!owned_by_app(key, false), "{key:?} alone is typing");
        }
        for key in [Key::C, Key::V, Key::X, Key::R, Key::T] {
            assert!(!owned_by_app(key, true), "{key:?}");
        }
        assert!(owned_by_app(Key::F1, false));
    }

    #[test]
    fn the_readme_lists_every_shortcut() {
        let readme = include_str!("../../README.md");
        for b in BINDINGS {
            for key in b.keys.split([',', '/']).map(str::trim) {
                let key = key.trim_start_matches("hold ");
                if key.contains('-') && key.len() > 1 {
                    continue; // "double-click" is a gesture, not a key
                }
                let shown = format!("`{key}`");
                assert!(readme.contains(&shown), "README's keys table lacks {shown}");
            }
        }
    }
}
