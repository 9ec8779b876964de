//! Levels and curves read the histogram of their step's input, not of the
//! final result: the markers line up with the data they clip, and Auto
//! gives the same answer on every click.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui_kittest::kittest::Queryable as _;
use lumen_app::histogram_job::histogram_of;
use lumen_kernels::ops::tone::auto_levels_from;
use lumen_kernels::{FilterSpec, RgbaImage};

mod common;
use common::{app, app_mut, harness, settle};

fn levels_of(h: &egui_kittest::Harness<'_, common::State>) -> (u8, u8) {
    match &app(h).document().unwrap().steps()[1].spec {
        FilterSpec::Levels(p) => (p.black, p.white),
        other => panic!("expected levels, got {other:?}"),
    }
}

#[test]
fn levels_read_their_input_and_auto_is_stable() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    let sample: RgbaImage = app(&h).document().unwrap().source.as_ref().clone();
    // A first step that moves the histogram, then levels.
    let contrast: FilterSpec = serde_json::from_str(
        r#"{"filter":"brightness_contrast","params":{"brightness":0.2,"contrast":-0.5}}"#,
    )
    .unwrap();
    let input = contrast.apply(&sample).unwrap();
    app_mut(&mut h)
        .document_mut()
        .unwrap()
        .add_step(contrast.clone());
    app_mut(&mut h).add_filter("levels");
    settle(&mut h);
    h.run_steps(3);
    settle(&mut h);

    let expected = histogram_of(&input);
    assert_eq!(
        app(&h).step_input_histogram(1),
        Some(&expected),
        "the levels step reads the image after step 1"
    );

    let auto = auto_levels_from(&expected, 0.005);
    for click in 1..=3 {
        h.get_by_label("Auto").click();
        h.run_steps(2);
        settle(&mut h);
        h.run_steps(3);
        settle(&mut h);
        assert_eq!(
            levels_of(&h),
            (auto.black, auto.white),
            "Auto click {click} sets the input's clip points"
        );
    }
}
