//! AVIF and JPEG XL files made by their reference encoders (libavif's
//! `avifenc`, libjxl's `cjxl`) open with the right pixels, size, rotation
//! and alpha; AVIF and lossy WebP exports are read back by independent
//! decoders (`avifdec`, ImageMagick's libwebp); 16-bit PNG and TIFF round
//! to 8 bits rather than truncate.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers fail loudly.

mod photo_tools;

use std::path::Path;
use std::process::Command;

use image::ImageEncoder as _;
use lumen_app::io::{self, ExportFormat};
use lumen_kernels::RgbaImage;
use photo_tools::{diff, photo, raw_pixels, run, tool};

fn write_png(path: &Path, img: &RgbaImage) {
    std::fs::write(path, io::encode(img, ExportFormat::Png).unwrap()).unwrap();
}

/// A picture with a soft alpha ramp.
fn with_alpha(mut img: RgbaImage) -> RgbaImage {
    let w = img.width() as usize;
    for (i, px) in img.pixels_mut().chunks_exact_mut(4).enumerate() {
        px[3] = (40 + (i % w) * 200 / w) as u8;
    }
    img
}

fn rotate_anticlockwise(img: &RgbaImage) -> RgbaImage {
    let (w, h) = (img.width(), img.height());
    let mut out = Vec::with_capacity(img.pixels().len());
    for y in 0..w {
        for x in 0..h {
            out.extend_from_slice(&img.pixel(w - 1 - y, x).unwrap());
        }
    }
    RgbaImage::from_pixels(h, w, out).unwrap()
}

#[test]
fn lossless_avif_from_avifenc_opens_exactly() {
    let Some(avifenc) = tool("avifenc", "libavif-bin") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let src = with_alpha(photo(48, 32));
    let png = dir.path().join("src.png");
    write_png(&png, &src);
    let plain = dir.path().join("plain.avif");
    run(Command::new(&avifenc)
        .args(["-l", "-s", "8"])
        .arg(&png)
        .arg(&plain));
    let opened = io::decode(&std::fs::read(&plain).unwrap(), "plain.avif").unwrap();
    assert_eq!(opened, src, "lossless AVIF, pixels and alpha");
    // irot 1: shown turned 90° anticlockwise.
    let turned = dir.path().join("turned.avif");
    run(Command::new(&avifenc)
        .args(["-l", "-s", "8", "--irot", "1"])
        .arg(&png)
        .arg(&turned));
    let opened = io::decode(&std::fs::read(&turned).unwrap(), "turned.avif").unwrap();
    assert_eq!(opened, rotate_anticlockwise(&src), "irot applied");
}

#[test]
fn lossy_and_deep_avif_agree_with_avifdec() {
    let (Some(avifenc), Some(avifdec)) = (
        tool("avifenc", "libavif-bin"),
        tool("avifdec", "libavif-bin"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("src.png");
    write_png(&png, &photo(64, 48));
    for (label, args) in [
        ("8-bit 4:2:0", vec!["-y", "420", "-d", "8"]),
        ("10-bit 4:4:4", vec!["-y", "444", "-d", "10"]),
        (
            "12-bit 4:2:2 limited range",
            vec!["-y", "422", "-d", "12", "-r", "limited"],
        ),
    ] {
        let avif = dir.path().join("x.avif");
        run(Command::new(&avifenc)
            .args(["-s", "8", "--min", "10", "--max", "20"])
            .args(&args)
            .arg(&png)
            .arg(&avif));
        let reference_png = dir.path().join("ref.png");
        run(Command::new(&avifdec)
            .args(["-d", "8", "-u", "nearest"])
            .arg(&avif)
            .arg(&reference_png));
        let reference = raw_pixels(&reference_png);
        let opened = io::decode(&std::fs::read(&avif).unwrap(), label).unwrap();
        let (mean, max) = diff(&opened, &reference);
        eprintln!("AVIF {label}: mean {mean:.3}, max {max}");
        assert!(
            mean <= 0.5 && max <= 2,
            "AVIF {label}: {mean:.2} mean, {max} max off avifdec"
        );
    }
}

#[test]
fn jpeg_xl_from_cjxl_opens() {
    let (Some(cjxl), Some(djxl)) = (tool("cjxl", "libjxl-tools"), tool("djxl", "libjxl-tools"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let src = with_alpha(photo(48, 32));
    let png = dir.path().join("src.png");
    write_png(&png, &src);
    let lossless = dir.path().join("lossless.jxl");
    run(Command::new(&cjxl)
        .args(["-d", "0", "--quiet"])
        .arg(&png)
        .arg(&lossless));
    let opened = io::decode(&std::fs::read(&lossless).unwrap(), "lossless.jxl").unwrap();
    assert_eq!(opened, src, "lossless JPEG XL, pixels and alpha");
    let lossy = dir.path().join("lossy.jxl");
    run(Command::new(&cjxl)
        .args(["-d", "1", "--quiet"])
        .arg(&png)
        .arg(&lossy));
    let reference_png = dir.path().join("ref.png");
    run(Command::new(&djxl)
        .arg(&lossy)
        .arg(&reference_png)
        .arg("--quiet"));
    let opened = io::decode(&std::fs::read(&lossy).unwrap(), "lossy.jxl").unwrap();
    let (mean, max) = diff(&opened, &raw_pixels(&reference_png));
    eprintln!("lossy JPEG XL: mean {mean:.3}, max {max}");
    assert!(
        mean <= 0.5 && max <= 3,
        "lossy JPEG XL: {mean:.2} mean, {max} max off djxl"
    );
}

#[test]
fn avif_and_lossy_webp_exports_read_back_independently() {
    let (Some(avifdec), Some(convert)) = (
        tool("avifdec", "libavif-bin"),
        tool("/usr/bin/convert", "imagemagick"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let src = photo(96, 64);
    let lossless = io::encode(&src, ExportFormat::WebP).unwrap();
    for (label, format, tolerance) in [
        ("AVIF q90", ExportFormat::Avif { quality: 90 }, 3.0),
        (
            "lossy WebP q90",
            ExportFormat::WebPLossy { quality: 90 },
            4.0,
        ),
        ("AVIF q30", ExportFormat::Avif { quality: 30 }, 8.0),
        (
            "lossy WebP q30",
            ExportFormat::WebPLossy { quality: 30 },
            14.0,
        ),
    ] {
        let bytes = io::encode(&src, format).unwrap();
        let path = dir.path().join(format!("out.{}", format.extension()));
        std::fs::write(&path, &bytes).unwrap();
        let back_png = dir.path().join("back.png");
        if matches!(format, ExportFormat::Avif { .. }) {
            run(Command::new(&avifdec).arg(&path).arg(&back_png));
        } else {
            assert_eq!(
                &bytes[12..16],
                b"VP8X",
                "{label}: extended WebP (with a profile)"
            );
            assert!(
                bytes.windows(4).any(|w| w == b"VP8 "),
                "{label}: a lossy VP8 frame"
            );
            run(Command::new(&convert).arg(&path).arg(&back_png));
        }
        let (mean, _) = diff(&raw_pixels(&back_png), &src);
        eprintln!("{label}: {} bytes, mean error {mean:.2}", bytes.len());
        assert!(mean <= tolerance, "{label}: mean error {mean:.2}");
        assert!(
            bytes.len() < lossless.len(),
            "{label}: smaller than lossless WebP"
        );
    }
    for (low, high) in [
        (
            ExportFormat::Avif { quality: 30 },
            ExportFormat::Avif { quality: 90 },
        ),
        (
            ExportFormat::WebPLossy { quality: 30 },
            ExportFormat::WebPLossy { quality: 90 },
        ),
    ] {
        let (low, high) = (
            io::encode(&src, low).unwrap(),
            io::encode(&src, high).unwrap(),
        );
        assert!(low.len() < high.len(), "quality changes the size");
    }
}

#[test]
fn sixteen_bit_png_and_tiff_round() {
    // 511/65535 is 1.99 levels of 255: rounding gives 2, truncation 1.
    // 32767 is 127.498 levels: 127 either way; 32896 is 128.0 exactly.
    let values: [u16; 4] = [511, 32767, 32896, 65279];
    let expect: [u8; 4] = [2, 127, 128, 254];
    let mut px = Vec::new();
    for v in values {
        for _ in 0..3 {
            px.extend_from_slice(&v.to_ne_bytes());
        }
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&px, 4, 1, image::ExtendedColorType::Rgb16)
        .unwrap();
    let mut tiff = Vec::new();
    image::codecs::tiff::TiffEncoder::new(std::io::Cursor::new(&mut tiff))
        .write_image(&px, 4, 1, image::ExtendedColorType::Rgb16)
        .unwrap();
    for (label, bytes) in [("PNG", png), ("TIFF", tiff)] {
        let img = io::decode(&bytes, label).unwrap();
        let got: Vec<u8> = img.pixels().chunks_exact(4).map(|p| p[0]).collect();
        assert_eq!(got, expect, "16-bit {label}");
    }
}
