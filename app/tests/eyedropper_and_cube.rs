//! The photographic tools in the real editor: the white-balance eyedropper
//! of a temperature/tint step (a click on the canvas picks the pixel of the
//! step's input and makes it neutral) and the import of a `.cube` file into
//! a 3D LUT step through the file dialog.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers outside #[test] fns.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use lumen_app::dialogs::{DialogBackend, FileRequest, SystemDialogs};
use lumen_app::io::{ExportFormat, encode};
use lumen_app::ui::params_photo::{IMPORT_CUBE_LABEL, PICK_WHITE_LABEL};
use lumen_kernels::ops::cube::CubeLut;
use lumen_kernels::{FilterSpec, RgbaImage};

mod common;
use common::{State, app, app_mut, harness, settle};

const W: u32 = 90;
const H: u32 = 60;

/// A warm-cast picture: a grey card (tinted warm) on the left, colours
/// elsewhere, so the card is where a neutral should be picked.
fn warm_picture() -> RgbaImage {
    let mut px = Vec::new();
    for y in 0..H {
        for x in 0..W {
            let p = if x < 30 {
                [178, 160, 132, 255]
            } else {
                [(x * 2) as u8, (y * 4) as u8, 90, 255]
            };
            px.extend(p);
        }
    }
    RgbaImage::from_pixels(W, H, px).unwrap()
}

/// Writes `img` as a PNG into `dir` and returns its path.
fn png(dir: &Path, img: &RgbaImage) -> PathBuf {
    let path = dir.join("warm.png");
    std::fs::write(&path, encode(img, ExportFormat::Png).unwrap()).unwrap();
    path
}

fn steps(h: &Harness<'_, State>) -> Vec<FilterSpec> {
    app(h)
        .document()
        .unwrap()
        .steps()
        .iter()
        .map(|s| s.spec.clone())
        .collect()
}

/// Clicks the canvas on the result's pixel `(x, y)`.
fn click_pixel(h: &mut Harness<'_, State>, x: f32, y: f32) {
    let rect = app(h).canvas().last_image_rect;
    let zoom = rect.width() / W as f32;
    let pos = rect.min + egui::vec2((x + 0.5) * zoom, (y + 0.5) * zoom);
    h.hover_at(pos);
    h.run_steps(1);
    h.drag_at(pos);
    h.run_steps(1);
    h.drop_at(pos);
    h.run_steps(3);
}

/// The largest difference between R, G and B of pixel `(x, y)`.
fn spread(img: &RgbaImage, x: u32, y: u32) -> u8 {
    let p = img.pixel(x, y).unwrap();
    p[..3].iter().max().unwrap() - p[..3].iter().min().unwrap()
}

fn open(dir: &Path, extra: Option<DialogBackend>) -> Harness<'static, State> {
    let path = png(dir, &warm_picture());
    let mut h = harness(lumen_app::Options {
        image: Some(path),
        dialogs: extra,
        ..Default::default()
    });
    settle(&mut h);
    h
}

#[test]
fn the_eyedropper_makes_the_clicked_pixel_of_the_step_input_neutral() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    // A step before that changes the cast (its output is what the
    // eyedropper must read), the white balance, and a step after that
    // changes colours but keeps the geometry (not what it must read).
    let before: FilterSpec =
        serde_json::from_str(r#"{"filter":"hsl","params":{"hue_deg":-20}}"#).unwrap();
    let after: FilterSpec =
        serde_json::from_str(r#"{"filter":"sepia","params":{"amount":0.6}}"#).unwrap();
    let doc = app_mut(&mut h).document_mut().unwrap();
    doc.add_step(before.clone());
    app_mut(&mut h).add_filter("temperature_tint");
    app_mut(&mut h).document_mut().unwrap().add_step(after);
    settle(&mut h);
    h.run_steps(3);
    settle(&mut h);
    assert!(spread(&app(&h).full_result().unwrap(), 10, 20) > 30);

    h.get_by_label(PICK_WHITE_LABEL).click();
    h.run_steps(3);
    assert_eq!(app(&h).picking_white(), Some(1));
    click_pixel(&mut h, 10.0, 20.0);
    settle(&mut h);
    h.run_steps(3);
    settle(&mut h);

    assert_eq!(
        app(&h).picking_white(),
        None,
        "one pick ends the eyedropper"
    );
    let notice = app(&h).notice().unwrap();
    assert!(
        !notice.is_error
            && notice.text.contains("White balance set")
            && !notice.text.contains("as far as"),
        "{notice:?}"
    );
    let specs = steps(&h);
    let FilterSpec::TemperatureTint(p) = &specs[1] else {
        panic!("expected temperature_tint, got {:?}", specs[1]);
    };
    assert!(
        p.temperature < -0.1,
        "a warm cast needs a cooler balance: {p:?}"
    );
    // The card, after the step before and the white balance, is neutral.
    let input = before.apply(&warm_picture()).unwrap();
    let balanced = specs[1].apply(&input).unwrap();
    assert!(
        spread(&balanced, 10, 20) <= 1,
        "{:?} from {:?} with {p:?}, notice {notice:?}",
        input.pixel(10, 20),
        balanced.pixel(10, 20)
    );
    // Undo takes the pick back as one step.
    app_mut(&mut h).document_mut().unwrap().undo();
    assert_eq!(
        steps(&h)[1],
        FilterSpec::TemperatureTint(lumen_kernels::spec::TemperatureTintParams {
            temperature: 0.0,
            tint: 0.0
        })
    );
}

#[test]
fn the_eyedropper_refuses_a_step_followed_by_geometry_and_esc_cancels() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path(), None);
    app_mut(&mut h).add_filter("temperature_tint");
    let flip: FilterSpec =
        serde_json::from_str(r#"{"filter":"flip","params":{"axis":"horizontal"}}"#).unwrap();
    app_mut(&mut h).document_mut().unwrap().add_step(flip);
    settle(&mut h);
    h.run_steps(3);

    h.get_by_label(PICK_WHITE_LABEL).click();
    h.run_steps(3);
    click_pixel(&mut h, 80.0, 20.0);
    settle(&mut h);
    let notice = app(&h).notice().unwrap();
    assert!(
        notice.is_error && notice.text.contains("crop, rotation or resize"),
        "{notice:?}"
    );
    assert_eq!(app(&h).picking_white(), None);
    assert!(matches!(
        &steps(&h)[0],
        FilterSpec::TemperatureTint(p) if p.temperature == 0.0 && p.tint == 0.0
    ));

    // Esc turns the eyedropper off; a click then changes nothing.
    h.get_by_label(PICK_WHITE_LABEL).click();
    h.run_steps(3);
    assert_eq!(app(&h).picking_white(), Some(0));
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert_eq!(app(&h).picking_white(), None);
}

/// A dialog that answers with a fixed file.
struct Answer(PathBuf);

impl SystemDialogs for Answer {
    fn available(&self) -> bool {
        true
    }
    fn ask(&self, request: &FileRequest, _: Option<&Path>) -> Option<PathBuf> {
        assert!(
            matches!(request, FileRequest::ImportCube { step: 0 }),
            "{request:?}"
        );
        Some(self.0.clone())
    }
}

fn import(h: &mut Harness<'_, State>) {
    h.get_by_label(IMPORT_CUBE_LABEL).click();
    h.run_steps(3);
    settle(h);
    h.run_steps(3);
    settle(h);
}

/// A `.cube` file that swaps red and blue.
fn swap_cube() -> String {
    let mut text = String::from("TITLE \"Swap\"\nLUT_3D_SIZE 2\n");
    for b in 0..2 {
        for g in 0..2 {
            for r in 0..2 {
                text.push_str(&format!("{b} {g} {r}\n"));
            }
        }
    }
    text
}

#[test]
fn a_cube_file_is_imported_into_the_lut_step() {
    let dir = tempfile::tempdir().unwrap();
    let cube = dir.path().join("swap.cube");
    std::fs::write(&cube, swap_cube()).unwrap();
    let dialogs = DialogBackend(Arc::new(Answer(cube)));
    let mut h = open(dir.path(), Some(dialogs));
    app_mut(&mut h).add_filter("lut3d");
    settle(&mut h);
    h.run_steps(3);
    import(&mut h);

    let notice = app(&h).notice().unwrap();
    assert!(
        !notice.is_error && notice.text.contains("Imported swap.cube (2×2×2)"),
        "{notice:?}"
    );
    let FilterSpec::Lut3d(p) = &steps(&h)[0] else {
        panic!("expected lut3d");
    };
    assert_eq!(p.lut, CubeLut::parse_cube(&swap_cube()).unwrap());
    let result = app(&h).full_result().unwrap();
    let src = warm_picture();
    let (a, b) = (src.pixel(40, 10).unwrap(), result.pixel(40, 10).unwrap());
    assert_eq!(
        [b[0], b[1], b[2]],
        [a[2], a[1], a[0]],
        "red and blue swapped"
    );
    // The recipe holds the table inline.
    let json = app(&h).document().unwrap().recipe().to_json();
    assert!(json.contains("\"title\": \"Swap\"") || json.contains("\"title\":\"Swap\""));
}

#[test]
fn a_bad_cube_file_is_refused_with_its_line_and_the_step_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cube = dir.path().join("bad.cube");
    std::fs::write(&cube, swap_cube().replace("0 1 1", "0 one 1")).unwrap();
    let dialogs = DialogBackend(Arc::new(Answer(cube)));
    let mut h = open(dir.path(), Some(dialogs));
    app_mut(&mut h).add_filter("lut3d");
    settle(&mut h);
    h.run_steps(3);
    import(&mut h);

    let notice = app(&h).notice().unwrap();
    assert!(notice.is_error, "{notice:?}");
    assert!(
        notice.text.contains("bad.cube: line 6:") && notice.text.contains("\"one\""),
        "{notice:?}"
    );
    let FilterSpec::Lut3d(p) = &steps(&h)[0] else {
        panic!("expected lut3d");
    };
    assert_eq!(p.lut, CubeLut::default(), "the step keeps its table");
}
