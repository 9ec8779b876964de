//! The one error type of the kernels crate.

use thiserror::Error;

/// Everything that can go wrong when building an image or running a filter.
///
/// Kernels never panic on user input: bad sizes, bad parameters and bad
/// recipes all end up here with a message that names what was wrong.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum KernelError {
    /// The pixel buffer does not match the stated dimensions.
    #[error("buffer is {actual} bytes, expected {expected} for {width}x{height} RGBA")]
    BufferSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Bytes the dimensions call for.
        expected: usize,
        /// Bytes the buffer has.
        actual: usize,
    },
    /// The image is empty or larger than Lumen accepts.
    #[error("image size {width}x{height} is not allowed: {reason}")]
    Dimensions {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
        /// Why the size was refused.
        reason: &'static str,
    },
    /// A filter parameter is out of its range or not a finite number.
    #[error("{filter}: parameter `{param}` {problem}")]
    Param {
        /// The filter's stable name.
        filter: &'static str,
        /// The parameter's name.
        param: &'static str,
        /// What is wrong with it, e.g. "must be finite, got NaN".
        problem: String,
    },
    /// A row band handed to a filter does not cover the rows it needs.
    #[error(
        "band covers source rows {have_start}..{have_end}, filter needs {need_start}..{need_end}"
    )]
    Band {
        /// First source row the band holds.
        have_start: u32,
        /// One past the last source row the band holds.
        have_end: u32,
        /// First source row the filter needs.
        need_start: u32,
        /// One past the last source row the filter needs.
        need_end: u32,
    },
    /// A recipe file could not be read.
    #[error("recipe: {0}")]
    Recipe(String),
}

/// Result type of the kernels crate.
pub type Result<T, E = KernelError> = std::result::Result<T, E>;
