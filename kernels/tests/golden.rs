//! Golden images: every filter (at its default parameters, geometry sized to
//! the input) on one small synthetic picture, compared byte for byte with a
//! stored result in `tests/golden/<case>.pam` (binary PAM, RGB_ALPHA: any
//! image viewer that reads Netpbm shows them).
//!
//! A difference fails with the count of differing bytes and the largest
//! difference, and writes what was rendered to
//! `target/golden-actual/<case>.pam` to look at.
//!
//! To regenerate after an intended change, review the new images, and
//! commit them:
//!
//! ```sh
//! LUMEN_REGENERATE_GOLDEN=1 cargo test -p lumen_kernels --test golden
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::path::{Path, PathBuf};

use lumen_kernels::spec::FILTER_NAMES;
use lumen_kernels::{FilterSpec, RgbaImage};

const W: u32 = 48;
const H: u32 = 32;

/// A picture with smooth gradients, hard edges, fine texture and a
/// transparent corner, so every kind of filter has something to change.
fn input() -> RgbaImage {
    let mut px = Vec::with_capacity((W * H * 4) as usize);
    let mut s: u32 = 0x1234_5678;
    for y in 0..H {
        for x in 0..W {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let grain = (s >> 28) as i32 - 8;
            let r = (x * 255 / (W - 1)) as i32;
            let g = (y * 255 / (H - 1)) as i32;
            let b = if (x / 8 + y / 8) % 2 == 0 { 200 } else { 40 };
            let a = if x < 8 && y < 8 {
                0
            } else if x < 12 && y < 12 {
                128
            } else {
                255
            };
            for c in [r + grain, g + grain, b + grain] {
                px.push(c.clamp(0, 255) as u8);
            }
            px.push(a);
        }
    }
    RgbaImage::from_pixels(W, H, px).expect("a valid image")
}

/// The case of each filter: its defaults, with geometry fitted to the
/// small input (the defaults are sized for photos), and values for the
/// adjustments whose defaults change nothing.
fn cases() -> Vec<(String, FilterSpec)> {
    FILTER_NAMES
        .iter()
        .map(|&name| {
            let mut json = serde_json::json!({ "filter": name, "params": {} });
            let fitted = match name {
                "crop" => Some(serde_json::json!({ "x": 5, "y": 3, "width": 30, "height": 20 })),
                "resize" => Some(serde_json::json!({ "width": 30, "height": 19 })),
                "canvas_size" => Some(serde_json::json!({ "width": 56, "height": 30 })),
                // Defaults that are the identity (a missing parameter must
                // not change a recipe's meaning), so the golden uses values.
                "brightness_contrast" => {
                    Some(serde_json::json!({ "brightness": 0.2, "contrast": 0.3 }))
                }
                "exposure" => Some(serde_json::json!({ "stops": 0.7 })),
                "gamma" => Some(serde_json::json!({ "gamma": 1.8 })),
                "hsl" => Some(
                    serde_json::json!({ "hue_deg": 40.0, "saturation": 0.3, "lightness": -0.1 }),
                ),
                // The default table is the identity: a small warm look.
                "lut3d" => Some(serde_json::json!({ "lut": { "size": 2, "table": [
                    0.1, 0.05, 0.0, 0.9, 0.2, 0.1, 0.0, 0.8, 0.2, 0.95, 0.9, 0.3,
                    0.1, 0.1, 0.7, 0.8, 0.3, 0.9, 0.2, 0.7, 0.9, 1.0, 0.95, 0.85,
                ] } })),
                _ => None,
            };
            if let Some(params) = fitted {
                json["params"] = params;
            }
            let spec: FilterSpec =
                serde_json::from_value(json).unwrap_or_else(|e| panic!("case {name}: {e}"));
            (name.to_owned(), spec)
        })
        .collect()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
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

#[test]
fn every_filter_matches_its_golden_image() {
    let src = input();
    let dir = golden_dir();
    let actual_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/golden-actual");
    let mut failures = Vec::new();
    for (name, spec) in cases() {
        let out = spec
            .apply(&src)
            .unwrap_or_else(|e| panic!("{name} failed: {e}"));
        let bytes = to_pam(&out);
        let path = dir.join(format!("{name}.pam"));
        if regenerate() {
            std::fs::create_dir_all(&dir).expect("golden dir");
            std::fs::write(&path, &bytes).expect("write golden");
            continue;
        }
        let Ok(expected) = std::fs::read(&path) else {
            failures.push(format!(
                "{name}: no golden image {} (run with LUMEN_REGENERATE_GOLDEN=1)",
                path.display()
            ));
            continue;
        };
        if expected != bytes {
            let differing = expected.iter().zip(&bytes).filter(|(a, b)| a != b).count();
            let max = expected
                .iter()
                .zip(&bytes)
                .map(|(&a, &b)| (i32::from(a) - i32::from(b)).abs())
                .max()
                .unwrap_or(0);
            std::fs::create_dir_all(&actual_dir).ok();
            std::fs::write(actual_dir.join(format!("{name}.pam")), &bytes).ok();
            failures.push(format!(
                "{name}: {differing} bytes differ (largest difference {max}; sizes {} vs {})",
                expected.len(),
                bytes.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_default_filter_changes_the_picture_and_no_golden_is_stale() {
    let src = input();
    for (name, spec) in cases() {
        let out = spec.apply(&src).unwrap();
        assert!(
            out != src,
            "{name} at its defaults leaves the picture unchanged"
        );
    }
    if regenerate() {
        return; // the other test is writing them
    }
    let names: Vec<String> = cases().into_iter().map(|(n, _)| n).collect();
    for entry in std::fs::read_dir(golden_dir()).expect("tests/golden exists") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        assert!(
            stem.is_some_and(|s| names.contains(&s)),
            "{} belongs to no filter",
            path.display()
        );
    }
}
