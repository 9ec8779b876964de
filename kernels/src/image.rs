//! [`RgbaImage`]: the one pixel container every filter reads and writes.

use crate::error::{KernelError, Result};

/// Largest width or height accepted, in pixels.
pub const MAX_SIDE_PX: u32 = 1 << 16;

/// Largest pixel count accepted (256 megapixels, 1 GiB of RGBA).
pub const MAX_PIXELS: u64 = 1 << 28;

/// Bytes per pixel: R, G, B, A.
pub const CHANNELS: usize = 4;

/// An 8-bit RGBA image, straight (not premultiplied) alpha, sRGB encoded,
/// rows top to bottom without padding.
///
/// The fields are private so that `pixels.len() == width * height * 4` always
/// holds; construct with [`RgbaImage::new`] or [`RgbaImage::from_pixels`].
#[derive(Clone, PartialEq, Eq)]
pub struct RgbaImage {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl std::fmt::Debug for RgbaImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RgbaImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// Checks a size against Lumen's limits and returns its byte length.
pub fn checked_byte_len(width: u32, height: u32) -> Result<usize> {
    let err = |reason| KernelError::Dimensions {
        width: u64::from(width),
        height: u64::from(height),
        reason,
    };
    if width == 0 || height == 0 {
        return Err(err("width and height must be at least 1"));
    }
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX {
        return Err(err("a side is longer than 65536 pixels"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(err("more than 268435456 pixels"));
    }
    usize::try_from(pixels * CHANNELS as u64).map_err(|_| err("too large for this platform"))
}

impl RgbaImage {
    /// A transparent black image of the given size.
    pub fn new(width: u32, height: u32) -> Result<Self> {
        let len = checked_byte_len(width, height)?;
        Ok(Self {
            width,
            height,
            pixels: vec![0; len],
        })
    }

    /// Wraps an existing buffer, checking that its length fits the size.
    pub fn from_pixels(width: u32, height: u32, pixels: Vec<u8>) -> Result<Self> {
        let expected = checked_byte_len(width, height)?;
        if pixels.len() != expected {
            return Err(KernelError::BufferSize {
                width,
                height,
                expected,
                actual: pixels.len(),
            });
        }
        Ok(Self {
            width,
            height,
            pixels,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes in one row (`width * 4`).
    pub fn stride(&self) -> usize {
        self.width as usize * CHANNELS
    }

    /// The pixels, row-major RGBA.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixels, mutable. The length cannot change through a slice.
    pub fn pixels_mut(&mut self) -> &mut [u8] {
        &mut self.pixels
    }

    /// Gives the buffer back.
    pub fn into_pixels(self) -> Vec<u8> {
        self.pixels
    }

    /// One row of pixels; `None` past the last row.
    pub fn row(&self, y: u32) -> Option<&[u8]> {
        let stride = self.stride();
        let start = (y as usize).checked_mul(stride)?;
        self.pixels.get(start..start + stride)
    }

    /// The RGBA value at (x, y); `None` outside the image.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width {
            return None;
        }
        let row = self.row(y)?;
        let i = x as usize * CHANNELS;
        Some([row[i], row[i + 1], row[i + 2], row[i + 3]])
    }

    /// A copy of source rows `rows` as a [`SourceBand`]-ready buffer.
    pub fn rows_copy(&self, rows: std::ops::Range<u32>) -> Vec<u8> {
        let stride = self.stride();
        let start = (rows.start.min(self.height) as usize) * stride;
        let end = (rows.end.min(self.height) as usize) * stride;
        self.pixels[start..end.max(start)].to_vec()
    }

    /// The whole image as a band, for running a filter on it directly.
    pub fn as_band(&self) -> SourceBand<'_> {
        SourceBand {
            width: self.width,
            height: self.height,
            y0: 0,
            pixels: &self.pixels,
        }
    }
}

/// A run of consecutive rows of a source image, with the size of the whole
/// source. Filters read rows by their absolute row index, so the same code
/// runs on the whole image or on a band copied into a web worker.
#[derive(Clone, Copy, Debug)]
pub struct SourceBand<'a> {
    /// Width of the whole source, in pixels (bands always span it).
    pub width: u32,
    /// Height of the whole source, in pixels.
    pub height: u32,
    /// Source row index of the band's first row.
    pub y0: u32,
    /// The band's pixels, `rows * width * 4` bytes.
    pub pixels: &'a [u8],
}

impl<'a> SourceBand<'a> {
    /// Builds a band, checking that it lies inside the source.
    pub fn new(width: u32, height: u32, y0: u32, pixels: &'a [u8]) -> Result<Self> {
        checked_byte_len(width, height)?;
        let stride = width as usize * CHANNELS;
        let rows = pixels.len() / stride;
        if !pixels.len().is_multiple_of(stride) || y0 as usize + rows > height as usize {
            return Err(KernelError::BufferSize {
                width,
                height: height.saturating_sub(y0),
                expected: stride * (height.saturating_sub(y0)) as usize,
                actual: pixels.len(),
            });
        }
        Ok(Self {
            width,
            height,
            y0,
            pixels,
        })
    }

    /// Bytes in one row.
    pub fn stride(&self) -> usize {
        self.width as usize * CHANNELS
    }

    /// Source rows held by this band.
    pub fn rows(&self) -> std::ops::Range<u32> {
        let n = (self.pixels.len() / self.stride().max(1)) as u32;
        self.y0..self.y0 + n
    }

    /// Source row `y` (absolute index). Callers ask only for rows inside
    /// [`SourceBand::rows`]; the dispatcher checks that before any op runs.
    pub fn row(&self, y: u32) -> &[u8] {
        let stride = self.stride();
        let start = (y - self.y0) as usize * stride;
        &self.pixels[start..start + stride]
    }

    /// Source row `y` clamped into `0..height` (edge replication).
    pub fn row_clamped(&self, y: i64) -> &[u8] {
        let y = y.clamp(0, i64::from(self.height) - 1) as u32;
        self.row(y)
    }
}
