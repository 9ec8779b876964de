//! Bad jobs on the native executor: parameters that are NaN, infinite,
//! negative or absurd, and buffers whose lengths do not match their size.
//! Each is a job error naming the problem (never a panic), and the
//! executor keeps serving the next job. A waker that panics does not stop
//! it either.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use lumen_kernels::spec::{
    BrightnessContrastParams, ExposureParams, FILTER_NAMES, GammaParams, GaussianBlurParams,
    HslParams, ResizeMethod, ResizeParams, RotateParams, UnsharpMaskParams,
};
use lumen_kernels::{FilterSpec, SourceBand};
use lumen_worker::{Executor, Job, JobEvent, JobId, NativeExecutor, run_band};

mod common;
use common::noise;

const MAX_WAIT: Duration = Duration::from_secs(60);

/// Submits one job and waits for its terminal event.
fn run(ex: &mut NativeExecutor, steps: Vec<FilterSpec>) -> JobEvent {
    let job = Job::new(Arc::new(noise(9, 7, 3)), steps);
    let id = job.id;
    ex.submit(job);
    wait(ex, id)
}

fn wait(ex: &mut NativeExecutor, id: JobId) -> JobEvent {
    let start = Instant::now();
    loop {
        if let Some(e) = ex
            .drain()
            .into_iter()
            .find(|e| e.is_terminal() && e.id() == id)
        {
            return e;
        }
        assert!(start.elapsed() < MAX_WAIT, "job {id} never finished");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The executor still renders a good job correctly.
fn assert_still_works(ex: &mut NativeExecutor, after: &str) {
    let img = noise(9, 7, 3);
    let invert = FilterSpec::from_name("invert").unwrap();
    match run(ex, vec![invert.clone()]) {
        JobEvent::Done(out) => {
            assert_eq!(out.images[0].as_deref(), Some(&invert.apply(&img).unwrap()))
        }
        other => panic!("after {after}: the next good job gave {other:?}"),
    }
}

/// Parameters every filter must refuse, with the parameter the error must
/// name.
fn bad_specs() -> Vec<(FilterSpec, &'static str)> {
    let mut specs = bad_point_specs();
    specs.extend(bad_neighbour_and_geometry_specs());
    specs
}

fn bad_point_specs() -> Vec<(FilterSpec, &'static str)> {
    let nan = f32::NAN;
    let inf = f32::INFINITY;
    vec![
        (FilterSpec::Gamma(GammaParams { gamma: nan }), "gamma"),
        (FilterSpec::Gamma(GammaParams { gamma: inf }), "gamma"),
        (FilterSpec::Gamma(GammaParams { gamma: -1.0 }), "gamma"),
        (FilterSpec::Gamma(GammaParams { gamma: 0.0 }), "gamma"),
        (
            FilterSpec::Exposure(ExposureParams { stops: -inf }),
            "stops",
        ),
        (
            FilterSpec::Exposure(ExposureParams { stops: 1e30 }),
            "stops",
        ),
        (
            FilterSpec::BrightnessContrast(BrightnessContrastParams {
                brightness: nan,
                contrast: 0.0,
            }),
            "brightness",
        ),
        (
            FilterSpec::BrightnessContrast(BrightnessContrastParams {
                brightness: 0.0,
                contrast: -inf,
            }),
            "contrast",
        ),
        (
            FilterSpec::Hsl(HslParams {
                hue_deg: nan,
                saturation: 0.0,
                lightness: 0.0,
            }),
            "hue_deg",
        ),
        (
            FilterSpec::Hsl(HslParams {
                hue_deg: 0.0,
                saturation: inf,
                lightness: 0.0,
            }),
            "saturation",
        ),
        (
            FilterSpec::Hsl(HslParams {
                hue_deg: 0.0,
                saturation: 0.0,
                lightness: -2.0,
            }),
            "lightness",
        ),
    ]
}

fn bad_neighbour_and_geometry_specs() -> Vec<(FilterSpec, &'static str)> {
    let nan = f32::NAN;
    let inf = f32::INFINITY;
    let blur = |sigma_px| FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px });
    let unsharp = |sigma_px, amount, threshold| {
        FilterSpec::UnsharpMask(UnsharpMaskParams {
            sigma_px,
            amount,
            threshold,
        })
    };
    vec![
        (blur(nan), "sigma_px"),
        (blur(-1.0), "sigma_px"),
        (blur(inf), "sigma_px"),
        (blur(1e9), "sigma_px"),
        (unsharp(nan, 1.0, 0.0), "sigma_px"),
        (unsharp(1.0, nan, 0.0), "amount"),
        (unsharp(1.0, 1.0, -inf), "threshold"),
        (unsharp(1e12, 1.0, 0.0), "sigma_px"),
        (
            FilterSpec::Rotate(RotateParams { quarter_turns: 255 }),
            "quarter_turns",
        ),
        (
            FilterSpec::Resize(ResizeParams {
                width: 0,
                height: 10,
                method: ResizeMethod::Lanczos3,
                linear_light: false,
            }),
            "width",
        ),
        (
            FilterSpec::Resize(ResizeParams {
                width: u32::MAX,
                height: u32::MAX,
                method: ResizeMethod::Nearest,
                linear_light: false,
            }),
            "width",
        ),
        (
            FilterSpec::Resize(ResizeParams {
                width: 65_536,
                height: 65_536,
                method: ResizeMethod::Bilinear,
                linear_light: false,
            }),
            "width",
        ),
    ]
}

#[test]
fn bad_parameters_fail_the_job_and_the_executor_goes_on() {
    let mut ex = NativeExecutor::new(3, Arc::new(|| {}));
    for (spec, param) in bad_specs() {
        let what = format!("{spec:?}");
        // As the second step, so the first one's work is thrown away too.
        let steps = vec![FilterSpec::from_name("grayscale").unwrap(), spec];
        match run(&mut ex, steps) {
            JobEvent::Failed(e) => {
                assert_eq!(e.step, Some(1), "{what}: {e}");
                assert!(e.message.contains(param), "{what}: {}", e.message);
                assert!(
                    !e.message.contains("internal error"),
                    "{what}: {}",
                    e.message
                );
            }
            other => panic!("{what}: expected a failure, got {other:?}"),
        }
        assert_still_works(&mut ex, &what);
    }
}

/// Every filter (including ones added later), every numeric parameter set
/// to absurd values through the recipe format: either the recipe is
/// refused, or the job ends (done or failed) without a panic.
#[test]
fn absurd_values_for_every_numeric_parameter_never_panic() {
    let mut ex = NativeExecutor::new(2, Arc::new(|| {}));
    let absurd = [
        serde_json::json!(-1),
        serde_json::json!(-1e300),
        serde_json::json!(1e300),
        serde_json::json!(4_294_967_295_u64),
        serde_json::json!(1e9),
        serde_json::json!(0),
        serde_json::json!(0.5),
    ];
    let mut jobs = 0;
    for name in FILTER_NAMES {
        let spec = FilterSpec::from_name(name).unwrap();
        let default = serde_json::to_value(&spec).unwrap();
        let params = default["params"].as_object().cloned().unwrap_or_default();
        for (key, value) in &params {
            if !value.is_number() {
                continue;
            }
            for v in &absurd {
                let mut tagged = default.clone();
                tagged["params"][key] = v.clone();
                let Ok(spec) = serde_json::from_value::<FilterSpec>(tagged) else {
                    continue; // refused by the format: fine
                };
                let what = format!("{name}.{key} = {v}");
                match run(&mut ex, vec![spec]) {
                    JobEvent::Done(_) => {}
                    JobEvent::Failed(e) => {
                        assert!(!e.message.contains("internal error"), "{what}: {e}");
                    }
                    other => panic!("{what}: {other:?}"),
                }
                jobs += 1;
            }
        }
    }
    assert!(jobs > 20, "only {jobs} jobs ran");
    assert_still_works(&mut ex, "absurd values");
}

/// `run_band` with buffers that do not fit the size it is told: an error,
/// never a panic or an out-of-bounds access.
#[test]
fn mismatched_buffer_lengths_are_errors() {
    let img = noise(5, 4, 1);
    let px = img.pixels();
    // A band whose length is not a whole number of rows.
    assert!(SourceBand::new(5, 4, 0, &px[..px.len() - 1]).is_err());
    // A band that runs past the bottom of the source.
    assert!(SourceBand::new(5, 3, 0, px).is_err());
    assert!(SourceBand::new(5, 4, 1, px).is_err());
    assert!(SourceBand::new(5, 4, u32::MAX, &px[..20]).is_err());
    // A zero or oversized source.
    assert!(SourceBand::new(0, 4, 0, &[]).is_err());
    assert!(SourceBand::new(100_000, 1, 0, &[]).is_err());

    let band = img.as_band();
    for name in FILTER_NAMES {
        let spec = FilterSpec::from_name(name).unwrap();
        let (ow, oh) = spec.output_size(5, 4).unwrap();
        let full = (ow * oh * 4) as usize;
        for len in [0, full - 1, full + 1, full * 2] {
            let mut dst = vec![0; len];
            assert!(
                run_band(&spec, &band, 0..oh, &mut dst).is_err(),
                "{name}: dst of {len} bytes for {full}"
            );
        }
        // Output rows past the end, or backwards.
        let mut dst = vec![0; full];
        assert!(
            run_band(&spec, &band, 0..oh + 1, &mut dst).is_err(),
            "{name}"
        );
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = 2..1;
        assert!(
            run_band(&spec, &band, backwards, &mut dst).is_err(),
            "{name}"
        );
        // A band missing the rows the filter needs.
        let top = SourceBand::new(5, 4, 0, &px[..20]).unwrap();
        let need = spec.source_rows(5, 4, 0..oh);
        if need.end > 1 {
            assert!(
                run_band(&spec, &top, 0..oh, &mut dst).is_err(),
                "{name}: rendered all rows from one source row"
            );
        }
    }
}

/// A waker that panics (a bug in the caller's UI code) must not take the
/// render thread down with it.
#[test]
fn a_panicking_waker_does_not_stop_the_executor() {
    let mut ex = NativeExecutor::new(2, Arc::new(|| panic!("waker bug")));
    for _ in 0..3 {
        let job = Job::new(
            Arc::new(noise(16, 16, 4)),
            vec![FilterSpec::from_name("invert").unwrap()],
        );
        let id = job.id;
        ex.submit(job);
        match wait(&mut ex, id) {
            JobEvent::Done(_) => {}
            other => panic!("expected Done, got {other:?}"),
        }
    }
}
