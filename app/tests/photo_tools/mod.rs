//! Shared by the photo tests: the independent reference tools (littleCMS's
//! `tificc`, ImageMagick, exiftool, libavif's and libjxl's command-line
//! tools, all installed by `scripts/setup.sh`), a photo-like test picture,
//! and pixel comparisons.
//!
//! A missing tool fails the test under CI (`CI` set) and skips it visibly
//! otherwise ("skipped: ..." on stderr), for a machine without the setup.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Each test binary uses a subset.

use std::path::{Path, PathBuf};
use std::process::Command;

use lumen_kernels::RgbaImage;

/// The path of `name` on `PATH` (or an absolute path that exists); `None`
/// after printing why the test is skipped. Panics under CI, where
/// `scripts/setup.sh` must have installed it.
pub fn tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = if name.starts_with('/') {
        Path::new(name).exists().then(|| PathBuf::from(name))
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    };
    if found.is_none() {
        let why =
            format!("{name} is missing (Debian package {package}; scripts/setup.sh installs it)");
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipped: {why}");
    }
    found
}

/// A file installed by a Debian package (a colour profile), like [`tool`].
pub fn file(path: &str, package: &str) -> Option<PathBuf> {
    tool(path, package)
}

/// Runs a command, panicking with its stderr if it fails.
pub fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A photo-like opaque picture: smooth gradients across the gamut, a gray
/// ramp along the bottom rows, and saturated patches.
pub fn photo(w: u32, h: u32) -> RgbaImage {
    let mut px = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let fx = f64::from(x) / f64::from(w - 1);
            let fy = f64::from(y) / f64::from(h - 1);
            let rgb = if y >= h - 4 {
                [fx; 3]
            } else if x < 6 && y < 6 {
                [1.0, 0.1, 0.05]
            } else {
                [fx, fy, 0.5 + 0.45 * (fx * 7.0 + fy * 3.0).sin()]
            };
            for c in rgb {
                px.push((c.clamp(0.0, 1.0) * 255.0).round() as u8);
            }
            px.push(255);
        }
    }
    RgbaImage::from_pixels(w, h, px).unwrap()
}

/// Writes an 8-bit RGB TIFF (optionally with an embedded profile).
pub fn write_tiff(path: &Path, img: &RgbaImage, icc: Option<&[u8]>) {
    use image::ImageEncoder as _;
    let rgb = rgb_of(img);
    let mut bytes = Vec::new();
    let mut enc = image::codecs::tiff::TiffEncoder::new(std::io::Cursor::new(&mut bytes));
    if let Some(icc) = icc {
        enc.set_icc_profile(icc.to_vec()).unwrap();
    }
    enc.write_image(
        &rgb,
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The RGB bytes of an RGBA image.
pub fn rgb_of(img: &RgbaImage) -> Vec<u8> {
    img.pixels()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// Reads any file's pixels with the `image` crate as they are stored: no
/// colour management, no orientation (the "ignore the profile" reading).
pub fn raw_pixels(path: &Path) -> RgbaImage {
    let img = image::ImageReader::open(path)
        .unwrap()
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into_rgba8();
    let (w, h) = img.dimensions();
    RgbaImage::from_pixels(w, h, img.into_raw()).unwrap()
}

/// Mean and largest absolute difference of the RGB channels.
pub fn diff(a: &RgbaImage, b: &RgbaImage) -> (f64, u8) {
    assert_eq!(
        (a.width(), a.height()),
        (b.width(), b.height()),
        "sizes differ"
    );
    let mut sum = 0u64;
    let mut max = 0u8;
    let mut n = 0u64;
    for (p, q) in a.pixels().chunks_exact(4).zip(b.pixels().chunks_exact(4)) {
        for c in 0..3 {
            let d = p[c].abs_diff(q[c]);
            sum += u64::from(d);
            max = max.max(d);
            n += 1;
        }
    }
    (sum as f64 / n as f64, max)
}

/// The difference (levels) that a `share` (0..1) of the RGB channel
/// values are within.
pub fn percentile(a: &RgbaImage, b: &RgbaImage, share: f64) -> u8 {
    let mut d: Vec<u8> = a
        .pixels()
        .chunks_exact(4)
        .zip(b.pixels().chunks_exact(4))
        .flat_map(|(p, q)| (0..3).map(move |c| p[c].abs_diff(q[c])))
        .collect();
    d.sort_unstable();
    let at = ((d.len() as f64 * share).ceil() as usize).clamp(1, d.len()) - 1;
    d[at]
}

/// The `lumen` binary built for these tests.
pub fn lumen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lumen"))
}

/// An empty recipe file in `dir`.
pub fn empty_recipe(dir: &Path) -> PathBuf {
    let p = dir.join("recipe.json");
    std::fs::write(&p, r#"{"lumen_recipe": 1, "steps": []}"#).unwrap();
    p
}
