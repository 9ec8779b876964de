//! Fuzzes the recipe format and every filter behind it: any text that
//! `Recipe::from_json` accepts must write back to an equal recipe, and
//! applying it to a tiny image must give an image or an error, never a
//! panic. Each step (with its mask, if any) is also rendered in bands of a
//! few rows, each from only the source rows `RenderStep::source_rows` names
//! (as the web workers do), and must match the whole-image result bit for
//! bit.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lumen_kernels::image::CHANNELS;
use lumen_kernels::{KernelError, Recipe, RenderStep, RgbaImage, SourceBand};

/// Intermediate images above this many pixels are not rendered (the
/// filters' cost, not their correctness, would dominate).
const MAX_WORK_PX: u64 = 4096;

fn image(w: u32, h: u32) -> RgbaImage {
    let mut s = 0x9E37_79B9_u32;
    let px = (0..w * h * 4)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s >> 24) as u8
        })
        .collect();
    RgbaImage::from_pixels(w, h, px).expect("a valid size")
}

/// Renders `spec` in bands of `rows` output rows, each from a copy of just
/// the source rows it needs.
fn banded(spec: &RenderStep, src: &RgbaImage, rows: u32) -> Result<RgbaImage, KernelError> {
    let (sw, sh) = (src.width(), src.height());
    let (w, h) = spec.output_size(sw, sh)?;
    let mut out = RgbaImage::new(w, h)?;
    let step = spec.prepare(sw, sh)?;
    let (in_stride, out_stride) = (sw as usize * CHANNELS, w as usize * CHANNELS);
    let mut a = 0;
    while a < h {
        let b = (a + rows).min(h);
        let need = spec.source_rows(sw, sh, a..b);
        assert!(
            need.start <= need.end && need.end <= sh,
            "source_rows {need:?} outside 0..{sh}"
        );
        let copy =
            src.pixels()[need.start as usize * in_stride..need.end as usize * in_stride].to_vec();
        let band = SourceBand::new(sw, sh, need.start, &copy)?;
        let dst = &mut out.pixels_mut()[a as usize * out_stride..b as usize * out_stride];
        step.render_rows(&band, a..b, dst)?;
        a = b;
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(recipe) = Recipe::from_json(text) else {
        return;
    };
    let again = Recipe::from_json(&recipe.to_json()).expect("a recipe Lumen writes reads back");
    assert_eq!(again, recipe, "recipe JSON round trip");

    let (w, h) = if data.len() % 2 == 0 { (7, 5) } else { (1, 3) };
    let rows = (data.len() % 4) as u32 + 1;
    let mut img = image(w, h);
    for spec in &recipe.render_steps() {
        match spec.output_size(img.width(), img.height()) {
            Ok((ow, oh)) if u64::from(ow) * u64::from(oh) > MAX_WORK_PX => return,
            _ => {}
        }
        let whole = spec.apply(&img);
        let tiled = banded(spec, &img, rows);
        match (whole, tiled) {
            (Ok(a), Ok(b)) => {
                assert!(a == b, "{} in bands of {rows} rows differs", spec.name());
                img = a;
            }
            (Err(_), Err(_)) => return,
            (a, b) => panic!(
                "{}: whole {:?} vs banded {:?}",
                spec.name(),
                a.err(),
                b.err()
            ),
        }
    }
});
