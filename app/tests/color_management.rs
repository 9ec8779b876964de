//! Colour management checked against an independent CMS: littleCMS
//! (`tificc`) converts a photo to Adobe RGB, ProPhoto RGB and Display P3,
//! the result is embedded in PNG, JPEG, WebP and TIFF files, and what
//! Lumen opens must agree with what littleCMS makes of the same pixels
//! within a few levels. CMYK JPEGs (Photoshop's inverted CMYK, a profile of
//! 183 KB split over several APP2 segments) are checked against
//! ImageMagick, which converts with littleCMS too. Published colour values
//! pin the Display P3 and Adobe RGB definitions themselves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers fail loudly.

mod photo_tools;

use std::path::Path;
use std::process::Command;

use image::ImageEncoder as _;
use lumen_app::io;
use lumen_kernels::RgbaImage;
use photo_tools::{diff, file, percentile, photo, raw_pixels, rgb_of, run, tool, write_tiff};

const COLORD: &str = "/usr/share/color/icc/colord";

/// The profiles a photo is converted to: (name, path or None for Display
/// P3, written from its published definition by moxcms).
fn wide_profiles(dir: &Path) -> Option<Vec<(&'static str, std::path::PathBuf)>> {
    let adobe = file(&format!("{COLORD}/AdobeRGB1998.icc"), "colord-data")?;
    let prophoto = file(&format!("{COLORD}/ProPhotoRGB.icc"), "colord-data")?;
    let p3 = dir.join("DisplayP3.icc");
    std::fs::write(
        &p3,
        moxcms::ColorProfile::new_display_p3().encode().unwrap(),
    )
    .unwrap();
    Some(vec![
        ("Adobe RGB", adobe),
        ("ProPhoto RGB", prophoto),
        ("Display P3", p3),
    ])
}

/// littleCMS: the pixels of `img`, said to be in `from`, converted to
/// sRGB (relative colorimetric).
fn lcms_to_srgb(tificc: &Path, dir: &Path, img: &RgbaImage, from: &Path) -> RgbaImage {
    let input = dir.join("lcms-in.tif");
    let output = dir.join("lcms-out.tif");
    write_tiff(&input, img, None);
    run(Command::new(tificc)
        .arg("-t1")
        .arg(format!("-i{}", from.display()))
        .arg("-o*sRGB")
        .arg(&input)
        .arg(&output));
    raw_pixels(&output)
}

/// Files of each container holding `wide` (pixels in `profile`).
fn containers(wide: &RgbaImage, icc: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let (w, h) = (wide.width(), wide.height());
    let mut png = Vec::new();
    let mut enc = image::codecs::png::PngEncoder::new(&mut png);
    enc.set_icc_profile(icc.to_vec()).unwrap();
    enc.write_image(wide.pixels(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    let mut jpeg = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95);
    enc.set_icc_profile(icc.to_vec()).unwrap();
    enc.write_image(&rgb_of(wide), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut webp = Vec::new();
    let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut webp);
    enc.set_icc_profile(icc.to_vec()).unwrap();
    enc.write_image(wide.pixels(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    let mut tiff = Vec::new();
    let mut enc = image::codecs::tiff::TiffEncoder::new(std::io::Cursor::new(&mut tiff));
    enc.set_icc_profile(icc.to_vec()).unwrap();
    enc.write_image(&rgb_of(wide), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    vec![("PNG", png), ("JPEG", jpeg), ("WebP", webp), ("TIFF", tiff)]
}

#[test]
fn wide_gamut_photos_agree_with_littlecms() {
    let Some(tificc) = tool("tificc", "liblcms2-utils") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some(profiles) = wide_profiles(dir.path()) else {
        return;
    };
    let original = photo(96, 64);
    let srgb_tif = dir.path().join("srgb.tif");
    write_tiff(&srgb_tif, &original, None);
    for (label, profile) in profiles {
        // The photo converted to the wide space by littleCMS.
        let wide_tif = dir.path().join("wide.tif");
        run(Command::new(&tificc)
            .arg("-t1")
            .arg("-i*sRGB")
            .arg(format!("-o{}", profile.display()))
            .arg(&srgb_tif)
            .arg(&wide_tif));
        let wide = raw_pixels(&wide_tif);
        let icc = std::fs::read(&profile).unwrap();
        for (container, bytes) in containers(&wide, &icc) {
            let name = format!("{label} in {container}");
            let path = dir.path().join("file");
            std::fs::write(&path, &bytes).unwrap();
            // What the file's pixels are, read as stored, and what
            // littleCMS makes of them.
            let stored = raw_pixels(&path);
            let reference = lcms_to_srgb(&tificc, dir.path(), &stored, &profile);
            let opened = io::decode(&bytes, &name).unwrap();
            let (mean, max) = diff(&opened, &reference);
            assert!(
                mean <= 0.6 && max <= 3,
                "{name}: Lumen differs from littleCMS by {mean:.2} on average, {max} at most"
            );
            // Ignoring the profile is far off: the check can tell.
            let (ignored, _) = diff(&stored, &reference);
            assert!(
                ignored > 3.0,
                "{name}: ignoring the profile is only {ignored:.2} off"
            );
            eprintln!("{name}: mean {mean:.3}, max {max} (ignoring it: {ignored:.1})");
        }
    }
}

/// Published values: sRGB's primaries written in Display P3 and Adobe RGB
/// (CSS Color 4's `color(display-p3 ...)` and `color(a98-rgb ...)` of
/// `rgb(255 0 0)`, `rgb(0 255 0)`, `rgb(0 0 255)`), and white and black,
/// must come back as those sRGB colours.
#[test]
fn published_primaries_come_back() {
    type Case = (&'static str, Vec<u8>, [[f64; 3]; 3]);
    let cases: [Case; 2] = [
        (
            "Display P3",
            moxcms::ColorProfile::new_display_p3().encode().unwrap(),
            [
                [0.917_488, 0.200_287, 0.138_561],
                [0.458_506, 0.985_299, 0.298_318],
                [0.0, 0.0, 0.959_588],
            ],
        ),
        (
            "Adobe RGB",
            moxcms::ColorProfile::new_adobe_rgb().encode().unwrap(),
            [
                [0.858_600, 0.0, 0.0],
                [0.565_003, 1.0, 0.234_494],
                [0.0, 0.0, 0.980_833],
            ],
        ),
    ];
    for (label, icc, primaries) in cases {
        let mut px = Vec::new();
        for p in primaries {
            px.extend(p.iter().map(|v| (v * 255.0).round() as u8));
            px.push(255);
        }
        px.extend_from_slice(&[255, 255, 255, 255, 0, 0, 0, 255]);
        let wide = RgbaImage::from_pixels(5, 1, px).unwrap();
        let mut png = Vec::new();
        let mut enc = image::codecs::png::PngEncoder::new(&mut png);
        enc.set_icc_profile(icc).unwrap();
        enc.write_image(wide.pixels(), 5, 1, image::ExtendedColorType::Rgba8)
            .unwrap();
        let out = io::decode(&png, label).unwrap();
        let expect = [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
            [255, 255, 255],
            [0, 0, 0],
        ];
        for (i, e) in expect.iter().enumerate() {
            let got = &out.pixels()[i * 4..i * 4 + 3];
            assert!(
                got.iter().zip(e).all(|(g, e)| g.abs_diff(*e) <= 2),
                "{label}: colour {i} came back as {got:?}, expected {e:?}"
            );
        }
    }
}

/// ImageMagick (libjpeg, and littleCMS for the colour) opens a CMYK JPEG;
/// Lumen must agree: `want` is the largest mean difference, and how many
/// levels 99% of the channel values must be within. (Where the SWOP table
/// is steep, for saturated cyans outside sRGB, the last bit of the two JPEG
/// decoders is magnified to tens of levels in red; those are the other 1%.)
fn check_cmyk(convert: &Path, srgb: &Path, jpeg: &Path, label: &str, want: (f64, u8)) {
    let bytes = std::fs::read(jpeg).unwrap();
    assert!(
        bytes.windows(5).any(|w| w == b"Adobe"),
        "{label}: an Adobe APP14 marker"
    );
    assert!(
        bytes.windows(12).filter(|w| w == b"ICC_PROFILE\0").count() >= 3,
        "{label}: the profile spans several APP2 segments"
    );
    let reference_png = jpeg.with_extension("png");
    run(Command::new(convert)
        .arg(jpeg)
        .args(["-intent", "Relative", "-profile"])
        .arg(srgb)
        .arg(&reference_png));
    let reference = raw_pixels(&reference_png);
    let opened = io::decode(&bytes, label).unwrap();
    let (mean, max) = diff(&opened, &reference);
    let p99 = percentile(&opened, &reference, 0.99);
    eprintln!("{label}: mean {mean:.3}, 99% within {p99}, max {max}");
    assert!(
        mean <= want.0 && p99 <= want.1,
        "{label}: Lumen differs from ImageMagick/littleCMS by {mean:.2} on average, \
         99% within {p99} levels"
    );
    // Read as plain RGB (no profile, no inversion) it is far off.
    let naive = raw_pixels(jpeg);
    assert!(
        diff(&naive, &reference).0 > 3.0,
        "{label}: the check can tell"
    );
}

#[test]
fn cmyk_jpegs_agree_with_imagemagick() {
    let (Some(tificc), Some(jpgicc), Some(convert), Some(cmyk), Some(srgb)) = (
        tool("tificc", "liblcms2-utils"),
        tool("jpgicc", "liblcms2-utils"),
        tool("/usr/bin/convert", "imagemagick"),
        file(
            "/usr/share/color/icc/ghostscript/default_cmyk.icc",
            "libgs-common",
        ),
        file(&format!("{COLORD}/sRGB.icc"), "colord-data"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let picture = photo(96, 64);
    // littleCMS separates the photo to CMYK (SWOP, a 183 KB profile that
    // takes three APP2 segments); the JPEGs store it as Photoshop does:
    // inverted, as YCCK, with an Adobe APP14 marker.
    let srgb_tif = dir.path().join("srgb.tif");
    write_tiff(&srgb_tif, &picture, None);
    let cmyk_tif = dir.path().join("cmyk.tif");
    run(Command::new(&tificc)
        .args(["-t1", "-e"])
        .arg(format!("-o{}", cmyk.display()))
        .arg(&srgb_tif)
        .arg(&cmyk_tif));
    // Full-resolution colour: only the CMS and the DCT's last bit differ.
    let full = dir.path().join("cmyk444.jpg");
    run(Command::new(&convert)
        .arg(&cmyk_tif)
        .args(["-sampling-factor", "1x1", "-quality", "95"])
        .arg(&full));
    check_cmyk(&convert, &srgb, &full, "CMYK JPEG 4:4:4", (0.8, 3));
    // jpgicc's own separation, with subsampled colour: the two decoders
    // upsample the colour differently at sharp edges.
    let rgb_jpg = dir.path().join("rgb.jpg");
    std::fs::write(
        &rgb_jpg,
        io::encode(&picture, io::ExportFormat::Jpeg { quality: 95 }).unwrap(),
    )
    .unwrap();
    let sub = dir.path().join("cmyk420.jpg");
    run(Command::new(&jpgicc)
        .args(["-t1", "-e", "-q95"])
        .arg(format!("-o{}", cmyk.display()))
        .arg(&rgb_jpg)
        .arg(&sub));
    check_cmyk(&convert, &srgb, &sub, "CMYK JPEG 4:2:0", (1.0, 4));
}

/// A 16-bit ProPhoto RGB TIFF (as raw converters export) is converted at
/// 16 bits, then rounded: it matches littleCMS's exact (`-c0`) 16-bit to
/// 8-bit conversion, closer than converting rounded 8-bit values could.
#[test]
fn sixteen_bit_prophoto_converts_before_rounding() {
    let Some(tificc) = tool("tificc", "liblcms2-utils") else {
        return;
    };
    let Some(prophoto) = file(&format!("{COLORD}/ProPhotoRGB.icc"), "colord-data") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A smooth 16-bit sRGB picture, converted by littleCMS to 16-bit ProPhoto.
    let (w, h) = (128u32, 64u32);
    let mut px16 = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let v = [
                x * 65535 / (w - 1),
                y * 65535 / (h - 1),
                (x + y) * 65535 / (w + h - 2),
            ];
            px16.extend(v.iter().map(|&c| c as u16));
        }
    }
    let mut tiff = Vec::new();
    image::codecs::tiff::TiffEncoder::new(std::io::Cursor::new(&mut tiff))
        .write_image(
            &px16
                .iter()
                .flat_map(|v| v.to_ne_bytes())
                .collect::<Vec<u8>>(),
            w,
            h,
            image::ExtendedColorType::Rgb16,
        )
        .unwrap();
    let srgb16 = dir.path().join("srgb16.tif");
    std::fs::write(&srgb16, tiff).unwrap();
    let wide16 = dir.path().join("prophoto16.tif");
    run(Command::new(&tificc)
        .args(["-t1", "-c0", "-w16", "-e", "-i*sRGB"])
        .arg(format!("-o{}", prophoto.display()))
        .arg(&srgb16)
        .arg(&wide16));
    let reference8 = dir.path().join("reference8.tif");
    run(Command::new(&tificc)
        .args(["-t1", "-c0", "-w8", "-o*sRGB"])
        .arg(format!("-i{}", prophoto.display()))
        .arg(&wide16)
        .arg(&reference8));
    let opened = io::decode(&std::fs::read(&wide16).unwrap(), "prophoto16.tif").unwrap();
    let (mean, max) = diff(&opened, &raw_pixels(&reference8));
    eprintln!("16-bit ProPhoto: mean {mean:.3}, max {max}");
    assert!(
        mean <= 0.1 && max <= 1,
        "16-bit ProPhoto: {mean:.3} mean, {max} max off littleCMS"
    );
}
