//! `clarity`: local contrast. Each pixel's luma is pushed away from (or,
//! with a negative amount, toward) the average luma around it, most in the
//! mid-tones, so texture and structure gain depth without clipping blacks
//! and whites.

use std::ops::Range;

use super::local_mean::{LocalMean, MAX_LOCAL_RADIUS_PX, alpha_plane, luma_plane};
use crate::error::Result;
use crate::image::{CHANNELS, SourceBand};
use crate::params;
use crate::registry::{Family, Filter, FilterInfo, Layout, ParamInfo};

/// Fixed-point bits of the mid-tone weights.
const WEIGHT_BITS: u32 = 12;

params! {
    /// `clarity`: local contrast.
    ///
    /// With `Y` the Rec. 709 luma of the encoded values (0..=255), `M` its
    /// local average (three box blurs of radius `radius_px` per axis,
    /// weighted by alpha, as in `shadows_highlights`), and
    /// `w = 4 (Y / 255) (1 - Y / 255)` (1 in the mid-tones, 0 at black and
    /// white), each of R, G and B gets `amount * w * (Y - M)` added. Alpha is
    /// kept; fully transparent pixels are left as they are.
    #[derive(Copy)]
    pub struct ClarityParams {
        /// Strength (-1..=1): 1 doubles local contrast in the mid-tones,
        /// negative values soften it. 0 leaves the image unchanged.
        pub amount: f32 = 0.5 => ParamInfo::float("Amount", -1.0, 1.0),
        /// Size of the neighbourhood, in pixels (0..=500): the local average
        /// is close to a gaussian blur of about this standard deviation.
        /// Larger radii enhance larger structures.
        pub radius_px: f32 = 30.0
            => ParamInfo::float("Radius", 0.0, MAX_LOCAL_RADIUS_PX).soft(1.0, 200.0).log().px(),
    }
}

impl Filter for ClarityParams {
    const INFO: FilterInfo = FilterInfo {
        name: "clarity",
        label: "Clarity",
        description: "Local contrast: more depth in texture and structure, mostly in the mid-tones.",
        keywords: &["local contrast", "structure", "texture", "punch", "detail"],
        family: Family::Adjust,
    };
    type Prepared = ClarityPlan;

    fn layout(&self) -> Layout<'_> {
        Layout::Rows {
            halo_px: LocalMean::new(self.radius_px).halo_px(),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            radius_px: self.radius_px * scale,
            ..*self
        }
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<ClarityPlan> {
        Ok(ClarityPlan::new(self))
    }

    fn render(plan: &ClarityPlan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        clarity_rows(plan, src, out_rows, dst);
    }

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self {
            amount: 0.0,
            ..Self::default()
        }
    }
}

/// Each mid-tone weight covers `2^4` steps of luma (1/16 level).
const WEIGHT_STEP_SHIFT: u32 = 4;

/// What [`clarity_rows`] needs, built once per step: the local average and
/// the mid-tone weight times the amount, in `1 / 2^12`, for every 1/16
/// level of luma (at the middle of each step).
#[derive(Clone, Debug)]
pub struct ClarityPlan {
    mean: LocalMean,
    weights: Vec<i32>,
    identity: bool,
}

impl ClarityPlan {
    /// The plan of `p`.
    pub fn new(p: &ClarityParams) -> Self {
        let amount = f64::from(p.amount);
        let one = f64::from(1u32 << WEIGHT_BITS);
        let steps = (255 << 8 >> WEIGHT_STEP_SHIFT) + 1;
        let weights = (0..steps)
            .map(|i| {
                let luma =
                    f64::from(i << WEIGHT_STEP_SHIFT) + f64::from(1 << (WEIGHT_STEP_SHIFT - 1));
                let t = (luma / 65280.0).min(1.0);
                (amount * 4.0 * t * (1.0 - t) * one).round() as i32
            })
            .collect();
        let mean = LocalMean::new(p.radius_px);
        Self {
            mean,
            weights,
            identity: p.amount == 0.0 || mean.radius_px() == 0,
        }
    }
}

/// Clarity of output rows `out_rows` into `dst`.
pub fn clarity_rows(
    plan: &ClarityPlan,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let stride = src.stride();
    if plan.identity {
        for (y, out) in out_rows.zip(dst.chunks_exact_mut(stride)) {
            out.copy_from_slice(src.row(y));
        }
        return;
    }
    let rows = plan.mean.rows_needed(src.height, out_rows.clone());
    let luma = luma_plane(src, rows.clone());
    let alpha = alpha_plane(src, rows);
    let mean = plan
        .mean
        .weighted(&luma, alpha.as_ref(), src.height, out_rows.clone());
    let mut deltas = vec![0i32; src.width as usize];
    for (y, out) in out_rows.zip(dst.chunks_exact_mut(stride)) {
        clarity_row(plan, src.row(y), luma.row(y), mean.row(y), &mut deltas, out);
    }
}

/// One row: `src` pixels, their luma and its local average; `deltas` is
/// scratch space, one entry per pixel.
fn clarity_row(
    plan: &ClarityPlan,
    src: &[u8],
    luma: &[u16],
    mean: &[u16],
    deltas: &mut [i32],
    out: &mut [u8],
) {
    let half = 1 << (WEIGHT_BITS - 1);
    // The luma change of each pixel, in 1/256 levels (a table lookup per
    // pixel), then the same added to R, G and B in a loop without lookups
    // or branches.
    for ((delta, &y), &m) in deltas.iter_mut().zip(luma).zip(mean) {
        let d = i32::from(y) - i32::from(m);
        let weight = plan.weights[usize::from(y >> WEIGHT_STEP_SHIFT)];
        *delta = (d * weight + half) >> WEIGHT_BITS;
    }
    let (src_px, _) = src.as_chunks::<CHANNELS>();
    let (out_px, _) = out.as_chunks_mut::<CHANNELS>();
    for ((o, s), &delta) in out_px.iter_mut().zip(src_px).zip(deltas.iter()) {
        // Fully transparent pixels keep their (hidden) colour.
        let delta = if s[3] == 0 { 0 } else { delta };
        for c in 0..3 {
            let v = (i32::from(s[c]) << 8) + delta;
            o[c] = ((v + 128) >> 8).clamp(0, 255) as u8;
        }
        o[3] = s[3];
    }
}
