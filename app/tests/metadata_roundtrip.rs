//! EXIF, XMP and IPTC written by exiftool into a photo come out of
//! `lumen apply` in JPEG, PNG, WebP and AVIF exports, read back by exiftool
//! (an independent reader), with the orientation reset to 1 because Lumen
//! turned the pixels; `--metadata strip` leaves only the colour profile.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers fail loudly.

mod photo_tools;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use lumen_app::io;
use photo_tools::{empty_recipe, lumen, photo, run, tool};

/// exiftool's reading of a file: tag name (with group) to value.
fn read_tags(exiftool: &Path, file: &Path) -> HashMap<String, String> {
    let out = run(Command::new(exiftool).args(["-j", "-G1", "-n"]).arg(file));
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    json[0]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string().trim_matches('"').to_owned()))
        .collect()
}

fn find<'a>(tags: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k.rsplit(':').next() == Some(name))
        .map(|(_, v)| v.as_str())
}

/// A 40x30 JPEG tagged by exiftool: camera, GPS, orientation 6 (rotate 90°
/// clockwise to show), an XMP title with its own orientation, an IPTC
/// caption.
fn tagged_photo(exiftool: &Path, dir: &Path) -> std::path::PathBuf {
    let plain = dir.join("plain.jpg");
    std::fs::write(
        &plain,
        io::encode(&photo(40, 30), io::ExportFormat::Jpeg { quality: 90 }).unwrap(),
    )
    .unwrap();
    let tagged = dir.join("tagged.jpg");
    run(Command::new(exiftool)
        .args([
            "-q",
            "-EXIF:Make=LumenTestCam",
            "-EXIF:Model=Model 7",
            "-EXIF:Orientation#=6",
            "-EXIF:GPSLatitude=48.8584",
            "-EXIF:GPSLatitudeRef=N",
            "-EXIF:GPSLongitude=2.2945",
            "-EXIF:GPSLongitudeRef=E",
            "-XMP-dc:Title=Tower at dusk",
            "-XMP-tiff:Orientation#=6",
            "-IPTC:Caption-Abstract=A caption",
            "-o",
        ])
        .arg(&tagged)
        .arg(&plain));
    tagged
}

#[test]
fn metadata_survives_export_in_every_format() {
    let Some(exiftool) = tool("exiftool", "libimage-exiftool-perl") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tagged = tagged_photo(&exiftool, dir.path());
    let recipe = empty_recipe(dir.path());
    for ext in ["jpg", "png", "webp", "avif"] {
        let out = dir.path().join(format!("out.{ext}"));
        run(lumen()
            .arg("apply")
            .arg("--recipe")
            .arg(&recipe)
            .arg(&tagged)
            .arg(&out));
        let tags = read_tags(&exiftool, &out);
        let get = |name| find(&tags, name).unwrap_or("(missing)");
        assert_eq!(get("Make"), "LumenTestCam", "{ext}: {tags:?}");
        assert_eq!(get("Model"), "Model 7", "{ext}");
        assert!(
            get("GPSLatitude").starts_with("48.858"),
            "{ext}: {}",
            get("GPSLatitude")
        );
        // Lumen applied the rotation: 40x30 became 30x40, shown upright.
        assert_eq!(
            (get("ImageWidth"), get("ImageHeight")),
            ("30", "40"),
            "{ext}"
        );
        let orientations: Vec<_> = tags
            .iter()
            .filter(|(k, _)| k.ends_with(":Orientation"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert!(
            orientations.iter().all(|o| o.ends_with("=1")),
            "{ext}: every orientation is reset: {orientations:?}"
        );
        if ext != "avif" {
            assert_eq!(get("Title"), "Tower at dusk", "{ext}: XMP");
        }
        if ext == "jpg" || ext == "png" {
            assert_eq!(get("Caption-Abstract"), "A caption", "{ext}: IPTC");
        }
        // The pixels are described as sRGB: an ICC profile, or in AVIF the
        // AV1 colour description (BT.709 primaries, sRGB transfer), as
        // libavif reads it.
        if ext == "avif" {
            if let Some(avifdec) = tool("avifdec", "libavif-bin") {
                let info =
                    String::from_utf8(run(Command::new(avifdec).arg("--info").arg(&out))).unwrap();
                assert!(
                    info.contains("Color Primaries: 1") && info.contains("Transfer Char. : 13"),
                    "{info}"
                );
            }
        } else {
            let described = get("ProfileDescription");
            assert!(
                described.contains("sRGB"),
                "{ext}: the colour is described: {described}"
            );
        }
    }
}

#[test]
fn strip_keeps_only_the_colour_profile() {
    let Some(exiftool) = tool("exiftool", "libimage-exiftool-perl") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tagged = tagged_photo(&exiftool, dir.path());
    let recipe = empty_recipe(dir.path());
    for ext in ["jpg", "png", "webp"] {
        let out = dir.path().join(format!("stripped.{ext}"));
        run(lumen()
            .args(["apply", "--metadata", "strip", "--recipe"])
            .arg(&recipe)
            .arg(&tagged)
            .arg(&out));
        let tags = read_tags(&exiftool, &out);
        for gone in [
            "Make",
            "Model",
            "GPSLatitude",
            "Title",
            "Caption-Abstract",
            "Orientation",
        ] {
            assert_eq!(
                find(&tags, gone),
                None,
                "{ext}: {gone} was stripped: {tags:?}"
            );
        }
        assert!(
            find(&tags, "ProfileDescription").is_some_and(|d| d.contains("sRGB")),
            "{ext}: the colour profile stays"
        );
    }
}

#[test]
fn the_editor_export_keeps_or_strips_the_same() {
    use lumen_app::io::{MetadataPolicy, decode_photo, encode_photo};
    let Some(exiftool) = tool("exiftool", "libimage-exiftool-perl") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tagged = std::fs::read(tagged_photo(&exiftool, dir.path())).unwrap();
    let decoded = decode_photo(&tagged, "tagged.jpg").unwrap();
    assert!(decoded.metadata.exif.is_some() && decoded.metadata.xmp.is_some());
    assert!(decoded.metadata.iptc.is_some());
    let format = io::ExportFormat::Png;
    let kept = encode_photo(
        &decoded.image,
        format,
        &decoded.metadata,
        MetadataPolicy::Keep,
    )
    .unwrap();
    let stripped = encode_photo(
        &decoded.image,
        format,
        &decoded.metadata,
        MetadataPolicy::Strip,
    )
    .unwrap();
    let again = decode_photo(&kept.bytes, "kept.png").unwrap().metadata;
    assert!(again.exif.is_some() && again.xmp.is_some() && again.iptc.is_some());
    let none = decode_photo(&stripped.bytes, "stripped.png")
        .unwrap()
        .metadata;
    assert!(none.is_empty(), "{none:?}");
}
