//! `lumen apply`'s messages: a failing step is named by its place in the
//! recipe (never "step 0"), and no message echoes a long input whole.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_run;

use cli_run::{lumen, png};

#[test]
fn a_failing_step_is_named_by_its_place_in_the_recipe() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.png");
    std::fs::write(&input, png(8, 8)).unwrap();
    let recipe = dir.path().join("r.json");
    std::fs::write(
        &recipe,
        r#"{"lumen_recipe":1,"steps":[{"filter":"invert","enabled":false},{"filter":"invert"},
            {"filter":"canvas_size","params":{"width":16384,"height":16384}},
            {"filter":"rotate_angle","params":{"angle_deg":45,"expand":true}}]}"#,
    )
    .unwrap();
    let out = dir.path().join("out.png");
    let run = lumen(&[
        "apply".as_ref(),
        "--recipe".as_ref(),
        recipe.as_os_str(),
        input.as_os_str(),
        out.as_os_str(),
    ]);
    run.assert_code(1);
    // The rotation's output would be too large: known only from its input.
    assert!(
        run.stderr.contains("step 4 (Rotate by angle)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("step 0"), "{}", run.stderr);
}

#[test]
fn a_long_input_is_not_echoed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.png");
    std::fs::write(&input, png(2, 2)).unwrap();
    let recipe = dir.path().join("r.json");
    let name = "B".repeat(3 << 20);
    std::fs::write(
        &recipe,
        format!(r#"{{"lumen_recipe":1,"steps":[{{"filter":"{name}"}}]}}"#),
    )
    .unwrap();
    let run = lumen(&[
        "apply".as_ref(),
        "--recipe".as_ref(),
        recipe.as_os_str(),
        input.as_os_str(),
        dir.path().join("out.png").as_os_str(),
    ]);
    run.assert_code(1);
    assert!(run.stderr.len() < 2000, "{} bytes", run.stderr.len());
    assert!(run.stderr.contains("unknown filter: BBB"), "{}", run.stderr);
}
