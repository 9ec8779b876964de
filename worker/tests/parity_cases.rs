//! The browser parity test (`tests/web/protocol.test.mjs`) compares wasm
//! results with native hashes for the cases in `tests/web/parity_cases.json`;
//! this keeps that list covering every filter, with valid parameters, and
//! every mask kind.

use lumen_kernels::RenderStep;
use lumen_kernels::mask::Shape;
use lumen_kernels::spec::FILTER_NAMES;

#[test]
fn parity_cases_cover_every_filter_with_valid_parameters() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/web/parity_cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases: Vec<RenderStep> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    for spec in &cases {
        if let Err(e) = spec.validate() {
            panic!("{path}: {spec:?}: {e}");
        }
    }
    for kind in ["radial", "linear", "brush", "range"] {
        assert!(
            cases.iter().any(|c| c
                .mask
                .as_ref()
                .is_some_and(|m| m.shapes.iter().any(|s| Shape::kind(s) == kind))),
            "{path} has no case with a {kind} mask"
        );
    }
    for name in FILTER_NAMES {
        assert!(
            cases.iter().any(|c| c.name() == *name),
            "{path} has no case for {name}"
        );
    }
}
