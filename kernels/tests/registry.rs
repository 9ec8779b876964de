//! The filter registry holds together: every filter's stable name is the
//! one recipes use, its parameter metadata names exactly the fields recipes
//! read, defaults and slider ranges lie within the ranges validation
//! enforces, and validation enforces the declared ranges.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;

use lumen_kernels::registry::{Family, ParamKind, WEIGHT_ONE, WeightMap};
use lumen_kernels::spec::{FILTER_NAMES, FILTERS, label_of};
use lumen_kernels::{FilterSpec, KernelError, Recipe, RgbaImage};

mod common;

#[test]
fn names_are_unique_and_match_the_recipe_format() {
    let mut seen = HashSet::new();
    assert_eq!(FILTER_NAMES.len(), FILTERS.len());
    for (entry, name) in FILTERS.iter().zip(FILTER_NAMES) {
        let info = entry.info;
        assert_eq!(info.name, *name);
        assert!(seen.insert(info.name), "{} is registered twice", info.name);
        assert!(!info.label.is_empty() && !info.description.is_empty());
        assert_eq!(label_of(info.name), info.label);
        let spec = (entry.default)();
        assert_eq!(spec.name(), info.name);
        assert_eq!(FilterSpec::from_name(info.name), Some(spec.clone()));
        // The serialized tag is the registry's name, and it reads back.
        let json = serde_json::to_value(&spec).unwrap();
        assert_eq!(json["filter"], info.name);
        let back: FilterSpec = serde_json::from_value(json).unwrap();
        assert_eq!(back, spec);
        // And a recipe naming it parses to the same filter.
        let text = format!(r#"{{"lumen_recipe": 1, "steps": [{{"filter": "{name}"}}]}}"#);
        let recipe = Recipe::from_json(&text).unwrap();
        assert_eq!(recipe.steps[0].spec, spec);
    }
    assert_eq!(label_of("no_such_filter"), "Unknown filter");
}

#[test]
fn metadata_names_exactly_the_serialized_fields() {
    for entry in FILTERS {
        let spec = (entry.default)();
        let json = spec.params_json();
        let fields: Vec<&str> = json
            .as_object()
            .expect("params serialize as an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut declared: Vec<&str> = entry.params.iter().map(|p| p.name).collect();
        let mut fields_sorted = fields.clone();
        fields_sorted.sort_unstable();
        declared.sort_unstable();
        assert_eq!(declared, fields_sorted, "{}", entry.info.name);
        for p in entry.params {
            assert!(
                !p.label.is_empty(),
                "{}.{} has no label",
                entry.info.name,
                p.name
            );
            assert!(
                !p.help.trim().is_empty(),
                "{}.{} has no doc",
                entry.info.name,
                p.name
            );
        }
    }
}

#[test]
fn defaults_and_slider_ranges_lie_within_the_hard_ranges() {
    for entry in FILTERS {
        let name = entry.info.name;
        // Also proves each declared kind fits its field's type: a mismatch
        // is a validation error.
        (entry.default)().validate().unwrap();
        (entry.editor_start)(640, 480).validate().unwrap();
        for p in entry.params {
            match p.kind {
                ParamKind::Float { hard, soft, .. } | ParamKind::Floats { hard, soft, .. } => {
                    assert!(
                        hard.0 <= soft.0 && soft.0 < soft.1 && soft.1 <= hard.1,
                        "{name}.{}",
                        p.name
                    );
                }
                ParamKind::Int {
                    hard, soft, labels, ..
                } => {
                    assert!(
                        hard.0 <= soft.0 && soft.0 < soft.1 && soft.1 <= hard.1,
                        "{name}.{}",
                        p.name
                    );
                    assert!(labels.is_empty() || labels.len() as u32 == hard.1 + 1);
                }
                ParamKind::Choice(c) => assert!(c.len() >= 2, "{name}.{}", p.name),
                ParamKind::Toggle | ParamKind::Color | ParamKind::Custom => {}
            }
        }
    }
}

/// Sets parameter `param` of `spec` to `value` through its JSON form.
fn with_param(spec: &FilterSpec, param: &str, value: serde_json::Value) -> Option<FilterSpec> {
    let mut json = serde_json::to_value(spec).unwrap();
    json["params"][param] = value;
    serde_json::from_value(json).ok()
}

/// Every number just outside its declared hard range is refused, naming
/// the parameter; the bounds themselves are accepted (or refused only by a
/// rule between parameters).
#[test]
fn validation_enforces_every_declared_range() {
    for entry in FILTERS {
        let base = (entry.default)();
        for p in entry.params {
            let (lo, hi, step) = match p.kind {
                ParamKind::Float { hard, .. } => (f64::from(hard.0), f64::from(hard.1), 1e-3),
                ParamKind::Int { hard, .. } => (f64::from(hard.0), f64::from(hard.1), 1.0),
                _ => continue,
            };
            for outside in [lo - step * lo.abs().max(1.0), hi + step * hi.abs().max(1.0)] {
                // Integers below 0 or past their type do not parse at all;
                // that is refused too, by the recipe reader.
                let Some(spec) = with_param(&base, p.name, serde_json::json!(outside)) else {
                    continue;
                };
                match spec.validate() {
                    Err(KernelError::Param { param, .. }) => {
                        assert_eq!(param, p.name, "{}", entry.info.name);
                    }
                    other => panic!("{}.{} = {outside}: {other:?}", entry.info.name, p.name),
                }
            }
        }
    }
}

/// A weight map that keeps the filter's result on the left half and the
/// input on the right, with a ramp between.
#[derive(Debug)]
struct LeftHalf;

impl WeightMap for LeftHalf {
    fn row_weights(&self, _y: u32, width: u32, _height: u32, out: &mut [u32]) {
        for (x, w) in out.iter_mut().enumerate() {
            let t = (x as u32 * 2 * WEIGHT_ONE) / width.max(1);
            *w = (2 * WEIGHT_ONE).saturating_sub(t).min(WEIGHT_ONE);
        }
    }
}

#[test]
fn a_blend_stage_mixes_output_and_input_by_weight_in_any_band() {
    let src = common::image(37, 23, 5, false);
    let spec = FilterSpec::from_name("gaussian_blur").unwrap();
    let filtered = spec.apply(&src).unwrap();
    let step = spec
        .prepare(37, 23)
        .unwrap()
        .with_blend(Arc::new(LeftHalf))
        .unwrap();
    let mut whole = vec![0; 37 * 23 * 4];
    step.render_rows(&src.as_band(), 0..23, &mut whole).unwrap();
    let mut w = vec![0; 37];
    for y in 0..23u32 {
        LeftHalf.row_weights(y, 37, 23, &mut w);
        for x in 0..37u32 {
            let i = ((y * 37 + x) * 4) as usize;
            for c in 0..4 {
                let (s, f) = (
                    i64::from(src.pixels()[i + c]),
                    i64::from(filtered.pixels()[i + c]),
                );
                let k = i64::from(w[x as usize]);
                let expect = s + (((f - s) * k + i64::from(WEIGHT_ONE / 2)) >> 16);
                assert_eq!(i64::from(whole[i + c]), expect, "({x}, {y}) channel {c}");
            }
        }
    }
    // Bands of any height give the same bytes, reading only what
    // `source_rows` names.
    for band_h in [1, 4, 7] {
        let mut tiled = vec![0; whole.len()];
        for start in (0..23).step_by(band_h) {
            let rows = start..(start + band_h as u32).min(23);
            let need = step.source_rows(rows.clone());
            let pixels = src.rows_copy(need.clone());
            let band = lumen_kernels::SourceBand::new(37, 23, need.start, &pixels).unwrap();
            let out = &mut tiled[rows.start as usize * 37 * 4..rows.end as usize * 37 * 4];
            step.render_rows(&band, rows, out).unwrap();
        }
        assert_eq!(tiled, whole, "bands of {band_h} rows");
    }
    assert_ne!(
        whole,
        filtered.pixels(),
        "the input shows through on the right"
    );
}

#[test]
fn geometry_refuses_a_blend_stage() {
    for entry in FILTERS {
        let spec = (entry.editor_start)(30, 20);
        let Ok(step) = spec.prepare(30, 20) else {
            continue;
        };
        let blended = step.with_blend(Arc::new(LeftHalf));
        if entry.info.family == Family::Geometry {
            let err = blended.expect_err(entry.info.name);
            assert!(err.to_string().contains("geometry"), "{err}");
        } else {
            blended.unwrap_or_else(|e| panic!("{}: {e}", entry.info.name));
        }
    }
}

#[test]
fn a_prepared_step_refuses_a_source_of_another_size() {
    let step = FilterSpec::from_name("invert")
        .unwrap()
        .prepare(4, 4)
        .unwrap();
    let other = RgbaImage::new(5, 4).unwrap();
    let mut dst = vec![0; 5 * 4 * 4];
    assert!(step.render_rows(&other.as_band(), 0..4, &mut dst).is_err());
}
