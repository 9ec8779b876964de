//! Decoding and encoding image files, shared by the editor and the CLI so
//! that both write exactly the same bytes for the same pixels.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder as _, ImageReader, Limits};
use lumen_kernels::RgbaImage;
use lumen_kernels::image::{MAX_PIXELS, MAX_SIDE_PX};

#[cfg(not(target_arch = "wasm32"))]
mod files;
#[cfg(not(target_arch = "wasm32"))]
pub mod temp;
#[cfg(not(target_arch = "wasm32"))]
pub use files::{
    Links, MAX_FILE_BYTES, MAX_RECIPE_BYTES, open_regular, read_file, read_limited,
    read_recipe_file, read_text, write_atomic, write_atomic_opts, write_atomic_with,
};
#[cfg(not(target_arch = "wasm32"))]
mod avif;
mod export;
pub mod heif;
mod jxl;
mod photo;

pub use crate::metadata::{Metadata, MetadataPolicy};
pub use export::Encoded;

/// Largest allocation a decoder may make, in bytes (1.5 GiB).
pub const MAX_DECODE_ALLOC_BYTES: u64 = 3 << 29;

/// What went wrong reading or writing an image file.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The file is empty.
    #[error("{name}: the file is empty")]
    Empty {
        /// File name shown to the user.
        name: String,
    },
    /// The bytes are not an image format Lumen reads.
    #[error("{name}: not a supported image (PNG, JPEG, WebP, AVIF, JPEG XL, GIF, BMP, TIFF)")]
    UnknownFormat {
        /// File name shown to the user.
        name: String,
    },
    /// The bytes are an image format Lumen does not read.
    #[error(
        "{name}: {format} files are not supported (Lumen reads PNG, JPEG, WebP, AVIF, JPEG XL, GIF, BMP, TIFF)"
    )]
    Unsupported {
        /// File name shown to the user.
        name: String,
        /// The format found.
        format: String,
    },
    /// The image is larger than Lumen's limits (or its header says so).
    #[error("{name}: the image is too large: {detail}")]
    TooLarge {
        /// File name shown to the user.
        name: String,
        /// What limit it breaks.
        detail: String,
    },
    /// The decoder refused or failed.
    #[error("{name}: {message}")]
    Decode {
        /// File name shown to the user.
        name: String,
        /// The decoder's explanation.
        message: String,
    },
    /// Encoding failed.
    #[error("could not encode {format}: {message}")]
    Encode {
        /// Format name.
        format: &'static str,
        /// The encoder's explanation.
        message: String,
    },
    /// Reading or writing the file system failed.
    #[error("{path}: {source}")]
    File {
        /// The path involved.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Output file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Lossless PNG with alpha.
    Png,
    /// JPEG at a quality of 1..=100; transparency is flattened onto white.
    Jpeg {
        /// Quality, 1..=100.
        quality: u8,
    },
    /// Lossless WebP with alpha.
    WebP,
    /// Lossy WebP at a quality of 1..=100 (alpha kept, losslessly).
    WebPLossy {
        /// Quality, 1..=100.
        quality: u8,
    },
    /// AVIF (AV1) at a quality of 1..=100, with alpha.
    Avif {
        /// Quality, 1..=100.
        quality: u8,
    },
}

impl ExportFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg { .. } => "jpg",
            Self::WebP | Self::WebPLossy { .. } => "webp",
            Self::Avif { .. } => "avif",
        }
    }

    /// The same kind of file at another quality (for JPEG, lossy WebP and
    /// AVIF; lossless formats are returned as they are).
    pub fn with_quality(self, quality: u8) -> Self {
        match self {
            Self::Jpeg { .. } => Self::Jpeg { quality },
            Self::WebPLossy { .. } => Self::WebPLossy { quality },
            Self::Avif { .. } => Self::Avif { quality },
            f => f,
        }
    }

    /// Guesses the format from a file name's extension (JPEG at quality 90,
    /// lossless WebP, AVIF at quality 80).
    pub fn from_path(path: &str) -> Option<Self> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Self::Png),
            "jpg" | "jpeg" => Some(Self::Jpeg { quality: 90 }),
            "webp" => Some(Self::WebP),
            "avif" => Some(Self::Avif { quality: 80 }),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg { .. } => "JPEG",
            Self::WebP | Self::WebPLossy { .. } => "WebP",
            Self::Avif { .. } => "AVIF",
        }
    }
}

/// The limits a decode runs under. A header claiming more than these fails
/// before any pixel buffer is allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Longest side, in pixels.
    pub max_side_px: u32,
    /// Most pixels (width times height).
    pub max_pixels: u64,
    /// Largest single allocation the decoder may make, in bytes.
    pub max_alloc_bytes: u64,
}

impl Default for DecodeLimits {
    /// Lumen's own limits: those of [`RgbaImage`], and
    /// [`MAX_DECODE_ALLOC_BYTES`].
    fn default() -> Self {
        Self {
            max_side_px: MAX_SIDE_PX,
            max_pixels: MAX_PIXELS,
            max_alloc_bytes: MAX_DECODE_ALLOC_BYTES,
        }
    }
}

/// Decodes an image file held in memory, applying its EXIF orientation.
///
/// The format is recognised from the bytes, never from the name: PNG bytes
/// in a file named `photo.jpg` open as the PNG they are (`name` is only
/// used in messages). Decoding runs under [`DecodeLimits::default`], so a
/// header that claims an absurd size fails cleanly, and a JPEG cut short
/// (no end-of-image marker after its last scan) is refused rather than
/// shown half grey. A panic inside a decoder becomes an error.
///
/// Pixels described by an embedded colour profile are converted to sRGB
/// ([`crate::color`]); [`decode_photo`] also returns the file's metadata.
pub fn decode(bytes: &[u8], name: &str) -> Result<RgbaImage, IoError> {
    decode_with_limits(bytes, name, DecodeLimits::default())
}

/// [`decode`] under explicit limits (the fuzz target uses small ones).
pub fn decode_with_limits(
    bytes: &[u8],
    name: &str,
    limits: DecodeLimits,
) -> Result<RgbaImage, IoError> {
    decode_photo_with_limits(bytes, name, limits).map(|d| d.image)
}

/// The size an image file says it is, for the formats the `image` crate
/// does not probe here (AVIF), before anything is decoded.
pub fn probe_size(bytes: &[u8]) -> Option<(u32, u32)> {
    photo::avif_size(bytes)
}

/// A decoded file: sRGB pixels and the metadata to carry to exports.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The pixels, in sRGB, upright.
    pub image: RgbaImage,
    /// EXIF, XMP and IPTC read from the file.
    pub metadata: Metadata,
}

/// [`decode`], keeping the file's metadata.
pub fn decode_photo(bytes: &[u8], name: &str) -> Result<Decoded, IoError> {
    decode_photo_with_limits(bytes, name, DecodeLimits::default())
}

/// [`decode_photo`] under explicit limits.
pub fn decode_photo_with_limits(
    bytes: &[u8],
    name: &str,
    limits: DecodeLimits,
) -> Result<Decoded, IoError> {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decode_unguarded(bytes, name, limits)
    }));
    caught.unwrap_or_else(|_| {
        Err(IoError::Decode {
            name: name.to_owned(),
            message: "the decoder failed on this file (it is damaged or unusual)".to_owned(),
        })
    })
}

/// Describes an `image` error for a person, naming the file.
fn describe_decode_error(name: &str, format: image::ImageFormat, e: image::ImageError) -> IoError {
    use image::error::{ImageError, UnsupportedErrorKind};
    let format_name = format_name(format);
    match e {
        ImageError::Limits(l) => IoError::TooLarge {
            name: name.to_owned(),
            detail: l.to_string(),
        },
        ImageError::Unsupported(u) => match u.kind() {
            UnsupportedErrorKind::Format(_) => IoError::Unsupported {
                name: name.to_owned(),
                format: format_name.to_owned(),
            },
            _ => IoError::Decode {
                name: name.to_owned(),
                message: format!("this kind of {format_name} is not supported: {u}"),
            },
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            IoError::Decode {
                name: name.to_owned(),
                message: format!("the {format_name} file is cut short (truncated)"),
            }
        }
        other => IoError::Decode {
            name: name.to_owned(),
            message: format!("not a valid {format_name} file: {other}"),
        },
    }
}

/// A format's usual name.
fn format_name(format: image::ImageFormat) -> &'static str {
    use image::ImageFormat as F;
    match format {
        F::Png => "PNG",
        F::Jpeg => "JPEG",
        F::WebP => "WebP",
        F::Gif => "GIF",
        F::Bmp => "BMP",
        F::Tiff => "TIFF",
        F::Pnm => "PNM",
        F::Tga => "TGA",
        F::Dds => "DDS",
        F::Ico => "ICO",
        F::Hdr => "HDR",
        F::OpenExr => "OpenEXR",
        F::Farbfeld => "Farbfeld",
        F::Avif => "AVIF",
        F::Qoi => "QOI",
        _ => "this format",
    }
}

/// Whether a JPEG has an end-of-image marker after its last start-of-scan;
/// without one, the file was cut short (decoders fill the rest with grey).
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_sos = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    let from = last_sos.unwrap_or(0);
    bytes
        .get(from..)
        .is_some_and(|tail| tail.windows(2).any(|w| w == [0xFF, 0xD9]))
}

fn decode_unguarded(bytes: &[u8], name: &str, limits: DecodeLimits) -> Result<Decoded, IoError> {
    if bytes.is_empty() {
        return Err(IoError::Empty {
            name: name.to_owned(),
        });
    }
    if let Some(decoded) = photo::decode_other(bytes, name, limits) {
        return decoded;
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| IoError::Decode {
            name: name.to_owned(),
            message: e.to_string(),
        })?;
    let Some(format) = reader.format() else {
        return Err(IoError::UnknownFormat {
            name: name.to_owned(),
        });
    };
    let err = |e| describe_decode_error(name, format, e);
    if format == image::ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(IoError::Decode {
            name: name.to_owned(),
            message: "the JPEG file is cut short (truncated): it has no end-of-image marker"
                .to_owned(),
        });
    }
    let mut image_limits = Limits::default();
    image_limits.max_image_width = Some(limits.max_side_px);
    image_limits.max_image_height = Some(limits.max_side_px);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(err)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(IoError::TooLarge {
            name: name.to_owned(),
            detail: format!(
                "it says it is {w}x{h}, more than the limit of {} pixels",
                limits.max_pixels
            ),
        });
    }
    // The decoder's own buffer: 16-bit samples take twice the bytes, so a
    // size that fits as 8-bit RGBA may not fit as 16-bit RGBA.
    let buffer = decoder.total_bytes();
    if buffer > limits.max_alloc_bytes {
        return Err(IoError::TooLarge {
            name: name.to_owned(),
            detail: format!(
                "decoding its {w}x{h} pixels ({} bytes each) needs {buffer} bytes, more than \
                 the limit of {} bytes",
                decoder.color_type().bytes_per_pixel(),
                limits.max_alloc_bytes
            ),
        });
    }
    if w == 0 || h == 0 {
        return Err(IoError::Decode {
            name: name.to_owned(),
            message: format!("the {} file says it is {w}x{h}", format_name(format)),
        });
    }
    // Broken metadata should not stop the picture from opening.
    let orientation = decoder.orientation().ok();
    let source = photo::read_source(&mut decoder, bytes, format);
    if let Some(cmyk) = photo::decode_cmyk(bytes, &source, orientation, name)? {
        return Ok(cmyk);
    }
    let mut img = DynamicImage::from_decoder(decoder).map_err(err)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    photo::finish_dynamic(img, source, name)
}

/// Encodes an image into the bytes of a file of the given format, with the
/// sRGB profile that describes its pixels and no other metadata.
pub fn encode(img: &RgbaImage, format: ExportFormat) -> Result<Vec<u8>, IoError> {
    export::encode(img, format, None).map(|e| e.bytes)
}

/// [`encode`], carrying `metadata` (from [`decode_photo`]) into the file
/// when `policy` keeps it; [`Encoded::notes`] says what a format could not
/// hold.
pub fn encode_photo(
    img: &RgbaImage,
    format: ExportFormat,
    metadata: &Metadata,
    policy: MetadataPolicy,
) -> Result<Encoded, IoError> {
    let meta = (policy == MetadataPolicy::Keep).then_some(metadata);
    export::encode(img, format, meta)
}

/// Composites straight-alpha RGBA over white, for formats without alpha.
pub(crate) fn flatten_on_white(img: &RgbaImage) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(img.pixels().len() / 4 * 3);
    for px in img.pixels().chunks_exact(4) {
        let a = u32::from(px[3]);
        for &c in &px[..3] {
            let v = (u32::from(c) * a + 255 * (255 - a) + 127) / 255;
            rgb.push(v as u8);
        }
    }
    rgb
}

/// Reads and decodes an image file: what the editor and the CLI do to open
/// one. `name` is shown in messages.
#[cfg(not(target_arch = "wasm32"))]
pub fn load(path: &std::path::Path, name: &str) -> Result<RgbaImage, IoError> {
    read_file(path).and_then(|bytes| decode(&bytes, name))
}

/// [`load`], keeping the file's metadata.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_photo(path: &std::path::Path, name: &str) -> Result<Decoded, IoError> {
    read_file(path).and_then(|bytes| decode_photo(&bytes, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RgbaImage {
        let px: Vec<u8> = (0..6 * 5 * 4).map(|i| (i * 7 % 256) as u8).collect();
        RgbaImage::from_pixels(6, 5, px).unwrap()
    }

    #[test]
    fn png_and_webp_round_trip_exactly() {
        for f in [ExportFormat::Png, ExportFormat::WebP] {
            let bytes = encode(&sample(), f).unwrap();
            assert_eq!(decode(&bytes, "x").unwrap(), sample(), "{f:?}");
        }
    }

    #[test]
    fn jpeg_encodes_and_flattens_alpha() {
        let bytes = encode(&sample(), ExportFormat::Jpeg { quality: 90 }).unwrap();
        let back = decode(&bytes, "x.jpg").unwrap();
        assert_eq!((back.width(), back.height()), (6, 5));
        assert!(back.pixels().chunks_exact(4).all(|p| p[3] == 255));
    }

    /// A JPEG with an EXIF block saying "rotate 90° clockwise to display".
    fn jpeg_with_orientation_6(w: u32, h: u32) -> Vec<u8> {
        let img = RgbaImage::new(w, h).unwrap();
        let jpeg = encode(&img, ExportFormat::Jpeg { quality: 90 }).unwrap();
        let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&[0, 1]); // one IFD entry
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation = 6
        tiff.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let len = (payload.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec(); // SOI
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn exif_orientation_is_applied() {
        let img = decode(&jpeg_with_orientation_6(8, 2), "phone.jpg").unwrap();
        assert_eq!((img.width(), img.height()), (2, 8));
    }

    #[test]
    fn bad_bytes_give_errors_naming_the_file() {
        let e = decode(&[], "empty.png").unwrap_err().to_string();
        assert!(e.contains("empty.png") && e.contains("empty"), "{e}");
        let e = decode(b"hello world", "notes.txt").unwrap_err().to_string();
        assert!(e.contains("notes.txt"), "{e}");
        let mut png = encode(&sample(), ExportFormat::Png).unwrap();
        png.truncate(png.len() / 2);
        let e = decode(&png, "cut.png").unwrap_err().to_string();
        assert!(e.contains("cut.png"), "{e}");
    }

    #[test]
    fn atomic_write_keeps_old_file_when_target_is_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub");
        std::fs::create_dir(&target).unwrap();
        assert!(write_atomic(&target, b"x").is_err());
        let file = dir.path().join("a.png");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
