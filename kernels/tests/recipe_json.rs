//! What recipe JSON is accepted, decided case by case (README, "Recipes"):
//! duplicate keys are errors, parameters are named (never positional), the
//! version is a whole number from 1, a byte order mark is skipped, `-0` is
//! 0, and messages never echo long input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use lumen_kernels::{FilterSpec, Recipe};

fn err(text: &str) -> String {
    Recipe::from_json(text).unwrap_err().to_string()
}

const ROTATE: &str =
    r#"{"lumen_recipe":1,"steps":[{"filter":"rotate","params":{"quarter_turns":1}}]}"#;

#[test]
fn a_key_given_twice_is_an_error_naming_it() {
    for (text, key) in [
        (
            r#"{"lumen_recipe":1,"lumen_recipe":1,"steps":[]}"#,
            "lumen_recipe",
        ),
        (
            r#"{"lumen_recipe":1,"steps":[{"filter":"invert","filter":"sepia"}]}"#,
            "filter",
        ),
        (
            r#"{"lumen_recipe":1,"steps":[{"filter":"gamma","params":{"gamma":2,"gamma":0.5}}]}"#,
            "gamma",
        ),
    ] {
        let e = err(text);
        assert!(e.contains(&format!("duplicate key \"{key}\"")), "{e}");
    }
}

#[test]
fn parameters_by_position_are_refused() {
    let e = err(r#"{"lumen_recipe":1,"steps":[{"filter":"gaussian_blur","params":[3]}]}"#);
    assert!(
        e.contains("step 1") && e.contains("object of named parameters"),
        "{e}"
    );
    // Absent or null params take the defaults.
    for params in ["", r#","params":null"#, r#","params":{}"#] {
        let text =
            format!(r#"{{"lumen_recipe":1,"steps":[{{"filter":"gaussian_blur"{params}}}]}}"#);
        assert_eq!(Recipe::from_json(&text).unwrap().steps.len(), 1, "{params}");
    }
}

#[test]
fn the_version_is_a_whole_number_from_one() {
    for (version, words) in [
        ("0", "not a version (versions start at 1)"),
        ("-1", "not a version"),
        ("1.0", "must be a whole number such as 1, got 1.0"),
        ("\"1\"", "must be a whole number"),
        ("2", "newer than this Lumen reads"),
    ] {
        let e = err(&format!(r#"{{"lumen_recipe":{version},"steps":[]}}"#));
        assert!(e.contains(words), "{version}: {e}");
        assert!(!e.contains("missing"), "{version} is present: {e}");
    }
    assert!(err(r#"{"steps":[]}"#).contains("missing \"lumen_recipe\""));
    assert!(err("[1]").contains("a recipe is a JSON object"));
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let plain = Recipe::from_json(ROTATE).unwrap();
    let marked = Recipe::from_json(&format!("\u{FEFF}{ROTATE}")).unwrap();
    assert_eq!(plain, marked);
}

#[test]
fn negative_zero_is_zero() {
    let r = Recipe::from_json(&ROTATE.replace(":1}", ":-0}")).unwrap();
    let zero = Recipe::from_json(&ROTATE.replace(":1}", ":0}")).unwrap();
    assert_eq!(r, zero);
    assert!(matches!(r.steps[0].spec, FilterSpec::Rotate(_)));
    // A fraction is still not a whole number.
    assert!(Recipe::from_json(&ROTATE.replace(":1}", ":1.0}")).is_err());
}

#[test]
fn messages_quote_at_most_a_short_stretch_of_the_input() {
    let long = "A".repeat(1 << 20);
    for text in [
        format!(r#"{{"lumen_recipe":1,"steps":[{{"filter":"{long}"}}]}}"#),
        format!(
            r#"{{"lumen_recipe":1,"steps":[{{"filter":"resize","params":{{"method":"{long}"}}}}]}}"#
        ),
        format!(r#"{{"lumen_recipe":1,"steps":[{{"filter":"gamma","params":{{"{long}":1}}}}]}}"#),
        format!(r#"{{"lumen_recipe":1,"{long}":1,"{long}":2}}"#),
    ] {
        let e = err(&text);
        assert!(e.len() < 1000, "a {} byte message", e.len());
        assert!(e.contains("AAAA") && e.contains("characters)"), "{e}");
    }
}
