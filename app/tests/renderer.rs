//! The renderer against a scripted executor: the test decides when each job
//! finishes, so what the renderer submits, reuses, cancels and drops can be
//! checked one event at a time: the per-step cache (editing step k
//! re-renders from k), newest-request-wins cancellation with stale results
//! dropped by id, the proxy first and the full render after it, cache
//! eviction, and failures.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use lumen_app::render::{Quality, Renderer};
use lumen_kernels::spec::{GammaParams, GaussianBlurParams, ResizeParams};
use lumen_kernels::{FilterSpec, RenderStep, RgbaImage};
use lumen_worker::{Executor, Job, JobError, JobEvent, JobId, JobOutput};

/// What the renderer asked of the executor, and the events the test lets
/// it see next.
#[derive(Default)]
struct Script {
    submitted: Vec<Job>,
    cancelled: Vec<JobId>,
    pending: HashSet<JobId>,
    events: Vec<JobEvent>,
    /// Images the renderer handed back for reuse.
    recycled: Vec<Arc<RgbaImage>>,
}

/// An executor that runs nothing by itself.
struct Scripted(Arc<Mutex<Script>>);

impl Executor for Scripted {
    fn submit(&mut self, job: Job) {
        let mut s = self.0.lock().unwrap();
        s.pending.insert(job.id);
        s.submitted.push(job);
    }

    fn drain(&mut self) -> Vec<JobEvent> {
        let mut s = self.0.lock().unwrap();
        let events = std::mem::take(&mut s.events);
        for e in events.iter().filter(|e| e.is_terminal()) {
            s.pending.remove(&e.id());
        }
        events
    }

    fn cancel(&mut self, id: JobId) {
        self.0.lock().unwrap().cancelled.push(id);
    }

    fn in_flight(&self) -> usize {
        self.0.lock().unwrap().pending.len()
    }

    fn recycle(&mut self, image: Arc<RgbaImage>) {
        self.0.lock().unwrap().recycled.push(image);
    }
}

fn renderer() -> (Renderer, Arc<Mutex<Script>>) {
    let script = Arc::new(Mutex::new(Script::default()));
    (
        Renderer::new(Box::new(Scripted(Arc::clone(&script)))),
        script,
    )
}

fn picture(w: u32, h: u32) -> Arc<RgbaImage> {
    let pixels = (0..w * h * 4).map(|i| (i * 37 % 253) as u8).collect();
    Arc::new(RgbaImage::from_pixels(w, h, pixels).unwrap())
}

fn gamma(g: f32) -> FilterSpec {
    FilterSpec::Gamma(GammaParams { gamma: g })
}

fn blur(sigma_px: f32) -> FilterSpec {
    FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px })
}

fn invert() -> FilterSpec {
    FilterSpec::from_name("invert").unwrap()
}

/// Every step of `steps` applied to `input` in turn, each image kept.
fn run<S: Clone + Into<RenderStep>>(input: &RgbaImage, steps: &[S]) -> Vec<Arc<RgbaImage>> {
    let mut out: Vec<Arc<RgbaImage>> = Vec::new();
    for spec in steps {
        let from = out.last().map_or(input, |img| img.as_ref());
        let step: RenderStep = spec.clone().into();
        out.push(Arc::new(step.apply(from).unwrap()));
    }
    out
}

/// The jobs submitted since the last call.
fn take_submitted(script: &Mutex<Script>) -> Vec<Job> {
    std::mem::take(&mut script.lock().unwrap().submitted)
}

/// Finishes `job` (computing its images for real) and lets the renderer
/// see it; returns the images.
fn finish(r: &mut Renderer, script: &Mutex<Script>, job: &Job) -> Vec<Arc<RgbaImage>> {
    let images = run(&job.input, &job.steps);
    script
        .lock()
        .unwrap()
        .events
        .push(JobEvent::Done(JobOutput {
            id: job.id,
            images: images.iter().cloned().map(Some).collect(),
            step_ms: vec![0.0; job.steps.len()],
        }));
    r.poll();
    images
}

#[test]
fn editing_one_step_rerenders_from_that_step_on_the_cached_image() {
    let (mut r, script) = renderer();
    let src = picture(40, 30);
    r.set_source(Arc::clone(&src));
    r.request(vec![gamma(1.5), blur(1.0), invert()]);
    let jobs = take_submitted(&script);
    assert_eq!(jobs.len(), 1, "a small image needs no proxy");
    assert_eq!(jobs[0].steps, vec![gamma(1.5), blur(1.0), invert()]);
    assert!(Arc::ptr_eq(&jobs[0].input, &src));
    let first = finish(&mut r, &script, &jobs[0]);
    assert_eq!(r.full_result().unwrap(), first[2]);

    // Change the last step: only it runs again, from the cached blur.
    r.request(vec![gamma(1.5), blur(1.0), gamma(0.7)]);
    let jobs = take_submitted(&script);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].steps, vec![gamma(0.7)]);
    assert!(
        Arc::ptr_eq(&jobs[0].input, &first[1]),
        "the job starts from the cached image after step 2"
    );
    finish(&mut r, &script, &jobs[0]);
    let want = run(&src, &[gamma(1.5), blur(1.0), gamma(0.7)]);
    assert_eq!(r.full_result().unwrap(), want[2]);

    // Going back to an earlier recipe prefix needs no job at all.
    r.request(vec![gamma(1.5)]);
    assert!(take_submitted(&script).is_empty());
    assert!(Arc::ptr_eq(&r.full_result().unwrap(), &first[0]));
    assert!(!r.is_busy());
}

#[test]
fn a_newer_request_cancels_the_outdated_job_and_its_late_result_is_dropped() {
    let (mut r, script) = renderer();
    let src = picture(24, 16);
    r.set_source(Arc::clone(&src));
    r.request(vec![blur(2.0)]);
    let old = take_submitted(&script).pop().unwrap();
    r.request(vec![invert()]);
    assert_eq!(script.lock().unwrap().cancelled, vec![old.id]);
    let new = take_submitted(&script).pop().unwrap();
    assert_eq!(new.steps, vec![invert()]);
    assert!(r.is_busy());

    // The old job's result arrives anyway (it finished before the cancel
    // reached it): nothing of it is shown or cached.
    finish(&mut r, &script, &old);
    assert!(r.full_result().is_none(), "a stale result was taken");
    assert!(
        r.displayed()
            .is_none_or(|d| d.image.as_ref() == src.as_ref())
    );
    assert!(take_submitted(&script).is_empty(), "nothing new to submit");

    finish(&mut r, &script, &new);
    assert_eq!(*r.full_result().unwrap(), invert().apply(&src).unwrap());
    assert_eq!(r.displayed().unwrap().quality, Quality::Full);
}

#[test]
fn a_large_image_shows_the_proxy_first_and_renders_full_size_after_it() {
    let (mut r, script) = renderer();
    let src = picture(2000, 1000);
    r.set_source(Arc::clone(&src));
    // The proxy source: the image scaled to 1280 px on its longest side.
    let scale_job = take_submitted(&script).pop().unwrap();
    assert_eq!(
        scale_job.steps,
        vec![FilterSpec::Resize(ResizeParams {
            width: 1280,
            height: 640,
            method: lumen_kernels::spec::ResizeMethod::Bilinear,
            linear_light: false,
            ..Default::default()
        })]
    );
    finish(&mut r, &script, &scale_job);

    r.request(vec![blur(10.0)]);
    let jobs = take_submitted(&script);
    assert_eq!(jobs.len(), 1, "the full render waits for the preview");
    let proxy = &jobs[0];
    assert_eq!((proxy.input.width(), proxy.input.height()), (1280, 640));
    assert_eq!(proxy.steps, vec![blur(10.0).scaled_for_proxy(0.64)]);
    assert_ne!(proxy.steps, vec![blur(10.0)], "the radius scales");
    finish(&mut r, &script, proxy);
    let shown = r.displayed().unwrap();
    assert_eq!(shown.quality, Quality::Proxy);
    assert!((shown.scale - 0.64).abs() < 1e-6);

    // Now the full render runs, on the full-size source.
    let full = take_submitted(&script)
        .pop()
        .expect("the full render starts");
    assert!(Arc::ptr_eq(&full.input, &src));
    assert_eq!(full.steps, vec![blur(10.0)]);
    finish(&mut r, &script, &full);
    assert_eq!(r.displayed().unwrap().quality, Quality::Full);
}

#[test]
fn over_the_cache_budget_earlier_steps_are_evicted_but_the_last_is_kept() {
    let (mut r, script) = renderer();
    let src = picture(32, 32);
    r.set_source(Arc::clone(&src));
    r.set_cache_budget(src.pixels().len()); // room for one image
    r.request(vec![gamma(1.2), gamma(0.9), invert()]);
    let job = take_submitted(&script).pop().unwrap();
    let images = finish(&mut r, &script, &job);
    assert!(Arc::ptr_eq(&r.full_result().unwrap(), &images[2]));

    // Appending a step starts from the kept last image.
    r.request(vec![gamma(1.2), gamma(0.9), invert(), blur(1.0)]);
    let job = take_submitted(&script).pop().unwrap();
    assert!(Arc::ptr_eq(&job.input, &images[2]));
    assert_eq!(job.steps, vec![blur(1.0)]);
    finish(&mut r, &script, &job);

    // Editing step 2 cannot start from step 1's image: it was evicted.
    r.request(vec![gamma(1.2), gamma(2.0)]);
    let job = take_submitted(&script).pop().unwrap();
    assert!(Arc::ptr_eq(&job.input, &src));
    assert_eq!(job.steps, vec![gamma(1.2), gamma(2.0)]);
}

#[test]
fn the_step_cache_is_a_share_of_the_memory_budget() {
    use lumen_app::render::{DEFAULT_CACHE_BUDGET_BYTES, MIN_CACHE_BUDGET_BYTES, cache_budget_for};
    const MIB: u64 = 1 << 20;
    assert_eq!(cache_budget_for(3 << 30), 768 << 20, "the web's 3 GiB");
    assert_eq!(cache_budget_for(768 * MIB), 192 << 20, "a 1 GiB container");
    assert_eq!(cache_budget_for(64 << 30), DEFAULT_CACHE_BUDGET_BYTES);
    assert_eq!(cache_budget_for(0), MIN_CACHE_BUDGET_BYTES);

    // The renderer takes its share of the budget it is given.
    let (mut r, _) = renderer();
    r.set_memory_budget(3 << 30);
    assert_eq!(r.cache_budget(), 768 << 20);
    r.set_memory_budget(768 * MIB);
    assert_eq!(r.cache_budget(), 192 << 20);
}

#[test]
fn a_failed_job_is_reported_and_the_renderer_stops_waiting() {
    let (mut r, script) = renderer();
    r.set_source(picture(8, 8));
    r.request(vec![invert(), gamma(f32::NAN)]);
    let job = take_submitted(&script).pop().unwrap();
    script
        .lock()
        .unwrap()
        .events
        .push(JobEvent::Failed(JobError {
            id: job.id,
            step: Some(1),
            message: "gamma: parameter `gamma` is not a number".to_owned(),
        }));
    r.poll();
    assert_eq!(
        r.error(),
        Some("step 2 (Gamma): gamma: parameter `gamma` is not a number")
    );
    assert!(!r.is_busy());
    assert!(take_submitted(&script).is_empty(), "no retry of a failure");

    // The next request clears the error and renders.
    r.request(vec![invert()]);
    assert!(r.error().is_none());
    let job = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &job);
    assert!(r.full_result().is_some());
}

#[test]
fn masks_reach_both_tiers_unscaled_and_a_mask_change_rerenders_from_its_step() {
    let (mut r, script) = renderer();
    let src = picture(2000, 1000);
    r.set_source(Arc::clone(&src));
    let scale_job = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &scale_job);

    let mask: lumen_kernels::Mask = serde_json::from_str(
        r#"{"shapes": [{"kind": "radial", "center": [0.3, 0.4], "radius": [0.2, 0.3], "feather": 0.5},
            {"kind": "brush", "strokes": [{"points": [[0.1, 0.1], [0.8, 0.9]], "radius": 0.05}]}]}"#,
    )
    .unwrap();
    let masked = RenderStep::masked(blur(10.0), mask.clone());
    r.request(vec![RenderStep::from(gamma(1.5)), masked.clone()]);
    let proxy = take_submitted(&script).pop().unwrap();
    assert_eq!(proxy.steps[1].spec, blur(10.0).scaled_for_proxy(0.64));
    assert_eq!(
        proxy.steps[1].mask.as_deref(),
        Some(&mask),
        "masks are fractions: the preview uses them as they are"
    );
    let proxy_images = finish(&mut r, &script, &proxy);
    let full = take_submitted(&script).pop().unwrap();
    assert_eq!(
        full.steps,
        vec![RenderStep::from(gamma(1.5)), masked.clone()]
    );
    let images = finish(&mut r, &script, &full);
    assert_eq!(r.full_result().unwrap(), images[1]);

    // Changing only the mask re-renders only that step, from the cache;
    // the preview first.
    let mut moved = mask;
    if let lumen_kernels::mask::Shape::Radial(radial) = &mut moved.shapes[0] {
        radial.center = [0.6, 0.4];
    }
    let remasked = RenderStep::masked(blur(10.0), moved);
    r.request(vec![RenderStep::from(gamma(1.5)), remasked.clone()]);
    let jobs = take_submitted(&script);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].steps.len(), 1);
    assert_eq!(jobs[0].steps[0].mask, remasked.mask);
    assert!(Arc::ptr_eq(&jobs[0].input, &proxy_images[0]));
}

/// A failure names the step by its place in the recipe: not by its place
/// in the job (which starts after the cached steps), nor among the enabled
/// steps only.
#[test]
fn a_failure_names_the_step_by_its_place_in_the_recipe() {
    use lumen_kernels::{Recipe, Step};
    let (mut r, script) = renderer();
    r.set_source(picture(8, 8));
    let mut off = Step::new(blur(1.0));
    off.enabled = false;
    let mut recipe = Recipe {
        steps: vec![off, Step::new(invert())],
    };
    r.request_recipe(&recipe);
    let job = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &job);

    // Step 3 is added; the job starts from the cached invert, so the
    // failure is at the job's step 0.
    recipe.steps.push(Step::new(gamma(f32::NAN)));
    r.request_recipe(&recipe);
    let job = take_submitted(&script).pop().unwrap();
    assert_eq!(job.steps.len(), 1, "only the new step is rendered");
    script
        .lock()
        .unwrap()
        .events
        .push(JobEvent::Failed(JobError {
            id: job.id,
            step: Some(0),
            message: "gamma: parameter `gamma` is not a number".to_owned(),
        }));
    r.poll();
    let error = r.error().unwrap();
    assert!(error.starts_with("step 3 (Gamma): "), "{error}");
}

#[test]
fn replaced_and_evicted_results_go_back_to_the_executor() {
    let (mut r, script) = renderer();
    let src = picture(24, 16);
    r.set_source(Arc::clone(&src));
    r.request(vec![blur(1.0), gamma(1.4)]);
    let job = take_submitted(&script).pop().unwrap();
    let first = finish(&mut r, &script, &job);
    assert!(script.lock().unwrap().recycled.is_empty());
    // Editing the last step replaces its cached image: handed back.
    r.request(vec![blur(1.0), gamma(0.6)]);
    let job = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &job);
    {
        let s = script.lock().unwrap();
        assert_eq!(s.recycled.len(), 1);
        assert!(Arc::ptr_eq(&s.recycled[0], &first[1]));
    }
    // A new source drops every cached image: handed back too.
    r.set_source(picture(24, 16));
    assert_eq!(script.lock().unwrap().recycled.len(), 3);
}

#[test]
fn a_step_inside_a_fused_run_gets_its_input_with_the_steps_to_apply() {
    let (mut r, script) = renderer();
    let src = picture(20, 10);
    r.set_source(Arc::clone(&src));
    let chain = vec![blur(1.0), gamma(1.4), invert(), gamma(0.8)];
    r.request(chain.clone());
    let job = take_submitted(&script).pop().unwrap();
    // The executor fused gamma, invert, gamma: only the run's last image.
    let blurred = Arc::new(blur(1.0).apply(&src).unwrap());
    let last = Arc::new(lumen_kernels::registry::apply_chain(&chain, &src).unwrap());
    script
        .lock()
        .unwrap()
        .events
        .push(JobEvent::Done(JobOutput {
            id: job.id,
            images: vec![
                Some(Arc::clone(&blurred)),
                None,
                None,
                Some(Arc::clone(&last)),
            ],
            step_ms: vec![0.0; 4],
        }));
    r.poll();
    assert!(Arc::ptr_eq(&r.full_result().unwrap(), &last));
    let input = r.step_input(3).unwrap();
    assert!(Arc::ptr_eq(&input.image, &blurred));
    assert_eq!(input.pending, vec![gamma(1.4), invert()]);
    assert_eq!(input.quality, Quality::Full);
    let input = r.step_input(1).unwrap();
    assert!(Arc::ptr_eq(&input.image, &blurred) && input.pending.is_empty());
    let input = r.step_input(4).unwrap();
    assert!(Arc::ptr_eq(&input.image, &last) && input.pending.is_empty());
    let input = r.step_input(0).unwrap();
    assert!(Arc::ptr_eq(&input.image, &src) && input.pending.is_empty());
}

/// A full-resolution result much larger than the canvas is shown with a
/// screen-sized level made by the executor (so the canvas uploads that,
/// not the whole image); the preview stays until the level comes. The
/// original gets its own level only when asked for (a compare view), the
/// preview's copy of the source standing in meanwhile.
#[test]
fn a_large_result_is_shown_with_a_display_level_made_by_the_executor() {
    let (mut r, script) = renderer();
    r.set_display_side(512);
    let src = picture(1600, 800);
    r.set_source(Arc::clone(&src));
    // With no steps the source itself is the result: it gets a level,
    // asked for with the preview's copy; nothing shows before either.
    let [scale_job, source_level_job] = take_submitted(&script).try_into().unwrap();
    assert!(Arc::ptr_eq(&source_level_job.input, &src));
    assert!(r.displayed().is_none(), "not the whole source at once");
    finish(&mut r, &script, &scale_job);
    assert_eq!(r.displayed().unwrap().quality, Quality::Proxy);
    let source_level = finish(&mut r, &script, &source_level_job);
    assert!(Arc::ptr_eq(
        r.displayed().unwrap().level.as_ref().unwrap(),
        &source_level[0]
    ));
    r.request(vec![invert()]);
    let proxy = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &proxy);
    let full = take_submitted(&script).pop().unwrap();
    let full_images = finish(&mut r, &script, &full);

    let level_job = take_submitted(&script)
        .pop()
        .expect("the full result's level is asked for");
    assert!(Arc::ptr_eq(&level_job.input, &full_images[0]));
    assert_eq!(
        level_job.steps,
        vec![FilterSpec::Resize(ResizeParams {
            long_edge_px: 512,
            method: lumen_kernels::spec::ResizeMethod::Box,
            linear_light: false,
            ..Default::default()
        })]
    );
    let shown = r.displayed().unwrap();
    assert_eq!(shown.quality, Quality::Proxy, "the preview stays meanwhile");
    let level = finish(&mut r, &script, &level_job);
    let shown = r.displayed().unwrap();
    assert_eq!(shown.quality, Quality::Full);
    assert!(Arc::ptr_eq(&shown.image, &full_images[0]));
    let shown_level = shown.level.as_ref().expect("shown with its level");
    assert!(Arc::ptr_eq(shown_level, &level[0]));
    assert_eq!((shown_level.width(), shown_level.height()), (512, 256));

    // The original (compare views) has its own level, asked for only
    // when a compare view wants it; the preview's copy of the source
    // stands in meanwhile.
    assert!(take_submitted(&script).is_empty());
    let original = r.original().unwrap();
    assert!(
        !Arc::ptr_eq(&original.image, &src),
        "the preview's copy first"
    );
    assert!((original.scale - 0.8).abs() < 1e-6);
    let source_job = take_submitted(&script).pop().unwrap();
    assert!(Arc::ptr_eq(&source_job.input, &src));
    assert_eq!(source_job.steps, level_job.steps);
    let source_level = finish(&mut r, &script, &source_job);
    let original = r.original().unwrap();
    assert!(Arc::ptr_eq(&original.image, &src));
    assert_eq!(original.scale, 1.0);
    assert!(Arc::ptr_eq(
        original.level.as_ref().unwrap(),
        &source_level[0]
    ));

    // A newer result drops the old level; its own job is cancelled when
    // the result it was for is replaced before it ends.
    r.request(vec![invert(), gamma(2.0)]);
    let proxy = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &proxy);
    let full = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &full);
    let pending_level = take_submitted(&script).pop().unwrap();
    r.request(vec![invert()]);
    assert!(script.lock().unwrap().cancelled.contains(&pending_level.id));
    let again = take_submitted(&script).pop().expect("asked for again");
    assert!(Arc::ptr_eq(&again.input, &full_images[0]));
    assert_eq!(r.displayed().unwrap().quality, Quality::Proxy);
    finish(&mut r, &script, &again);
    let shown = r.displayed().unwrap();
    assert!(Arc::ptr_eq(&shown.image, &full_images[0]));
    assert!(shown.level.is_some());
}

/// A result no larger than the canvas (by a quarter) gets no level.
#[test]
fn a_result_about_the_canvas_size_gets_no_level() {
    let (mut r, script) = renderer();
    r.set_display_side(1280);
    r.set_source(picture(1500, 1000));
    let scale_job = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &scale_job);
    r.request(vec![invert()]);
    let proxy = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &proxy);
    let full = take_submitted(&script).pop().unwrap();
    finish(&mut r, &script, &full);
    assert!(take_submitted(&script).is_empty(), "no level job");
    let shown = r.displayed().unwrap();
    assert_eq!(shown.quality, Quality::Full);
    assert!(shown.level.is_none());
}
