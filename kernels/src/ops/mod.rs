//! The filters, one file per family. Each op writes into a caller-owned
//! output and never allocates a full-size image of its own in the hot path.

pub mod adjust;
pub mod blur;
mod blur_direct;
pub mod box_motion;
pub mod canvas;
pub mod clarity;
pub mod color;
pub mod convolve;
pub mod cube;
pub mod curve;
pub mod dehaze;
pub mod denoise;
pub mod edges;
pub mod fused;
pub mod geometry;
pub mod hsl_mixer;
pub mod local_mean;
pub mod local_tone;
pub mod lut3d;
pub mod median;
pub mod resize;
pub mod rotate_free;
pub mod shadows_highlights;
pub mod simd;
pub mod stylize;
pub mod support;
pub mod tone;
pub mod tone_matrix;
