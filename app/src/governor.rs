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
//! The budget is three quarters of the memory the OS reports available
//! (Linux `MemAvailable`; 8 GiB where that cannot be read), and on wasm32
//! 3 GiB: the page's whole heap lives in a 4 GiB address space that also
//! holds the app, and browsers refuse to grow it much further.

use std::io::Cursor;

use lumen_kernels::FilterSpec;

/// Bytes per pixel while decoding (an RGB buffer converted into RGBA).
pub const DECODE_BYTES_PER_PX: u64 = 7;

/// Bytes per source pixel to open and edit an image: source, one render
/// result and one texture copy (4 bytes each), plus the decoder's buffer.
pub const EDIT_BYTES_PER_PX: u64 = 4 * 3 + DECODE_BYTES_PER_PX;

/// The memory budget on wasm32, bytes.
pub const WASM_BUDGET_BYTES: u64 = 3 << 30;

/// The budget where the OS does not say how much memory is available.
pub const FALLBACK_BUDGET_BYTES: u64 = 8 << 30;

/// The memory Lumen allows itself on this machine, in bytes.
pub fn default_budget() -> u64 {
    if cfg!(target_arch = "wasm32") {
        return WASM_BUDGET_BYTES;
    }
    available_bytes().map_or(FALLBACK_BUDGET_BYTES, |a| a / 4 * 3)
}

/// `MemAvailable` from `/proc/meminfo` (Linux), in bytes.
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

/// The image's size from its header alone, without decoding it; `None`
/// when the header cannot be read (decoding will then report why).
pub fn probe_size(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .or_else(|| crate::io::probe_size(bytes))
}

/// Memory to open and edit a `width` x `height` image, bytes.
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
}

/// Decides whether a `width` x `height` image fits `budget` bytes.
pub fn plan_open(width: u32, height: u32, budget: u64) -> OpenPlan {
    let needed = open_estimate(width, height);
    if needed <= budget {
        return OpenPlan::Fits;
    }
    // Scale both sides by sqrt(budget / needed), rounding down, so the
    // estimate of the result fits.
    let scale = (budget as f64 / needed as f64).sqrt();
    let mut w = ((f64::from(width) * scale).floor() as u32).max(1);
    let mut h = ((f64::from(height) * scale).floor() as u32).max(1);
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

/// Memory for a full-resolution render of `chain` on a `width` x `height`
/// source, bytes; the error names the step whose output size is invalid.
pub fn chain_estimate(width: u32, height: u32, chain: &[FilterSpec]) -> Result<u64, String> {
    let px = |w: u32, h: u32| u64::from(w) * u64::from(h) * 4;
    let mut total = px(width, height);
    let (mut w, mut h) = (width, height);
    for (i, spec) in chain.iter().enumerate() {
        (w, h) = spec
            .output_size(w, h)
            .map_err(|e| format!("step {} ({}): {e}", i + 1, spec.label()))?;
        total += px(w, h);
    }
    Ok(total + px(w, h))
}

/// Checks a full-resolution render against `budget`; the error says how
/// much it needs and which step makes the largest image.
pub fn check_chain(
    width: u32,
    height: u32,
    chain: &[FilterSpec],
    budget: u64,
) -> Result<(), String> {
    let needed = chain_estimate(width, height, chain)?;
    if needed <= budget {
        return Ok(());
    }
    let mut biggest = (0u64, 0usize, (width, height));
    let (mut w, mut h) = (width, height);
    for (i, spec) in chain.iter().enumerate() {
        (w, h) = spec.output_size(w, h).map_err(|e| e.to_string())?;
        let n = u64::from(w) * u64::from(h);
        if n > biggest.0 {
            biggest = (n, i, (w, h));
        }
    }
    let hint = chain.get(biggest.1).map_or(String::new(), |s| {
        format!(
            "; the largest image is step {} ({}) at {}x{}",
            biggest.1 + 1,
            s.label(),
            biggest.2.0,
            biggest.2.1
        )
    });
    Err(format!(
        "the full-resolution render needs about {}, more than the {} Lumen may use here{hint}",
        human_bytes(needed),
        human_bytes(budget)
    ))
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
        let budget = 100 << 20;
        let OpenPlan::Downscale {
            width,
            height,
            needed,
        } = plan_open(8000, 6000, budget)
        else {
            panic!("48 MP needs more than 100 MiB");
        };
        assert_eq!(needed, open_estimate(8000, 6000));
        assert!(open_estimate(width, height) <= budget);
        // Not needlessly small: within 2% of the budget, aspect kept.
        assert!(open_estimate(width, height) as f64 > budget as f64 * 0.98);
        let aspect = f64::from(width) / f64::from(height);
        assert!((aspect - 8000.0 / 6000.0).abs() < 0.01, "aspect {aspect}");
    }

    #[test]
    fn a_recipe_that_upsizes_past_the_budget_is_refused_naming_the_step() {
        let up = FilterSpec::Resize(ResizeParams {
            width: 20_000,
            height: 20_000,
            ..ResizeParams::default()
        });
        let invert = FilterSpec::from_name("invert").unwrap();
        let err = check_chain(1000, 1000, &[invert.clone(), up], 1 << 30).unwrap_err();
        assert!(err.contains("step 2 (Resize) at 20000x20000"), "{err}");
        assert!(check_chain(1000, 1000, &[invert], 1 << 30).is_ok());
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
