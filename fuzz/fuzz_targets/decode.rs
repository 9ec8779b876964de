//! Fuzzes decoding, exactly as the editor and the CLI open files
//! (`app/src/io.rs` with its colour and metadata modules, compiled in
//! directly), under small limits so that
//! each run stays fast. Any panic (even one `decode` would catch: libFuzzer
//! aborts first) or any broken promise below is a crash.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../app/src/io.rs"]
#[allow(dead_code, unused_imports)]
mod io;

// The loader's own dependencies inside the app, at the same crate paths.
#[path = "../../app/src/color.rs"]
#[allow(dead_code)]
mod color;
#[path = "../../app/src/metadata.rs"]
#[allow(dead_code)]
mod metadata;

const LIMITS: io::DecodeLimits = io::DecodeLimits {
    max_side_px: 2048,
    max_pixels: 1 << 20,
    max_alloc_bytes: 64 << 20,
};

fuzz_target!(|data: &[u8]| {
    match io::decode_with_limits(data, "fuzz.img", LIMITS) {
        Ok(img) => {
            // The limits hold, and what opened survives a PNG round trip.
            let (w, h) = (img.width(), img.height());
            assert!(w >= 1 && h >= 1 && w <= LIMITS.max_side_px && h <= LIMITS.max_side_px);
            assert!(u64::from(w) * u64::from(h) <= LIMITS.max_pixels);
            let png = io::encode(&img, io::ExportFormat::Png).expect("encoding a decoded image");
            let back = io::decode_with_limits(&png, "again.png", LIMITS).expect("reading our PNG");
            assert!(back == img, "PNG round trip changed the pixels");
        }
        Err(e) => {
            // Every failure names the file.
            let message = e.to_string();
            assert!(message.contains("fuzz.img"), "{message}");
        }
    }
});
