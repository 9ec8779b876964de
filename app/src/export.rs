//! The exporter: what the user asked to export, the export settings, and
//! the background job that encodes the full-resolution result and hands
//! the bytes to the platform (a file written atomically, or a download).
//!
//! An export waits for the full-resolution render; [`Exporter::take_ready`]
//! says when it can start. The encoding runs on a background task.

use std::path::Path;
use std::sync::Arc;

use lumen_kernels::RgbaImage;

use crate::io::{self, ExportFormat};
use crate::platform;
use crate::render::Renderer;
use crate::tasks::{ExportTarget, TaskResult};

/// The format of browser downloads (the desktop takes it from the file
/// name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebFormat {
    /// PNG.
    Png,
    /// JPEG at the chosen quality.
    Jpeg,
    /// Lossless WebP.
    WebP,
}

/// An export waiting for its image, and the export settings.
#[derive(Debug)]
pub struct Exporter {
    pending: Option<(ExportTarget, ExportFormat)>,
    /// JPEG quality, 1..=100.
    pub jpeg_quality: u8,
    /// The format of browser downloads.
    pub web_format: WebFormat,
}

impl Default for Exporter {
    fn default() -> Self {
        Self {
            pending: None,
            jpeg_quality: 90,
            web_format: WebFormat::Png,
        }
    }
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

/// One export, ready to run on a background task.
pub struct ExportJob {
    image: Arc<RgbaImage>,
    target: ExportTarget,
    format: ExportFormat,
}

impl ExportJob {
    /// Encodes the image and delivers the bytes; the task's result.
    pub fn run(self) -> TaskResult {
        let written = io::encode(&self.image, self.format)
            .map_err(|e| e.to_string())
            .and_then(|bytes| platform::deliver(&self.target, &bytes));
        match written {
            Ok(()) => TaskResult::Exported(self.target),
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
    /// result (or has failed).
    pub fn take_ready(&mut self, renderer: &Renderer) -> Ready {
        if self.pending.is_none() {
            return Ready::Waiting;
        }
        if let Some(err) = renderer.error() {
            self.pending = None;
            return Ready::Stopped(format!("Export stopped: {err}"));
        }
        let Some(image) = renderer.full_result() else {
            return Ready::Waiting;
        };
        match self.pending.take() {
            Some((target, format)) => Ready::Go(ExportJob {
                image,
                target,
                format,
            }),
            None => Ready::Waiting,
        }
    }

    /// The suggested export name for a document named `doc_name`: the
    /// file it was last exported to (`last`), else `<stem>-edited.<ext>`.
    /// Downloads take the chosen download format's extension.
    pub fn default_name(&self, doc_name: &str, last: Option<&Path>) -> String {
        let ext = match self.web_format {
            WebFormat::Png => "png",
            WebFormat::Jpeg => "jpg",
            WebFormat::WebP => "webp",
        };
        let last_name = last
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned());
        match last_name {
            Some(name) if !platform::IS_WEB => name,
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

    /// The format for a file name, with the chosen JPEG quality (PNG when
    /// the extension is unknown).
    pub fn format_for(&self, path: &Path) -> ExportFormat {
        match ExportFormat::from_path(&path.to_string_lossy()) {
            Some(ExportFormat::Jpeg { .. }) => ExportFormat::Jpeg {
                quality: self.jpeg_quality,
            },
            Some(f) => f,
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
        assert_eq!(e.default_name("photo.jpg", Some(last)), "final.webp");
        e.web_format = WebFormat::Jpeg;
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
