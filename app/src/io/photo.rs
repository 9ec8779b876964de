//! The photographic side of decoding: reading colour profiles and
//! metadata, converting to sRGB, CMYK JPEGs, and the formats the `image`
//! crate does not read here (AVIF, JPEG XL).

use image::{DynamicImage, ImageDecoder, ImageFormat};
use lumen_kernels::RgbaImage;

use super::{DecodeLimits, Decoded, IoError};
use crate::color;
use crate::metadata::{Metadata, iptc_from_irb, normalize_exif, raw_profile_decode};

/// A file's colour profile and metadata, read before its pixels.
pub(super) struct Source {
    icc: Option<Vec<u8>>,
    meta: Metadata,
}

fn decode_err(name: &str, message: impl Into<String>) -> IoError {
    IoError::Decode {
        name: name.to_owned(),
        message: message.into(),
    }
}

/// Formats decoded outside the `image` crate (AVIF, JPEG XL), and the PNG
/// profile guard; `None` to go on with the `image` crate.
pub(super) fn decode_other(
    bytes: &[u8],
    name: &str,
    limits: DecodeLimits,
) -> Option<Result<Decoded, IoError>> {
    if super::jxl::is_jxl(bytes) {
        return Some(
            super::jxl::decode(bytes, limits.max_alloc_bytes, limits.max_pixels)
                .and_then(|(image, metadata)| check_size(image, limits).map(|i| (i, metadata)))
                .map(|(image, metadata)| Decoded { image, metadata })
                .map_err(|m| decode_err(name, m)),
        );
    }
    if super::heif::is_avif(bytes) {
        return Some(decode_avif(bytes, name, limits));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        && let Err(message) = color::png_profile(bytes)
    {
        return Some(Err(IoError::TooLarge {
            name: name.to_owned(),
            detail: message,
        }));
    }
    None
}

fn check_size(image: RgbaImage, limits: DecodeLimits) -> Result<RgbaImage, String> {
    let (w, h) = (image.width(), image.height());
    if w > limits.max_side_px || h > limits.max_side_px {
        return Err(format!(
            "the image is too large: {w}x{h}, more than {} pixels a side",
            limits.max_side_px
        ));
    }
    Ok(image)
}

/// The size an AVIF says it is, from its container.
pub(super) fn avif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    super::heif::parse(bytes)?.size
}

fn decode_avif(bytes: &[u8], name: &str, limits: DecodeLimits) -> Result<Decoded, IoError> {
    let avif = super::heif::parse(bytes).ok_or_else(|| {
        decode_err(
            name,
            "not a valid AVIF file (or a tiled one, which Lumen does not read)",
        )
    })?;
    if let Some((w, h)) = avif.size
        && (w > limits.max_side_px
            || h > limits.max_side_px
            || u64::from(w) * u64::from(h) > limits.max_pixels)
    {
        return Err(IoError::TooLarge {
            name: name.to_owned(),
            detail: format!(
                "it says it is {w}x{h}, more than the limit of {} pixels",
                limits.max_pixels
            ),
        });
    }
    let image = avif_pixels(&avif, limits)
        .and_then(|i| check_size(i, limits))
        .map_err(|m| decode_err(name, m))?;
    finish_avif(image, &avif, name)
}

#[cfg(not(target_arch = "wasm32"))]
fn avif_pixels(avif: &super::heif::Avif<'_>, limits: DecodeLimits) -> Result<RgbaImage, String> {
    super::avif::decode_pixels(avif, limits.max_pixels)
}

#[cfg(target_arch = "wasm32")]
fn avif_pixels(_: &super::heif::Avif<'_>, _: DecodeLimits) -> Result<RgbaImage, String> {
    Err("AVIF is decoded by the browser in the web app, not here".to_owned())
}

/// Applies an AVIF's rotation, mirroring and colour, and keeps its
/// metadata. Shared with the web app, whose pixels come from the browser
/// (already upright and in sRGB there, so it passes `upright`).
pub(crate) fn finish_avif(
    image: RgbaImage,
    avif: &super::heif::Avif<'_>,
    name: &str,
) -> Result<Decoded, IoError> {
    let mut img = to_dynamic(image, name)?;
    for _ in 0..avif.rotation {
        img = img.rotate270();
    }
    match avif.mirror {
        Some(0) => img = img.flipv(),
        Some(_) => img = img.fliph(),
        None => {}
    }
    let image = from_dynamic(img, name)?;
    let meta = Metadata {
        exif: avif.exif.clone().and_then(normalize_exif),
        xmp: avif.xmp.clone(),
        ..Metadata::default()
    };
    let source = Source {
        icc: avif.icc.map(<[u8]>::to_vec),
        meta,
    };
    let mut decoded = finish(image, source);
    if avif.icc.is_none()
        && let Some((p, t, _, _)) = avif.nclx
        && let Ok(true) = color::rgba_cicp_to_srgb(decoded.image.pixels_mut(), p, t)
    {
        decoded.metadata.converted_from = Some(format!("CICP primaries {p}, transfer {t}"));
    }
    Ok(decoded)
}

fn to_dynamic(image: RgbaImage, name: &str) -> Result<DynamicImage, IoError> {
    let (w, h) = (image.width(), image.height());
    image::RgbaImage::from_raw(w, h, image.into_pixels())
        .map(DynamicImage::ImageRgba8)
        .ok_or_else(|| decode_err(name, "internal: pixel buffer of the wrong size"))
}

fn from_dynamic(img: DynamicImage, name: &str) -> Result<RgbaImage, IoError> {
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    RgbaImage::from_pixels(w, h, rgba.into_raw()).map_err(|e| decode_err(name, e.to_string()))
}

/// Reads the colour profile and the metadata a decoder found.
pub(super) fn read_source(
    decoder: &mut impl ImageDecoder,
    bytes: &[u8],
    format: ImageFormat,
) -> Source {
    let icc = decoder
        .icc_profile()
        .ok()
        .flatten()
        .or_else(|| {
            // The TIFF decoder does not return a profile stored as
            // UNDEFINED bytes, as most writers store it.
            (format == ImageFormat::Tiff)
                .then(|| crate::metadata::tiff_tag_bytes(bytes, 34675))
                .flatten()
        })
        .filter(|p| p.len() <= color::MAX_PROFILE_BYTES);
    let exif = decoder
        .exif_metadata()
        .ok()
        .flatten()
        .and_then(normalize_exif);
    let xmp = decoder.xmp_metadata().ok().flatten();
    let iptc = match format {
        ImageFormat::Png => decoder
            .iptc_metadata()
            .ok()
            .flatten()
            .and_then(|t| raw_profile_decode(&t))
            .and_then(|d| iptc_from_irb(&d)),
        _ => decoder
            .iptc_metadata()
            .ok()
            .flatten()
            .and_then(|d| iptc_from_irb(&d)),
    };
    Source {
        icc,
        meta: Metadata {
            exif,
            xmp,
            iptc,
            converted_from: None,
        },
    }
}

/// A decoded picture to sRGB RGBA: 16-bit pictures with an RGB profile are
/// converted at 16 bits, then rounded; the rest go through [`finish`].
pub(super) fn finish_dynamic(
    img: DynamicImage,
    mut source: Source,
    name: &str,
) -> Result<Decoded, IoError> {
    let deep = matches!(
        img,
        DynamicImage::ImageRgb16(_) | DynamicImage::ImageRgba16(_)
    );
    if deep && let Some(icc) = &source.icc {
        let mut rgba = img.into_rgba16();
        let converted = color::rgba16_to_srgb(&mut rgba, icc);
        let (w, h) = rgba.dimensions();
        let px: Vec<u8> = rgba
            .into_raw()
            .into_iter()
            .map(|v| ((u32::from(v) * 255 + 32767) / 65535) as u8)
            .collect();
        let image =
            RgbaImage::from_pixels(w, h, px).map_err(|e| decode_err(name, e.to_string()))?;
        if let Ok(true) = converted {
            let icc = source.icc.take().unwrap_or_default();
            source.meta.converted_from =
                Some(color::describe(&icc).unwrap_or_else(|| "its colour profile".to_owned()));
        }
        return Ok(finish(image, source));
    }
    Ok(finish(from_dynamic(img, name)?, source))
}

/// Converts decoded pixels from the file's profile to sRGB (a profile that
/// cannot be used is ignored: the pixels are shown as sRGB, as browsers
/// do) and returns them with the metadata.
pub(super) fn finish(mut image: RgbaImage, source: Source) -> Decoded {
    let Source { icc, mut meta } = source;
    if let Some(icc) = icc
        && let Ok(true) = color::rgba_to_srgb(image.pixels_mut(), &icc)
    {
        meta.converted_from =
            Some(color::describe(&icc).unwrap_or_else(|| "its colour profile".to_owned()));
    }
    Decoded {
        image,
        metadata: meta,
    }
}

/// Whether a JPEG has an Adobe APP14 segment (Photoshop's convention:
/// CMYK stored inverted, 255 = no ink).
fn has_adobe_marker(bytes: &[u8]) -> bool {
    let mut at = 2;
    while let Some(&[0xFF, marker]) = bytes.get(at..at + 2) {
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let Some(len) = bytes.get(at + 2..at + 4) else {
            break;
        };
        if marker == 0xEE && bytes.get(at + 4..at + 9) == Some(b"Adobe") {
            return true;
        }
        at += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
    }
    false
}

/// A CMYK JPEG with a CMYK profile, converted through that profile;
/// `None` for every other file (CMYK without a profile takes the plain
/// conversion of the JPEG decoder).
pub(super) fn decode_cmyk(
    bytes: &[u8],
    source: &Source,
    orientation: Option<image::metadata::Orientation>,
    name: &str,
) -> Result<Option<Decoded>, IoError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let Some(icc) = &source.icc else {
        return Ok(None);
    };
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Ok(None);
    }
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut d = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    if d.decode_headers().is_err() {
        return Ok(None);
    }
    let cs = match d.input_colorspace() {
        Some(cs @ (ColorSpace::CMYK | ColorSpace::YCCK)) => cs,
        _ => return Ok(None),
    };
    let opts = d.options().jpeg_set_out_colorspace(cs);
    d.set_options(opts);
    let mut px = d
        .decode()
        .map_err(|e| decode_err(name, format!("not a valid JPEG file: {e:?}")))?;
    let Some((w, h)) = d.dimensions() else {
        return Ok(None);
    };
    let inverted = has_adobe_marker(bytes);
    for p in px.chunks_exact_mut(4) {
        if cs == ColorSpace::YCCK {
            // Photoshop's YCCK: YCbCr of the CMY inks, K stored inverted.
            let (y, cb, cr) = (
                f32::from(p[0]),
                f32::from(p[1]) - 128.0,
                f32::from(p[2]) - 128.0,
            );
            let c = |v: f32| (v + 0.5).clamp(0.0, 255.0) as u8;
            p[0] = c(y + 1.402 * cr);
            p[1] = c(y - 0.344_136 * cb - 0.714_136 * cr);
            p[2] = c(y + 1.772 * cb);
            p[3] = 255 - p[3];
        } else if inverted {
            for v in p.iter_mut() {
                *v = 255 - *v;
            }
        }
    }
    let Ok(rgba) = color::cmyk_to_srgb(&px, icc) else {
        return Ok(None);
    };
    let image = RgbaImage::from_pixels(w as u32, h as u32, rgba)
        .map_err(|e| decode_err(name, e.to_string()))?;
    let mut img = to_dynamic(image, name)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let mut meta = source.meta.clone();
    meta.converted_from = color::describe(icc).or_else(|| Some("a CMYK profile".to_owned()));
    Ok(Some(Decoded {
        image: from_dynamic(img, name)?,
        metadata: meta,
    }))
}
