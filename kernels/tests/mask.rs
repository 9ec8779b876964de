//! Masks: the recipe format, the fast weights against the `f64` reference
//! (`lumen_kernels::reference::mask`), the masked step against the reference
//! blend, bands bit-identical to the whole image, and hostile masks refused
//! or bounded.
//!
//! Tolerances: weights within 1 unit of `1/65536` of the reference (the
//! fast weights are the reference value rounded once; the two compute the
//! same formula in a different order, e.g. pixels vs fractions, so a value
//! right at a half unit can round either way). Blended pixels within 1
//! level. Property tests use soft edges (feather, hardness below 1): at a
//! hard edge a last-bit difference flips a pixel from 0 to 1 entirely;
//! hard edges are checked away from the edge below.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use lumen_kernels::mask::{
    Brush, Combine, Linear, MAX_BRUSH_POINTS, Mask, Radial, RangeShape, Shape, Stroke,
};
use lumen_kernels::reference::mask as reference;
use lumen_kernels::registry::WEIGHT_ONE;
use lumen_kernels::{FilterSpec, Recipe, RenderStep, RgbaImage, SourceBand};
use proptest::prelude::*;

mod common;

/// The fast weights of every pixel, as prepared for a step.
fn fast_weights(mask: &Mask, src: &RgbaImage) -> Vec<u32> {
    let prepared = mask.prepare("test", src.width(), src.height()).unwrap();
    let mut out = Vec::new();
    let mut row = vec![0; src.width() as usize];
    for y in 0..src.height() {
        prepared.weights(y, src.row(y).unwrap(), &mut row);
        out.extend_from_slice(&row);
    }
    out
}

/// The largest difference, in units of `1/65536`, between the fast and
/// the reference weights.
fn weight_error(mask: &Mask, src: &RgbaImage) -> f64 {
    let fast = fast_weights(mask, src);
    let slow = reference::weights(mask, src);
    fast.iter()
        .zip(&slow)
        .map(|(&f, &s)| (f64::from(f) - s * f64::from(WEIGHT_ONE)).abs())
        .fold(0.0, f64::max)
}

fn radial(center: [f32; 2], radius: [f32; 2], feather: f32) -> Shape {
    Shape::Radial(Radial {
        center,
        radius,
        feather,
        angle_deg: 0.0,
        mode: Combine::Add,
    })
}

fn stroke(points: &[[f32; 2]], radius: f32, hardness: f32, erase: bool) -> Stroke {
    Stroke {
        points: points.to_vec(),
        radius,
        hardness,
        erase,
    }
}

fn brush(strokes: Vec<Stroke>) -> Shape {
    Shape::Brush(Brush {
        strokes,
        mode: Combine::Add,
    })
}

fn invert() -> FilterSpec {
    FilterSpec::from_name("invert").unwrap()
}

#[test]
fn the_format_in_the_issue_reads_and_writes_back() {
    let text = r#"{"lumen_recipe": 1, "steps": [
        {"filter": "exposure", "params": {"stops": 1.0},
         "mask": {"shapes": [
            {"kind": "radial", "center": [0.5, 0.5], "radius": [0.25, 0.2], "feather": 0.3},
            {"kind": "linear", "from": [0.0, 0.3], "to": [0.0, 0.6]}
          ], "invert": false}},
        {"filter": "invert"}]}"#;
    let recipe = Recipe::from_json(text).unwrap();
    let mask = recipe.steps[0].mask.as_ref().unwrap();
    assert_eq!(mask.shapes.len(), 2);
    assert_eq!(mask.shapes[0], radial([0.5, 0.5], [0.25, 0.2], 0.3));
    assert!(recipe.steps[1].mask.is_none());
    let written = recipe.to_json();
    assert!(
        !written.contains("null"),
        "an absent mask is omitted: {written}"
    );
    assert_eq!(written.matches("\"mask\"").count(), 1, "{written}");
    assert_eq!(Recipe::from_json(&written).unwrap(), recipe);
}

#[test]
fn every_shape_kind_round_trips() {
    let mask = Mask {
        shapes: vec![
            Shape::Radial(Radial {
                center: [0.3, 0.7],
                radius: [0.2, 0.1],
                feather: 0.5,
                angle_deg: 30.0,
                mode: Combine::Intersect,
            }),
            Shape::Linear(Linear {
                from: [0.0, 0.0],
                to: [1.0, 1.0],
                mode: Combine::Subtract,
            }),
            brush(vec![
                stroke(&[[0.1, 0.1], [0.2, 0.3]], 0.05, 0.8, false),
                stroke(&[[0.15, 0.2]], 0.02, 0.0, true),
            ]),
            Shape::Range(RangeShape {
                luma: Some([0.2, 0.6]),
                color: None,
                tolerance: 0.1,
                feather: 0.05,
                mode: Combine::Add,
            }),
            Shape::Range(RangeShape {
                luma: None,
                color: Some([200, 30, 10]),
                tolerance: 0.2,
                feather: 0.1,
                mode: Combine::Add,
            }),
        ],
        invert: true,
    };
    let json = serde_json::to_string(&mask).unwrap();
    let back: Mask = serde_json::from_str(&json).unwrap();
    assert_eq!(back, mask, "{json}");
}

/// A recipe with one step: `step` as JSON text.
fn one_step(step: &str) -> String {
    format!(r#"{{"lumen_recipe": 1, "steps": [{step}]}}"#)
}

#[test]
fn bad_masks_are_errors_naming_the_step_and_the_problem() {
    let cases = [
        (
            r#"{"filter": "crop", "mask": {"shapes": []}}"#,
            &["step 1", "crop", "geometry"][..],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "star"}]}}"#,
            &["step 1", "mask", "star"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [], "opacity": 1}}"#,
            &["step 1", "mask", "opacity"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "radial", "center": [0.5, 0.5], "radius": [0.2, 0.2], "feather": 2}]}}"#,
            &["step 1", "invert", "shape 1 (radial)", "feather"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "linear", "from": [0.5, 0.5], "to": [0.5, 0.5]}]}}"#,
            &["shape 1 (linear)", "different"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "brush", "strokes": [{"points": [], "radius": 0.1}]}]}}"#,
            &["shape 1 (brush)", "stroke 1", "no points"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "range"}]}}"#,
            &["shape 1 (range)", "exactly one"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "range", "luma": [0.8, 0.2]}]}}"#,
            &["shape 1 (range)", "above"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "radial", "center": [1e30, 0.5], "radius": [0.2, 0.2]}]}}"#,
            &["shape 1 (radial)", "center"],
        ),
        (
            r#"{"filter": "invert", "mask": {"shapes": [{"kind": "radial", "center": [0.5, 0.5], "radius": [0.2, 0.2], "mode": "xor"}]}}"#,
            &["step 1", "xor"],
        ),
    ];
    for (step, words) in cases {
        let err = Recipe::from_json(&one_step(step)).unwrap_err().to_string();
        for w in words {
            assert!(err.contains(w), "{step}: {err:?} does not mention {w:?}");
        }
    }
}

#[test]
fn a_mask_on_a_geometry_step_is_refused_when_prepared_too() {
    let crop = FilterSpec::from_name("crop").unwrap();
    let step = RenderStep::masked(crop, Mask::of(radial([0.5, 0.5], [0.2, 0.2], 0.1)));
    let err = step.prepare(40, 30).unwrap_err().to_string();
    assert!(err.contains("crop") && err.contains("geometry"), "{err}");
    assert!(step.validate().is_err());
}

#[test]
fn too_many_brush_points_are_refused() {
    let points = vec![[0.5, 0.5]; MAX_BRUSH_POINTS + 1];
    let mask = Mask::of(brush(vec![stroke(&points, 0.1, 0.5, false)]));
    let err = mask.validate("invert").unwrap_err().to_string();
    assert!(err.contains("brush points"), "{err}");
}

/// A noise image with smooth structure, so luma and colour ranges select
/// some pixels and not others.
fn picture(w: u32, h: u32, seed: u64) -> RgbaImage {
    common::image(w, h, seed, true)
}

fn point() -> impl Strategy<Value = [f32; 2]> {
    [-0.3_f32..1.3, -0.3_f32..1.3]
}

fn mode() -> impl Strategy<Value = Combine> {
    prop_oneof![
        Just(Combine::Add),
        Just(Combine::Subtract),
        Just(Combine::Intersect)
    ]
}

fn soft_shape() -> impl Strategy<Value = Shape> {
    let radial = (
        point(),
        [0.0_f32..0.8, 0.0_f32..0.8],
        0.05_f32..1.0,
        -360.0_f32..360.0,
        mode(),
    )
        .prop_map(|(center, radius, feather, angle_deg, mode)| {
            Shape::Radial(Radial {
                center,
                radius,
                feather,
                angle_deg,
                mode,
            })
        });
    let linear = (point(), point(), mode())
        .prop_filter("distinct ends", |(a, b, _)| {
            (a[0] - b[0]).abs() > 1e-3 || (a[1] - b[1]).abs() > 1e-3
        })
        .prop_map(|(from, to, mode)| Shape::Linear(Linear { from, to, mode }));
    let stroke = (
        prop::collection::vec(point(), 1..6),
        0.01_f32..0.4,
        0.0_f32..0.95,
        any::<bool>(),
    )
        .prop_map(|(points, radius, hardness, erase)| Stroke {
            points,
            radius,
            hardness,
            erase,
        });
    let brush = (prop::collection::vec(stroke, 0..4), mode())
        .prop_map(|(strokes, mode)| Shape::Brush(Brush { strokes, mode }));
    let luma = (0.0_f32..1.0, 0.0_f32..1.0, 0.01_f32..0.5, mode()).prop_map(|(a, b, f, mode)| {
        Shape::Range(RangeShape {
            luma: Some([a.min(b), a.max(b)]),
            color: None,
            tolerance: 0.1,
            feather: f,
            mode,
        })
    });
    let color = (any::<[u8; 3]>(), 0.0_f32..0.6, 0.01_f32..0.5, mode()).prop_map(
        |(c, tolerance, feather, mode)| {
            Shape::Range(RangeShape {
                luma: None,
                color: Some(c),
                tolerance,
                feather,
                mode,
            })
        },
    );
    prop_oneof![radial, linear, brush, luma, color]
}

fn soft_mask() -> impl Strategy<Value = Mask> {
    (prop::collection::vec(soft_shape(), 0..4), any::<bool>())
        .prop_map(|(shapes, invert)| Mask { shapes, invert })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn fast_weights_match_the_reference(
        mask in soft_mask(),
        w in 1_u32..40,
        h in 1_u32..40,
        seed in any::<u64>(),
    ) {
        let src = picture(w, h, seed);
        let err = weight_error(&mask, &src);
        prop_assert!(err <= 1.0, "weights differ by {err} units for {mask:?}");
    }

    #[test]
    fn a_masked_step_is_the_reference_blend_and_splits_into_bands(
        mask in soft_mask(),
        w in 1_u32..30,
        h in 1_u32..30,
        seed in any::<u64>(),
        cut in 0.0_f64..1.0,
    ) {
        let src = picture(w, h, seed);
        let spec = FilterSpec::from_name("box_blur").unwrap();
        let step = RenderStep::masked(spec.clone(), mask.clone());
        let out = step.apply(&src).unwrap();
        let expected = reference::blend(&src, &spec.apply(&src).unwrap(), &reference::weights(&mask, &src));
        prop_assert!(common::max_diff(&out, &expected) <= 1);
        let at = ((cut * f64::from(h)) as u32).min(h);
        let banded = render_in_bands(&step, &src, &[at]);
        prop_assert!(banded == out.pixels(), "bands cut at {at} differ");
    }
}

/// Renders `step` on `src` in bands cut at `cuts`, each from a copy of the
/// source rows it says it needs.
fn render_in_bands(step: &RenderStep, src: &RgbaImage, cuts: &[u32]) -> Vec<u8> {
    let (w, h) = (src.width(), src.height());
    let prepared = step.prepare(w, h).unwrap();
    let mut points = cuts.to_vec();
    points.extend([0, h]);
    points.sort_unstable();
    points.dedup();
    let mut out = vec![0; (w * h * 4) as usize];
    for pair in points.windows(2) {
        let rows = pair[0]..pair[1];
        let need = prepared.source_rows(rows.clone());
        let copy = src.rows_copy(need.clone());
        let band = SourceBand::new(w, h, need.start, &copy).unwrap();
        let dst = &mut out[(rows.start * w * 4) as usize..(rows.end * w * 4) as usize];
        prepared.render_rows(&band, rows, dst).unwrap();
    }
    out
}

#[test]
fn hard_edges_match_the_reference_away_from_the_edge() {
    let src = picture(61, 47, 3);
    let masks = [
        Mask::of(radial([0.4, 0.55], [0.3, 0.25], 0.0)),
        Mask::of(brush(vec![stroke(
            &[[0.1, 0.2], [0.8, 0.7]],
            0.08,
            1.0,
            false,
        )])),
    ];
    for mask in masks {
        let fast = fast_weights(&mask, &src);
        let slow = reference::weights(&mask, &src);
        let mut both = [0, 0];
        for (&f, &s) in fast.iter().zip(&slow) {
            assert!(s == 0.0 || s == 1.0, "a hard edge has no in-between: {s}");
            assert_eq!(f64::from(f), s * f64::from(WEIGHT_ONE), "{mask:?}");
            both[usize::from(s == 1.0)] += 1;
        }
        assert!(both[0] > 100 && both[1] > 100, "{both:?}: both sides shown");
    }
}

#[test]
fn combine_modes_and_invert_do_what_the_docs_say() {
    let src = picture(40, 10, 5);
    let left = Shape::Linear(Linear {
        from: [0.5, 0.0],
        to: [0.5001, 0.0],
        mode: Combine::Add,
    });
    let mid = |mode| {
        Shape::Linear(Linear {
            from: [0.25, 0.0],
            to: [0.2501, 0.0],
            mode,
        })
    };
    // left: x < 20 is 1; mid: x < 10 is 1.
    let at = |mask: &Mask, x: usize| fast_weights(mask, &src)[x];
    let add = Mask {
        shapes: vec![left.clone(), mid(Combine::Add)],
        invert: false,
    };
    assert_eq!(
        (at(&add, 5), at(&add, 15), at(&add, 30)),
        (WEIGHT_ONE, WEIGHT_ONE, 0)
    );
    let sub = Mask {
        shapes: vec![left.clone(), mid(Combine::Subtract)],
        invert: false,
    };
    assert_eq!(
        (at(&sub, 5), at(&sub, 15), at(&sub, 30)),
        (0, WEIGHT_ONE, 0)
    );
    let int = Mask {
        shapes: vec![left.clone(), mid(Combine::Intersect)],
        invert: true,
    };
    assert_eq!(
        (at(&int, 5), at(&int, 15), at(&int, 30)),
        (0, WEIGHT_ONE, WEIGHT_ONE)
    );
    let empty = Mask::default();
    assert!(fast_weights(&empty, &src).iter().all(|&w| w == 0));
}

#[test]
fn the_step_result_is_the_input_where_the_weight_is_zero_and_the_filter_where_one() {
    let src = picture(50, 20, 9);
    let mask = Mask::of(Shape::Linear(Linear {
        from: [0.4, 0.0],
        to: [0.6, 0.0],
        mode: Combine::Add,
    }));
    let out = RenderStep::masked(invert(), mask).apply(&src).unwrap();
    let full = invert().apply(&src).unwrap();
    for y in 0..20 {
        assert_eq!(out.pixel(5, y), full.pixel(5, y));
        assert_eq!(out.pixel(45, y), src.pixel(45, y));
    }
}

#[test]
fn long_wide_strokes_match_the_reference_in_any_band() {
    let strokes: Vec<Stroke> = (0..400)
        .map(|i| {
            let t = i as f32 / 400.0;
            stroke(&[[t, 0.0], [1.0 - t, 1.0]], 0.9, 0.3, i % 7 == 3)
        })
        .collect();
    let mask = Mask::of(brush(strokes));
    let src = picture(23, 4000, 1);
    let err = weight_error(&mask, &src);
    assert!(err <= 1.0, "{err}");
    let step = RenderStep::masked(invert(), mask);
    let whole = step.apply(&src).unwrap();
    assert_eq!(
        render_in_bands(&step, &src, &[1, 17, 999, 2500, 3999]),
        whole.pixels()
    );
}

#[test]
fn a_prepared_mask_is_shared_by_threads() {
    fn is_send_sync<T: Send + Sync>(_: &T) {}
    let mask = Arc::new(
        Mask::of(radial([0.5, 0.5], [0.3, 0.3], 0.5))
            .prepare("invert", 10, 10)
            .unwrap(),
    );
    is_send_sync(&mask);
}
