//! The parameter editor generated from the filter registry, driven through
//! egui_kittest on the real editor: typed numbers take effect once (on
//! Enter), a ↺ button resets one parameter, and new steps start
//! neutral.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lumen_kernels::FilterSpec;
use lumen_kernels::spec::UnsharpMaskParams;

mod common;
use common::{State, app, app_mut, harness, settle};

fn steps(h: &Harness<'_, State>) -> Vec<FilterSpec> {
    app(h)
        .document()
        .map(|d| d.steps().iter().map(|s| s.spec.clone()).collect())
        .unwrap_or_default()
}

fn history_len(h: &Harness<'_, State>) -> usize {
    app(h).document().map_or(0, |d| d.history().0.len())
}

/// Typing "5.5" into a slider's number box changes nothing until Enter,
/// then makes exactly one history entry with 5.5 (not 5, then 5.5).
#[test]
fn a_typed_number_is_one_edit() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("gaussian_blur");
    settle(&mut h);
    let before = history_len(&h);
    let original = steps(&h);

    // A click on the number starts editing it as text, all selected.
    h.get_by_role(Role::SpinButton).click();
    h.run_steps(2);
    for c in ["5", ".", "5"] {
        h.get_by_role(Role::SpinButton).type_text(c);
        h.run_steps(2);
        assert_eq!(steps(&h), original, "the value changed while typing {c}");
        assert_eq!(history_len(&h), before);
    }
    h.key_press(Key::Enter);
    h.run_steps(2);
    settle(&mut h);
    let FilterSpec::GaussianBlur(p) = &steps(&h)[0] else {
        panic!("expected a gaussian blur, got {:?}", steps(&h));
    };
    assert!((p.sigma_px - 5.5).abs() < 1e-6, "sigma {}", p.sigma_px);
    assert_eq!(history_len(&h), before + 1, "one edit, one history entry");
}

/// The ↺ button of one parameter resets that parameter alone.
#[test]
fn the_reset_button_resets_one_parameter() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("unsharp_mask");
    settle(&mut h);
    let edited = UnsharpMaskParams {
        sigma_px: 7.0,
        amount: 3.0,
        threshold: 9.0,
    };
    let doc = app_mut(&mut h).document_mut().unwrap();
    doc.edit_step(0, FilterSpec::UnsharpMask(edited));
    doc.commit();
    h.run_steps(2);

    h.get_by_label("Reset Amount").click();
    h.run_steps(2);
    settle(&mut h);
    let FilterSpec::UnsharpMask(p) = &steps(&h)[0] else {
        panic!("expected an unsharp mask, got {:?}", steps(&h));
    };
    assert_eq!(p.amount, UnsharpMaskParams::default().amount);
    assert_eq!(p.sigma_px, 7.0, "other parameters are kept");
    assert_eq!(p.threshold, 9.0, "other parameters are kept");
}

/// Adjustments and geometry added from the palette start neutral: the
/// result is the photo itself.
#[test]
fn new_adjustments_and_geometry_start_neutral() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    let source = app(&h).document().unwrap().source.clone();
    for name in [
        "levels",
        "curves",
        "vibrance",
        "temperature_tint",
        "channel_mixer",
        "crop",
        "resize",
        "rotate",
        "rotate_angle",
    ] {
        app_mut(&mut h).add_filter(name);
        settle(&mut h);
        let result = app(&h).full_result().expect("rendered");
        assert_eq!(
            (result.width(), result.height()),
            (source.width(), source.height()),
            "{name} changed the size"
        );
        assert!(
            result.pixels() == source.pixels(),
            "{name} changed the pixels: {:?}",
            steps(&h).last()
        );
    }
}
