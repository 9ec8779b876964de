//! The command line: `lumen apply`, running a recipe headless on the same
//! code the editor uses, so it writes exactly the pixels the editor exports.

use std::path::Path;

use crate::io;

mod apply;
mod args;

pub use apply::{read_recipe, run_apply};
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
    /// A file would need more memory than the budget.
    #[error(
        "{name}: {what} needs about {}, more than the {} lumen apply may use here \
         (--max-memory sets it)",
        crate::governor::human_bytes(*.needed),
        crate::governor::human_bytes(*.budget)
    )]
    Memory {
        /// The input file.
        name: String,
        /// What needs it.
        what: String,
        /// Bytes needed.
        needed: u64,
        /// The budget, bytes.
        budget: u64,
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
        Some(Command::Filters) => {
            print!("{}", crate::filters_doc::markdown_table());
            Ok(())
        }
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
        ..Default::default()
    })
}

/// Reads a recipe file's text (a regular file of at most
/// [`io::MAX_RECIPE_BYTES`]).
fn read_recipe_text(path: &Path) -> Result<String, CliError> {
    Ok(io::read_recipe_file(path)?)
}
