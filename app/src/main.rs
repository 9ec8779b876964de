//! The `lumen` binary: starts the desktop editor, or runs `lumen apply`.

#[cfg(target_arch = "wasm32")]
fn main() {
    lumen_app::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            print!("{}", lumen_app::cli::USAGE);
            std::process::ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("lumen {}", env!("CARGO_PKG_VERSION"));
            std::process::ExitCode::SUCCESS
        }
        Some("apply") => match lumen_app::cli::run_apply(&args[1..]) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("lumen: {}", e.message);
                std::process::ExitCode::from(e.code as u8)
            }
        },
        Some(flag) if flag.starts_with('-') => {
            eprintln!("lumen: unknown option {flag}\n\n{}", lumen_app::cli::USAGE);
            std::process::ExitCode::from(2)
        }
        _ => run_editor(args.into_iter().next().map(std::path::PathBuf::from)),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn run_editor(initial: Option<std::path::PathBuf>) -> std::process::ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Lumen")
            .with_inner_size([1280.0, 800.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Lumen",
        options,
        Box::new(|cc| Ok(Box::new(lumen_app::LumenApp::new(&cc.egui_ctx, initial)))),
    );
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lumen: could not start the editor window: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
