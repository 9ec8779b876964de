//! The command line: `lumen apply`, running a recipe headless on the same
//! code the editor uses, so it writes exactly the pixels the editor exports.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use lumen_kernels::{Recipe, RenderStep};
use lumen_worker::{JobControl, default_threads, render_steps};

use crate::io::{self, ExportFormat};

/// Usage text.
pub const USAGE: &str = "\
Lumen, an image editor.

Usage:
  lumen [IMAGE] [--recipe RECIPE.json]
                                open the editor (on the bundled sample if no IMAGE),
                                optionally applying a recipe
  lumen apply --recipe RECIPE.json [OPTIONS] INPUT OUTPUT
  lumen apply --recipe RECIPE.json [OPTIONS] --out-dir DIR INPUT...
  lumen filters                 list every filter and its parameters (Markdown)

Options for apply:
  --recipe FILE    the recipe to apply (a file saved by the editor)
  --out-dir DIR    write each INPUT to DIR under its own name (several inputs run in parallel)
  --threads N      worker threads (default: all cores)
  --quality Q      JPEG quality 1-100 (default 90)
  --timings        print `timing <filter> <milliseconds>` per step to stderr (compute only)
  -h, --help       this text
";

/// A command-line failure: the message, and the exit code.
#[derive(Debug)]
pub struct CliError {
    /// What went wrong, for stderr.
    pub message: String,
    /// 2 for usage errors, 1 for failures while processing.
    pub code: i32,
}

fn usage_err(message: impl Into<String>) -> CliError {
    CliError {
        message: format!("{}\n\nRun `lumen --help` for usage.", message.into()),
        code: 2,
    }
}

fn fail(message: impl Into<String>) -> CliError {
    CliError {
        message: message.into(),
        code: 1,
    }
}

/// Parsed `apply` arguments.
#[derive(Debug, Default)]
pub struct ApplyArgs {
    /// Recipe file.
    pub recipe: PathBuf,
    /// Input files.
    pub inputs: Vec<PathBuf>,
    /// Single output file (when not using `--out-dir`).
    pub output: Option<PathBuf>,
    /// Output directory.
    pub out_dir: Option<PathBuf>,
    /// Worker threads.
    pub threads: usize,
    /// JPEG quality.
    pub quality: u8,
    /// Print per-step timings.
    pub timings: bool,
}

/// Parses the arguments after `apply`.
pub fn parse_apply(args: &[String]) -> Result<ApplyArgs, CliError> {
    let mut a = ApplyArgs {
        threads: default_threads(),
        quality: 90,
        ..ApplyArgs::default()
    };
    let mut recipe = None;
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| usage_err(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--recipe" => recipe = Some(PathBuf::from(value("--recipe")?)),
            "--out-dir" => a.out_dir = Some(PathBuf::from(value("--out-dir")?)),
            "--threads" => {
                let v = value("--threads")?;
                a.threads = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=1024).contains(n))
                    .ok_or_else(|| {
                        usage_err(format!(
                            "--threads must be a whole number from 1 to 1024, got {v:?}"
                        ))
                    })?;
            }
            "--quality" => {
                let v = value("--quality")?;
                a.quality = v
                    .parse::<u8>()
                    .ok()
                    .filter(|q| (1..=100).contains(q))
                    .ok_or_else(|| {
                        usage_err(format!("--quality must be from 1 to 100, got {v:?}"))
                    })?;
            }
            "--timings" => a.timings = true,
            s if s.starts_with("--") => return Err(usage_err(format!("unknown option {s}"))),
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    a.recipe = recipe.ok_or_else(|| usage_err("apply needs --recipe FILE"))?;
    if a.out_dir.is_some() {
        if positional.is_empty() {
            return Err(usage_err("apply --out-dir needs at least one INPUT"));
        }
        a.inputs = positional;
    } else {
        if positional.len() != 2 {
            return Err(usage_err(format!(
                "apply needs INPUT and OUTPUT (or --out-dir DIR INPUT...), got {} paths",
                positional.len()
            )));
        }
        a.output = positional.pop();
        a.inputs = positional;
    }
    Ok(a)
}

/// Reads and validates a recipe file.
pub fn read_recipe(path: &Path) -> Result<Recipe, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    Recipe::from_json(&text).map_err(|e| fail(format!("{}: {e}", path.display())))
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
    specs: &[RenderStep],
    a: &ApplyArgs,
    threads: usize,
) -> Result<(), CliError> {
    let format = output_format(output, a.quality)?;
    let name = input.display().to_string();
    let mut image = io::load(input, &name).map_err(|e| fail(e.to_string()))?;
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
        .map_err(|e| fail(format!("{name}: {e}")))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if a.timings {
            eprintln!("timing {} {ms:.3}", spec.name());
        }
        image = out
            .pop()
            .ok_or_else(|| fail(format!("{name}: {} produced no image", spec.name())))?;
    }
    let encoded = io::encode(&image, format).map_err(|e| fail(format!("{name}: {e}")))?;
    io::write_atomic(output, &encoded).map_err(|e| fail(e.to_string()))
}

/// `lumen apply ...`: returns the process exit code.
pub fn run_apply(args: &[String]) -> Result<(), CliError> {
    let a = parse_apply(args)?;
    let recipe = read_recipe(&a.recipe)?;
    let specs: Vec<RenderStep> = recipe.render_steps();
    if let Some(output) = &a.output {
        let input = a
            .inputs
            .first()
            .ok_or_else(|| usage_err("apply needs an INPUT"))?;
        return process(input, output, &specs, &a, a.threads);
    }
    let Some(dir) = &a.out_dir else {
        return Err(usage_err("apply needs OUTPUT or --out-dir"));
    };
    if !dir.is_dir() {
        return Err(fail(format!("{}: not a directory", dir.display())));
    }
    let jobs: Vec<(PathBuf, PathBuf)> = a
        .inputs
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
    let parallel = a.threads.min(jobs.len()).max(1);
    let per_file = (a.threads / parallel).max(1);
    let next = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
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
                        if let Err(e) = process(input, output, &specs, &a, per_file) {
                            failures
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .push(e.message);
                        }
                    }
                });
            if let Err(e) = spawned {
                failures
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(format!("could not start a thread: {e}"));
            }
        }
    });
    let failures = failures
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(fail(failures.join("\n")))
    }
}
