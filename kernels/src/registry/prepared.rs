//! [`PreparedStep`]: one step, checked and prepared once, rendered band by
//! band; optionally followed by a blend with its input through a
//! [`WeightMap`] (the stage masks use).

use std::ops::Range;
use std::sync::Arc;

use super::{Family, Filter, Layout, halo_rows};
use crate::error::{KernelError, Result};
use crate::filter::Split;
use crate::image::{CHANNELS, SourceBand, checked_byte_len};

/// The weight that keeps the filtered value whole.
pub const WEIGHT_ONE: u32 = 1 << 16;

/// A per-pixel weight in `0..=WEIGHT_ONE`, computed from absolute
/// coordinates so that any band gives the same weights for its rows.
pub trait WeightMap: Send + Sync + std::fmt::Debug {
    /// Writes the weights of row `y` of a `width` x `height` image into
    /// `out` (`width` entries).
    fn row_weights(&self, y: u32, width: u32, height: u32, out: &mut [u32]);
}

/// The part of a prepared step that knows its filter's type.
trait Render: Send + Sync {
    fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32>;
    fn render(&self, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]);
}

struct Prepared<F: Filter> {
    filter: F,
    prepared: F::Prepared,
}

impl<F: Filter> Render for Prepared<F> {
    fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        match self.filter.layout() {
            Layout::Rows { halo_px } => halo_rows(halo_px, height, out_rows),
            Layout::Mapped(g) => g.source_rows(width, height, out_rows),
            Layout::Whole(_) => 0..height,
        }
    }

    fn render(&self, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        F::render(&self.prepared, src, out_rows, dst);
    }
}

/// A step ready to render: parameters checked, sizes known, plans built
/// once. Shared by every band of the step (`Sync`).
pub struct PreparedStep {
    name: &'static str,
    family: Family,
    in_size: (u32, u32),
    out_size: (u32, u32),
    split: Split,
    render: Box<dyn Render>,
    blend: Option<Arc<dyn WeightMap>>,
}

impl std::fmt::Debug for PreparedStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedStep")
            .field("name", &self.name)
            .field("in_size", &self.in_size)
            .field("out_size", &self.out_size)
            .field("split", &self.split)
            .field("blend", &self.blend)
            .finish_non_exhaustive()
    }
}

/// The output size and split of `filter` on a `width` x `height` source.
pub(crate) fn shape_of<F: Filter>(
    filter: &F,
    width: u32,
    height: u32,
) -> Result<((u32, u32), Split)> {
    checked_byte_len(width, height)?;
    let (size, split) = match filter.layout() {
        Layout::Rows { halo_px } => ((width, height), Split::Rows { halo_px }),
        Layout::Mapped(g) => (g.output_size(width, height)?, Split::Mapped),
        Layout::Whole(g) => (g.output_size(width, height)?, Split::Whole),
    };
    checked_byte_len(size.0, size.1)?;
    Ok((size, split))
}

impl PreparedStep {
    /// Checks `filter`'s parameters and prepares it for a `width` x
    /// `height` source.
    pub fn new<F: Filter>(filter: &F, width: u32, height: u32) -> Result<Self> {
        filter.check_params(F::INFO.name)?;
        let (out_size, split) = shape_of(filter, width, height)?;
        let prepared = filter.prepare(width, height)?;
        Ok(Self {
            name: F::INFO.name,
            family: F::INFO.family,
            in_size: (width, height),
            out_size,
            split,
            render: Box::new(Prepared {
                filter: filter.clone(),
                prepared,
            }),
            blend: None,
        })
    }

    /// Follows the filter with a blend: each output pixel becomes
    /// `input + (filtered - input) * weight`. Only for filters that keep
    /// the size and are not geometry; others are refused with an error
    /// naming the filter.
    pub fn with_blend(mut self, weights: Arc<dyn WeightMap>) -> Result<Self> {
        if self.family == Family::Geometry || self.in_size != self.out_size {
            return Err(KernelError::Param {
                filter: self.name,
                param: "mask",
                problem: "cannot be used: this step changes the image's geometry".into(),
            });
        }
        self.blend = Some(weights);
        Ok(self)
    }

    /// The filter's stable name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The source size this step was prepared for.
    pub fn input_size(&self) -> (u32, u32) {
        self.in_size
    }

    /// The output size.
    pub fn output_size(&self) -> (u32, u32) {
        self.out_size
    }

    /// How the step splits into row bands.
    pub fn split(&self) -> Split {
        self.split
    }

    /// The source rows needed for output rows `out_rows` (with a blend, the
    /// same rows of the input too).
    pub fn source_rows(&self, out_rows: Range<u32>) -> Range<u32> {
        if out_rows.is_empty() {
            return 0..0;
        }
        let (w, h) = self.in_size;
        let need = match self.split {
            Split::Whole => 0..h,
            _ => self.render.source_rows(w, h, out_rows.clone()),
        };
        if self.blend.is_some() {
            need.start.min(out_rows.start)..need.end.max(out_rows.end)
        } else {
            need
        }
    }

    /// Renders output rows `out_rows` into `dst` (exactly those rows,
    /// tightly packed) from `src`, which must be a band of the source this
    /// step was prepared for holding [`Self::source_rows`]. Checks sizes
    /// first; never panics on bad input.
    pub fn render_rows(
        &self,
        src: &SourceBand<'_>,
        out_rows: Range<u32>,
        dst: &mut [u8],
    ) -> Result<()> {
        if (src.width, src.height) != self.in_size {
            return Err(KernelError::Dimensions {
                width: u64::from(src.width),
                height: u64::from(src.height),
                reason: "the source is not the size this step was prepared for",
            });
        }
        let (ow, oh) = self.out_size;
        if out_rows.start > out_rows.end || out_rows.end > oh {
            return Err(KernelError::Band {
                have_start: 0,
                have_end: oh,
                need_start: out_rows.start,
                need_end: out_rows.end,
            });
        }
        let expected = out_rows.len() * ow as usize * CHANNELS;
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
        let need = self.source_rows(out_rows.clone());
        let have = src.rows();
        if need.start < have.start || need.end > have.end {
            return Err(KernelError::Band {
                have_start: have.start,
                have_end: have.end,
                need_start: need.start,
                need_end: need.end,
            });
        }
        self.render.render(src, out_rows.clone(), dst);
        if let Some(weights) = &self.blend {
            blend_rows(weights.as_ref(), src, out_rows, dst);
        }
        Ok(())
    }
}

/// `dst = src + (dst - src) * w / WEIGHT_ONE`, rounded, for every channel.
fn blend_rows(weights: &dyn WeightMap, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let width = src.width as usize;
    let stride = width * CHANNELS;
    let mut w = vec![0_u32; width];
    for (y, out) in out_rows.zip(dst.chunks_exact_mut(stride)) {
        weights.row_weights(y, src.width, src.height, &mut w);
        let input = src.row(y);
        for ((o, i), &k) in out
            .chunks_exact_mut(CHANNELS)
            .zip(input.chunks_exact(CHANNELS))
            .zip(&w)
        {
            let k = i64::from(k.min(WEIGHT_ONE));
            for (oc, &ic) in o.iter_mut().zip(i) {
                let d = i64::from(*oc) - i64::from(ic);
                let v = i64::from(ic) + ((d * k + i64::from(WEIGHT_ONE / 2)) >> 16);
                *oc = v.clamp(0, 255) as u8;
            }
        }
    }
}
