//! How a [`FilterSpec`] runs: its output size, the source rows each band of
//! output rows needs, and rendering through a
//! [`PreparedStep`](crate::registry::PreparedStep).
//!
//! Every filter renders *output rows* `a..b` from a [`SourceBand`] that holds
//! at least the source rows [`FilterSpec::source_rows`] names. That one
//! contract lets the tile scheduler split any filter into row bands: per-pixel
//! ops need the same rows, neighbourhood ops the rows plus a halo, geometry
//! ops a mapped range (a vertical flip mirrors it, a resize scales it, a
//! quarter turn needs every row). Each filter declares its
//! [`Layout`] in the registry ([`crate::registry`]).

use std::ops::Range;

use crate::error::Result;
use crate::image::{RgbaImage, SourceBand, checked_byte_len};
use crate::registry::{Layout, halo_rows};
use crate::spec::FilterSpec;

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

impl FilterSpec {
    /// How this filter splits into row bands.
    pub fn split(&self) -> Split {
        match self.layout() {
            Layout::Rows { halo_px } => Split::Rows { halo_px },
            Layout::Mapped(_) => Split::Mapped,
            Layout::Whole(_) => Split::Whole,
        }
    }

    /// The output size for a `width` x `height` source.
    pub fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        checked_byte_len(width, height)?;
        match self.layout() {
            Layout::Rows { .. } => Ok((width, height)),
            Layout::Mapped(g) | Layout::Whole(g) => g.output_size(width, height),
        }
    }

    /// The source rows needed to render output rows `out_rows` of a
    /// `width` x `height` source.
    pub fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        if out_rows.is_empty() {
            return 0..0;
        }
        match self.layout() {
            Layout::Rows { halo_px } => halo_rows(halo_px, height, out_rows),
            Layout::Mapped(g) => g.source_rows(width, height, out_rows),
            Layout::Whole(_) => 0..height,
        }
    }

    /// Renders output rows `out_rows` into `dst` (exactly those rows, tightly
    /// packed) from `src`, which must hold the rows [`Self::source_rows`]
    /// names. Checks parameters and sizes first; never panics on bad input.
    /// Prepares the filter for this one call: renderers of many bands
    /// prepare once ([`FilterSpec::prepare`]) and share the result.
    pub fn render_rows(
        &self,
        src: &SourceBand<'_>,
        out_rows: Range<u32>,
        dst: &mut [u8],
    ) -> Result<()> {
        self.prepare(src.width, src.height)?
            .render_rows(src, out_rows, dst)
    }

    /// Runs the filter on a whole image, on the calling thread.
    pub fn apply(&self, src: &RgbaImage) -> Result<RgbaImage> {
        let step = self.prepare(src.width(), src.height())?;
        let (w, h) = step.output_size();
        let mut out = RgbaImage::new(w, h)?;
        step.render_rows(&src.as_band(), 0..h, out.pixels_mut())?;
        Ok(out)
    }
}
