//! The straighten tool under egui_kittest: a line drawn along a tilted
//! horizon sets the `rotate_angle` step to the angle that levels it and
//! puts a centred crop after it whose corners all lie inside the turned
//! image.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use egui::Vec2;
use egui_kittest::kittest::Queryable as _;
use lumen_app::ui::tools::straighten::STRAIGHTEN_LABEL;
use lumen_kernels::FilterSpec;

mod common;
use common::{app, app_mut, drag, harness, settle};

#[test]
fn a_line_along_the_horizon_sets_the_angle_and_the_crop() {
    let mut h = harness(lumen_app::Options::default());
    settle(&mut h);
    app_mut(&mut h).add_filter("rotate_angle");
    settle(&mut h);
    let (w, hh) = {
        let s = &app(&h).document().unwrap().source;
        (f64::from(s.width()), f64::from(s.height()))
    };
    h.get_by_label(STRAIGHTEN_LABEL).click();
    h.run_steps(3);
    assert_eq!(app(&h).straighten_tool().map(|t| t.step), Some(0));
    settle(&mut h);
    h.run_steps(3);
    let rect = app(&h).canvas().last_image_rect;
    // A line falling to the right by a tenth of its run (in image pixels).
    let from = rect.min + rect.size() * Vec2::new(0.2, 0.5);
    let run = rect.width() * 0.6;
    let to = from + Vec2::new(run, run * 0.1);
    drag(&mut h, from, to);

    let doc = app(&h).document().unwrap();
    let steps = doc.steps();
    assert_eq!(steps.len(), 2, "{steps:?}");
    let FilterSpec::RotateAngle(rot) = &steps[0].spec else {
        panic!("step 0 is {:?}", steps[0].spec)
    };
    let want = -(0.1f64).atan().to_degrees();
    assert!(
        (f64::from(rot.angle_deg) - want).abs() < 0.2,
        "{} vs {want}",
        rot.angle_deg
    );
    let FilterSpec::Crop(crop) = &steps[1].spec else {
        panic!("step 1 is {:?}", steps[1].spec)
    };
    assert!(crop.is_relative());
    let [x, y, cw, ch] = crop.rect_frac.map(f64::from);
    assert!((x + cw / 2.0 - 0.5).abs() < 1e-4 && (y + ch / 2.0 - 0.5).abs() < 1e-4);
    // The crop's corners, in the turned image's pixels and turned back,
    // lie inside the input; and it keeps most of it.
    let out = steps[0].spec.output_size(w as u32, hh as u32).unwrap();
    let (ow, oh) = (f64::from(out.0), f64::from(out.1));
    let a = f64::from(rot.angle_deg).to_radians();
    for (fx, fy) in [(x, y), (x + cw, y), (x, y + ch), (x + cw, y + ch)] {
        let (px, py) = (fx * ow - ow / 2.0, fy * oh - oh / 2.0);
        let (u, v) = (px * a.cos() + py * a.sin(), -px * a.sin() + py * a.cos());
        assert!(
            u.abs() <= w / 2.0 + 1.0 && v.abs() <= hh / 2.0 + 1.0,
            "corner ({fx}, {fy})"
        );
    }
    assert!(cw * ow > 0.6 * w && ch * oh > 0.6 * hh, "{cw} x {ch}");
    assert!(app(&h).straighten_tool().is_none());
}
