//! The editor under egui_kittest, shared by the UI test files: a harness
//! running the real `LumenApp` with given options, and ways to step it
//! until something is true.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Each test binary uses a subset.

use std::path::Path;
use std::time::{Duration, Instant};

pub mod xwindow;

use egui_kittest::{Harness, HarnessBuilder};
use lumen_app::{LumenApp, Options};

/// The harness state: the app, created on the first frame.
pub type State = Option<LumenApp>;

/// The editor with `options`, in a 1200x800 window.
pub fn harness(options: Options) -> Harness<'static, State> {
    HarnessBuilder::default()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(
            move |ui, state: &mut State| {
                let app =
                    state.get_or_insert_with(|| LumenApp::with_options(ui.ctx(), options.clone()));
                app.logic(ui.ctx());
                app.ui(ui);
            },
            None,
        )
}

/// The app (after the first frame).
pub fn app<'a>(h: &'a Harness<'_, State>) -> &'a LumenApp {
    h.state().as_ref().expect("the first frame creates the app")
}

/// The stable names of the document's steps, in order.
pub fn step_names(h: &Harness<'_, State>) -> Vec<&'static str> {
    app(h)
        .document()
        .map(|d| d.steps().iter().map(|s| s.spec.name()).collect())
        .unwrap_or_default()
}

/// Ctrl+K, `query` typed into the palette's field, Enter: adds the best
/// match, as a person does.
pub fn add_from_palette(h: &mut Harness<'_, State>, query: &str) {
    use egui_kittest::kittest::Queryable as _;
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(2);
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text(query);
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
}

/// The app, mutable.
pub fn app_mut<'a>(h: &'a mut Harness<'_, State>) -> &'a mut LumenApp {
    h.state_mut()
        .as_mut()
        .expect("the first frame creates the app")
}

/// Steps the UI until `done` holds (60 s at most), then two more frames.
pub fn step_until(h: &mut Harness<'_, State>, what: &str, done: impl Fn(&LumenApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.step();
        if h.state().as_ref().is_some_and(&done) {
            h.run_steps(2);
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Steps the UI until nothing is loading, rendering or exporting.
pub fn settle(h: &mut Harness<'_, State>) {
    step_until(h, "the editor to settle", LumenApp::is_idle);
}

/// A machine without system file dialogs: the editor uses its own browser.
pub struct NoDialogs;

impl lumen_app::dialogs::SystemDialogs for NoDialogs {
    fn available(&self) -> bool {
        false
    }
    fn ask(
        &self,
        _: &lumen_app::dialogs::FileRequest,
        _: Option<&std::path::Path>,
    ) -> Option<std::path::PathBuf> {
        panic!("asked for a system dialog that is not available");
    }
}

/// Options for an editor without system file dialogs.
pub fn builtin_dialogs() -> Options {
    Options {
        dialogs: Some(lumen_app::dialogs::DialogBackend(std::sync::Arc::new(
            NoDialogs,
        ))),
        ..Default::default()
    }
}

/// A pointer drag: presses at `from`, moves in four steps to `to` and
/// releases there, a frame or more between each.
pub fn drag(h: &mut Harness<'_, State>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for i in 1..=4 {
        h.hover_at(from + (to - from) * (i as f32 / 4.0));
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(3);
}

/// Waits (up to 10 s) until no editor of this process holds a session lock
/// in `data`: a dropped editor's background threads let go of theirs a
/// moment after the editor itself, and a held lock means "still running",
/// whose session is rightly not offered.
pub fn wait_unlocked(data: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let held = std::fs::read_dir(data)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "lock"))
            .any(|p| {
                std::fs::File::options()
                    .read(true)
                    .write(true)
                    .open(&p)
                    .is_ok_and(|f| f.try_lock().is_err())
            });
        if !held {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "a dropped editor kept its session locked"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
