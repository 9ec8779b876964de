//! The memory governor: estimates the memory an image and a recipe need
//! before any of it is allocated, against a budget for this machine, so
//! that a too-large image is offered downscaled and a too-large recipe is
//! refused with a reason, instead of the editor (or the browser tab) being
//! killed for running out of memory.
//!
//! The estimates count the live copies the editor really keeps:
//!
//! * opening: the decoder's buffer (up to [`DECODE_BYTES_PER_PX`], an RGB
//!   decode converted to RGBA), then the source, a render result and the
//!   texture upload copy: [`EDIT_BYTES_PER_PX`] per source pixel in all;
//! * rendering: the source, the output of *every* step of the full-
//!   resolution job (jobs return each step's image, for the step cache), and
//!   the texture copy of the last.
//!
//! The budget is three quarters of the memory available to this process:
//! the smaller of what the OS reports available (Linux `MemAvailable`) and
//! what its control group leaves it ([`cgroup`]: a container's or a
//! systemd unit's `memory.max`), or 8 GiB where neither can be read. On
//! wasm32 it is 3 GiB: the page's whole heap lives in a 4 GiB address
//! space that also holds the app, and browsers refuse to grow it much
//! further.
//!
//! `lumen apply` runs the same estimates for its own working set
//! ([`apply_estimate`]: decoding, each step's input and output, encoding)
//! and refuses a file or a step that would not fit, naming it; a batch
//! runs only as many files at once as fit together.

use std::io::{BufRead, Cursor, Seek};

use lumen_kernels::FilterSpec;

#[cfg(not(target_arch = "wasm32"))]
pub mod cgroup;

/// Why something would not fit, or could not be estimated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GovernorError {
    /// A step's output size is invalid for its input.
    #[error("step {step} ({label}): {message}")]
    BadStep {
        /// The step's number, from 1.
        step: usize,
        /// The filter's label.
        label: String,
        /// Why.
        message: String,
    },
    /// The full-resolution render would not fit.
    #[error(
        "the full-resolution render needs about {}, more than the {} Lumen may use here{hint}",
        human_bytes(*.needed),
        human_bytes(*.budget)
    )]
    Render {
        /// Bytes needed.
        needed: u64,
        /// The budget, bytes.
        budget: u64,
        /// Which step makes the largest image, if any.
        hint: String,
    },
}

/// Bytes per pixel while decoding (an RGB buffer converted into RGBA).
pub const DECODE_BYTES_PER_PX: u64 = 7;

/// Bytes per source pixel to open and edit an image: source, one render
/// result and one texture copy (4 bytes each), plus the decoder's buffer.
pub const EDIT_BYTES_PER_PX: u64 = 4 * 3 + DECODE_BYTES_PER_PX;

/// The memory budget on wasm32, bytes.
pub const WASM_BUDGET_BYTES: u64 = 3 << 30;

/// The budget where the OS does not say how much memory is available.
pub const FALLBACK_BUDGET_BYTES: u64 = 8 << 30;

/// The memory Lumen allows itself on this machine (or in this
/// container), in bytes.
pub fn default_budget() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        WASM_BUDGET_BYTES
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let cgroup = cgroup::CgroupFs::system().memory_left();
        budget_from(available_bytes(), cgroup)
    }
}

/// Three quarters of the smaller of the two amounts that are known;
/// [`FALLBACK_BUDGET_BYTES`] when neither is.
pub fn budget_from(os_available: Option<u64>, cgroup_left: Option<u64>) -> u64 {
    match (os_available, cgroup_left) {
        (Some(a), Some(c)) => a.min(c) / 4 * 3,
        (Some(x), None) | (None, Some(x)) => x / 4 * 3,
        (None, None) => FALLBACK_BUDGET_BYTES,
    }
}

/// `MemAvailable` from `/proc/meminfo` (Linux), in bytes.
#[cfg(not(target_arch = "wasm32"))]
fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Formats a byte count for people: "1.5 GB", "300 MB".
pub fn human_bytes(bytes: u64) -> String {
    let gb = bytes as f64 / 1e9;
    if gb >= 1.0 {
        format!("{gb:.1} GB")
    } else {
        format!("{:.0} MB", bytes as f64 / 1e6)
    }
}

/// What an image file's header says, read without decoding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Bytes per pixel of the decoder's own buffer (3 for 8-bit RGB, 8
    /// for 16-bit RGBA, ...).
    pub decoder_bytes_per_px: u64,
}

impl Probe {
    /// Pixels.
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Whether its size is within what Lumen decodes at all (beyond it,
    /// decoding refuses the file and says why; nothing to estimate).
    pub fn decodable(&self) -> bool {
        use lumen_kernels::image::{MAX_PIXELS, MAX_SIDE_PX};
        self.width <= MAX_SIDE_PX && self.height <= MAX_SIDE_PX && self.pixels() <= MAX_PIXELS
    }

    /// Memory to decode it: the decoder's buffer, and the 8-bit RGBA
    /// image it is converted into.
    pub fn decode_bytes(&self) -> u64 {
        self.pixels() * (self.decoder_bytes_per_px + 4)
    }

    /// Memory to open and edit it in the editor: decoding, then the
    /// source, one render result and one texture copy (4 bytes each).
    pub fn open_bytes(&self) -> u64 {
        self.decode_bytes() + self.pixels() * 4 * 3
    }
}

/// [`Probe`] from the start of an image file (only its header is read).
pub fn probe_from<R: BufRead + Seek>(reader: R) -> Option<Probe> {
    use image::ImageDecoder as _;
    let decoder = image::ImageReader::new(reader)
        .with_guessed_format()
        .ok()?
        .into_decoder()
        .ok()?;
    let (width, height) = decoder.dimensions();
    Some(Probe {
        width,
        height,
        decoder_bytes_per_px: u64::from(decoder.color_type().bytes_per_pixel()),
    })
}

/// [`Probe`] of an image file held in memory. Formats the image crate
/// cannot read (AVIF, JPEG XL) are probed by [`crate::io::probe_size`],
/// assuming the largest decoder buffer they use (16-bit RGBA).
pub fn probe(bytes: &[u8]) -> Option<Probe> {
    probe_from(Cursor::new(bytes)).or_else(|| {
        crate::io::probe_size(bytes).map(|(width, height)| Probe {
            width,
            height,
            decoder_bytes_per_px: 8,
        })
    })
}

/// The image's size from its header alone, without decoding it; `None`
/// when the header cannot be read (decoding will then report why).
pub fn probe_size(bytes: &[u8]) -> Option<(u32, u32)> {
    probe(bytes).map(|p| (p.width, p.height))
}

/// Memory to open and edit a `width` x `height` 8-bit RGB image, bytes
/// ([`EDIT_BYTES_PER_PX`] a pixel; [`Probe::open_bytes`] knows the
/// decoder's real pixel format).
pub fn open_estimate(width: u32, height: u32) -> u64 {
    u64::from(width) * u64::from(height) * EDIT_BYTES_PER_PX
}

/// What to do with an image of a given size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenPlan {
    /// It fits the budget: open it as it is.
    Fits,
    /// It does not: the largest size with the same aspect that fits.
    Downscale {
        /// Width that fits, pixels.
        width: u32,
        /// Height that fits, pixels.
        height: u32,
        /// Memory the full size would need, bytes.
        needed: u64,
    },
    /// Not even downscaled: it must be decoded at full size first, and
    /// that alone needs more than the budget.
    TooLarge {
        /// Memory decoding it needs, bytes.
        needed: u64,
    },
}

/// Decides whether a `width` x `height` 8-bit RGB image fits `budget`
/// bytes ([`plan_open_probe`] for other pixel formats).
pub fn plan_open(width: u32, height: u32, budget: u64) -> OpenPlan {
    plan_open_probe(
        &Probe {
            width,
            height,
            decoder_bytes_per_px: 3,
        },
        budget,
    )
}

/// Decides whether an image fits `budget` bytes, and if not, whether it
/// can be opened downscaled (it is decoded at full size first).
pub fn plan_open_probe(probe: &Probe, budget: u64) -> OpenPlan {
    let needed = probe.open_bytes();
    if needed <= budget {
        return OpenPlan::Fits;
    }
    if probe.decode_bytes() > budget {
        return OpenPlan::TooLarge {
            needed: probe.decode_bytes(),
        };
    }
    // Scale both sides by sqrt(budget / needed), rounding down, so the
    // estimate of the result fits.
    let scale = (budget as f64 / needed as f64).sqrt();
    let mut w = ((f64::from(probe.width) * scale).floor() as u32).max(1);
    let mut h = ((f64::from(probe.height) * scale).floor() as u32).max(1);
    let shrink = |v: u32| v.saturating_sub((v / 64).max(1)).max(1);
    while open_estimate(w, h) > budget && (w > 1 || h > 1) {
        (w, h) = (shrink(w), shrink(h));
    }
    OpenPlan::Downscale {
        width: w,
        height: h,
        needed,
    }
}

/// The number a person knows step `i` of a chain by: `numbers[i] + 1`
/// (its place in the recipe, disabled steps included) or `i + 1`.
fn step_number(numbers: &[usize], i: usize) -> usize {
    numbers.get(i).copied().unwrap_or(i) + 1
}

/// The output size after each step of `chain`, from `width` x `height`.
fn chain_sizes(
    width: u32,
    height: u32,
    chain: &[FilterSpec],
    numbers: &[usize],
) -> Result<Vec<(u32, u32)>, GovernorError> {
    let (mut w, mut h) = (width, height);
    chain
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            (w, h) = spec.output_size(w, h).map_err(|e| GovernorError::BadStep {
                step: step_number(numbers, i),
                label: spec.label().to_owned(),
                message: e.to_string(),
            })?;
            Ok((w, h))
        })
        .collect()
}

fn rgba_bytes((w, h): (u32, u32)) -> u64 {
    u64::from(w) * u64::from(h) * 4
}

/// Memory for a full-resolution render of `chain` on a `width` x `height`
/// source in the editor, bytes: the source, every step's output (kept for
/// the step cache) and the texture copy of the last. `numbers` gives each
/// step's place in the recipe, for messages (empty: its place in
/// `chain`); the error names the step whose output size is invalid.
pub fn chain_estimate(
    width: u32,
    height: u32,
    chain: &[FilterSpec],
    numbers: &[usize],
) -> Result<u64, GovernorError> {
    let sizes = chain_sizes(width, height, chain, numbers)?;
    let last = sizes.last().copied().unwrap_or((width, height));
    Ok(rgba_bytes((width, height))
        + sizes.into_iter().map(rgba_bytes).sum::<u64>()
        + rgba_bytes(last))
}

/// Checks a full-resolution render against `budget`; the error says how
/// much it needs and which step makes the largest image.
pub fn check_chain(
    width: u32,
    height: u32,
    chain: &[FilterSpec],
    numbers: &[usize],
    budget: u64,
) -> Result<(), GovernorError> {
    let needed = chain_estimate(width, height, chain, numbers)?;
    if needed <= budget {
        return Ok(());
    }
    let sizes = chain_sizes(width, height, chain, numbers)?;
    let biggest = sizes
        .iter()
        .enumerate()
        .max_by_key(|&(i, &(w, h))| (u64::from(w) * u64::from(h), std::cmp::Reverse(i)));
    let hint = match (biggest, biggest.and_then(|(i, _)| chain.get(i))) {
        (Some((i, &(w, h))), Some(spec)) => format!(
            "; the largest image is step {} ({}) at {w}x{h}",
            step_number(numbers, i),
            spec.label()
        ),
        _ => String::new(),
    };
    Err(GovernorError::Render {
        needed,
        budget,
        hint,
    })
}

/// Where `lumen apply` needs the most memory for one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading and decoding the file.
    Decode,
    /// Rendering a step.
    Step {
        /// Its place in the recipe, from 1.
        number: usize,
        /// The filter's label.
        label: String,
        /// Its output size, pixels.
        size: (u32, u32),
    },
    /// Encoding the result.
    Encode,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Decode => write!(f, "decoding it"),
            Self::Step {
                number,
                label,
                size: (w, h),
            } => write!(f, "step {number} ({label}, making a {w}x{h} image)"),
            Self::Encode => write!(f, "encoding the result"),
        }
    }
}

/// The peak memory of `lumen apply` on one file, and where it is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyNeed {
    /// Bytes at the peak.
    pub bytes: u64,
    /// Where the peak is.
    pub stage: Stage,
    /// The step that makes the largest image, when it is larger than the
    /// source (a [`Stage::Step`]).
    pub largest: Option<Stage>,
}

impl std::fmt::Display for ApplyNeed {
    /// "encoding the result (the largest image is made by step 2 (...))".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.largest {
            Some(largest) if *largest != self.stage => {
                write!(f, "{} (after {largest})", self.stage)
            }
            _ => write!(f, "{}", self.stage),
        }
    }
}

/// Bytes per pixel while encoding: the image, and the encoder's output
/// buffer, which may hold up to twice the raw size while it grows.
const ENCODE_BYTES_PER_PX: u64 = 4 + 8;

/// The peak memory of `lumen apply` on one file of `file_bytes` whose
/// header says `probe`, running `chain` one step at a time (each step
/// needs its input and its output): the largest of decoding (the file's
/// bytes and [`Probe::decode_bytes`]), any step, and encoding.
pub fn apply_estimate(
    probe: &Probe,
    file_bytes: u64,
    chain: &[FilterSpec],
    numbers: &[usize],
) -> Result<ApplyNeed, GovernorError> {
    let sizes = chain_sizes(probe.width, probe.height, chain, numbers)?;
    let mut peak = (file_bytes + probe.decode_bytes(), Stage::Decode);
    let mut largest: Option<(u64, Stage)> = None;
    let mut input = (probe.width, probe.height);
    for (i, (&size, spec)) in sizes.iter().zip(chain).enumerate() {
        let stage = Stage::Step {
            number: step_number(numbers, i),
            label: spec.label().to_owned(),
            size,
        };
        let bytes = rgba_bytes(input) + rgba_bytes(size);
        let pixels = u64::from(size.0) * u64::from(size.1);
        if pixels > largest.as_ref().map_or(probe.pixels(), |l| l.0) {
            largest = Some((pixels, stage.clone()));
        }
        if bytes > peak.0 {
            peak = (bytes, stage);
        }
        input = size;
    }
    let encode = u64::from(input.0) * u64::from(input.1) * ENCODE_BYTES_PER_PX;
    if encode > peak.0 {
        peak = (encode, Stage::Encode);
    }
    Ok(ApplyNeed {
        bytes: peak.0,
        stage: peak.1,
        largest: largest.map(|l| l.1),
    })
}

#[cfg(test)]
mod tests {
    use image::ImageEncoder as _;
    use lumen_kernels::spec::ResizeParams;

    use super::*;

    #[test]
    fn a_hundred_megapixels_fits_the_wasm_budget() {
        assert_eq!(plan_open(10_000, 10_000, WASM_BUDGET_BYTES), OpenPlan::Fits);
    }

    #[test]
    fn too_large_images_get_the_largest_size_that_fits() {
        // 48 MP: decoding takes 336 MB, editing 912 MB.
        let budget = 400 << 20;
        let OpenPlan::Downscale {
            width,
            height,
            needed,
        } = plan_open(8000, 6000, budget)
        else {
            panic!("48 MP needs more than 400 MiB to edit");
        };
        assert_eq!(needed, open_estimate(8000, 6000));
        assert!(open_estimate(width, height) <= budget);
        // Not needlessly small: within 2% of the budget, aspect kept.
        assert!(open_estimate(width, height) as f64 > budget as f64 * 0.98);
        let aspect = f64::from(width) / f64::from(height);
        assert!((aspect - 8000.0 / 6000.0).abs() < 0.01, "aspect {aspect}");
    }

    #[test]
    fn an_image_whose_decoding_alone_does_not_fit_is_not_offered_downscaled() {
        // Downscaling decodes at full size first: 48 MP of RGB take 336 MB.
        assert_eq!(
            plan_open(8000, 6000, 300 << 20),
            OpenPlan::TooLarge {
                needed: 8000 * 6000 * 7
            }
        );
        // 16-bit RGBA needs 12 bytes a pixel to decode, not 7.
        let deep = Probe {
            width: 4000,
            height: 4000,
            decoder_bytes_per_px: 8,
        };
        assert_eq!(deep.decode_bytes(), 4000 * 4000 * 12);
        assert!(matches!(
            plan_open_probe(&deep, 150 << 20),
            OpenPlan::TooLarge { .. }
        ));
        assert!(matches!(
            plan_open_probe(&deep, 250 << 20),
            OpenPlan::Downscale { .. }
        ));
    }

    #[test]
    fn apply_estimates_name_the_stage_with_the_peak() {
        let probe = Probe {
            width: 1000,
            height: 1000,
            decoder_bytes_per_px: 3,
        };
        let invert = FilterSpec::from_name("invert").unwrap();
        let need = apply_estimate(&probe, 5000, std::slice::from_ref(&invert), &[]).unwrap();
        assert_eq!(need.stage, Stage::Encode);
        assert_eq!(need.bytes, 1_000_000 * ENCODE_BYTES_PER_PX);
        let up = FilterSpec::Resize(ResizeParams {
            width: 16384,
            height: 16384,
            ..ResizeParams::default()
        });
        let need = apply_estimate(&probe, 5000, &[invert, up], &[0, 2]).unwrap();
        assert_eq!(need.bytes, 16384 * 16384 * ENCODE_BYTES_PER_PX);
        assert_eq!(
            need.to_string(),
            "encoding the result (after step 3 (Resize, making a 16384x16384 image))"
        );
        let down = FilterSpec::Resize(ResizeParams {
            width: 10,
            height: 10,
            ..ResizeParams::default()
        });
        let big = Probe {
            width: 16000,
            height: 16000,
            decoder_bytes_per_px: 4,
        };
        let need = apply_estimate(&big, 7, std::slice::from_ref(&down), &[]).unwrap();
        assert_eq!(
            (need.stage, need.bytes),
            (Stage::Decode, 7 + 16000 * 16000 * 8)
        );
        assert_eq!(need.largest, None, "nothing is larger than the source");
    }

    #[test]
    fn the_budget_is_the_tighter_of_the_os_and_the_cgroup() {
        assert_eq!(budget_from(Some(8 << 30), Some(1 << 30)), 3 << 28);
        assert_eq!(budget_from(Some(1 << 30), None), 3 << 28);
        assert_eq!(budget_from(None, Some(4 << 30)), 3 << 30);
        assert_eq!(budget_from(None, None), FALLBACK_BUDGET_BYTES);
    }

    #[test]
    fn a_recipe_that_upsizes_past_the_budget_is_refused_naming_the_step() {
        let up = FilterSpec::Resize(ResizeParams {
            width: 20_000,
            height: 20_000,
            ..ResizeParams::default()
        });
        let invert = FilterSpec::from_name("invert").unwrap();
        let chain = [invert.clone(), up];
        let err = check_chain(1000, 1000, &chain, &[], 1 << 30).unwrap_err();
        let err = err.to_string();
        assert!(err.contains("step 2 (Resize) at 20000x20000"), "{err}");
        // Numbered by their place in the recipe (a disabled step before).
        let err = check_chain(1000, 1000, &chain, &[1, 3], 1 << 30).unwrap_err();
        assert!(err.to_string().contains("step 4 (Resize)"), "{err}");
        assert!(check_chain(1000, 1000, &[invert], &[], 1 << 30).is_ok());
    }

    #[test]
    fn sizes_are_read_from_headers_without_decoding() {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&[0u8; 4 * 6], 3, 2, image::ExtendedColorType::Rgba8)
            .unwrap();
        assert_eq!(probe_size(&png), Some((3, 2)));
        assert_eq!(probe_size(b"not an image"), None);
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(1_500_000_000), "1.5 GB");
        assert_eq!(human_bytes(300_000_000), "300 MB");
    }
}
