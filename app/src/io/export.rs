//! Writing export files: the pixels, the sRGB profile that describes them,
//! and the source's metadata where asked for.
//!
//! | format | colour | EXIF | XMP | IPTC |
//! | --- | --- | --- | --- | --- |
//! | PNG | `iCCP` | `eXIf` | `iTXt` `XML:com.adobe.xmp` | `zTXt` "Raw profile type iptc" |
//! | JPEG | APP2 `ICC_PROFILE` | APP1 `Exif` | APP1 XMP | APP13 Photoshop 8BIM |
//! | WebP | `ICCP` | `EXIF` | `XMP ` | — (no place for it) |
//! | AVIF | `colr` `nclx` sRGB | `Exif` item | — | — |

use image::ImageEncoder as _;
use lumen_kernels::RgbaImage;

use super::{ExportFormat, IoError};
use crate::color::srgb_icc;
use crate::metadata::{Metadata, iptc_to_irb, raw_profile_encode};

/// Largest payload of one JPEG marker segment, bytes.
const JPEG_SEGMENT_MAX: usize = 65533;
const XMP_JPEG_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// An encoded file and what of the metadata could not go into it.
#[derive(Debug)]
pub struct Encoded {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// What was left out and why, one line each (empty when nothing was).
    pub notes: Vec<String>,
}

/// Encodes `img` as `format`, embedding the sRGB profile and, when `meta`
/// is given, its metadata made true of the export
/// ([`Metadata::for_export`]).
pub fn encode(
    img: &RgbaImage,
    format: ExportFormat,
    meta: Option<&Metadata>,
) -> Result<Encoded, IoError> {
    let source = meta;
    let meta = source
        .map(|m| m.for_export(img.width(), img.height()))
        .unwrap_or_default();
    let mut notes = Vec::new();
    if source.is_some_and(|m| m.exif.is_some()) && meta.exif.is_none() {
        notes.push(
            "EXIF not written: its structure is damaged, so its orientation could not be reset"
                .to_owned(),
        );
    }
    let err = |e: String| IoError::Encode {
        format: format.name(),
        message: e,
    };
    let bytes = match format {
        ExportFormat::Png => png(img, &meta).map_err(err)?,
        ExportFormat::Jpeg { quality } => jpeg(img, quality, &meta, &mut notes).map_err(err)?,
        ExportFormat::WebP => webp(img, None, &meta, &mut notes).map_err(err)?,
        ExportFormat::WebPLossy { quality } => {
            webp(img, Some(quality), &meta, &mut notes).map_err(err)?
        }
        ExportFormat::Avif { quality } => avif(img, quality, &meta, &mut notes).map_err(err)?,
    };
    Ok(Encoded { bytes, notes })
}

fn png(img: &RgbaImage, meta: &Metadata) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = image::codecs::png::PngEncoder::new(&mut out);
    enc.set_icc_profile(srgb_icc().to_vec())
        .map_err(|e| e.to_string())?;
    if let Some(exif) = &meta.exif {
        enc.set_exif_metadata(exif.clone())
            .map_err(|e| e.to_string())?;
    }
    enc.write_image(
        img.pixels(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| e.to_string())?;
    let mut chunks = Vec::new();
    if let Some(xmp) = &meta.xmp {
        let mut data = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
        data.extend_from_slice(xmp);
        chunks.push((*b"iTXt", data));
    }
    if let Some(iptc) = &meta.iptc {
        let text = raw_profile_encode("iptc", iptc);
        let mut data = b"Raw profile type iptc\0\0".to_vec();
        data.extend_from_slice(&fdeflate::compress_to_vec(text.as_bytes()));
        chunks.push((*b"zTXt", data));
    }
    Ok(insert_png_chunks(out, &chunks))
}

/// Inserts chunks before the first `IDAT`.
fn insert_png_chunks(png: Vec<u8>, chunks: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    if chunks.is_empty() {
        return png;
    }
    let mut at = 8;
    while let Some(len) = png.get(at..at + 4) {
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        if png.get(at + 4..at + 8) == Some(b"IDAT") {
            break;
        }
        at += 12 + len;
    }
    let at = at.min(png.len());
    let mut out =
        Vec::with_capacity(png.len() + chunks.iter().map(|c| c.1.len() + 12).sum::<usize>());
    out.extend_from_slice(&png[..at]);
    for (kind, data) in chunks {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    out.extend_from_slice(&png[at..]);
    out
}

fn jpeg(
    img: &RgbaImage,
    quality: u8,
    meta: &Metadata,
    notes: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    let rgb = super::flatten_on_white(img);
    let mut out = Vec::new();
    let mut enc =
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100));
    enc.set_icc_profile(srgb_icc().to_vec())
        .map_err(|e| e.to_string())?;
    if let Some(exif) = &meta.exif {
        if exif.len() + 6 <= JPEG_SEGMENT_MAX {
            enc.set_exif_metadata(exif.clone())
                .map_err(|e| e.to_string())?;
        } else {
            notes.push(format!(
                "EXIF not written: {} bytes, more than one JPEG segment holds",
                exif.len()
            ));
        }
    }
    enc.write_image(
        &rgb,
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| e.to_string())?;
    let mut segments = Vec::new();
    if let Some(xmp) = &meta.xmp {
        let mut data = XMP_JPEG_PREFIX.to_vec();
        data.extend_from_slice(xmp);
        if data.len() <= JPEG_SEGMENT_MAX {
            segments.push((0xE1, data));
        } else {
            notes.push(format!(
                "XMP not written: {} bytes, more than one JPEG segment holds",
                xmp.len()
            ));
        }
    }
    if let Some(iptc) = &meta.iptc {
        let data = iptc_to_irb(iptc);
        if data.len() <= JPEG_SEGMENT_MAX {
            segments.push((0xED, data));
        } else {
            notes.push("IPTC not written: more than one JPEG segment holds".to_owned());
        }
    }
    Ok(insert_jpeg_segments(out, &segments))
}

/// Inserts marker segments after the existing APPn segments.
fn insert_jpeg_segments(jpeg: Vec<u8>, segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    if segments.is_empty() {
        return jpeg;
    }
    let mut at = 2;
    while let Some(&[0xFF, marker]) = jpeg.get(at..at + 2) {
        if !(0xE0..=0xEF).contains(&marker) {
            break;
        }
        let Some(len) = jpeg.get(at + 2..at + 4) else {
            break;
        };
        at += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
    }
    let at = at.min(jpeg.len());
    let mut out =
        Vec::with_capacity(jpeg.len() + segments.iter().map(|s| s.1.len() + 4).sum::<usize>());
    out.extend_from_slice(&jpeg[..at]);
    for (marker, data) in segments {
        out.extend_from_slice(&[0xFF, *marker]);
        out.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(data);
    }
    out.extend_from_slice(&jpeg[at..]);
    out
}

fn webp(
    img: &RgbaImage,
    lossy_quality: Option<u8>,
    meta: &Metadata,
    notes: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    if meta.iptc.is_some() {
        notes.push(
            "IPTC not written: WebP has no place for it (XMP carries the same fields)".to_owned(),
        );
    }
    let mut out = Vec::new();
    let (w, h) = (img.width(), img.height());
    match lossy_quality {
        None => {
            let mut enc = vaam_webp::WebPEncoder::new(&mut out);
            enc.set_icc_profile(srgb_icc().to_vec());
            if let Some(exif) = &meta.exif {
                enc.set_exif_metadata(exif.clone());
            }
            if let Some(xmp) = &meta.xmp {
                enc.set_xmp_metadata(xmp.clone());
            }
            enc.encode(img.pixels(), w, h, vaam_webp::ColorType::Rgba8)
                .map_err(|e| e.to_string())?;
        }
        Some(q) => {
            let mut enc = vaam_webp::WebPEncoder::new(&mut out);
            enc.set_icc_profile(srgb_icc().to_vec());
            if let Some(exif) = &meta.exif {
                enc.set_exif_metadata(exif.clone());
            }
            if let Some(xmp) = &meta.xmp {
                enc.set_xmp_metadata(xmp.clone());
            }
            let mut params = vaam_webp::EncoderParams::default();
            params.use_lossy = true;
            params.lossy_quality = q.clamp(1, 100);
            enc.set_params(params);
            let opaque = img.pixels().chunks_exact(4).all(|p| p[3] == 255);
            if opaque {
                let rgb: Vec<u8> = img
                    .pixels()
                    .chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect();
                enc.encode(&rgb, w, h, vaam_webp::ColorType::Rgb8)
            } else {
                enc.encode(img.pixels(), w, h, vaam_webp::ColorType::Rgba8)
            }
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

fn avif(
    img: &RgbaImage,
    quality: u8,
    meta: &Metadata,
    notes: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    if meta.xmp.is_some() {
        notes.push("XMP not written: Lumen's AVIF writer carries EXIF only".to_owned());
    }
    if meta.iptc.is_some() {
        notes.push("IPTC not written: AVIF has no place for it".to_owned());
    }
    let pixels: Vec<ravif::RGBA8> = img
        .pixels()
        .chunks_exact(4)
        .map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3]))
        .collect();
    let (w, h) = (img.width() as usize, img.height() as usize);
    // Speed 6 of 1-10: near the best compression at a fraction of its time.
    let mut enc = ravif::Encoder::new()
        .with_quality(f32::from(quality.clamp(1, 100)))
        .with_speed(6)
        .with_alpha_color_mode(ravif::AlphaColorMode::UnassociatedClean);
    if let Some(exif) = &meta.exif {
        enc = enc.with_exif(exif.clone());
    }
    let encoded = enc
        .encode_rgba(ravif::Img::new(&pixels[..], w, h))
        .map_err(|e| e.to_string())?;
    Ok(encoded.avif_file)
}
