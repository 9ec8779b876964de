//! The `lumen` binary: starts the desktop editor, or runs a subcommand
//! such as `lumen apply` ([`lumen_app::cli`]).

#[cfg(target_arch = "wasm32")]
fn main() {
    lumen_app::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match lumen_app::cli::start(std::env::args_os()) {
        lumen_app::cli::Start::Exit(code) => code,
        lumen_app::cli::Start::Editor(options) => run_editor(options),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn run_editor(initial: lumen_app::Options) -> std::process::ExitCode {
    lumen_app::platform::init_logging();
    let saved = initial
        .data_dir
        .as_deref()
        .map(lumen_app::settings::Settings::load)
        .unwrap_or_default();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Lumen")
            .with_inner_size(saved.window_size.unwrap_or([1280.0, 800.0]))
            .with_maximized(saved.maximized)
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Lumen",
        options,
        Box::new(|cc| {
            Ok(Box::new(lumen_app::LumenApp::with_options(
                &cc.egui_ctx,
                initial,
            )))
        }),
    );
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lumen: could not start the editor window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
