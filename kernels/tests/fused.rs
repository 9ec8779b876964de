//! Fused point steps: a run of per-pixel steps is rendered in one pass that
//! carries unrounded values from step to step and rounds once
//! (`PreparedStep::fuse`, planned by `registry::prepare_unit`).
//!
//! Tolerances against `reference::fused_points` (each step's `f64`
//! formula in turn, clamped between steps, rounded once), in levels:
//! - tone-only runs: 1. The fused tables evaluate the same formulas in
//!   `f64`, so they agree except where a value lies within rounding noise
//!   of a half.
//! - runs with colour steps: 1. These run in `f32` (error far below a
//!   hundredth of a level for these formulas) with tone steps after a
//!   colour step sampled 4 times per level and interpolated (error below a
//!   tenth of a level for the parameters here); so only values close to a
//!   half round differently. Threshold and posterize are left out of the
//!   random runs: a step function turns any difference at its edge into a
//!   full jump (they are tested where their input is exact).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use lumen_kernels::reference;
use lumen_kernels::registry::{Preparable, WeightMap, apply_chain, prepare_unit};
use lumen_kernels::spec::{
    BrightnessContrastParams, ChannelMixerParams, CurvesParams, ExposureParams, GammaParams,
    HslParams, LevelsParams, PosterizeParams, SepiaParams, TemperatureTintParams, ThresholdParams,
    VibranceParams,
};
use lumen_kernels::{FilterSpec, PreparedStep, Recipe, RgbaImage, Step};

mod common;

/// A smooth gradient: every level in R (left to right), a slow ramp in G,
/// the reverse in B; alpha varies by row and must come back unchanged.
fn gradient() -> RgbaImage {
    let (w, h) = (256_u32, 48_u32);
    let px = (0..h)
        .flat_map(|y| {
            (0..w).flat_map(move |x| {
                [
                    x as u8,
                    ((x + 3 * y) / 2) as u8,
                    (255 - x) as u8,
                    (255 - 5 * y) as u8,
                ]
            })
        })
        .collect();
    RgbaImage::from_pixels(w, h, px).unwrap()
}

fn exposure(stops: f32) -> FilterSpec {
    FilterSpec::Exposure(ExposureParams { stops })
}

/// The result of the steps one after another, each rounded to 8 bits (what
/// Lumen did before fusion).
fn stepwise(steps: &[FilterSpec], img: &RgbaImage) -> RgbaImage {
    steps
        .iter()
        .fold(img.clone(), |acc, s| s.apply(&acc).unwrap())
}

fn largest_difference(a: &RgbaImage, b: &RgbaImage) -> i32 {
    common::max_diff(a, b)
}

#[test]
fn exposure_down_then_up_comes_back_within_one_level() {
    let img = gradient();
    let steps = [exposure(-2.0), exposure(2.0)];
    let fused = apply_chain(&steps, &img).unwrap();
    assert_eq!(
        largest_difference(&fused, &img),
        0,
        "fused: -2 then +2 stops should give the input back"
    );
    // Rounding after each step loses the dark levels (-2 stops folds
    // several of them into one): the round trip is visibly off.
    let combed = stepwise(&steps, &img);
    assert!(largest_difference(&combed, &img) > 1);
    // Fewer distinct levels survive the 8-bit round trip.
    let distinct = |im: &RgbaImage| {
        let mut seen = [false; 256];
        for px in im.pixels().chunks_exact(4) {
            seen[usize::from(px[0])] = true;
        }
        seen.iter().filter(|&&s| s).count()
    };
    assert_eq!(distinct(&fused), 256);
    assert!(distinct(&combed) < 200, "{}", distinct(&combed));
}

#[test]
fn recipes_fuse_point_runs() {
    let img = gradient();
    let recipe = Recipe {
        steps: vec![Step::new(exposure(-2.0)), Step::new(exposure(2.0))],
    };
    assert_eq!(recipe.apply(&img).unwrap(), img);
}

/// A curated set of point steps with visible, typical parameters.
fn point_steps() -> Vec<FilterSpec> {
    vec![
        exposure(-1.3),
        exposure(0.7),
        FilterSpec::BrightnessContrast(BrightnessContrastParams {
            brightness: 0.1,
            contrast: 0.25,
        }),
        FilterSpec::Gamma(GammaParams { gamma: 1.6 }),
        FilterSpec::Levels(LevelsParams {
            black: 12,
            white: 230,
            gamma: 1.2,
            out_black: 5,
            out_white: 250,
        }),
        FilterSpec::Curves(CurvesParams::default()),
        FilterSpec::TemperatureTint(TemperatureTintParams {
            temperature: 0.3,
            tint: -0.2,
        }),
        FilterSpec::from_name("invert").unwrap(),
        FilterSpec::Hsl(HslParams {
            hue_deg: 25.0,
            saturation: 0.3,
            lightness: -0.1,
        }),
        FilterSpec::Vibrance(VibranceParams { amount: 0.4 }),
        FilterSpec::Sepia(SepiaParams { amount: 0.6 }),
        FilterSpec::ChannelMixer(ChannelMixerParams::default()),
        FilterSpec::from_name("grayscale").unwrap(),
        FilterSpec::from_name("black_white").unwrap(),
    ]
}

fn is_tone(spec: &FilterSpec) -> bool {
    matches!(
        spec,
        FilterSpec::Exposure(_)
            | FilterSpec::BrightnessContrast(_)
            | FilterSpec::Gamma(_)
            | FilterSpec::Levels(_)
            | FilterSpec::Curves(_)
            | FilterSpec::TemperatureTint(_)
            | FilterSpec::Invert(_)
    )
}

#[test]
fn fused_runs_match_the_f64_reference() {
    let img = common::image(61, 37, 7, false);
    let pool = point_steps();
    let mut state = 0x1234_5678_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for round in 0..120 {
        let len = 2 + next(4);
        let steps: Vec<FilterSpec> = (0..len).map(|_| pool[next(pool.len())].clone()).collect();
        let (unit, count) = prepare_unit(&steps, img.width(), img.height()).unwrap();
        assert_eq!(count, steps.len(), "round {round}: the whole run fuses");
        assert_eq!(unit.step_count(), steps.len());
        let fused = apply_chain(&steps, &img).unwrap();
        let want = reference::fused_points(&steps, &img).unwrap();
        let diff = largest_difference(&fused, &want);
        let tone_only = steps.iter().all(is_tone);
        assert!(
            diff <= 1,
            "round {round} ({}): {diff} levels off the reference for {steps:?}",
            if tone_only { "tone" } else { "colour" }
        );
        // Alpha is never touched.
        assert!(
            fused
                .pixels()
                .chunks_exact(4)
                .zip(img.pixels().chunks_exact(4))
                .all(|(a, b)| a[3] == b[3])
        );
    }
}

#[test]
fn step_functions_fuse_where_their_input_is_exact() {
    let img = common::image(40, 30, 3, true);
    for steps in [
        vec![
            FilterSpec::Posterize(PosterizeParams { levels: 5 }),
            exposure(0.5),
        ],
        vec![
            FilterSpec::Threshold(ThresholdParams { level: 100 }),
            FilterSpec::from_name("invert").unwrap(),
        ],
    ] {
        let fused = apply_chain(&steps, &img).unwrap();
        let want = reference::fused_points(&steps, &img).unwrap();
        assert!(largest_difference(&fused, &want) <= 1, "{steps:?}");
    }
}

#[test]
fn a_single_step_is_not_changed_by_fusion() {
    let img = common::image(33, 21, 11, false);
    for spec in point_steps() {
        let (unit, count) = prepare_unit(std::slice::from_ref(&spec), 33, 21).unwrap();
        assert_eq!((count, unit.step_count()), (1, 1));
        assert_eq!(
            apply_chain(std::slice::from_ref(&spec), &img).unwrap(),
            spec.apply(&img).unwrap(),
            "{}",
            spec.name()
        );
    }
}

#[test]
fn runs_stop_at_steps_that_are_not_per_pixel() {
    let blur = FilterSpec::from_name("gaussian_blur").unwrap();
    let steps = [exposure(1.0), exposure(-0.5), blur.clone(), exposure(0.3)];
    let (_, count) = prepare_unit(&steps, 20, 20).unwrap();
    assert_eq!(count, 2);
    let (_, count) = prepare_unit(&steps[2..], 20, 20).unwrap();
    assert_eq!(count, 1, "a blur is never fused");
    let img = common::image(20, 20, 5, true);
    let want = blur
        .apply(&apply_chain(&steps[..2], &img).unwrap())
        .and_then(|i| steps[3].apply(&i))
        .unwrap();
    assert_eq!(apply_chain(&steps, &img).unwrap(), want);
}

/// A weight map of one constant weight.
#[derive(Debug)]
struct Constant(u32);

impl WeightMap for Constant {
    fn row_weights(&self, _y: u32, _w: u32, _h: u32, _input: &[u8], out: &mut [u32]) {
        out.fill(self.0);
    }
}

/// A step with a blend stage, as masks add.
struct Masked(FilterSpec);

impl Preparable for Masked {
    fn prepare_step(&self, width: u32, height: u32) -> lumen_kernels::Result<PreparedStep> {
        self.0
            .prepare(width, height)?
            .with_blend(Arc::new(Constant(1 << 15)))
    }
}

enum Either {
    Plain(FilterSpec),
    Masked(Masked),
}

impl Preparable for Either {
    fn prepare_step(&self, width: u32, height: u32) -> lumen_kernels::Result<PreparedStep> {
        match self {
            Self::Plain(s) => s.prepare_step(width, height),
            Self::Masked(m) => m.prepare_step(width, height),
        }
    }
}

#[test]
fn a_step_with_a_blend_stage_breaks_the_run() {
    let masked = Masked(exposure(1.0));
    assert!(!masked.prepare_step(8, 8).unwrap().fusable());
    let steps = [
        Either::Plain(exposure(-1.0)),
        Either::Masked(Masked(exposure(1.0))),
        Either::Plain(exposure(0.5)),
        Either::Plain(exposure(0.25)),
    ];
    let (_, count) = prepare_unit(&steps, 16, 16).unwrap();
    assert_eq!(
        count, 1,
        "the masked step is not fused into the run before it"
    );
    let (_, count) = prepare_unit(&steps[1..], 16, 16).unwrap();
    assert_eq!(count, 1, "nor the steps after it into it");
    let (_, count) = prepare_unit(&steps[2..], 16, 16).unwrap();
    assert_eq!(count, 2);
    // The mask blends exactly its own step's input and output.
    let img = common::image(16, 16, 9, true);
    let after_first = exposure(-1.0).apply(&img).unwrap();
    let step = steps[1].prepare_step(16, 16).unwrap();
    let mut blended = RgbaImage::new(16, 16).unwrap();
    step.render_rows(&after_first.as_band(), 0..16, blended.pixels_mut())
        .unwrap();
    let want = apply_chain(&[exposure(0.5), exposure(0.25)], &blended).unwrap();
    assert_eq!(apply_chain(&steps, &img).unwrap(), want);
}

#[test]
fn in_place_rendering_matches_rendering_into_a_new_frame() {
    // Wide enough that a row is more than a chunk, and tall enough for many.
    for (w, h) in [(3000_u32, 5_u32), (37, 300), (1, 1)] {
        let img = common::image(w, h, 13, false);
        let steps = [
            exposure(0.4),
            FilterSpec::Vibrance(VibranceParams { amount: 0.3 }),
        ];
        let (unit, _) = prepare_unit(&steps, w, h).unwrap();
        assert!(unit.in_place());
        let mut want = RgbaImage::new(w, h).unwrap();
        unit.render_rows(&img.as_band(), 0..h, want.pixels_mut())
            .unwrap();
        let mut buf = img.clone().into_pixels();
        let stride = w as usize * 4;
        let cut = h / 2;
        let (top, bottom) = buf.split_at_mut(cut as usize * stride);
        unit.render_in_place(0..cut, top).unwrap();
        unit.render_in_place(cut..h, bottom).unwrap();
        assert_eq!(buf, want.into_pixels(), "{w}x{h}");
    }
    let blur = FilterSpec::from_name("gaussian_blur").unwrap();
    let step = blur.prepare(8, 8).unwrap();
    assert!(!step.in_place());
    let mut buf = vec![0; 8 * 8 * 4];
    assert!(step.render_in_place(0..8, &mut buf).is_err());
}
