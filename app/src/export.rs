//! The exporter: what the user asked to export, the export settings, and
//! the background job that encodes the full-resolution result and hands
//! the bytes to the platform (a file written atomically, or a download).
//!
//! An export waits for the full-resolution render; [`Exporter::take_ready`]
//! says when it can start. The encoding runs on a background task.

use std::path::Path;
use std::sync::Arc;

use lumen_kernels::RgbaImage;

use crate::io::{self, ExportFormat, Metadata, MetadataPolicy};
use crate::platform;
use crate::render::Renderer;
use crate::tasks::{ExportTarget, TaskResult};

/// The file format chosen in the export dialog (on the desktop a file
/// name's extension overrides it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// PNG, lossless, with transparency.
    Png,
    /// JPEG at the chosen quality; transparency flattened onto the matte.
    Jpeg,
    /// WebP (lossless, or lossy at the chosen quality), with transparency.
    WebP,
    /// AVIF at the chosen quality, with transparency.
    Avif,
}

impl FileKind {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::WebP => "webp",
            Self::Avif => "avif",
        }
    }
}

/// An export waiting for its image, and the export settings.
#[derive(Debug)]
pub struct Exporter {
    pending: Option<(ExportTarget, ExportFormat)>,
    /// The format chosen in the export dialog.
    pub kind: FileKind,
    /// Quality of lossy formats (JPEG, lossy WebP, AVIF), 1..=100.
    pub jpeg_quality: u8,
    /// WebP exports are lossless (true) or lossy at `jpeg_quality`.
    pub webp_lossless: bool,
    /// Exports leave out the source's EXIF, XMP and IPTC ("Remove
    /// location and camera data"); the colour profile stays.
    pub strip_metadata: bool,
    /// The colour transparent pixels are flattened onto in a JPEG (which
    /// has no transparency), sRGB.
    pub matte: [u8; 3],
}

impl Default for Exporter {
    fn default() -> Self {
        Self {
            pending: None,
            kind: FileKind::Png,
            jpeg_quality: 90,
            webp_lossless: true,
            strip_metadata: false,
            matte: [255, 255, 255],
        }
    }
}

/// `image` composited onto the opaque colour `matte` (straight alpha, in
/// sRGB values as the JPEG encoder's own flattening does); `None` when it
/// is opaque already.
pub fn flatten_onto(image: &RgbaImage, matte: [u8; 3]) -> Option<RgbaImage> {
    if image.pixels().chunks_exact(4).all(|p| p[3] == 255) {
        return None;
    }
    let mut out = Vec::with_capacity(image.pixels().len());
    for px in image.pixels().chunks_exact(4) {
        let a = u32::from(px[3]);
        for (&c, &m) in px[..3].iter().zip(&matte) {
            let v = (u32::from(c) * a + u32::from(m) * (255 - a) + 127) / 255;
            out.push(v as u8);
        }
        out.push(255);
    }
    RgbaImage::from_pixels(image.width(), image.height(), out).ok()
}

/// What [`Exporter::take_ready`] found.
pub enum Ready {
    /// Nothing to export, or the image is still rendering.
    Waiting,
    /// The render failed; the message says why.
    Stopped(String),
    /// Encode and deliver this image now.
    Go(ExportJob),
}

/// What an export encodes: the pixels, the format and the metadata.
pub struct EncodeRequest {
    /// The full-resolution result.
    pub image: Arc<RgbaImage>,
    /// The file format.
    pub format: ExportFormat,
    /// What transparency is flattened onto in a format without alpha.
    pub matte: [u8; 3],
    /// The source's metadata.
    pub metadata: Metadata,
    /// Whether it is written.
    pub policy: MetadataPolicy,
}

impl EncodeRequest {
    /// The file's bytes (transparency flattened onto the matte for JPEG),
    /// or why they could not be made.
    pub fn encode(&self) -> Result<io::Encoded, String> {
        let flat = match self.format {
            ExportFormat::Jpeg { .. } => flatten_onto(&self.image, self.matte),
            _ => None,
        };
        let image = flat.as_ref().unwrap_or(&self.image);
        io::encode_photo(image, self.format, &self.metadata, self.policy).map_err(|e| e.to_string())
    }
}

/// One export, ready to run on a background task.
pub struct ExportJob {
    /// What to encode.
    pub request: EncodeRequest,
    /// Where the bytes go.
    pub target: ExportTarget,
}

impl ExportJob {
    /// Encodes the image and delivers the bytes; the task's result.
    pub fn run(self) -> TaskResult {
        let encoded = self.request.encode();
        self.deliver(encoded)
    }

    /// Delivers what encoding gave; the task's result.
    pub fn deliver(self, encoded: Result<io::Encoded, String>) -> TaskResult {
        let written =
            encoded.and_then(|e| platform::deliver(&self.target, &e.bytes).map(|()| e.notes));
        match written {
            Ok(notes) => TaskResult::Exported(self.target, notes),
            Err(e) => TaskResult::Failed(format!("Export failed, nothing was overwritten: {e}")),
        }
    }
}

impl Exporter {
    /// Asks for an export of the current result to `target`.
    pub fn request(&mut self, target: ExportTarget, format: ExportFormat) {
        self.pending = Some((target, format));
    }

    /// True while an export waits for its image.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Takes the waiting export once the renderer has its full-resolution
    /// result (or has failed); `metadata` is the source's, carried into
    /// the file unless [`Self::strip_metadata`].
    pub fn take_ready(&mut self, renderer: &Renderer, metadata: &Metadata) -> Ready {
        if self.pending.is_none() {
            return Ready::Waiting;
        }
        if let Some(err) = renderer.error() {
            self.pending = None;
            return Ready::Stopped(format!("Export stopped: {err}"));
        }
        if renderer.is_cancelled() {
            self.pending = None;
            return Ready::Stopped("Export stopped: the render was cancelled".into());
        }
        let Some(image) = renderer.full_result() else {
            return Ready::Waiting;
        };
        match self.pending.take() {
            Some((target, format)) => Ready::Go(ExportJob {
                request: EncodeRequest {
                    image,
                    format,
                    matte: self.matte,
                    metadata: metadata.clone(),
                    policy: if self.strip_metadata {
                        MetadataPolicy::Strip
                    } else {
                        MetadataPolicy::Keep
                    },
                },
                target,
            }),
            None => Ready::Waiting,
        }
    }

    /// The suggested export name for a document named `doc_name`: the
    /// stem of the file it was last exported to (`last`), else
    /// `<stem>-edited`, with the chosen format's extension.
    pub fn default_name(&self, doc_name: &str, last: Option<&Path>) -> String {
        let ext = self.kind.extension();
        let last_name = last
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned());
        match last_name {
            Some(name) => {
                let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
                format!("{stem}.{ext}")
            }
            None => {
                let stem = doc_name.rsplit_once('.').map_or(doc_name, |(s, _)| s);
                format!("{stem}-edited.{ext}")
            }
        }
    }

    /// The format for a file name, with the chosen quality and WebP
    /// lossiness (PNG when the extension is unknown).
    pub fn format_for(&self, path: &Path) -> ExportFormat {
        match ExportFormat::from_path(&path.to_string_lossy()) {
            Some(ExportFormat::WebP) if !self.webp_lossless => ExportFormat::WebPLossy {
                quality: self.jpeg_quality,
            },
            Some(f) => f.with_quality(self.jpeg_quality),
            None => ExportFormat::Png,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_formats() {
        let mut e = Exporter::default();
        assert_eq!(e.default_name("photo.jpg", None), "photo-edited.png");
        let last = Path::new("/out/final.webp");
        assert_eq!(e.default_name("photo.jpg", Some(last)), "final.png");
        e.kind = FileKind::Jpeg;
        assert_eq!(e.default_name("noext", None), "noext-edited.jpg");
        e.jpeg_quality = 70;
        assert_eq!(
            e.format_for(Path::new("a.JPEG")),
            ExportFormat::Jpeg { quality: 70 }
        );
        assert_eq!(e.format_for(Path::new("a.webp")), ExportFormat::WebP);
        assert_eq!(e.format_for(Path::new("a.xyz")), ExportFormat::Png);
    }
}

#[cfg(test)]
mod matte_tests {
    use super::*;

    #[test]
    fn transparency_is_flattened_onto_the_matte() {
        let img = RgbaImage::from_pixels(2, 1, vec![200, 100, 0, 255, 0, 0, 0, 0]).unwrap();
        let flat = flatten_onto(&img, [10, 20, 30]).unwrap();
        assert_eq!(flat.pixels(), &[200, 100, 0, 255, 10, 20, 30, 255]);
        let opaque = RgbaImage::from_pixels(1, 1, vec![1, 2, 3, 255]).unwrap();
        assert!(flatten_onto(&opaque, [0, 0, 0]).is_none());
    }
}
