//! Prints, as JSON, the FNV-1a hash of every filter case (a step, with or
//! without a mask) in a cases file (`tests/web/parity_cases.json`)
//! applied to the shared test image, so the
//! browser tests can check that web workers produce the same pixels as
//! native code.
//!
//! Usage: `cargo run -p lumen_worker --example parity_hashes -- CASES.json WIDTH HEIGHT`

use lumen_kernels::{RenderStep, RgbaImage};

/// The test image both sides generate: xorshift32 from seed 0x9E3779B9,
/// one byte (the low 8 bits) per step.
fn test_image(w: u32, h: u32) -> Result<RgbaImage, String> {
    let mut state: u32 = 0x9E37_79B9;
    let mut px = Vec::with_capacity(w as usize * h as usize * 4);
    for _ in 0..w as usize * h as usize * 4 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        px.push(state as u8);
    }
    RgbaImage::from_pixels(w, h, px).map_err(|e| e.to_string())
}

/// FNV-1a, 32 bits.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cases, w, h] = args.as_slice() else {
        return Err("usage: parity_hashes CASES.json WIDTH HEIGHT".into());
    };
    let w: u32 = w.parse().map_err(|_| format!("bad width {w:?}"))?;
    let h: u32 = h.parse().map_err(|_| format!("bad height {h:?}"))?;
    let text = std::fs::read_to_string(cases).map_err(|e| format!("{cases}: {e}"))?;
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let img = test_image(w, h)?;
    let mut out = Vec::new();
    for case in cases {
        let step: RenderStep =
            serde_json::from_value(case.clone()).map_err(|e| format!("{case}: {e}"))?;
        let result = step.apply(&img).map_err(|e| format!("{case}: {e}"))?;
        out.push(serde_json::json!({
            "case": case,
            "width": result.width(),
            "height": result.height(),
            "hash": fnv1a(result.pixels()),
        }));
    }
    Ok(serde_json::Value::Array(out).to_string())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(json) => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            if writeln!(stdout, "{json}").is_err() {
                return std::process::ExitCode::FAILURE;
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parity_hashes: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
