//! `lumen apply`: one file, or a batch into `--out-dir` run in parallel.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

use lumen_kernels::{FilterSpec, Recipe};
use lumen_worker::frames::FramePool;
use lumen_worker::sys::process_cpu_ms;
use lumen_worker::{JobControl, StepError, UnitDone, default_threads, render_chain_owned};

use super::{ApplyArgs, CliError, read_recipe_text};
use crate::governor;
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

/// The output format from the file name; `--quality` sets the quality of
/// lossy formats and turns a `.webp` output lossy.
fn output_format(path: &Path, quality: Option<u8>) -> Result<ExportFormat, CliError> {
    match (ExportFormat::from_path(&path.to_string_lossy()), quality) {
        (Some(ExportFormat::WebP), Some(quality)) => Ok(ExportFormat::WebPLossy { quality }),
        (Some(f), Some(q)) => Ok(f.with_quality(q)),
        (Some(f), None) => Ok(f),
        (None, _) => Err(usage_err(format!(
            "{}: unknown output format; use .png, .jpg/.jpeg, .webp or .avif",
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

/// What runs on every file: the recipe's enabled steps, each with its
/// place in the recipe (for messages), and the options.
struct Plan<'a> {
    specs: Vec<FilterSpec>,
    numbers: Vec<usize>,
    args: &'a ApplyArgs,
    budget: u64,
}

impl Plan<'_> {
    /// The peak memory of processing `job`, checked against the budget;
    /// `Ok(None)` when the header cannot be read (loading will say why).
    fn estimate(&self, job: &Job) -> Result<Option<u64>, CliError> {
        let (file, meta) = io::open_regular(&job.input, "an image file")?;
        let probe = governor::probe_from(std::io::BufReader::new(file));
        let Some(probe) = probe.filter(governor::Probe::decodable) else {
            return Ok(None); // decoding says what is wrong
        };
        if lumen_kernels::image::checked_byte_len(probe.width, probe.height).is_err() {
            // Past Lumen's size limits: loading refuses it, naming the file.
            return Ok(None);
        }
        let name = job.input.display().to_string();
        let need = governor::apply_estimate(&probe, meta.len(), &self.specs, &self.numbers)
            .map_err(|e| CliError::Render {
                name: name.clone(),
                message: e.to_string(),
            })?;
        if need.bytes > self.budget {
            return Err(CliError::Memory {
                name,
                what: format!("{}x{} image: {need}", probe.width, probe.height),
                needed: need.bytes,
                budget: self.budget,
            });
        }
        Ok(Some(need.bytes))
    }

    /// Runs the recipe on one file, rendering with `threads` threads.
    fn process(&self, job: &Job, threads: usize) -> Result<(), CliError> {
        let format = output_format(&job.output, self.args.quality)?;
        let name = job.input.display().to_string();
        let render_err = |message: String| CliError::Render {
            name: name.clone(),
            message,
        };
        let io::Decoded { image, metadata } = io::load_photo(&job.input, &name)?;
        let control = JobControl::new();
        // The frame a step reads is reused by the step after it; point
        // steps (and fused runs of them) render in place.
        let frames = FramePool::new(2, usize::MAX);
        let timings = self.args.timings;
        let mut cpu_before = process_cpu_ms();
        let mut on_unit = |done: &UnitDone| {
            let cpu_now = process_cpu_ms();
            if timings {
                let label = self.specs[done.steps.clone()]
                    .iter()
                    .map(FilterSpec::name)
                    .collect::<Vec<_>>()
                    .join("+");
                eprintln!("timing {label} {:.3}", done.wall_ms);
                if let (Some(before), Some(now)) = (cpu_before, cpu_now) {
                    eprintln!("timing_cpu {label} {:.3}", now - before);
                }
            }
            cpu_before = cpu_now;
        };
        let image =
            render_chain_owned(image, &self.specs, threads, &control, &frames, &mut on_unit)
                .map_err(|e| {
                    let (at, message) = match e {
                        StepError::Failed { step, message, .. } => (step, message),
                        StepError::Cancelled => (0, "cancelled".to_owned()),
                    };
                    let index = self.numbers.get(at).copied().unwrap_or(at);
                    let label = self.specs.get(at).map_or("?", FilterSpec::label);
                    render_err(format!("step {} ({label}): {message}", index + 1))
                })?;
        let encoded = io::encode_photo(&image, format, &metadata, self.args.metadata)
            .map_err(|e| render_err(e.to_string()))?;
        drop(image);
        for note in &encoded.notes {
            eprintln!("{}: {note}", job.output.display());
        }
        io::write_atomic_opts(&job.output, job.links, &mut |f| {
            std::io::Write::write_all(f, &encoded.bytes)
        })?;
        Ok(())
    }

    /// Estimates, then processes one file alone.
    fn run_one(&self, job: &Job, threads: usize) -> Result<(), CliError> {
        self.estimate(job)?;
        self.process(job, threads)
    }
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
    let (numbers, specs) = recipe
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.enabled)
        .map(|(i, s)| (i, s.spec.clone()))
        .unzip();
    let plan = Plan {
        specs,
        numbers,
        args: a,
        budget: a.max_memory.unwrap_or_else(governor::default_budget),
    };
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
        return plan.run_one(&job, threads);
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
    let parallel = threads.min(jobs.len()).max(1);
    let per_file = (threads / parallel).max(1);
    let pool = MemoryPool::new(plan.budget);
    let failures = run_bounded(&jobs, parallel, |job| {
        let bytes = plan.estimate(job)?.unwrap_or(0);
        let _held = pool.reserve(bytes);
        plan.process(job, per_file)
    });
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Batch(failures))
    }
}

/// Memory shared by the files of a batch: each file holds its estimated
/// peak while it runs, so the files in flight together fit the budget,
/// however many threads there are.
struct MemoryPool {
    budget: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// Memory held from a [`MemoryPool`], given back when dropped.
struct Held<'a> {
    pool: &'a MemoryPool,
    bytes: u64,
}

impl MemoryPool {
    /// A pool of `budget` bytes.
    fn new(budget: u64) -> Self {
        Self {
            budget,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` fit beside what others hold, and holds them. A
    /// request larger than the whole budget waits until nothing else is
    /// held (callers refuse those beforehand), so it never waits forever.
    fn reserve(&self, bytes: u64) -> Held<'_> {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used > 0 && used.saturating_add(bytes) > self.budget {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *used = used.saturating_add(bytes);
        Held { pool: self, bytes }
    }

    /// Bytes held now.
    #[cfg(test)]
    fn used(&self) -> u64 {
        *self.used.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut used = self
            .pool
            .used
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *used = used.saturating_sub(self.bytes);
        self.pool.freed.notify_all();
    }
}

/// Runs `work` on every job from `workers` named threads; returns the
/// failures. The threads bound how many files can run at once; `work`
/// bounds it further by memory (through a [`MemoryPool`]).
fn run_bounded<J: Sync>(
    jobs: &[J],
    workers: usize,
    work: impl Fn(&J) -> Result<(), CliError> + Sync,
) -> Vec<CliError> {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let fail = |e: CliError| {
        failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(e);
    };
    std::thread::scope(|s| {
        for i in 0..workers {
            let spawned = std::thread::Builder::new()
                .name(format!("lumen-file-{i}"))
                .spawn_scoped(s, || {
                    while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if let Err(e) = work(job) {
                            fail(e);
                        }
                    }
                });
            if let Err(e) = spawned {
                fail(CliError::Thread(e));
            }
        }
    });
    failures
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_in_flight_never_hold_more_than_the_budget() {
        let pool = MemoryPool::new(1000);
        let jobs: Vec<u64> = (0..64).map(|i| 100 + (i * 37) % 400).collect();
        let peak = std::sync::atomic::AtomicU64::new(0);
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let failures = run_bounded(&jobs, 32, |&bytes| {
            let _held = pool.reserve(bytes);
            peak.fetch_max(pool.used(), Ordering::SeqCst);
            let n = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(n, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(2));
            in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        });
        assert!(failures.is_empty());
        assert!(peak.load(Ordering::SeqCst) <= 1000, "{peak:?}");
        // 32 threads, but at most 1000 / 100 files fit at once.
        assert!(most.load(Ordering::SeqCst) <= 10, "{most:?}");
        assert!(
            most.load(Ordering::SeqCst) >= 2,
            "files still run in parallel"
        );
        assert_eq!(pool.used(), 0);
    }

    #[test]
    fn a_request_over_the_budget_runs_alone_instead_of_waiting_forever() {
        let pool = MemoryPool::new(10);
        let held = pool.reserve(50);
        assert_eq!(pool.used(), 50);
        drop(held);
        assert_eq!(pool.used(), 0);
    }
}
