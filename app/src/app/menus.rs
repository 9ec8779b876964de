//! The menu bar: File, Edit, View and Help, each item with its shortcut.

use egui::containers::menu::MenuConfig;
use egui::{Button, Id, Popup, PopupCloseBehavior, SetOpenCommand, Ui};

use super::{LumenApp, Pending};
use crate::dialogs::FileRequest;
use crate::platform;
use crate::ui::canvas::{CompareMode, ZOOM_STEP};

/// An item with its shortcut shown on the right.
fn item(ui: &mut Ui, text: &str, keys: &str) -> bool {
    ui.add(Button::new(text).shortcut_text(keys)).clicked()
}

/// One menu of the bar. Opens on press, or on hover while another menu
/// of the bar is open; the click that follows leaves it open. Only a
/// click on the title of a menu that a previous click opened closes it.
/// (egui's bar menus toggle on every click: with File open, the pointer
/// passing over Edit opened it and the click then closed it again, so
/// Edit took two clicks.)
fn bar_menu(ui: &mut Ui, title: &str, add_contents: impl FnOnce(&mut Ui)) {
    let response = ui.add(Button::new(title).frame_when_inactive(false));
    let popup = Popup::menu(&response);
    let id = popup.get_id();
    let ctx = ui.ctx().clone();
    // Which menu of the bar is open, and whether it opened without a click.
    let open_menu = Id::unique("lumen-menu-open");
    let held: Option<(Id, bool)> = ctx.data(|d| d.get_temp(open_menu));
    let is_open = Popup::is_id_open(&ctx, id);
    let other_open = held.is_some_and(|(o, _)| o != id && Popup::is_id_open(&ctx, o));
    let opened_without_click = held.is_some_and(|(o, f)| o == id && f);
    // A click that keeps the menu open must not also count as a click
    // that closes it.
    let mut close = PopupCloseBehavior::CloseOnClick;
    let command = if response.clicked() {
        let keep = !is_open || opened_without_click;
        if keep {
            close = PopupCloseBehavior::IgnoreClicks;
        }
        ctx.data_mut(|d| d.insert_temp(open_menu, (id, false)));
        Some(SetOpenCommand::Bool(keep))
    } else if !is_open
        && ((response.hovered() && other_open) || response.is_pointer_button_down_on())
    {
        ctx.data_mut(|d| d.insert_temp(open_menu, (id, true)));
        Some(SetOpenCommand::Bool(true))
    } else {
        None
    };
    popup
        .open_memory(command)
        .close_behavior(close)
        .info(
            egui::UiStackInfo::new(egui::UiKind::Menu)
                .with_tag_value(MenuConfig::MENU_CONFIG_TAG, MenuConfig::default()),
        )
        .show(add_contents);
}

impl LumenApp {
    pub(super) fn menu_ui(&mut self, ui: &mut Ui, narrow: bool) {
        egui::MenuBar::new().ui(ui, |ui| {
            bar_menu(ui, "File", |ui| self.file_menu(ui));
            bar_menu(ui, "Edit", |ui| self.edit_menu(ui));
            bar_menu(ui, "View", |ui| self.view_menu(ui));
            bar_menu(ui, "Help", |ui| {
                if item(ui, "Keyboard shortcuts", "F1") {
                    self.show_help = true;
                }
            });
            if narrow && self.doc.is_some() {
                self.narrow_bar_ui(ui);
            }
        });
    }

    fn file_menu(&mut self, ui: &mut Ui) {
        if item(ui, "Open…", "Ctrl+O") {
            self.guard(Pending::OpenDialog);
        }
        ui.separator();
        if item(ui, "Export", "Ctrl+S") {
            self.save();
        }
        if item(ui, "Export as…", "Ctrl+Shift+S") {
            self.open_export_dialog();
        }
        if item(ui, "Copy result", "Ctrl+Shift+C") {
            self.copy_result(ui.ctx());
        }
        ui.separator();
        if ui.button("Load recipe…").clicked() {
            self.ask_file(FileRequest::LoadRecipe);
        }
        if ui.button("Save recipe…").clicked()
            && let Some(doc) = &self.doc
        {
            let json = doc.recipe().to_json();
            self.ask_file(FileRequest::SaveRecipe { json });
        }
        if !platform::IS_WEB {
            ui.checkbox(&mut self.builtin_dialogs, "Use Lumen's file browser")
                .on_hover_text("Instead of the system's file dialogs");
            ui.separator();
            // A page cannot close its tab; the browser's own close does.
            if item(ui, "Quit", "Ctrl+Q") {
                self.guard(Pending::Close);
            }
        }
    }

    fn edit_menu(&mut self, ui: &mut Ui) {
        let (can_undo, can_redo) = self
            .doc
            .as_ref()
            .map_or((false, false), |d| (d.can_undo(), d.can_redo()));
        let undo = Button::new("Undo").shortcut_text("Ctrl+Z");
        if ui.add_enabled(can_undo, undo).clicked() {
            self.undo();
        }
        let redo = Button::new("Redo").shortcut_text("Ctrl+Shift+Z");
        if ui.add_enabled(can_redo, redo).clicked() {
            self.redo();
        }
        ui.separator();
        if item(ui, "Add filter…", "Ctrl+K") {
            self.palette.show(String::new());
        }
    }

    fn view_menu(&mut self, ui: &mut Ui) {
        if item(ui, "Zoom in", "+") {
            self.canvas.zoom_by(ZOOM_STEP);
        }
        if item(ui, "Zoom out", "-") {
            self.canvas.zoom_by(1.0 / ZOOM_STEP);
        }
        if item(ui, "Fit", "Ctrl+0") {
            self.canvas.request_fit();
        }
        if item(ui, "100%", "Ctrl+1") {
            self.canvas.actual_size(ui.ctx().pixels_per_point());
        }
        ui.separator();
        for mode in [
            CompareMode::Off,
            CompareMode::Split,
            CompareMode::SideBySide,
        ] {
            let text = match mode {
                CompareMode::Off => "No comparison",
                CompareMode::Split => "Compare: split view",
                CompareMode::SideBySide => "Compare: side by side",
            };
            ui.radio_value(&mut self.canvas.compare, mode, text);
        }
        ui.weak("C cycles; hold \\ to see the original");
    }
}
