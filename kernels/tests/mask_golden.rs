//! Golden images of masked steps: each mask kind (and the combine modes
//! and invert) on one synthetic picture, compared byte for byte with
//! `tests/golden-masks/<case>.pam` (binary PAM, RGB_ALPHA).
//!
//! A difference fails with the count of differing bytes and writes what
//! was rendered to `target/golden-actual/masks/<case>.pam`. To regenerate
//! after an intended change, review the new images, and commit them:
//!
//! ```sh
//! LUMEN_REGENERATE_GOLDEN=1 cargo test -p lumen_kernels --test mask_golden
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use lumen_kernels::{FilterSpec, Mask, RenderStep, RgbaImage};

const W: u32 = 64;
const H: u32 = 48;

/// Gradients in red and green, a checkerboard in blue, opaque.
fn input() -> RgbaImage {
    let mut px = Vec::with_capacity((W * H * 4) as usize);
    for y in 0..H {
        for x in 0..W {
            let b = if (x / 8 + y / 8) % 2 == 0 { 210 } else { 30 };
            px.extend([(x * 255 / (W - 1)) as u8, (y * 255 / (H - 1)) as u8, b, 255]);
        }
    }
    RgbaImage::from_pixels(W, H, px).expect("a valid image")
}

/// Each case: a name, the filter, the mask as JSON.
fn cases() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    use serde_json::json;
    vec![
        (
            "radial",
            "invert",
            json!({"shapes": [{"kind": "radial", "center": [0.45, 0.5], "radius": [0.35, 0.3],
                "feather": 0.5, "angle_deg": 30.0}]}),
        ),
        (
            "linear",
            "invert",
            json!({"shapes": [{"kind": "linear", "from": [0.2, 0.2], "to": [0.8, 0.6]}]}),
        ),
        (
            "brush",
            "invert",
            json!({"shapes": [{"kind": "brush", "strokes": [
                {"points": [[0.1, 0.2], [0.5, 0.5], [0.9, 0.3]], "radius": 0.08, "hardness": 0.6},
                {"points": [[0.5, 0.1], [0.5, 0.9]], "radius": 0.04, "hardness": 1.0, "erase": true},
                {"points": [[0.2, 0.8]], "radius": 0.1, "hardness": 0.0}]}]}),
        ),
        (
            "range_luma",
            "invert",
            json!({"shapes": [{"kind": "range", "luma": [0.3, 0.5], "feather": 0.1}]}),
        ),
        (
            "range_color",
            "invert",
            json!({"shapes": [{"kind": "range", "color": [200, 60, 210], "tolerance": 0.15,
                "feather": 0.15}]}),
        ),
        (
            "combined",
            "invert",
            json!({"shapes": [
                {"kind": "radial", "center": [0.35, 0.5], "radius": [0.3, 0.4], "feather": 0.2},
                {"kind": "radial", "center": [0.65, 0.5], "radius": [0.3, 0.4], "feather": 0.2},
                {"kind": "linear", "from": [0.0, 0.45], "to": [0.0, 0.55], "mode": "intersect"},
                {"kind": "radial", "center": [0.5, 0.3], "radius": [0.08, 0.1], "mode": "subtract"}
            ]}),
        ),
        (
            "inverted_blur",
            "box_blur",
            json!({"shapes": [{"kind": "radial", "center": [0.5, 0.5], "radius": [0.25, 0.25],
                "feather": 0.4}], "invert": true}),
        ),
    ]
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-masks")
}

fn to_pam(img: &RgbaImage) -> Vec<u8> {
    let mut out = format!(
        "P7\nWIDTH {}\nHEIGHT {}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n",
        img.width(),
        img.height()
    )
    .into_bytes();
    out.extend_from_slice(img.pixels());
    out
}

fn regenerate() -> bool {
    std::env::var_os("LUMEN_REGENERATE_GOLDEN").is_some_and(|v| v != "0" && !v.is_empty())
}

fn render(filter: &str, mask: &serde_json::Value) -> RgbaImage {
    let spec = FilterSpec::from_name(filter).unwrap();
    let mask: Mask = serde_json::from_value(mask.clone()).unwrap();
    RenderStep::masked(spec, mask).apply(&input()).unwrap()
}

#[test]
fn every_mask_kind_matches_its_golden_image() {
    let dir = golden_dir();
    let actual_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/golden-actual/masks");
    let mut failures = Vec::new();
    for (name, filter, mask) in cases() {
        let bytes = to_pam(&render(filter, &mask));
        let path = dir.join(format!("{name}.pam"));
        if regenerate() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let Ok(expected) = std::fs::read(&path) else {
            failures.push(format!("{name}: no golden image {}", path.display()));
            continue;
        };
        if expected != bytes {
            let differing = expected.iter().zip(&bytes).filter(|(a, b)| a != b).count();
            std::fs::create_dir_all(&actual_dir).ok();
            std::fs::write(actual_dir.join(format!("{name}.pam")), &bytes).ok();
            failures.push(format!("{name}: {differing} bytes differ"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_mask_leaves_part_of_the_picture_and_changes_part() {
    let src = input();
    for (name, filter, mask) in cases() {
        let out = render(filter, &mask);
        let full = FilterSpec::from_name(filter).unwrap().apply(&src).unwrap();
        let kept = (0..H)
            .flat_map(|y| (0..W).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                out.pixel(x, y) == src.pixel(x, y) && src.pixel(x, y) != full.pixel(x, y)
            })
            .count();
        let filtered = (0..H)
            .flat_map(|y| (0..W).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                out.pixel(x, y) == full.pixel(x, y) && src.pixel(x, y) != full.pixel(x, y)
            })
            .count();
        assert!(
            kept > 50 && filtered > 50,
            "{name}: kept {kept}, filtered {filtered}"
        );
    }
}
