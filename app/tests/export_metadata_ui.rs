//! The editor keeps an opened photo's metadata with the document and
//! carries it into exports; File ▸ "Remove location and camera data"
//! leaves it out.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers fail loudly.

mod common;

use common::{app, harness, settle};
use egui_kittest::kittest::Queryable as _;
use lumen_app::io::{self, ExportFormat, Metadata, MetadataPolicy};

/// A tiny EXIF block: IFD0 with Make = "Cam".
fn exif_with_make() -> Vec<u8> {
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&[0x0F, 0x01, 2, 0, 4, 0, 0, 0, b'C', b'a', b'm', 0]);
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

#[test]
fn the_export_keeps_metadata_until_asked_to_remove_it() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("tagged.png");
    let meta = Metadata {
        exif: Some(exif_with_make()),
        xmp: Some(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".to_vec()),
        ..Metadata::default()
    };
    let picture = io::decode(lumen_app::app::SAMPLE_PNG, "sample.png").unwrap();
    let tagged =
        io::encode_photo(&picture, ExportFormat::Png, &meta, MetadataPolicy::Keep).unwrap();
    std::fs::write(&source, tagged.bytes).unwrap();

    let mut h = harness(lumen_app::Options {
        image: Some(source),
        ..lumen_app::Options::default()
    });
    settle(&mut h);
    assert_eq!(app(&h).document().unwrap().metadata.exif, meta.exif);

    let kept = dir.path().join("kept.png");
    h.state_mut()
        .as_mut()
        .unwrap()
        .export_to(kept.clone(), ExportFormat::Png);
    settle(&mut h);
    let back = io::decode_photo(&std::fs::read(&kept).unwrap(), "kept.png").unwrap();
    assert_eq!(back.metadata.exif, meta.exif, "EXIF carried");
    assert_eq!(back.metadata.xmp, meta.xmp, "XMP carried");

    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export as… Ctrl+Shift+S").click();
    h.run();
    h.get_by_label("Remove location and camera data").click();
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    let stripped = dir.path().join("stripped.png");
    h.state_mut()
        .as_mut()
        .unwrap()
        .export_to(stripped.clone(), ExportFormat::Png);
    settle(&mut h);
    let back = io::decode_photo(&std::fs::read(&stripped).unwrap(), "stripped.png").unwrap();
    assert!(back.metadata.is_empty(), "{:?}", back.metadata);
}
