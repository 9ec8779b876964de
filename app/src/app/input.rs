//! Keyboard shortcuts ([`crate::keys`] lists them for people) and files
//! dropped on the window.

use egui::{Event, Key, KeyboardShortcut, Modifiers};

use super::tool_keys::ToolKey;
use super::{LumenApp, Pending};
use crate::platform::{self, Dropped};
use crate::ui::canvas::ZOOM_STEP;

/// The shortcuts with Ctrl (Cmd on macOS), as pressed this frame.
#[derive(Default)]
struct Commands {
    undo: bool,
    redo: bool,
    open: bool,
    save: bool,
    save_as: bool,
    /// Ctrl+K, with what was typed after it in the same frame.
    palette: Option<String>,
    fit: bool,
    actual: bool,
    copy: bool,
    quit: bool,
}

/// Takes the text typed after `shortcut` in this frame's events, if it was
/// pressed: keys typed quickly after Ctrl+K can reach the editor in the same
/// frame as it, before the palette's field has the keyboard, and are meant
/// for the palette, not for the canvas's single-key tools (`R` crop...).
/// Backspace takes back a character; other keys (Enter, arrows, Escape) stay
/// for the palette.
fn take_typed_after(i: &mut egui::InputState, shortcut: &KeyboardShortcut) -> Option<String> {
    let at = i.events.iter().position(|e| {
        matches!(e, Event::Key { key, pressed: true, modifiers, .. }
            if *key == shortcut.logical_key && modifiers.matches_logically(shortcut.modifiers))
    })?;
    let mut typed = String::new();
    let after = i.events.split_off(at + 1);
    for event in after {
        match event {
            Event::Text(text) => typed.push_str(&text),
            Event::Key {
                key: Key::Backspace,
                pressed: true,
                ..
            } => {
                typed.pop();
            }
            Event::Key { key, .. }
                if !matches!(
                    key,
                    Key::Enter | Key::Escape | Key::ArrowUp | Key::ArrowDown
                ) => {}
            other => i.events.push(other),
        }
    }
    Some(typed)
}

fn commands(ctx: &egui::Context) -> Commands {
    let cmd = Modifiers::COMMAND;
    let shift = Modifiers::COMMAND | Modifiers::SHIFT;
    let sc = |m, k| KeyboardShortcut::new(m, k);
    ctx.input_mut(|i| {
        let palette = take_typed_after(i, &sc(cmd, Key::K));
        let mut take = |m, k| i.consume_shortcut(&sc(m, k));
        // Shift variants first: consume_shortcut ignores extra Shift.
        let redo = take(shift, Key::Z);
        let save_as = take(shift, Key::S);
        let copy = take(shift, Key::C);
        Commands {
            redo: redo | take(cmd, Key::Y),
            save_as,
            copy,
            undo: take(cmd, Key::Z),
            save: take(cmd, Key::S),
            open: take(cmd, Key::O),
            palette: palette.filter(|_| take(cmd, Key::K)),
            fit: take(cmd, Key::Num0),
            actual: take(cmd, Key::Num1),
            quit: take(cmd, Key::Q),
        }
    })
}

/// Plain keys (no Ctrl), ignored while a text field has the keyboard.
#[derive(Default)]
struct ViewKeys {
    fit: bool,
    actual: bool,
    zoom_in: bool,
    zoom_out: bool,
    compare: bool,
    help: bool,
    escape: bool,
    before: bool,
    tool: Option<ToolKey>,
}

fn view_keys(ctx: &egui::Context) -> ViewKeys {
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input(|i| {
        let plain = !i.modifiers.command && !i.modifiers.alt;
        let key = |k| !typing && plain && i.key_pressed(k);
        ViewKeys {
            fit: key(Key::F),
            actual: key(Key::Num1),
            zoom_in: key(Key::Plus) || key(Key::Equals),
            zoom_out: key(Key::Minus),
            compare: key(Key::C),
            help: i.key_pressed(Key::F1) || (!typing && i.key_pressed(Key::Questionmark)),
            escape: i.key_pressed(Key::Escape),
            before: !typing && i.key_down(Key::Backslash),
            tool: ToolKey::pressed(i, !typing && plain),
        }
    })
}

impl LumenApp {
    /// True while a prompt, the palette or a dialog takes the keyboard.
    pub(super) fn modal_open(&self) -> bool {
        self.palette.open
            || self.confirm.is_some()
            || self.file_browser.is_some()
            || self.export_dialog_open
            || self.too_big.is_some()
            || self.show_help
    }

    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        if self.modal_open() {
            self.show_before = false;
            return;
        }
        let c = commands(ctx);
        if c.undo {
            self.undo();
        }
        if c.redo {
            self.redo();
        }
        if c.open {
            self.guard(Pending::OpenDialog);
        }
        if c.save_as {
            self.open_export_dialog();
        } else if c.save {
            self.save();
        }
        if c.copy {
            self.copy_result(ctx);
        }
        if c.quit && !platform::IS_WEB {
            self.guard(Pending::Close);
        }
        // The palette has the keyboard from Ctrl+K on, this frame too: no
        // view or tool key after it.
        let v = match c.palette {
            Some(typed) => {
                self.palette.show(typed);
                ViewKeys::default()
            }
            None => view_keys(ctx),
        };
        if c.fit || v.fit {
            self.canvas.request_fit();
        }
        if c.actual || v.actual {
            self.canvas.actual_size(ctx.pixels_per_point());
        }
        if v.zoom_in {
            self.canvas.zoom_by(ZOOM_STEP);
        }
        if v.zoom_out {
            self.canvas.zoom_by(1.0 / ZOOM_STEP);
        }
        if v.compare {
            self.canvas.compare = self.canvas.compare.next();
        }
        if v.help {
            self.show_help = true;
        }
        if v.escape && self.renderer.is_busy() {
            self.cancel_render();
        }
        if let Some(tool) = v.tool {
            self.start_tool_from_key(tool);
        }
        self.show_before = v.before;
    }

    /// Undoes the last edit and says which.
    pub(super) fn undo(&mut self) {
        let Some(doc) = self.doc.as_mut() else { return };
        doc.commit();
        let (labels, current) = doc.history();
        let label = labels[current].to_owned();
        if doc.undo() {
            self.set_notice(format!("Undid {label}"), false);
        } else {
            self.set_notice("Nothing to undo", false);
        }
    }

    /// Redoes the next edit and says which.
    pub(super) fn redo(&mut self) {
        let Some(doc) = self.doc.as_mut() else { return };
        if doc.redo() {
            let (labels, current) = doc.history();
            let label = labels[current].to_owned();
            self.set_notice(format!("Redid {label}"), false);
        } else {
            self.set_notice("Nothing to redo", false);
        }
    }

    /// Opens the first file dropped on the window.
    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let Some(file) = ctx.input(|i| i.raw.dropped_files.first().cloned()) else {
            return;
        };
        match platform::take_dropped(file, &self.tasks, self.memory_budget) {
            Dropped::Path(path) => self.open_path(path),
            Dropped::Reading => self.tasks_running += 1,
            Dropped::Nothing => {}
        }
    }
}
