//! Helpers shared by the worker's integration tests.

#![allow(dead_code)] // Each test binary uses a different subset.

use lumen_kernels::RgbaImage;

/// A deterministic noisy image (xorshift32), every byte including alpha.
pub fn noise(width: u32, height: u32, seed: u32) -> RgbaImage {
    let mut s = seed.wrapping_mul(2_654_435_761).max(1);
    let pixels = (0..width as usize * height as usize * 4)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s >> 24) as u8
        })
        .collect();
    RgbaImage::from_pixels(width, height, pixels).unwrap()
}
