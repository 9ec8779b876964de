//! Background tasks (decoding, encoding, file dialogs) and how their results
//! come back to the UI thread: a channel drained once per frame, with a
//! repaint request so the result is seen at once.

use std::path::PathBuf;
use std::sync::mpsc::Sender;

use lumen_kernels::RgbaImage;

use crate::autosave::{Orphan, SourceRef};

/// Where an export goes.
#[derive(Clone, Debug)]
pub enum ExportTarget {
    /// A file (desktop), written atomically.
    Path(PathBuf),
    /// A browser download with this file name (web).
    Download(String),
}

impl std::fmt::Display for ExportTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Path(p) => write!(f, "{}", p.display()),
            Self::Download(name) => write!(f, "{name} (download)"),
        }
    }
}

/// What a background task reports.
pub enum TaskResult {
    /// The outcome of opening an image (`Loaded`, `TooBig` or `Failed`),
    /// numbered: only the latest open counts, so a slow decode started
    /// earlier (the sample at start-up) cannot land after, or instead of,
    /// the image asked for since (a restored session's).
    Load {
        /// Which open, counted by the editor.
        generation: u64,
        /// What it gave.
        result: Box<TaskResult>,
    },
    /// An image was decoded.
    Loaded {
        /// The pixels.
        image: RgbaImage,
        /// Its metadata, for exports.
        metadata: crate::io::Metadata,
        /// Display name.
        name: String,
        /// Where it came from (autosave keeps this reference).
        source: SourceRef,
        /// The file's bytes, when autosave must keep its own copy (the web,
        /// where a page cannot reopen a file).
        keep: Option<Vec<u8>>,
    },
    /// A histogram of a displayed result or of a step's input.
    Histogram {
        /// What it was counted from.
        key: crate::histogram_job::HistogramKey,
        /// The counts.
        hist: Box<lumen_kernels::histogram::Histogram>,
    },
    /// An image too large for the memory budget, waiting for the user to
    /// accept opening it downscaled.
    TooBig(Box<TooBig>),
    /// Sessions left by editors that did not exit cleanly, and any that
    /// could not be read.
    Recoverable {
        /// Sessions that can be restored.
        orphans: Vec<Orphan>,
        /// Why some could not be read.
        problems: Vec<String>,
    },
    /// A system file dialog closed (desktop): the chosen path, or `None`
    /// if the user cancelled.
    Picked {
        /// What was asked.
        request: crate::dialogs::FileRequest,
        /// The answer.
        path: Option<PathBuf>,
    },
    /// A recipe file's text.
    RecipeText {
        /// Display name.
        name: String,
        /// The JSON text.
        text: String,
    },
    /// A `.cube` file was read for a `lut3d` step.
    CubeLoaded {
        /// The step's index in the recipe.
        step: usize,
        /// The file's name.
        name: String,
        /// The table.
        lut: Box<lumen_kernels::ops::cube::CubeLut>,
    },
    /// An export was written; the notes say what metadata it could not
    /// hold.
    Exported(ExportTarget, Vec<String>),
    /// A message to show, not an error.
    Info(String),
    /// Something failed; the message says what.
    Failed(String),
    /// The user cancelled a dialog.
    Nothing,
}

/// An image that would not fit the memory budget at full size.
#[derive(Clone, Debug)]
pub struct TooBig {
    /// Display name.
    pub name: String,
    /// The file's bytes (decoded only if the user accepts).
    pub bytes: Vec<u8>,
    /// Where it came from.
    pub source: SourceRef,
    /// Whether autosave should keep a copy of the bytes.
    pub keep: bool,
    /// Its size, pixels.
    pub size: (u32, u32),
    /// The largest size that fits, pixels.
    pub fit: (u32, u32),
    /// Memory the full size would need, bytes.
    pub needed: u64,
    /// The budget, bytes.
    pub budget: u64,
}

/// Decodes a file's bytes for the editor, unless the image would not fit
/// `budget` bytes at full size (then [`TaskResult::TooBig`], before any
/// pixel is allocated). `keep` hands the bytes on for autosave.
pub fn decode_task(
    bytes: Vec<u8>,
    name: String,
    source: SourceRef,
    keep: bool,
    budget: u64,
) -> TaskResult {
    let bytes = match admit(bytes, &name, &source, keep, budget) {
        Ok(bytes) => bytes,
        Err(refused) => return *refused,
    };
    let decoded = crate::io::decode_photo(&bytes, &name).map_err(|e| e.to_string());
    loaded(decoded, name, source, keep.then_some(bytes))
}

/// The bytes back when the image they hold fits `budget` at full size, or
/// what to report instead ([`TaskResult::TooBig`], or why it cannot be
/// opened at all), from the header alone.
pub fn admit(
    bytes: Vec<u8>,
    name: &str,
    source: &SourceRef,
    keep: bool,
    budget: u64,
) -> Result<Vec<u8>, Box<TaskResult>> {
    use crate::governor::{OpenPlan, plan_open_probe, probe};
    // Only sizes the decoder accepts can be offered downscaled; a header
    // beyond its limits is left to `io::decode`, which says why.
    let Some(p) = probe(&bytes).filter(crate::governor::Probe::decodable) else {
        return Ok(bytes);
    };
    match plan_open_probe(&p, budget) {
        OpenPlan::Fits => Ok(bytes),
        OpenPlan::Downscale {
            width,
            height,
            needed,
        } => Err(Box::new(TaskResult::TooBig(Box::new(TooBig {
            name: name.to_owned(),
            bytes,
            source: source.clone(),
            keep,
            size: (p.width, p.height),
            fit: (width, height),
            needed,
            budget,
        })))),
        OpenPlan::TooLarge { needed } => Err(Box::new(TaskResult::Failed(format!(
            "{name}: the image is too large to open here: it is {}x{} pixels, and \
             decoding it (even to open it downscaled) needs about {}, more than the \
             {} Lumen may use on this machine",
            p.width,
            p.height,
            crate::governor::human_bytes(needed),
            crate::governor::human_bytes(budget)
        )))),
    }
}

/// What opening a photo gave: [`TaskResult::Loaded`] with the decoded
/// pixels, or the decoder's error.
pub fn loaded(
    decoded: Result<crate::io::Decoded, String>,
    name: String,
    source: SourceRef,
    keep: Option<Vec<u8>>,
) -> TaskResult {
    match decoded {
        Ok(crate::io::Decoded { image, metadata }) => TaskResult::Loaded {
            image,
            metadata,
            name,
            source,
            keep,
        },
        Err(e) => TaskResult::Failed(e),
    }
}

/// The name the bundled sample photo opens under.
pub const SAMPLE_NAME: &str = "sample.png";

/// What opening the bundled sample gave, as open `generation`'s result
/// ([`TaskResult::Load`]).
pub fn sample_loaded(generation: u64, decoded: Result<crate::io::Decoded, String>) -> TaskResult {
    TaskResult::Load {
        generation,
        result: Box::new(loaded(decoded, SAMPLE_NAME.into(), SourceRef::Sample, None)),
    }
}

/// The name pasted pixels open under.
pub const PASTED_NAME: &str = "pasted.png";

/// Pasted pixels, as the request that encodes them into the PNG autosave
/// keeps (no metadata), or why they cannot be opened.
pub fn paste_request(
    image: &egui::ColorImage,
) -> Result<crate::export::EncodeRequest, Box<TaskResult>> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(|c| c.to_srgba_unmultiplied())
        .collect();
    let image = lumen_kernels::RgbaImage::from_pixels(w as u32, h as u32, rgba)
        .map_err(|_| Box::new(TaskResult::Failed("the pasted image is too large".into())))?;
    Ok(crate::export::EncodeRequest {
        image: std::sync::Arc::new(image),
        format: crate::io::ExportFormat::Png,
        matte: [255; 3],
        metadata: crate::io::Metadata::default(),
        policy: crate::metadata::MetadataPolicy::Strip,
    })
}

/// What opening pasted pixels gave, once [`paste_request`]'s PNG was
/// encoded (wherever that ran).
pub fn pasted(
    request: crate::export::EncodeRequest,
    png: Result<crate::io::Encoded, String>,
) -> TaskResult {
    match png {
        Ok(png) => TaskResult::Loaded {
            image: std::sync::Arc::unwrap_or_clone(request.image),
            metadata: crate::io::Metadata::default(),
            name: PASTED_NAME.into(),
            source: SourceRef::Stored,
            keep: Some(png.bytes),
        },
        Err(e) => TaskResult::Failed(format!("the pasted image: {e}")),
    }
}

/// Decodes a too-large image and resamples it to the size that fits (a
/// box filter: an area-weighted average, so no detail aliases).
pub fn decode_downscaled(big: TooBig) -> TaskResult {
    let decoded = decode_to_fit(&big.bytes, &big.name, big.fit);
    big.loaded(decoded)
}

impl TooBig {
    /// What opening it gave, once decoded at the size that fits
    /// ([`decode_to_fit`], wherever that ran).
    pub fn loaded(self, decoded: Result<crate::io::Decoded, String>) -> TaskResult {
        let TooBig {
            name,
            bytes,
            source,
            keep,
            ..
        } = self;
        loaded(decoded, name, source, keep.then_some(bytes))
    }
}

/// Decodes `bytes` (a file called `name`) and resamples the pixels to
/// `fit` (a box filter), the metadata kept.
pub fn decode_to_fit(
    bytes: &[u8],
    name: &str,
    fit: (u32, u32),
) -> Result<crate::io::Decoded, String> {
    use lumen_kernels::spec::{ResizeMethod, ResizeParams};
    let resize = lumen_kernels::FilterSpec::Resize(ResizeParams {
        width: fit.0,
        height: fit.1,
        method: ResizeMethod::Box,
        linear_light: false,
        ..Default::default()
    });
    let full = crate::io::decode_photo(bytes, name).map_err(|e| e.to_string())?;
    let image = resize
        .apply(&full.image)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(crate::io::Decoded {
        image,
        metadata: full.metadata,
    })
}

/// A handle for tasks to report through.
#[derive(Clone)]
pub struct Tasks {
    tx: Sender<TaskResult>,
    ctx: egui::Context,
}

impl Tasks {
    /// A handle sending to `tx` and waking `ctx`.
    pub fn new(tx: Sender<TaskResult>, ctx: egui::Context) -> Self {
        Self { tx, ctx }
    }

    /// Asks for a frame soon without reporting anything (a background
    /// thread changed state the UI polls, such as autosave's health).
    pub fn wake(&self) {
        self.ctx.request_repaint();
    }

    /// Reports a result (exactly one per started task).
    pub fn send(&self, result: TaskResult) {
        self.tx.send(result).ok();
        self.ctx.request_repaint();
    }
}

/// Reads a `.cube` file's text (at most
/// [`MAX_CUBE_FILE_BYTES`](crate::dialogs::MAX_CUBE_FILE_BYTES)) into a
/// table for step `step`; errors name the file and the line.
pub fn cube_task(bytes: &[u8], name: String, step: usize) -> TaskResult {
    let limit = crate::dialogs::MAX_CUBE_FILE_BYTES;
    if bytes.len() as u64 > limit {
        return TaskResult::Failed(format!(
            "{name}: {} MB is larger than a .cube file Lumen reads ({} MB)",
            bytes.len() >> 20,
            limit >> 20
        ));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return TaskResult::Failed(format!("{name}: not a text file (.cube files are text)"));
    };
    match lumen_kernels::ops::cube::CubeLut::parse_cube(text) {
        Ok(lut) => TaskResult::CubeLoaded {
            step,
            name,
            lut: Box::new(lut),
        },
        Err(e) => TaskResult::Failed(format!("{name}: {e}")),
    }
}
