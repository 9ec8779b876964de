//! How a [`FilterSpec`] runs: its output size, the source rows each band of
//! output rows needs, and the dispatch to the op functions in [`crate::ops`].
//!
//! Every filter renders *output rows* `a..b` from a [`SourceBand`] that holds
//! at least the source rows [`FilterSpec::source_rows`] names. That one
//! contract lets the tile scheduler split any filter into row bands: per-pixel
//! ops need the same rows, neighbourhood ops the rows plus a halo, geometry
//! ops a mapped range (a vertical flip mirrors it, a resize scales it, a
//! quarter turn needs every row).

use std::ops::Range;

use crate::error::{KernelError, Result};
use crate::image::{CHANNELS, RgbaImage, SourceBand, checked_byte_len};
use crate::ops;
use crate::spec::{CropParams, FilterSpec, FlipAxis};

/// How a filter can be split into row bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Output row `y` needs source rows `y - halo_px ..= y + halo_px`
    /// (0 for per-pixel ops).
    Rows {
        /// Rows needed above and below, in pixels.
        halo_px: u32,
    },
    /// Output rows map to a computed source range (flip, crop, resize).
    Mapped,
    /// Every output row may need every source row (quarter-turn rotations).
    Whole,
}

/// Clips a crop rectangle to a `width` x `height` image; `(x, y, w, h)`.
pub fn crop_rect(p: &CropParams, width: u32, height: u32) -> Result<(u32, u32, u32, u32)> {
    if p.x >= width || p.y >= height {
        return Err(KernelError::Param {
            filter: "crop",
            param: "x/y",
            problem: format!(
                "origin ({}, {}) lies outside the {width}x{height} image",
                p.x, p.y
            ),
        });
    }
    let max_w = width - p.x;
    let max_h = height - p.y;
    let w = if p.width == 0 {
        max_w
    } else {
        p.width.min(max_w)
    };
    let h = if p.height == 0 {
        max_h
    } else {
        p.height.min(max_h)
    };
    Ok((p.x, p.y, w, h))
}

fn clamp_range(start: i64, end: i64, height: u32) -> Range<u32> {
    let h = i64::from(height);
    let s = start.clamp(0, h) as u32;
    let e = end.clamp(0, h) as u32;
    s..e.max(s)
}

impl FilterSpec {
    /// How this filter splits into row bands.
    pub fn split(&self) -> Split {
        match self {
            Self::GaussianBlur(p) => Split::Rows {
                halo_px: ops::blur::gaussian_halo_px(p.sigma_px),
            },
            Self::UnsharpMask(p) => Split::Rows {
                halo_px: ops::blur::gaussian_halo_px(p.sigma_px),
            },
            Self::BoxBlur(p) => Split::Rows {
                halo_px: ops::box_motion::box_halo_px(p),
            },
            Self::MotionBlur(p) => Split::Rows {
                halo_px: ops::box_motion::motion_halo_px(p),
            },
            Self::Median(p) => Split::Rows {
                halo_px: ops::median::median_halo_px(p),
            },
            Self::Denoise(p) => Split::Rows {
                halo_px: ops::denoise::denoise_halo_px(p),
            },
            Self::Sobel(_) | Self::Emboss(_) => Split::Rows { halo_px: 1 },
            Self::Convolve(p) => Split::Rows {
                halo_px: ops::convolve::convolve_halo_px(p),
            },
            Self::Rotate(p) if p.quarter_turns % 2 == 1 => Split::Whole,
            Self::Rotate(_)
            | Self::Flip(_)
            | Self::Crop(_)
            | Self::Resize(_)
            | Self::RotateAngle(_)
            | Self::CanvasSize(_)
            | Self::Pixelate(_) => Split::Mapped,
            _ => Split::Rows { halo_px: 0 },
        }
    }

    /// The output size for a `width` x `height` source.
    pub fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        checked_byte_len(width, height)?;
        Ok(match self {
            Self::Rotate(p) if p.quarter_turns % 2 == 1 => (height, width),
            Self::Crop(p) => {
                let (_, _, w, h) = crop_rect(p, width, height)?;
                (w, h)
            }
            Self::Resize(p) => (p.width, p.height),
            Self::RotateAngle(p) => ops::rotate_free::RotateGeometry::new(p, width, height)?.out,
            Self::CanvasSize(p) => {
                checked_byte_len(p.width, p.height)?;
                (p.width, p.height)
            }
            _ => (width, height),
        })
    }

    /// The source rows needed to render output rows `out_rows` of a
    /// `width` x `height` source.
    pub fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        if out_rows.is_empty() {
            return 0..0;
        }
        let (a, b) = (i64::from(out_rows.start), i64::from(out_rows.end));
        match self {
            Self::Rotate(p) => match p.quarter_turns % 4 {
                0 => clamp_range(a, b, height),
                2 => clamp_range(i64::from(height) - b, i64::from(height) - a, height),
                _ => 0..height,
            },
            Self::Flip(p) if p.axis == FlipAxis::Vertical => {
                clamp_range(i64::from(height) - b, i64::from(height) - a, height)
            }
            Self::Crop(p) => match crop_rect(p, width, height) {
                Ok((_, y, _, _)) => clamp_range(a + i64::from(y), b + i64::from(y), height),
                Err(_) => 0..0,
            },
            Self::Resize(p) => ops::resize::resize_source_rows(p, height, out_rows),
            Self::RotateAngle(p) => match ops::rotate_free::RotateGeometry::new(p, width, height) {
                Ok(g) => g.source_rows(out_rows),
                Err(_) => 0..0,
            },
            Self::CanvasSize(p) => ops::canvas::canvas_source_rows(p, width, height, out_rows),
            Self::Pixelate(p) => ops::stylize::pixelate_source_rows(p, height, out_rows),
            _ => match self.split() {
                Split::Rows { halo_px } => {
                    let h = i64::from(halo_px);
                    clamp_range(a - h, b + h, height)
                }
                Split::Mapped | Split::Whole => 0..height,
            },
        }
    }

    /// Renders output rows `out_rows` into `dst` (exactly those rows, tightly
    /// packed) from `src`, which must hold the rows [`Self::source_rows`]
    /// names. Checks parameters and sizes first; never panics on bad input.
    pub fn render_rows(
        &self,
        src: &SourceBand<'_>,
        out_rows: Range<u32>,
        dst: &mut [u8],
    ) -> Result<()> {
        self.validate()?;
        let (ow, oh) = self.output_size(src.width, src.height)?;
        if out_rows.start > out_rows.end || out_rows.end > oh {
            return Err(KernelError::Band {
                have_start: 0,
                have_end: oh,
                need_start: out_rows.start,
                need_end: out_rows.end,
            });
        }
        let expected = (out_rows.end - out_rows.start) as usize * ow as usize * CHANNELS;
        if dst.len() != expected {
            return Err(KernelError::BufferSize {
                width: ow,
                height: out_rows.end - out_rows.start,
                expected,
                actual: dst.len(),
            });
        }
        if out_rows.is_empty() {
            return Ok(());
        }
        let need = self.source_rows(src.width, src.height, out_rows.clone());
        let have = src.rows();
        if need.start < have.start || need.end > have.end {
            return Err(KernelError::Band {
                have_start: have.start,
                have_end: have.end,
                need_start: need.start,
                need_end: need.end,
            });
        }
        let stride = src.stride();
        let point_src = || {
            let start = (out_rows.start - src.y0) as usize * stride;
            &src.pixels[start..start + dst.len()]
        };
        match self {
            Self::Invert(_) => ops::adjust::invert(point_src(), dst),
            Self::Grayscale(_) => ops::color::grayscale(point_src(), dst),
            Self::BrightnessContrast(p) => ops::adjust::brightness_contrast(p, point_src(), dst),
            Self::Exposure(p) => ops::adjust::exposure(p, point_src(), dst),
            Self::Gamma(p) => ops::adjust::gamma(p, point_src(), dst),
            Self::Hsl(p) => ops::color::hsl(p, point_src(), dst),
            Self::Levels(p) => ops::tone::levels(p, point_src(), dst),
            Self::Curves(p) => ops::tone::curves(p, point_src(), dst),
            Self::Vibrance(p) => ops::tone_matrix::vibrance(p, point_src(), dst),
            Self::TemperatureTint(p) => ops::tone::temperature_tint(p, point_src(), dst),
            Self::ChannelMixer(p) => ops::tone_matrix::channel_mixer(p, point_src(), dst),
            Self::BlackWhite(p) => ops::tone_matrix::black_white(p, point_src(), dst),
            Self::Sepia(p) => ops::tone_matrix::sepia(p, point_src(), dst),
            Self::Posterize(p) => ops::tone::posterize(p, point_src(), dst),
            Self::Threshold(p) => ops::tone::threshold(p, point_src(), dst),
            Self::GaussianBlur(p) => ops::blur::gaussian_blur_rows(p, src, out_rows, dst),
            Self::UnsharpMask(p) => ops::blur::unsharp_mask_rows(p, src, out_rows, dst),
            Self::BoxBlur(p) => ops::box_motion::box_blur_rows(p, src, out_rows, dst),
            Self::MotionBlur(p) => ops::box_motion::motion_blur_rows(p, src, out_rows, dst),
            Self::Median(p) => ops::median::median_rows(p, src, out_rows, dst),
            Self::Denoise(p) => ops::denoise::denoise_rows(p, src, out_rows, dst),
            Self::Sobel(p) => ops::edges::sobel_rows(p, src, out_rows, dst),
            Self::Emboss(p) => ops::edges::emboss_rows(p, src, out_rows, dst),
            Self::Convolve(p) => ops::convolve::convolve_rows(p, src, out_rows, dst),
            Self::Rotate(p) => ops::geometry::rotate_rows(p, src, out_rows, dst),
            Self::Flip(p) => ops::geometry::flip_rows(p, src, out_rows, dst),
            Self::Crop(p) => {
                let rect = crop_rect(p, src.width, src.height)?;
                ops::geometry::crop_rows(rect, src, out_rows, dst);
            }
            Self::Resize(p) => ops::resize::resize_rows(p, src, out_rows, dst),
            Self::RotateAngle(p) => {
                let g = ops::rotate_free::RotateGeometry::new(p, src.width, src.height)?;
                ops::rotate_free::rotate_angle_rows(&g, src, out_rows, dst);
            }
            Self::CanvasSize(p) => ops::canvas::canvas_rows(p, src, out_rows, dst),
            Self::Pixelate(p) => ops::stylize::pixelate_rows(p, src, out_rows, dst),
            Self::Vignette(p) => {
                let rows = out_rows.clone();
                ops::stylize::vignette_rows(p, src.width, src.height, rows, point_src(), dst);
            }
            Self::Noise(p) => {
                ops::stylize::noise_rows(p, src.width, out_rows.clone(), point_src(), dst);
            }
        }
        Ok(())
    }

    /// Runs the filter on a whole image, on the calling thread.
    pub fn apply(&self, src: &RgbaImage) -> Result<RgbaImage> {
        let (w, h) = self.output_size(src.width(), src.height())?;
        let mut out = RgbaImage::new(w, h)?;
        self.render_rows(&src.as_band(), 0..h, out.pixels_mut())?;
        Ok(out)
    }
}
