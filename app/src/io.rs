//! Decoding and encoding image files, shared by the editor and the CLI so
//! that both write exactly the same bytes for the same pixels.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder as _, ImageEncoder as _, ImageReader, Limits};
use lumen_kernels::RgbaImage;
use lumen_kernels::image::{MAX_PIXELS, MAX_SIDE_PX};

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
    #[error("{name}: not a supported image (PNG, JPEG, WebP, GIF, BMP, TIFF)")]
    UnknownFormat {
        /// File name shown to the user.
        name: String,
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
}

impl ExportFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg { .. } => "jpg",
            Self::WebP => "webp",
        }
    }

    /// Guesses the format from a file name's extension (JPEG at quality 90).
    pub fn from_path(path: &str) -> Option<Self> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Self::Png),
            "jpg" | "jpeg" => Some(Self::Jpeg { quality: 90 }),
            "webp" => Some(Self::WebP),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg { .. } => "JPEG",
            Self::WebP => "WebP",
        }
    }
}

/// Decodes an image file held in memory, applying its EXIF orientation.
///
/// Decoding runs under explicit limits (side length, pixel count and
/// allocation), so a header that claims an absurd size fails cleanly.
pub fn decode(bytes: &[u8], name: &str) -> Result<RgbaImage, IoError> {
    let decode_err = |e: image::ImageError| IoError::Decode {
        name: name.to_owned(),
        message: e.to_string(),
    };
    if bytes.is_empty() {
        return Err(IoError::Empty {
            name: name.to_owned(),
        });
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| IoError::Decode {
            name: name.to_owned(),
            message: e.to_string(),
        })?;
    if reader.format().is_none() {
        return Err(IoError::UnknownFormat {
            name: name.to_owned(),
        });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_err)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(IoError::Decode {
            name: name.to_owned(),
            message: format!("{w}x{h} is more than Lumen's limit of {MAX_PIXELS} pixels"),
        });
    }
    // A broken EXIF block should not stop the picture from opening.
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_err)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    RgbaImage::from_pixels(w, h, rgba.into_raw()).map_err(|e| IoError::Decode {
        name: name.to_owned(),
        message: e.to_string(),
    })
}

/// Encodes an image into the bytes of a file of the given format.
pub fn encode(img: &RgbaImage, format: ExportFormat) -> Result<Vec<u8>, IoError> {
    let err = |e: image::ImageError| IoError::Encode {
        format: format.name(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    let (w, h) = (img.width(), img.height());
    match format {
        ExportFormat::Png => image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.pixels(), w, h, image::ExtendedColorType::Rgba8)
            .map_err(err)?,
        ExportFormat::WebP => image::codecs::webp::WebPEncoder::new_lossless(&mut out)
            .write_image(img.pixels(), w, h, image::ExtendedColorType::Rgba8)
            .map_err(err)?,
        ExportFormat::Jpeg { quality } => {
            let rgb = flatten_on_white(img);
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
                .write_image(&rgb, w, h, image::ExtendedColorType::Rgb8)
                .map_err(err)?;
        }
    }
    Ok(out)
}

/// Composites straight-alpha RGBA over white, for formats without alpha.
fn flatten_on_white(img: &RgbaImage) -> Vec<u8> {
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

/// Writes `bytes` to `path` atomically: into a temporary file beside it,
/// flushed to disk, then renamed over the target. A failure at any point
/// leaves an existing file at `path` untouched and removes the temporary.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<(), IoError> {
    use std::io::Write as _;
    let file_err = |p: &std::path::Path, source| IoError::File {
        path: p.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| file_err(path, std::io::Error::other("not a file path")))?;
    if path.is_dir() {
        return Err(file_err(path, std::io::Error::other("is a directory")));
    }
    let tmp = dir.join(format!(".{file_name}.lumen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        std::fs::remove_file(&tmp).ok();
        return Err(file_err(path, e));
    }
    Ok(())
}

/// Reads a whole file, naming the path in the error.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, IoError> {
    std::fs::read(path).map_err(|source| IoError::File {
        path: path.display().to_string(),
        source,
    })
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
