//! Relative geometry: a crop given as fractions of its input and a resize
//! by long edge or percentage fit photos of any size, split into bands like
//! every filter, keep their meaning in the preview, and leave the pixel
//! forms (and recipes written before them) exactly as they were.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use lumen_kernels::spec::CropParams;
use lumen_kernels::{FilterSpec, Recipe};

mod common;

fn crop_frac(rect: [f32; 4]) -> FilterSpec {
    FilterSpec::Crop(CropParams::fractions(rect))
}

fn resize(json: serde_json::Value) -> FilterSpec {
    serde_json::from_value(serde_json::json!({"filter": "resize", "params": json})).unwrap()
}

#[test]
fn recipes_in_pixels_read_and_render_as_before() {
    // A recipe written before the relative forms existed.
    let old = r#"{"lumen_recipe": 1, "steps": [
        {"filter": "crop", "params": {"x": 3, "y": 2, "width": 20, "height": 11}},
        {"filter": "resize", "params": {"width": 31, "height": 17, "method": "bilinear"}}]}"#;
    let recipe = Recipe::from_json(old).unwrap();
    let FilterSpec::Crop(c) = &recipe.steps[0].spec else {
        panic!("a crop");
    };
    assert!(!c.is_relative());
    assert_eq!(c.pixels(100, 100), (3, 2, 20, 11));
    let img = common::image(40, 30, 1, false);
    let out = recipe.apply(&img).unwrap();
    assert_eq!((out.width(), out.height()), (31, 17));
    // Written back and read again, the same recipe and the same pixels.
    let again = Recipe::from_json(&recipe.to_json()).unwrap();
    assert_eq!(again, recipe);
    assert_eq!(again.apply(&img).unwrap(), out);
}

#[test]
fn a_fraction_crop_takes_the_same_part_of_any_size() {
    let spec = crop_frac([0.25, 0.1, 0.5, 0.6]);
    for (w, h) in [(400, 300), (40, 30), (7, 5), (1, 1), (1000, 10)] {
        let img = common::image(w, h, u64::from(w), false);
        let out = spec.apply(&img).unwrap();
        let (x, y) = (
            (0.25 * f64::from(w)).round() as u32,
            (0.1 * f64::from(h)).round() as u32,
        );
        let (cw, ch) = (
            ((0.5 * f64::from(w)).round() as u32).max(1),
            ((0.6 * f64::from(h)).round() as u32).max(1),
        );
        let (cw, ch) = (cw.min(w - x.min(w - 1)), ch.min(h - y.min(h - 1)));
        let pixels = FilterSpec::Crop(CropParams {
            x: x.min(w - 1),
            y: y.min(h - 1),
            width: cw,
            height: ch,
            ..Default::default()
        });
        assert_eq!(out, pixels.apply(&img).unwrap(), "{w}x{h}");
    }
    // Width and height 0 reach the edges, like the pixel form.
    let img = common::image(50, 40, 3, false);
    let to_edge = crop_frac([0.5, 0.5, 0.0, 0.0]).apply(&img).unwrap();
    assert_eq!((to_edge.width(), to_edge.height()), (25, 20));
}

#[test]
fn relative_forms_split_into_bands_like_every_filter() {
    let specs = [
        crop_frac([0.13, 0.31, 0.7, 0.5]),
        resize(serde_json::json!({"long_edge_px": 37})),
        resize(serde_json::json!({"percent": 63.0, "method": "catmull_rom"})),
    ];
    for spec in &specs {
        for (w, h) in common::AWKWARD {
            let img = common::image(w, h, u64::from(w * h), false);
            common::check_bands(spec, &img, &[0.3, 0.61]);
        }
    }
}

#[test]
fn resize_by_long_edge_or_percentage_keeps_the_aspect() {
    let long = resize(serde_json::json!({"long_edge_px": 1000}));
    assert_eq!(long.output_size(4000, 3000).unwrap(), (1000, 750));
    assert_eq!(long.output_size(3000, 4000).unwrap(), (750, 1000));
    assert_eq!(long.output_size(500, 10).unwrap(), (1000, 20));
    assert_eq!(long.output_size(3001, 1).unwrap(), (1000, 1));
    let half = resize(serde_json::json!({"percent": 50.0}));
    assert_eq!(half.output_size(4000, 3001).unwrap(), (2000, 1501));
    assert_eq!(half.output_size(1, 1).unwrap(), (1, 1));
    // The same as the pixel form of that size, pixel for pixel.
    let img = common::image(61, 40, 9, false);
    let want = resize(serde_json::json!({"width": 31, "height": 20}));
    assert_eq!(half.apply(&img).unwrap(), want.apply(&img).unwrap());
    let by_edge = resize(serde_json::json!({"long_edge_px": 31}));
    assert_eq!(by_edge.apply(&img).unwrap(), want.apply(&img).unwrap());
}

#[test]
fn conflicting_or_oversized_forms_are_errors_naming_them() {
    let both = Recipe::from_json(
        r#"{"lumen_recipe": 1, "steps": [{"filter": "resize", "params": {"long_edge_px": 100, "percent": 50}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(both.contains("long_edge_px/percent"), "{both}");
    let crop = Recipe::from_json(
        r#"{"lumen_recipe": 1, "steps": [{"filter": "crop", "params": {"x": 4, "rect_frac": [0.1, 0.1, 0.5, 0.5]}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        crop.contains("rect_frac") && crop.contains("pixels"),
        "{crop}"
    );
    let outside = Recipe::from_json(
        r#"{"lumen_recipe": 1, "steps": [{"filter": "crop", "params": {"rect_frac": [1.5, 0, 0, 0]}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(outside.contains("rect_frac"), "{outside}");
    // 10000 % of a 1000 px image is past the size limit: refused when it
    // meets the image.
    let huge = resize(serde_json::json!({"percent": 10000.0}));
    let img = common::image(1000, 2, 1, false);
    let err = huge.apply(&img).unwrap_err().to_string();
    assert!(err.contains("100000x200"), "{err}");
}

#[test]
fn the_preview_keeps_fractions_and_percentages_and_scales_pixels() {
    let crop = crop_frac([0.1, 0.2, 0.3, 0.4]);
    assert_eq!(crop.scaled_for_proxy(0.25), crop);
    let pct = resize(serde_json::json!({"percent": 40.0}));
    assert_eq!(pct.scaled_for_proxy(0.25), pct);
    let edge = resize(serde_json::json!({"long_edge_px": 800}));
    assert_eq!(
        edge.scaled_for_proxy(0.25),
        resize(serde_json::json!({"long_edge_px": 200}))
    );
}
