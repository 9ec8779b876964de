//! `lumen apply`: one file, or a batch into `--out-dir` run in parallel.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use lumen_kernels::{FilterSpec, Recipe};
use lumen_worker::{JobControl, default_threads, render_steps};

use super::{ApplyArgs, CliError, read_recipe_text};
use crate::io::{self, ExportFormat, Links};

fn usage_err(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
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

/// One file to process: where from, where to, and how a link at the
/// output is treated.
struct Job {
    input: PathBuf,
    output: PathBuf,
    links: Links,
}

/// Runs the recipe on one file.
fn process(job: &Job, specs: &[FilterSpec], a: &ApplyArgs, threads: usize) -> Result<(), CliError> {
    let format = output_format(&job.output, a.quality)?;
    let name = job.input.display().to_string();
    let render_err = |message: String| CliError::Render {
        name: name.clone(),
        message,
    };
    let mut image = io::load(&job.input, &name)?;
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
    io::write_atomic_opts(&job.output, job.links, &mut |f| {
        std::io::Write::write_all(f, &encoded)
    })?;
    Ok(())
}

/// Whether writing `job` would replace its own input file (the same file,
/// by identity, not by name).
fn replaces_input(job: &Job) -> bool {
    let out = match job.links {
        Links::Follow => std::fs::metadata(&job.output),
        Links::Replace => std::fs::symlink_metadata(&job.output),
    };
    let (Ok(out), Ok(input)) = (out, std::fs::metadata(&job.input)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        out.dev() == input.dev() && out.ino() == input.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (out, input);
        std::fs::canonicalize(&job.output).ok() == std::fs::canonicalize(&job.input).ok()
    }
}

/// Refuses, before anything is written, jobs that would write two inputs
/// to one output, or replace an input without `--overwrite`.
fn check_jobs(jobs: &[Job], overwrite: bool) -> Result<(), CliError> {
    let mut seen = std::collections::HashMap::new();
    for job in jobs {
        if let Some(first) = seen.insert(job.output.clone(), job.input.clone()) {
            return Err(usage_err(format!(
                "{} and {} would both be written to {}",
                first.display(),
                job.input.display(),
                job.output.display()
            )));
        }
    }
    if overwrite {
        return Ok(());
    }
    let clobbered: Vec<&Job> = jobs.iter().filter(|j| replaces_input(j)).collect();
    if let Some(first) = clobbered.first() {
        let more = match clobbered.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(usage_err(format!(
            "{} would replace its own input{more}; pass --overwrite to replace the originals",
            first.output.display()
        )));
    }
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
        let job = Job {
            input: input.clone(),
            output: output.clone(),
            links: Links::Follow,
        };
        check_jobs(std::slice::from_ref(&job), a.overwrite)?;
        return process(&job, &specs, a, threads);
    };
    if !dir.is_dir() {
        return Err(CliError::Io(io::IoError::File {
            path: dir.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        }));
    }
    // A link inside the output folder is replaced, never followed: a batch
    // writes nothing outside DIR.
    let jobs: Vec<Job> = a
        .paths
        .iter()
        .map(|input| Job {
            input: input.clone(),
            output: dir.join(input.file_name().unwrap_or(input.as_os_str())),
            links: Links::Replace,
        })
        .collect();
    check_jobs(&jobs, a.overwrite)?;
    run_batch(&jobs, &specs, a, threads)
}

/// Runs `jobs` on parallel threads sharing `threads` cores.
fn run_batch(
    jobs: &[Job],
    specs: &[FilterSpec],
    a: &ApplyArgs,
    threads: usize,
) -> Result<(), CliError> {
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
                        let Some(job) = jobs.get(k) else {
                            break;
                        };
                        if let Err(e) = process(job, specs, a, per_file) {
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
