//! The command line: `lumen apply`, running a recipe headless on the same
//! code the editor uses, so it writes exactly the pixels the editor exports.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use lumen_kernels::{FilterSpec, Recipe};
use lumen_worker::{JobControl, default_threads, render_steps};

use crate::io::{self, ExportFormat};

mod args;

pub use args::{ApplyArgs, Cli, Command, EditorArgs, parse, write_completions};

/// A command-line failure; [`CliError::exit_code`] says how the process
/// ends.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The arguments do not make sense together.
    #[error("{0}\n\nRun `lumen --help` for usage.")]
    Usage(String),
    /// Reading, decoding, encoding or writing a file failed.
    #[error(transparent)]
    Io(#[from] io::IoError),
    /// The recipe file cannot be used.
    #[error("{path}: {message}")]
    Recipe {
        /// The recipe file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// Rendering failed.
    #[error("{name}: {message}")]
    Render {
        /// The input file.
        name: String,
        /// What failed.
        message: String,
    },
    /// Some files of a batch failed; one line each.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Batch(Vec<CliError>),
    /// A worker thread could not be started.
    #[error("could not start a thread: {0}")]
    Thread(std::io::Error),
}

impl CliError {
    /// 2 for usage errors, 1 for failures while processing.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => 2,
            _ => 1,
        }
    }
}

fn usage_err(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// What `main` does after reading the command line.
pub enum Start {
    /// Exit with this code (a subcommand ran, or the arguments were bad).
    Exit(std::process::ExitCode),
    /// Open the editor with these options.
    Editor(crate::Options),
}

/// Reads the command line (`args[0]` is the program name) and runs a
/// subcommand, or says how to start the editor. Messages go to stderr
/// (help and completions to stdout).
pub fn start<I, T>(args: I) -> Start
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use std::process::ExitCode;
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(e) => {
            e.print().ok();
            return Start::Exit(ExitCode::from(e.exit_code().clamp(0, 255) as u8));
        }
    };
    let result = match cli.command {
        Some(Command::Apply(a)) => run_apply(&a),
        Some(Command::Completions { shell }) => {
            write_completions(shell, &mut std::io::stdout());
            Ok(())
        }
        None => match editor_options(cli.editor) {
            Ok(options) => return Start::Editor(options),
            Err(e) => Err(e),
        },
    };
    Start::Exit(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lumen: {e}");
            ExitCode::from(e.exit_code())
        }
    })
}

/// The editor's options from its arguments (the recipe file is read here,
/// so a bad one is reported before a window opens).
fn editor_options(args: EditorArgs) -> Result<crate::Options, CliError> {
    let recipe = match &args.recipe {
        Some(path) => Some(read_recipe_text(path)?),
        None => None,
    };
    Ok(crate::Options {
        image: args.image,
        recipe,
        data_dir: crate::autosave::default_data_dir(),
        memory_budget: None,
    })
}

/// Reads a recipe file's text.
fn read_recipe_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::Recipe {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Reads and validates a recipe file.
pub fn read_recipe(path: &Path) -> Result<Recipe, CliError> {
    let text = read_recipe_text(path)?;
    Recipe::from_json(&text).map_err(|e| CliError::Recipe {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

fn output_format(path: &Path, quality: u8) -> Result<ExportFormat, CliError> {
    match ExportFormat::from_path(&path.to_string_lossy()) {
        Some(ExportFormat::Jpeg { .. }) => Ok(ExportFormat::Jpeg { quality }),
        Some(f) => Ok(f),
        None => Err(usage_err(format!(
            "{}: unknown output format; use .png, .jpg/.jpeg or .webp",
            path.display()
        ))),
    }
}

/// Runs the recipe on one file.
fn process(
    input: &Path,
    output: &Path,
    specs: &[FilterSpec],
    a: &ApplyArgs,
    threads: usize,
) -> Result<(), CliError> {
    let format = output_format(output, a.quality)?;
    let name = input.display().to_string();
    let render_err = |message: String| CliError::Render {
        name: name.clone(),
        message,
    };
    let mut image = io::load(input, &name)?;
    let control = JobControl::new();
    for spec in specs {
        let started = Instant::now();
        let mut out = render_steps(
            &image,
            std::slice::from_ref(spec),
            threads,
            &control,
            &|_| {},
        )
        .map_err(|e| render_err(e.to_string()))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if a.timings {
            eprintln!("timing {} {ms:.3}", spec.name());
        }
        image = out
            .pop()
            .ok_or_else(|| render_err(format!("{} produced no image", spec.name())))?;
    }
    let encoded = io::encode(&image, format).map_err(|e| render_err(e.to_string()))?;
    io::write_atomic(output, &encoded)?;
    Ok(())
}

/// `lumen apply ...`.
pub fn run_apply(a: &ApplyArgs) -> Result<(), CliError> {
    let threads = a.threads.map_or_else(default_threads, usize::from);
    let recipe = read_recipe(&a.recipe)?;
    let specs: Vec<FilterSpec> = recipe.enabled_specs().cloned().collect();
    let Some(dir) = &a.out_dir else {
        let [input, output] = a.paths.as_slice() else {
            return Err(usage_err(format!(
                "apply needs INPUT and OUTPUT (or --out-dir DIR INPUT...), got {} paths",
                a.paths.len()
            )));
        };
        return process(input, output, &specs, a, threads);
    };
    if !dir.is_dir() {
        return Err(CliError::Io(io::IoError::File {
            path: dir.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        }));
    }
    let jobs: Vec<(PathBuf, PathBuf)> = a
        .paths
        .iter()
        .map(|input| {
            let name = input
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| input.clone());
            (input.clone(), dir.join(name))
        })
        .collect();
    // Two inputs with the same file name would overwrite each other's
    // output: refuse before writing anything.
    let mut seen = std::collections::HashMap::new();
    for (input, output) in &jobs {
        if let Some(first) = seen.insert(output.clone(), input.clone()) {
            return Err(usage_err(format!(
                "{} and {} would both be written to {}",
                first.display(),
                input.display(),
                output.display()
            )));
        }
    }
    // Files run in parallel; the cores are shared between them.
    let parallel = threads.min(jobs.len()).max(1);
    let per_file = (threads / parallel).max(1);
    let next = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let fail = |e: CliError| {
        failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(e);
    };
    std::thread::scope(|s| {
        for i in 0..parallel {
            let spawned = std::thread::Builder::new()
                .name(format!("lumen-file-{i}"))
                .spawn_scoped(s, || {
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some((input, output)) = jobs.get(k) else {
                            break;
                        };
                        if let Err(e) = process(input, output, &specs, a, per_file) {
                            fail(e);
                        }
                    }
                });
            if let Err(e) = spawned {
                fail(CliError::Thread(e));
            }
        }
    });
    let failures = failures
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Batch(failures))
    }
}
