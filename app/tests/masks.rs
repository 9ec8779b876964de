//! Masked recipes outside the kernels: `lumen apply` renders them with any
//! number of threads exactly as the kernels do on one, and the editor
//! opened with one shows (and exports) the same pixels.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::path::Path;
use std::process::Command;

use lumen_app::io::ExportFormat;
use lumen_kernels::{Recipe, RgbaImage};

mod common;
use common::{app, harness, settle};

const MASKED: &str = r#"{"lumen_recipe": 1, "steps": [
  {"filter": "exposure", "params": {"stops": 1.5},
   "mask": {"shapes": [{"kind": "radial", "center": [0.3, 0.4], "radius": [0.25, 0.2], "feather": 0.5}]}},
  {"filter": "gaussian_blur", "params": {"sigma_px": 4},
   "mask": {"shapes": [{"kind": "brush", "strokes": [
      {"points": [[0.1, 0.8], [0.5, 0.6], [0.9, 0.9]], "radius": 0.06, "hardness": 0.3}]}]}},
  {"filter": "invert",
   "mask": {"shapes": [{"kind": "range", "luma": [0.0, 0.25], "feather": 0.1},
      {"kind": "linear", "from": [0.0, 0.5], "to": [0.0, 0.7], "mode": "intersect"}], "invert": false}}
]}"#;

fn sample() -> RgbaImage {
    lumen_app::io::decode(lumen_app::app::SAMPLE_PNG, "sample.png").unwrap()
}

fn apply_cli(dir: &Path, recipe: &str, threads: &str) -> RgbaImage {
    let input = dir.join("in.png");
    let out = dir.join(format!("out-{threads}.png"));
    let recipe_path = dir.join("recipe.json");
    std::fs::write(&input, lumen_app::app::SAMPLE_PNG).unwrap();
    std::fs::write(&recipe_path, recipe).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lumen"))
        .args(["apply", "--threads", threads, "--recipe"])
        .arg(&recipe_path)
        .arg(&input)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "lumen apply failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    lumen_app::io::load(&out, "out.png").unwrap()
}

#[test]
fn the_cli_applies_a_masked_recipe_as_the_kernels_do() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = Recipe::from_json(MASKED).unwrap();
    let expected = recipe.apply(&sample()).unwrap();
    for threads in ["1", "3"] {
        let got = apply_cli(dir.path(), MASKED, threads);
        assert!(got == expected, "{threads} threads differ from the kernels");
    }
    // The masks matter: without them the result is another picture.
    let mut unmasked = recipe.clone();
    for step in &mut unmasked.steps {
        step.mask = None;
    }
    assert!(unmasked.apply(&sample()).unwrap() != expected);
}

#[test]
fn the_cli_refuses_a_mask_on_a_geometry_step_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = r#"{"lumen_recipe": 1, "steps": [{"filter": "invert"},
        {"filter": "flip", "mask": {"shapes": [{"kind": "radial", "center": [0.5, 0.5], "radius": [0.1, 0.1]}]}}]}"#;
    let recipe_path = dir.path().join("recipe.json");
    let input = dir.path().join("in.png");
    let out = dir.path().join("out.png");
    std::fs::write(&recipe_path, recipe).unwrap();
    std::fs::write(&input, lumen_app::app::SAMPLE_PNG).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lumen"))
        .args(["apply", "--recipe"])
        .arg(&recipe_path)
        .arg(&input)
        .arg(&out)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("step 2") && stderr.contains("flip") && stderr.contains("mask"),
        "{stderr}"
    );
    assert!(!out.exists(), "no output file for a refused recipe");
}

#[test]
fn the_editor_renders_and_exports_a_masked_recipe_like_the_cli() {
    let mut h = harness(lumen_app::Options {
        recipe: Some(MASKED.to_owned()),
        ..Default::default()
    });
    settle(&mut h);
    let expected = Recipe::from_json(MASKED).unwrap().apply(&sample()).unwrap();
    let shown = app(&h).full_result().expect("rendered");
    assert!(*shown == expected, "the editor's render differs");
    let doc = app(&h).document().unwrap();
    assert_eq!(
        doc.steps().iter().filter(|s| s.mask.is_some()).count(),
        3,
        "the masks are part of the document"
    );
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("editor.png");
    h.state_mut()
        .as_mut()
        .unwrap()
        .export_to(exported.clone(), ExportFormat::Png);
    settle(&mut h);
    let cli = apply_cli(dir.path(), MASKED, "2");
    assert!(lumen_app::io::load(&exported, "editor.png").unwrap() == cli);
}
