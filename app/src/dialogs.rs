//! File dialogs: what the editor asks the user for ([`FileRequest`]), and
//! the system dialogs behind a trait ([`SystemDialogs`]) so they can run
//! on a background thread (the editor keeps drawing while one is open)
//! and be replaced in tests.
//!
//! Where no system dialog is available (Linux without an XDG desktop
//! portal and without zenity), the editor shows its own file browser
//! instead ([`crate::ui::file_browser`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The image file extensions the editor opens.
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "webp", "avif", "jxl", "gif", "bmp", "tif", "tiff",
];

/// The file extensions of exports.
pub const EXPORT_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp", "avif"];

/// Recipe file extensions.
pub const RECIPE_EXTENSIONS: &[&str] = &["json"];

/// 3D LUT file extensions.
pub const CUBE_EXTENSIONS: &[&str] = &["cube"];

/// Largest `.cube` file read, bytes (a 65³ table is about 8 MB of text).
pub const MAX_CUBE_FILE_BYTES: u64 = 32 << 20;

/// A file the editor asks the user to choose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRequest {
    /// An image to open.
    OpenImage,
    /// Where to export the result.
    ExportImage {
        /// The suggested file name.
        default_name: String,
    },
    /// A recipe file to load.
    LoadRecipe,
    /// Where to save the recipe.
    SaveRecipe {
        /// The recipe as it was when the user asked, JSON.
        json: String,
    },
    /// A `.cube` 3D LUT for a `lut3d` step.
    ImportCube {
        /// The step's index in the recipe.
        step: usize,
    },
}

impl FileRequest {
    /// The dialog's title.
    pub fn title(&self) -> &'static str {
        match self {
            Self::OpenImage => "Open image",
            Self::ExportImage { .. } => "Export image",
            Self::LoadRecipe => "Load recipe",
            Self::SaveRecipe { .. } => "Save recipe",
            Self::ImportCube { .. } => "Import 3D LUT",
        }
    }

    /// True when the user names a file to write (not one to read).
    pub fn is_save(&self) -> bool {
        matches!(self, Self::ExportImage { .. } | Self::SaveRecipe { .. })
    }

    /// The file extensions offered.
    pub fn extensions(&self) -> &'static [&'static str] {
        match self {
            Self::OpenImage => IMAGE_EXTENSIONS,
            Self::ExportImage { .. } => EXPORT_EXTENSIONS,
            Self::LoadRecipe | Self::SaveRecipe { .. } => RECIPE_EXTENSIONS,
            Self::ImportCube { .. } => CUBE_EXTENSIONS,
        }
    }

    /// The suggested file name of a save.
    pub fn default_name(&self) -> Option<&str> {
        match self {
            Self::ExportImage { default_name } => Some(default_name),
            Self::SaveRecipe { .. } => Some("recipe.json"),
            Self::OpenImage | Self::LoadRecipe | Self::ImportCube { .. } => None,
        }
    }
}

/// True when `path`'s extension is one of `extensions` (any case).
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// The operating system's file dialogs.
pub trait SystemDialogs: Send + Sync {
    /// Whether a system dialog can be shown at all on this machine (when
    /// not, the editor shows its own file browser).
    fn available(&self) -> bool;

    /// Shows the dialog for `request`, starting in `start_dir`, and waits
    /// for the answer: the chosen path, or `None` if the user cancelled.
    /// Called on a background thread.
    fn ask(&self, request: &FileRequest, start_dir: Option<&Path>) -> Option<PathBuf>;
}

/// A shared [`SystemDialogs`], for [`crate::Options`].
#[derive(Clone)]
pub struct DialogBackend(pub Arc<dyn SystemDialogs>);

impl std::fmt::Debug for DialogBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DialogBackend")
            .field("available", &self.0.available())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_describe_themselves() {
        assert!(!FileRequest::OpenImage.is_save());
        let export = FileRequest::ExportImage {
            default_name: "a-edited.png".into(),
        };
        assert!(export.is_save());
        assert_eq!(export.default_name(), Some("a-edited.png"));
        assert!(has_extension(Path::new("/x/Photo.JPG"), IMAGE_EXTENSIONS));
        assert!(!has_extension(Path::new("/x/notes.txt"), IMAGE_EXTENSIONS));
        assert!(!has_extension(Path::new("/x/noext"), RECIPE_EXTENSIONS));
    }
}
