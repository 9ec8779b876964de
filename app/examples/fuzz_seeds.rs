//! Writes the fuzzers' seed corpus (scripts/fuzz.sh runs it): a tiny image
//! in every format Lumen reads, one with an EXIF orientation, and a recipe
//! for every filter with its default parameters.
//!
//! `cargo run -p lumen_app --example fuzz_seeds -- DIR` writes
//! `DIR/decode/*` and `DIR/recipe/*`.

use std::path::PathBuf;

use image::ImageEncoder as _;
use lumen_app::io::{ExportFormat, encode};
use lumen_kernels::spec::FILTER_NAMES;
use lumen_kernels::{FilterSpec, Recipe, RgbaImage, Step};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: fuzz_seeds DIR")?);
    let decode = dir.join("decode");
    let recipe = dir.join("recipe");
    std::fs::create_dir_all(&decode)?;
    std::fs::create_dir_all(&recipe)?;

    let (w, h) = (5, 3);
    let px: Vec<u8> = (0..w * h * 4).map(|i| (i * 41 % 256) as u8).collect();
    let img = RgbaImage::from_pixels(w, h, px.clone())?;
    std::fs::write(decode.join("seed.png"), encode(&img, ExportFormat::Png)?)?;
    std::fs::write(decode.join("seed.webp"), encode(&img, ExportFormat::WebP)?)?;
    let jpeg = encode(&img, ExportFormat::Jpeg { quality: 50 })?;
    std::fs::write(decode.join("seed.jpg"), &jpeg)?;
    std::fs::write(decode.join("seed-exif.jpg"), with_orientation(&jpeg, 6))?;
    let color = image::ExtendedColorType::Rgba8;
    let mut gif = Vec::new();
    image::codecs::gif::GifEncoder::new(&mut gif).encode(&px, w, h, color)?;
    std::fs::write(decode.join("seed.gif"), gif)?;
    let mut bmp = Vec::new();
    image::codecs::bmp::BmpEncoder::new(&mut bmp).write_image(&px, w, h, color)?;
    std::fs::write(decode.join("seed.bmp"), bmp)?;
    let mut tiff = std::io::Cursor::new(Vec::new());
    image::codecs::tiff::TiffEncoder::new(&mut tiff).write_image(&px, w, h, color)?;
    std::fs::write(decode.join("seed.tiff"), tiff.into_inner())?;

    let mut all = Vec::new();
    for name in FILTER_NAMES {
        let spec = FilterSpec::from_name(name).ok_or("a listed filter")?;
        all.push(Step::new(spec.clone()));
        let one = Recipe {
            steps: vec![Step::new(spec)],
        };
        std::fs::write(recipe.join(format!("{name}.json")), one.to_json())?;
    }
    std::fs::write(recipe.join("all.json"), Recipe { steps: all }.to_json())?;
    Ok(())
}

/// `jpeg` with an EXIF block giving `orientation`.
fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let len = (payload.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}
