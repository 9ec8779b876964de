//! At phone width (390x844 points) the steps leave the side: the photo
//! gets the whole width, a "Steps" button in the top bar opens a drawer
//! along the bottom with the recipe, and the compare button sits in the
//! top bar, within reach.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers fail loudly.

mod common;

use common::{State, app, settle};
use egui_kittest::kittest::Queryable as _;
use egui_kittest::{Harness, HarnessBuilder};
use lumen_app::ui::canvas::CompareMode;
use lumen_app::{LumenApp, Options};

fn phone() -> Harness<'static, State> {
    HarnessBuilder::default()
        .with_size(egui::vec2(390.0, 844.0))
        .build_ui_state(
            |ui, state: &mut State| {
                let app = state
                    .get_or_insert_with(|| LumenApp::with_options(ui.ctx(), Options::default()));
                app.logic(ui.ctx());
                app.ui(ui);
            },
            None,
        )
}

#[test]
fn the_steps_are_a_drawer_and_compare_is_in_reach() {
    let mut h = phone();
    settle(&mut h);
    let canvas = app(&h).canvas().last_rect;
    assert!(
        canvas.width() >= 350.0,
        "the photo has the width: {canvas:?}"
    );
    assert!(!app(&h).steps_drawer_open());
    assert!(
        h.query_by_label("+ Add filter").is_none(),
        "the steps start hidden"
    );

    h.get_by_label("Steps").click();
    h.run();
    assert!(app(&h).steps_drawer_open());
    let add = h.get_by_label("+ Add filter").rect();
    assert!(
        add.min.y > 844.0 * 0.4 && add.max.x <= 390.0,
        "the steps are in a drawer at the bottom, on screen: {add:?}"
    );
    let canvas = app(&h).canvas().last_rect;
    assert!(
        canvas.width() >= 350.0 && canvas.height() > 200.0,
        "{canvas:?}"
    );

    let compare = h.get_by_label("Compare").rect();
    assert!(
        compare.max.y < 60.0 && compare.max.x <= 390.0,
        "compare is in the top bar: {compare:?}"
    );
    h.get_by_label("Compare").click();
    h.run();
    assert_eq!(app(&h).canvas().compare, CompareMode::Split);

    h.get_by_label("Steps").click();
    h.run();
    assert!(
        h.query_by_label("+ Add filter").is_none(),
        "the drawer closes"
    );
}

#[test]
fn a_wide_window_keeps_the_side_panel() {
    let mut h = common::harness(Options::default());
    settle(&mut h);
    assert!(h.query_by_label("Steps").is_none());
    let add = h.get_by_label("+ Add filter").rect();
    assert!(
        add.min.x > 1200.0 - 330.0,
        "the steps are on the right: {add:?}"
    );
}
