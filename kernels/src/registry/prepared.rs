//! [`PreparedStep`]: one step, checked and prepared once, rendered band by
//! band; optionally followed by a blend with its input through a
//! [`WeightMap`] (the stage masks use).

use std::ops::Range;
use std::sync::Arc;

use super::{Family, Filter, Layout, PointStage, halo_rows};
use crate::error::{KernelError, Result};
use crate::filter::Split;
use crate::image::{CHANNELS, SourceBand, checked_byte_len};
use crate::ops::fused::FusedPoint;

/// The weight that keeps the filtered value whole.
pub const WEIGHT_ONE: u32 = 1 << 16;

/// A per-pixel weight in `0..=WEIGHT_ONE`, computed from absolute
/// coordinates and the step's input pixel there (for masks by tone or
/// colour), so that any band gives the same weights for its rows.
pub trait WeightMap: Send + Sync + std::fmt::Debug {
    /// Writes the weights of row `y` of a `width` x `height` image into
    /// `out` (`width` entries); `input` is that row of the step's input
    /// (straight RGBA, `width * 4` bytes).
    fn row_weights(&self, y: u32, width: u32, height: u32, input: &[u8], out: &mut [u32]);
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

/// A fused run of point steps: one pass, rounded once.
struct Fused(FusedPoint);

impl Render for Fused {
    fn source_rows(&self, _width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        halo_rows(0, height, out_rows)
    }

    fn render(&self, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        let len = dst.len();
        self.0.apply(super::point_rows(src, &out_rows, len), dst);
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
    /// The filter as a per-pixel function, if it is one.
    point: Option<PointStage>,
    /// How many recipe steps this step renders (more than 1 when fused).
    steps: usize,
}

impl std::fmt::Debug for PreparedStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedStep")
            .field("name", &self.name)
            .field("in_size", &self.in_size)
            .field("out_size", &self.out_size)
            .field("split", &self.split)
            .field("blend", &self.blend)
            .field("steps", &self.steps)
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
        let point = F::point_stage(&prepared);
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
            point,
            steps: 1,
        })
    }

    /// Whether this step may be fused with neighbouring point steps
    /// ([`PreparedStep::fuse`]): its filter is a per-pixel function
    /// ([`Filter::point_stage`]), it keeps the size, and it has **no blend
    /// stage** (a masked step is rendered on its own, so the mask blends
    /// exactly this step's input and output). This is the one place that
    /// decides fusion.
    pub fn fusable(&self) -> bool {
        self.point.is_some() && self.blend.is_none() && self.in_size == self.out_size
    }

    /// One step that renders `steps` (consecutive point steps of one size,
    /// each [`PreparedStep::fusable`]) in a single pass: every value is
    /// carried unrounded from one stage to the next (clamped to the level
    /// range, as 8-bit steps would be) and rounded once at the end. Runs of
    /// tone curves (levels, curves, exposure, gamma, ...) compose into one
    /// table per channel; colour stages run in `f32`. A single step is
    /// returned as it is. Refused, with an error naming the step, if a step
    /// is not fusable or the sizes differ.
    pub fn fuse(mut steps: Vec<PreparedStep>) -> Result<Self> {
        if steps.len() == 1
            && let Some(only) = steps.pop()
        {
            return Ok(only);
        }
        let Some(first) = steps.first() else {
            return Err(KernelError::Recipe("no steps to fuse".into()));
        };
        let size = first.in_size;
        let mut stages = Vec::with_capacity(steps.len());
        for step in &steps {
            match (&step.point, step.fusable() && step.in_size == size) {
                (Some(stage), true) => stages.push(stage.clone()),
                _ => {
                    return Err(KernelError::Param {
                        filter: step.name,
                        param: "fusion",
                        problem: "this step cannot be fused with its neighbours".into(),
                    });
                }
            }
        }
        Ok(Self {
            name: "fused point steps",
            family: Family::Adjust,
            in_size: size,
            out_size: size,
            split: Split::Rows { halo_px: 0 },
            render: Box::new(Fused(FusedPoint::new(&stages))),
            blend: None,
            point: None,
            steps: steps.iter().map(|s| s.steps).sum(),
        })
    }

    /// How many recipe steps this step renders: 1, or the length of a
    /// fused run.
    pub fn step_count(&self) -> usize {
        self.steps
    }

    /// Whether rows can be rendered in place
    /// ([`PreparedStep::render_in_place`]): output row `y` needs source row
    /// `y` alone and the size is kept (per-pixel filters, fused runs).
    pub fn in_place(&self) -> bool {
        self.split == Split::Rows { halo_px: 0 } && self.in_size == self.out_size
    }

    /// Renders rows `rows` of the step in place: `buf` holds exactly those
    /// source rows and receives the output rows. Each chunk of rows is
    /// copied to a small scratch buffer (kept in cache) and rendered from
    /// there back into `buf`, so no second frame is needed. The result is
    /// byte for byte that of [`PreparedStep::render_rows`]. Refused if the
    /// step cannot render in place ([`PreparedStep::in_place`]) or the
    /// sizes do not match.
    pub fn render_in_place(&self, rows: Range<u32>, buf: &mut [u8]) -> Result<()> {
        /// Bytes of source rows copied at a time (at least one row).
        const CHUNK_BYTES: usize = 32 << 10;
        if !self.in_place() {
            return Err(KernelError::Param {
                filter: self.name,
                param: "in place",
                problem: "this step cannot render in place".into(),
            });
        }
        let (w, h) = self.in_size;
        let stride = w as usize * CHANNELS;
        if rows.start > rows.end || rows.end > h || buf.len() != rows.len() * stride {
            return Err(KernelError::BufferSize {
                width: w,
                height: rows.end.saturating_sub(rows.start),
                expected: rows.len() * stride,
                actual: buf.len(),
            });
        }
        let per_chunk = (CHUNK_BYTES / stride).max(1);
        let mut scratch = vec![0_u8; per_chunk.min(rows.len()) * stride];
        for (i, out) in buf.chunks_mut(per_chunk * stride).enumerate() {
            let y0 = rows.start + (i * per_chunk) as u32;
            let n = (out.len() / stride) as u32;
            let src = &mut scratch[..out.len()];
            src.copy_from_slice(out);
            let band = SourceBand {
                width: w,
                height: h,
                y0,
                pixels: src,
            };
            self.render_rows(&band, y0..y0 + n, out)?;
        }
        Ok(())
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
        let input = src.row(y);
        weights.row_weights(y, src.width, src.height, input, &mut w);
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
