//! The native executor end to end: results, failures, cancellation, the
//! waker and job ids.

#![allow(clippy::unwrap_used)] // test helpers, not #[test] fns, unwrap too

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lumen_kernels::registry::apply_chain;
use lumen_kernels::spec::{
    ExposureParams, GammaParams, GaussianBlurParams, HslParams, ResizeMethod, ResizeParams,
    RotateParams,
};
use lumen_kernels::{FilterSpec, Recipe, Step};
use lumen_worker::{Executor, Job, JobEvent, JobId, NativeExecutor, Waker};

mod common;
use common::noise;

const MAX_WAIT: Duration = Duration::from_secs(30);

fn counting_waker() -> (Waker, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    (
        Arc::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        }),
        count,
    )
}

/// Drains until every id in `ids` has had its terminal event (or fails
/// after [`MAX_WAIT`]); returns every event seen, in order.
fn drain_until_done(ex: &mut NativeExecutor, ids: &[JobId]) -> Vec<JobEvent> {
    let start = Instant::now();
    let mut events = Vec::new();
    loop {
        events.extend(ex.drain());
        let finished = ids
            .iter()
            .all(|id| events.iter().any(|e| e.is_terminal() && e.id() == *id));
        if finished {
            return events;
        }
        assert!(
            start.elapsed() < MAX_WAIT,
            "jobs {ids:?} not finished after {MAX_WAIT:?}; events so far: {events:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether a step is a per-pixel filter (one that fuses with its
/// neighbours).
fn is_point(spec: &FilterSpec) -> bool {
    spec.prepare(8, 8).is_ok_and(|p| p.fusable())
}

fn pipeline() -> Vec<FilterSpec> {
    vec![
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 1.5 }),
        FilterSpec::Hsl(HslParams {
            hue_deg: 40.0,
            saturation: -0.3,
            lightness: 0.1,
        }),
        FilterSpec::Exposure(ExposureParams { stops: 0.6 }),
        FilterSpec::Rotate(RotateParams { quarter_turns: 3 }),
        FilterSpec::Resize(ResizeParams {
            width: 30,
            height: 41,
            method: ResizeMethod::Bilinear,
            linear_light: false,
        }),
    ]
}

#[test]
fn job_completes_like_the_recipe() {
    let (waker, wakes) = counting_waker();
    let mut ex = NativeExecutor::new(3, waker);
    let img = Arc::new(noise(57, 33, 1));
    let steps = pipeline();
    let job = Job::new(Arc::clone(&img), steps.clone());
    let id = job.id;
    ex.submit(job);
    assert_eq!(ex.in_flight(), 1);
    let events = drain_until_done(&mut ex, &[id]);
    assert_eq!(ex.in_flight(), 0);

    let Some(JobEvent::Done(out)) = events.last() else {
        panic!("expected Done last, got {events:?}");
    };
    assert_eq!(out.id, id);
    assert_eq!(out.images.len(), steps.len());
    assert_eq!(out.step_ms.len(), steps.len());
    assert!(out.step_ms.iter().all(|ms| ms.is_finite() && *ms >= 0.0));

    // Each step's image is the chain up to it; steps inside a fused run of
    // point steps have none (only the run's result exists).
    for (i, got) in out.images.iter().enumerate() {
        let fused_away = i + 1 < steps.len() && is_point(&steps[i]) && is_point(&steps[i + 1]);
        assert_eq!(got.is_none(), fused_away, "step {i}");
        if let Some(got) = got {
            let want = apply_chain(&steps[..=i], &img).unwrap();
            assert_eq!(**got, want, "after {}", steps[i].name());
        }
    }
    let recipe = Recipe {
        steps: steps.iter().cloned().map(Step::new).collect(),
    };
    let last = out.images.last().unwrap().as_deref();
    assert_eq!(last, Some(&recipe.apply(&img).unwrap()));

    // Progress is monotonic, within 0..=1, and comes before Done.
    let fractions: Vec<f32> = events
        .iter()
        .filter_map(|e| match e {
            JobEvent::Progress { fraction, .. } => Some(*fraction),
            _ => None,
        })
        .collect();
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert!(fractions.iter().all(|f| (0.0..=1.0).contains(f)));
    // The waker was called for every event queued.
    assert!(wakes.load(Ordering::SeqCst) >= events.len());
    assert!(ex.drain().is_empty());
}

#[test]
fn invalid_param_fails_naming_the_filter() {
    let (waker, wakes) = counting_waker();
    let mut ex = NativeExecutor::new(2, waker);
    let img = Arc::new(noise(16, 16, 2));
    let job = Job::new(
        img,
        vec![
            FilterSpec::from_name("invert").unwrap(),
            FilterSpec::Gamma(GammaParams { gamma: f32::NAN }),
        ],
    );
    let id = job.id;
    ex.submit(job);
    let events = drain_until_done(&mut ex, &[id]);
    let Some(JobEvent::Failed(err)) = events.last() else {
        panic!("expected Failed, got {events:?}");
    };
    assert_eq!(err.id, id);
    assert_eq!(err.step, Some(1));
    assert!(err.message.contains("gamma"), "{}", err.message);
    assert!(err.to_string().contains("gamma"));
    assert!(wakes.load(Ordering::SeqCst) >= 1);

    // The executor keeps working after a failure.
    let job = Job::new(
        Arc::new(noise(5, 5, 3)),
        vec![FilterSpec::from_name("grayscale").unwrap()],
    );
    let id = job.id;
    ex.submit(job);
    let events = drain_until_done(&mut ex, &[id]);
    assert!(matches!(events.last(), Some(JobEvent::Done(_))));
}

#[test]
fn cancelled_jobs_never_finish() {
    let (waker, wakes) = counting_waker();
    let mut ex = NativeExecutor::new(2, waker);
    // Slow enough that the first job is still running when it is cancelled.
    let img = Arc::new(noise(400, 300, 4));
    let slow = vec![FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 12.0 }); 8];
    let jobs: Vec<Job> = (0..4)
        .map(|_| Job::new(Arc::clone(&img), slow.clone()))
        .collect();
    let ids: Vec<JobId> = jobs.iter().map(|j| j.id).collect();
    for job in jobs {
        ex.submit(job);
    }
    assert_eq!(ex.in_flight(), 4);
    for id in &ids[..3] {
        ex.cancel(*id);
    }
    let events = drain_until_done(&mut ex, &ids);
    for id in &ids[..3] {
        let terminal: Vec<&JobEvent> = events
            .iter()
            .filter(|e| e.id() == *id && e.is_terminal())
            .collect();
        assert_eq!(terminal.len(), 1, "{id}: {terminal:?}");
        assert!(
            matches!(terminal[0], JobEvent::Cancelled(_)),
            "{id}: {terminal:?}"
        );
    }
    let last = events
        .iter()
        .find(|e| e.id() == ids[3] && e.is_terminal())
        .unwrap();
    let JobEvent::Done(out) = last else {
        panic!("newest job should complete, got {last:?}");
    };
    assert_eq!(out.images.len(), 8);
    assert_eq!(ex.in_flight(), 0);
    // Every event the coordinator sent was counted by the waker; the
    // newest job's are all in `events`. The rest belong to the cancelled
    // jobs: a terminal event each and at most the first one's bands in
    // flight, not the hundreds of progress events of jobs that ran.
    let newest = events.iter().filter(|e| e.id() == ids[3]).count();
    let cancelled = wakes.load(Ordering::SeqCst) - newest;
    assert!(
        cancelled <= 3 + EVENTS_AFTER_CANCEL,
        "the cancelled jobs sent {cancelled} events: they ran"
    );

    // Cancelling unknown or finished jobs is harmless.
    ex.cancel(ids[3]);
    ex.cancel(JobId(u64::MAX));
    assert!(ex.drain().is_empty());
    assert_eq!(ex.in_flight(), 0);
}

#[test]
fn cancel_after_finish_but_before_drain_still_cancels() {
    let (waker, wakes) = counting_waker();
    let mut ex = NativeExecutor::new(1, waker);
    let job = Job::new(
        Arc::new(noise(3, 3, 5)),
        vec![FilterSpec::from_name("invert").unwrap()],
    );
    let id = job.id;
    ex.submit(job);
    // Wait for the job's events to be queued without draining them.
    let start = Instant::now();
    while wakes.load(Ordering::SeqCst) == 0 || start.elapsed() < Duration::from_millis(50) {
        assert!(start.elapsed() < MAX_WAIT);
        std::thread::sleep(Duration::from_millis(5));
    }
    ex.cancel(id);
    let events = drain_until_done(&mut ex, &[id]);
    assert!(events.iter().all(|e| !matches!(e, JobEvent::Done(_))));
    assert!(matches!(events.last(), Some(JobEvent::Cancelled(i)) if *i == id));
}

#[test]
fn empty_pipeline_is_done_with_no_images() {
    let (waker, _) = counting_waker();
    let mut ex = NativeExecutor::new(2, waker);
    let job = Job::new(Arc::new(noise(2, 2, 6)), Vec::new());
    let id = job.id;
    ex.submit(job);
    let events = drain_until_done(&mut ex, &[id]);
    let Some(JobEvent::Done(out)) = events.last() else {
        panic!("{events:?}");
    };
    assert!(out.images.is_empty() && out.step_ms.is_empty());
}

#[test]
fn ids_are_monotonic() {
    let mut last = JobId::next();
    for _ in 0..1000 {
        let id = JobId::next();
        assert!(id > last);
        last = id;
    }
    let handles: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(|| (0..100).map(|_| JobId::next()).collect::<Vec<_>>()))
        .collect();
    let mut all: Vec<JobId> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    for ids in all.chunks(100) {
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 400);
    assert!(all[0] > last);
}

/// A job that runs for a while: 40 blurs of a 600x400 image, at least one
/// progress event per step (80 in all on 2 threads).
fn long_job() -> Job {
    Job::new(
        Arc::new(noise(600, 400, 8)),
        vec![FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 8.0 }); LONG_STEPS],
    )
}

/// Steps of [`long_job`].
const LONG_STEPS: usize = 40;

/// Most events the coordinator may still send once a job was cancelled:
/// one progress event per band already running (2 threads), the terminal
/// event, and some slack for bands that finished while the test read the
/// counter. A job that kept running would send one per step or more.
const EVENTS_AFTER_CANCEL: usize = 6;

/// Waits (without draining) until the waker has been called, i.e. the
/// running job reported progress.
fn wait_for_first_event(wakes: &AtomicUsize) {
    let start = Instant::now();
    while wakes.load(Ordering::SeqCst) == 0 {
        assert!(
            start.elapsed() < MAX_WAIT,
            "the job never reported progress"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn drop_stops_a_busy_executor() {
    let (waker, wakes) = counting_waker();
    let mut ex = NativeExecutor::new(2, waker);
    for _ in 0..3 {
        ex.submit(long_job());
    }
    wait_for_first_event(&wakes);
    let before = wakes.load(Ordering::SeqCst);
    let start = Instant::now();
    drop(ex);
    assert!(start.elapsed() < MAX_WAIT);
    // The waker counts every event the coordinator sent, up to the join in
    // `drop`: had the running job not been cancelled, or a queued one been
    // started, there would be dozens.
    let after = wakes.load(Ordering::SeqCst) - before;
    assert!(
        after <= EVENTS_AFTER_CANCEL,
        "{after} events after the drop began: work went on (one job sends at least {LONG_STEPS})"
    );
}

#[test]
fn executor_can_move_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<NativeExecutor>();
    assert_send::<JobEvent>();
    assert_send::<Job>();
    let boxed: Box<dyn Executor + Send> = Box::new(NativeExecutor::new(1, Arc::new(|| {})));
    std::thread::spawn(move || drop(boxed)).join().unwrap();
}

#[test]
fn cancel_stops_a_running_job() {
    let (waker, wakes) = counting_waker();
    let mut ex = NativeExecutor::new(2, waker);
    let job = long_job();
    let id = job.id;
    ex.submit(job);
    wait_for_first_event(&wakes);
    let before = wakes.load(Ordering::SeqCst);
    ex.cancel(id);
    let events = drain_until_done(&mut ex, &[id]);
    assert!(matches!(events.last(), Some(JobEvent::Cancelled(i)) if *i == id));
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, JobEvent::Progress { .. }))
    );
    assert_eq!(ex.in_flight(), 0);
    // `drain` hides a cancelled job's events whatever the coordinator does,
    // but the waker counts each one it sent: the job must have stopped, not
    // run to the end with its result thrown away.
    let after = wakes.load(Ordering::SeqCst) - before;
    assert!(
        after <= EVENTS_AFTER_CANCEL,
        "{after} events after the cancel: the job kept running (it sends at least {LONG_STEPS})"
    );
}
