//! The filters, one file per family. Each op writes into a caller-owned
//! output and never allocates a full-size image of its own in the hot path.

pub mod adjust;
pub mod blur;
pub mod color;
pub mod geometry;
pub mod resize;
pub mod simd;
