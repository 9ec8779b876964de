//! `heal`: the fast op against the `f64` reference
//! (`lumen_kernels::reference::heal`), band by band from copies holding
//! only the rows its layout names, the automatic source choice, the seam,
//! and bad spots refused.
//!
//! Tolerance against the reference: 1 level. Both compute the same
//! formulas in `f64`, summed in a different order (the reference divides
//! each 3x3 tap by 9, takes its rim directions from libm's sin and cos),
//! so a value right at a half can round either way.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use lumen_kernels::ops::heal::{HealParams, HealPlan, Spot};
use lumen_kernels::reference;
use lumen_kernels::{FilterSpec, Recipe, RgbaImage, SourceBand};
use proptest::prelude::*;

mod common;

/// Smooth gradients with a little texture, so heal has structure to
/// match.
fn picture(w: u32, h: u32, seed: u64) -> RgbaImage {
    let noise = common::noise(seed, (w * h * 4) as usize);
    let mut px = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            let g = |base: u32, k: usize| (base + u32::from(noise[i + k] % 24)).min(255) as u8;
            px.extend([
                g(x * 200 / w.max(1), 0),
                g(y * 200 / h.max(1), 1),
                g(100, 2),
                255,
            ]);
        }
    }
    RgbaImage::from_pixels(w, h, px).unwrap()
}

fn heal(spots: Vec<Spot>, feather: f32) -> FilterSpec {
    FilterSpec::Heal(HealParams { spots, feather })
}

fn spot(target: [f32; 2], source: Option<[f32; 2]>, radius: f32) -> Spot {
    Spot {
        target,
        source,
        radius,
    }
}

/// Renders `spec` in bands cut at `cuts`, each band from a copy of only
/// the rows `source_rows` names.
fn banded(spec: &FilterSpec, src: &RgbaImage, cuts: &[u32]) -> Vec<u8> {
    let (w, h) = (src.width(), src.height());
    let mut points = cuts.to_vec();
    points.extend([0, h]);
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    for pair in points.windows(2) {
        let rows = pair[0]..pair[1];
        let need = spec.source_rows(w, h, rows.clone());
        let copy = src.rows_copy(need.clone());
        let band = SourceBand::new(w, h, need.start, &copy).unwrap();
        let mut dst = vec![0; rows.len() * w as usize * 4];
        spec.render_rows(&band, rows, &mut dst).unwrap();
        out.extend(dst);
    }
    out
}

fn any_spot() -> impl Strategy<Value = Spot> {
    (
        [0.0_f32..1.0, 0.0_f32..1.0],
        prop::option::of([0.0_f32..1.0, 0.0_f32..1.0]),
        0.01_f32..0.3,
    )
        .prop_map(|(target, source, radius)| Spot {
            target,
            source,
            radius,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn heal_matches_the_reference_in_any_bands(
        spots in prop::collection::vec(any_spot(), 0..5),
        feather in 0.0_f32..1.0,
        w in 1_u32..48,
        h in 1_u32..48,
        seed in any::<u64>(),
        cuts in prop::collection::vec(0.0_f64..1.0, 0..3),
    ) {
        let src = picture(w, h, seed);
        let spec = heal(spots, feather);
        let fast = spec.apply(&src).unwrap();
        let slow = reference::apply(&spec, &src).unwrap();
        prop_assert!(common::max_diff(&fast, &slow) <= 1, "differs from the reference");
        let cuts: Vec<u32> = cuts.iter().map(|c| (c * f64::from(h)) as u32).collect();
        prop_assert!(banded(&spec, &src, &cuts) == fast.pixels(), "bands at {cuts:?} differ");
    }
}

#[test]
fn its_layout_names_the_target_and_source_rows_and_no_more() {
    let (w, h) = (100, 200);
    // Target around row 40 (radius 10 px), source around row 150.
    let spec = heal(vec![spot([0.5, 0.2], Some([0.5, 0.75]), 0.05)], 0.5);
    // Far from the spot: only the rows themselves.
    assert_eq!(spec.source_rows(w, h, 100..110), 100..110);
    assert_eq!(spec.source_rows(w, h, 0..20), 0..20);
    // Meeting the target: its rows (and rim samples) and the source's.
    let rows = spec.source_rows(w, h, 45..46);
    assert_eq!(rows, 28..163, "{rows:?}");
    // A band of only that hull renders it.
    let src = picture(w, h, 4);
    let whole = spec.apply(&src).unwrap();
    assert_eq!(banded(&spec, &src, &[45, 46]), whole.pixels());
    assert!(whole != src, "the spot changed the picture");
}

#[test]
fn an_automatic_source_stays_inside_and_clear_of_other_spots() {
    let p = HealParams {
        spots: vec![
            // Near the right edge: right is outside, so left.
            spot([0.9, 0.5], None, 0.05),
            // Near the left edge: right.
            spot([0.1, 0.5], None, 0.05),
            spot([0.35, 0.5], None, 0.05),
        ],
        feather: 0.5,
    };
    let plan = HealPlan::new(&p, 400, 200);
    // Radius 20 px, 2.5 radii = 50 px.
    assert_eq!((plan.spots[0].dx, plan.spots[0].dy), (-50, 0));
    assert_eq!((plan.spots[1].dx, plan.spots[1].dy), (50, 0));
    // Its right candidate (190, 100) is inside and clear: right comes
    // first.
    assert_eq!((plan.spots[2].dx, plan.spots[2].dy), (50, 0));
    let crowded = HealParams {
        spots: vec![spot([0.5, 0.5], None, 0.05), spot([0.625, 0.5], None, 0.05)],
        feather: 0.5,
    };
    let plan = HealPlan::new(&crowded, 400, 200);
    // Spot 1's right candidate (250, 100) overlaps spot 2's target:
    // left instead.
    assert_eq!((plan.spots[0].dx, plan.spots[0].dy), (-50, 0));
    // And the choice is the same every time.
    assert_eq!(plan, HealPlan::new(&crowded, 400, 200));
}

#[test]
fn the_patch_takes_the_surroundings_tone_so_no_seam_shows() {
    // A smooth picture with a dark blemish; the source area is 40 levels
    // brighter than the target's surroundings. A plain clone would leave
    // a bright disk with a hard rim; heal must match the surroundings.
    let (w, h) = (120, 80);
    let clean = |x: u32, y: u32| -> [u8; 4] {
        let bright = if x >= 70 { 40 } else { 0 };
        [
            (60 + x / 2 + bright) as u8,
            (50 + y / 2 + bright) as u8,
            90 + bright as u8,
            255,
        ]
    };
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (f64::from(x) - 30.0, f64::from(y) - 40.0);
            let blemish = dx * dx + dy * dy < 36.0;
            px.extend(if blemish {
                [10, 10, 10, 255]
            } else {
                clean(x, y)
            });
        }
    }
    let src = RgbaImage::from_pixels(w, h, px).unwrap();
    // Target (30, 40) radius 12 px; source (90, 40), in the bright part.
    let spec = heal(vec![spot([0.25, 0.5], Some([0.75, 0.5]), 0.1)], 0.5);
    let out = spec.apply(&src).unwrap();
    let mut worst = 0;
    for y in 0..h {
        for x in 0..w {
            let got = out.pixel(x, y).unwrap();
            let want = clean(x, y);
            for c in 0..3 {
                worst = worst.max((i32::from(got[c]) - i32::from(want[c])).abs());
            }
        }
    }
    assert!(
        worst <= 3,
        "the healed spot differs from its surroundings by {worst} levels"
    );
}

#[test]
fn bad_spots_are_refused_naming_the_spot() {
    let cases = [
        (
            r#"[{"target": [1.5, 0.5], "radius": 0.1}]"#,
            "spot 1: `target`",
        ),
        (r#"[{"target": [0.5, 0.5], "radius": 0.6}]"#, "`radius`"),
        (
            r#"[{"target": [0.5, 0.5], "source": [0.1, -1], "radius": 0.1}]"#,
            "`source`",
        ),
        (r#"[{"target": [0.5, 0.5]}]"#, "radius"),
        (
            r#"[{"target": [0.5, 0.5], "radius": 0.1, "size": 2}]"#,
            "size",
        ),
    ];
    for (spots, words) in cases {
        let text = format!(
            r#"{{"lumen_recipe": 1, "steps": [{{"filter": "heal", "params": {{"spots": {spots}}}}}]}}"#
        );
        let err = Recipe::from_json(&text).unwrap_err().to_string();
        assert!(
            err.contains("heal") && err.contains(words),
            "{spots}: {err}"
        );
    }
    let many = HealParams {
        spots: vec![spot([0.5, 0.5], None, 0.1); 257],
        feather: 0.5,
    };
    let err = FilterSpec::Heal(many).validate().unwrap_err().to_string();
    assert!(err.contains("at most 256"), "{err}");
}
