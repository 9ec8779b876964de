//! Unit tests of the native executor that need its private parts: an
//! injected band function (panics, counted bands) and its shared state.

use super::render::{PROGRESS_STEP, split_bands};
use super::*;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lumen_kernels::{FilterSpec, KernelError, PreparedStep, SourceBand};

use crate::scheduler::plan_bands;

fn panics_on_invert(
    step: &PreparedStep,
    band: &SourceBand<'_>,
    rows: Range<u32>,
    dst: &mut [u8],
) -> Result<(), KernelError> {
    if step.name() == "invert" {
        panic!("boom");
    }
    run_prepared(step, band, rows, dst)
}

fn image(w: u32, h: u32) -> RgbaImage {
    let pixels = (0..w * h * 4).map(|i| (i * 7 % 251) as u8).collect();
    RgbaImage::from_pixels(w, h, pixels).unwrap()
}

fn invert() -> FilterSpec {
    FilterSpec::from_name("invert").unwrap()
}

fn grayscale() -> FilterSpec {
    FilterSpec::from_name("grayscale").unwrap()
}

/// A step that is never fused with its neighbours.
fn flip() -> FilterSpec {
    FilterSpec::from_name("flip").unwrap()
}

#[test]
fn panic_in_band_is_a_step_failure() {
    let img = image(16, 40);
    for threads in [1, 3] {
        let err = render_steps_with(
            panics_on_invert,
            &img,
            &[flip(), invert()],
            &Options {
                threads,
                control: &JobControl::new(),
                on_progress: &|_| {},
                frames: &FramePool::new(0, 0),
            },
        )
        .unwrap_err();
        let StepError::Failed { step, message, .. } = err else {
            panic!("expected a failure, got {err:?}");
        };
        assert_eq!(step, 1);
        assert_eq!(message, "internal error in invert: boom");
    }
}

#[test]
fn cancelled_control_stops_before_work() {
    let control = JobControl::new();
    control.cancel();
    let err = render_steps(&image(4, 4), &[invert()], 2, &control, &|_| {}).unwrap_err();
    assert_eq!(err, StepError::Cancelled);
}

#[test]
fn progress_is_throttled_and_ends_at_one() {
    let seen = Mutex::new(Vec::new());
    // 8 bands a step on 2 threads: 1600 bands, far more than one per
    // percent, so only the throttle keeps the reports down.
    let steps = vec![flip(); 200];
    assert_eq!(plan_bands(&flip(), 8, 300, 2).len(), 8);
    render_steps(&image(8, 300), &steps, 2, &JobControl::new(), &|f| {
        lock(&seen).push(f);
    })
    .unwrap();
    let seen = lock(&seen).clone();
    assert!(
        (90..=101).contains(&seen.len()),
        "{} reports for 1600 bands",
        seen.len()
    );
    // At least a step apart, except the final 1.0, which is always sent.
    let (last, rest) = seen.split_last().unwrap();
    assert!(rest.windows(2).all(|w| w[1] - w[0] >= PROGRESS_STEP));
    assert_eq!(*last, 1.0);
}

#[test]
fn executor_survives_a_panicking_job() {
    let mut ex = NativeExecutor::with_band_fn(2, Arc::new(|| {}), panics_on_invert);
    let img = Arc::new(image(16, 16));
    let bad = Job::new(Arc::clone(&img), vec![flip(), invert()]);
    let good = Job::new(Arc::clone(&img), vec![grayscale()]);
    let (bad_id, good_id) = (bad.id, good.id);
    ex.submit(bad);
    ex.submit(good);
    let mut failed = None;
    let mut done = None;
    for _ in 0..3000 {
        for event in ex.drain() {
            match event {
                JobEvent::Failed(e) => failed = Some(e),
                JobEvent::Done(out) => done = Some(out),
                _ => {}
            }
        }
        if failed.is_some() && done.is_some() {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    let failed = failed.unwrap();
    assert_eq!(failed.id, bad_id);
    assert_eq!(failed.step, Some(1));
    assert_eq!(failed.message, "internal error in invert: boom");
    let done = done.unwrap();
    assert_eq!(done.id, good_id);
    assert_eq!(
        done.images[0].as_deref(),
        Some(&grayscale().apply(&img).unwrap())
    );
    assert_eq!(ex.in_flight(), 0);
}

#[test]
fn split_bands_is_disjoint_and_complete() {
    let mut buf = vec![0_u8; 4 * 10];
    let slots = split_bands(&mut buf, &[0..3, 3..4, 4..10], 4);
    let lens: Vec<usize> = slots
        .iter()
        .map(|s| lock(s).as_ref().map_or(0, |b| b.len()))
        .collect();
    assert_eq!(lens, vec![12, 4, 24]);
}

/// Flip bands rendered by [`counted_for_cancel`]; only
/// `cancel_stops_the_running_job_within_its_bands` uses it.
static CANCEL_BANDS: AtomicUsize = AtomicUsize::new(0);
/// Flip bands rendered by [`counted_for_drop`]; only
/// `drop_cancels_the_running_job_and_drops_queued_ones` uses it.
static DROP_BANDS: AtomicUsize = AtomicUsize::new(0);

/// How long each counted band takes at least, so that a job of many bands
/// is still running when the test acts on it.
const SLOW_BAND: Duration = Duration::from_millis(4);

fn counted_for_cancel(
    step: &PreparedStep,
    band: &SourceBand<'_>,
    rows: Range<u32>,
    dst: &mut [u8],
) -> Result<(), KernelError> {
    CANCEL_BANDS.fetch_add(1, Ordering::SeqCst);
    thread::sleep(SLOW_BAND);
    run_prepared(step, band, rows, dst)
}

fn counted_for_drop(
    step: &PreparedStep,
    band: &SourceBand<'_>,
    rows: Range<u32>,
    dst: &mut [u8],
) -> Result<(), KernelError> {
    DROP_BANDS.fetch_add(1, Ordering::SeqCst);
    thread::sleep(SLOW_BAND);
    run_prepared(step, band, rows, dst)
}

/// Polls `done` every millisecond, failing after 30 s.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}");
        thread::sleep(Duration::from_millis(1));
    }
}

/// A job of `steps` flips of an image tall enough for 8 bands a step on
/// 2 threads, and the number of bands it plans in all.
fn many_bands(steps: usize) -> (Job, usize) {
    let img = Arc::new(image(32, 64));
    let planned = plan_bands(&flip(), 32, 64, 2).len() * steps;
    (Job::new(img, vec![flip(); steps]), planned)
}

#[test]
fn cancel_stops_the_running_job_within_its_bands() {
    let mut ex = NativeExecutor::with_band_fn(2, Arc::new(|| {}), counted_for_cancel);
    let (job, planned) = many_bands(40);
    let id = job.id;
    ex.submit(job);
    wait_for("the job never started", || {
        CANCEL_BANDS.load(Ordering::SeqCst) > 0
    });
    ex.cancel(id);
    let mut terminal = None;
    wait_for("no terminal event", || {
        terminal = terminal
            .take()
            .or_else(|| ex.drain().into_iter().find(JobEvent::is_terminal));
        terminal.is_some()
    });
    assert!(matches!(terminal, Some(JobEvent::Cancelled(i)) if i == id));
    // The terminal event is sent after every band thread was joined, so
    // the count is final: only the bands started before the cancel ran.
    let ran = CANCEL_BANDS.load(Ordering::SeqCst);
    assert!(
        ran < planned / 2,
        "{ran} of {planned} bands ran after a cancel in the first band"
    );
    assert!(lock(&ex.shared).running.is_none(), "still running");
    assert_eq!(ex.in_flight(), 0);
}

#[test]
fn drop_cancels_the_running_job_and_drops_queued_ones() {
    let mut ex = NativeExecutor::with_band_fn(2, Arc::new(|| {}), counted_for_drop);
    let (job, planned_per_job) = many_bands(40);
    ex.submit(job);
    for _ in 0..2 {
        ex.submit(many_bands(40).0);
    }
    wait_for("the first job never started", || {
        DROP_BANDS.load(Ordering::SeqCst) > 0
    });
    drop(ex);
    // Dropping joined the coordinator, and with it every band thread.
    let ran = DROP_BANDS.load(Ordering::SeqCst);
    assert!(
        ran < planned_per_job / 2,
        "{ran} bands ran after dropping the executor during the first band \
         (one job plans {planned_per_job}, three were queued)"
    );
}

#[test]
fn recycled_results_become_the_next_outputs() {
    let mut ex = NativeExecutor::new(2, Arc::new(|| {}));
    let img = Arc::new(image(512, 600));
    let run = |ex: &mut NativeExecutor| {
        let job = Job::new(Arc::clone(&img), vec![flip()]);
        let id = job.id;
        ex.submit(job);
        let mut out = None;
        wait_for("no result", || {
            out = out.take().or_else(|| {
                ex.drain().into_iter().find_map(|e| match e {
                    JobEvent::Done(o) if o.id == id => Some(o),
                    _ => None,
                })
            });
            out.is_some()
        });
        out.unwrap().images.pop().flatten().unwrap()
    };
    let first = run(&mut ex);
    let first_ptr = first.pixels().as_ptr();
    assert_eq!(ex.pooled_frames().0, 0);
    ex.recycle(first);
    assert_eq!(ex.pooled_frames(), (1, 512 * 600 * 4));
    let second = run(&mut ex);
    assert_eq!(
        second.pixels().as_ptr(),
        first_ptr,
        "the recycled frame was not reused"
    );
    assert_eq!(*second, flip().apply(&img).unwrap());
    assert_eq!(ex.pooled_frames().0, 0);
    // An image still shared elsewhere is not taken.
    let keep = Arc::clone(&second);
    ex.recycle(second);
    assert_eq!(ex.pooled_frames().0, 0);
    drop(keep);
}
