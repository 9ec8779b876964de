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
        Some("filters") => {
            print!("{}", lumen_app::filters_doc::markdown_table());
            std::process::ExitCode::SUCCESS
        }
        Some("apply") => match lumen_app::cli::run_apply(&args[1..]) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("lumen: {}", e.message);
                std::process::ExitCode::from(e.code as u8)
            }
        },
        _ => match editor_options(&args) {
            Ok(options) => run_editor(options),
            Err(message) => {
                eprintln!("lumen: {message}\n\n{}", lumen_app::cli::USAGE);
                std::process::ExitCode::from(2)
            }
        },
    }
}

/// Parses `[IMAGE] [--recipe FILE]`.
#[cfg(not(target_arch = "wasm32"))]
fn editor_options(args: &[String]) -> Result<lumen_app::Options, String> {
    let mut options = lumen_app::Options {
        data_dir: lumen_app::autosave::default_data_dir(),
        ..Default::default()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--recipe" => {
                let path = it.next().ok_or("--recipe needs a file")?;
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                options.recipe = Some(text);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ if options.image.is_some() => return Err(format!("unexpected argument {arg}")),
            _ => options.image = Some(arg.into()),
        }
    }
    Ok(options)
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
