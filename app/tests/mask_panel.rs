//! A step's mask controls under egui_kittest: adding a radial shape to an
//! exposure step through its editor writes that mask into the recipe, its
//! numbers edit the shape, Invert and Remove change the whole mask, and a
//! geometry step offers no mask.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lumen_app::ui::mask_panel::{
    ADD_LINEAR_LABEL, ADD_RADIAL_LABEL, INVERT_LABEL, REMOVE_MASK_LABEL, new_linear, new_radial,
};
use lumen_kernels::Mask;
use lumen_kernels::mask::Shape;

mod common;
use common::{State, app, app_mut, harness, settle};

fn with_step(name: &str) -> Harness<'static, State> {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter(name);
    settle(&mut h);
    h
}

fn mask(h: &Harness<'_, State>) -> Option<Mask> {
    app(h).document().unwrap().steps()[0].mask.clone()
}

#[test]
fn a_radial_mask_added_in_the_panel_lands_in_the_recipe() {
    let mut h = with_step("exposure");
    assert_eq!(mask(&h), None);
    h.get_by_label(ADD_RADIAL_LABEL).click();
    h.run_steps(3);
    assert_eq!(mask(&h), Some(Mask::of(new_radial())));
    let (labels, _) = app(&h).document().unwrap().history();
    assert_eq!(labels.last().copied(), Some("Add mask of Exposure"));

    // The centre's x, typed as a number, moves the shape.
    let centre_x = h
        .query_all(By::new().label("Centre").role(Role::SpinButton))
        .next()
        .unwrap();
    centre_x.set_value_accesskit(0.25);
    h.run_steps(3);
    match &mask(&h).unwrap().shapes[..] {
        [Shape::Radial(r)] => assert_eq!(r.center, [0.25, 0.5]),
        other => panic!("shapes {other:?}"),
    }

    // A second shape, then invert, then remove the whole mask.
    h.get_by_label(ADD_LINEAR_LABEL).click();
    h.run_steps(3);
    assert_eq!(mask(&h).unwrap().shapes[1], new_linear());
    h.get_by_label(INVERT_LABEL).click();
    h.run_steps(3);
    assert!(mask(&h).unwrap().invert);
    h.get_by_label(REMOVE_MASK_LABEL).click();
    h.run_steps(3);
    assert_eq!(mask(&h), None);
    // Undo brings the inverted two-shape mask back.
    assert!(app_mut(&mut h).document_mut().unwrap().undo());
    h.run_steps(3);
    let back = mask(&h).unwrap();
    assert!(back.invert && back.shapes.len() == 2, "{back:?}");
}

#[test]
fn a_geometry_step_offers_no_mask() {
    let h = with_step("crop");
    assert!(h.query_by_label(ADD_RADIAL_LABEL).is_none());
    assert!(h.query_by_label(INVERT_LABEL).is_none());
}
