//! `dehaze`: removes a bright, colourless veil (haze, fog, glare) by the
//! dark channel prior (He, Sun and Tang, 2009): in clear air nearly every
//! neighbourhood holds some pixel that is dark in some channel, so the
//! local minimum of the channels measures the veil, which is then
//! subtracted and the remaining contrast stretched.

use std::ops::Range;

use super::local_mean::{LocalMean, MAX_LOCAL_RADIUS_PX, Plane};
use super::local_tone::{MaskedCurves, min_filter};
use crate::error::Result;
use crate::image::{CHANNELS, SourceBand};
use crate::params;
use crate::registry::{Family, Filter, FilterInfo, Layout, ParamInfo, halo_rows};

/// Share of the veil removed at `amount = 1` (He et al. keep a little haze
/// so distant things still look distant).
pub const MAX_REMOVAL: f64 = 0.95;

/// Least transmission: the stretch never exceeds 10x.
pub const MIN_TRANSMISSION: f64 = 0.1;

params! {
    /// `dehaze`: removes haze by the dark channel prior, with the haze
    /// assumed white (airlight 255).
    ///
    /// The dark channel of a pixel is `min(R, G, B)` (255 for fully
    /// transparent pixels, which so never count); the veil `d` (`0..=1`) is
    /// its minimum over the `(2r + 1)²` square of radius `r = radius_px`,
    /// averaged by three box blurs of the same radius per axis. With
    /// transmission `τ = max(1 - 0.95 amount d, 0.1)`, each channel `v`
    /// (`0..=1`, encoded) becomes `clamp(1 - (1 - v) / τ, 0, 1)`. The
    /// curves are built for 65 veil values and interpolated as in
    /// `shadows_highlights`. Alpha is kept; fully transparent pixels are
    /// left as they are.
    #[derive(Copy)]
    pub struct DehazeParams {
        /// Strength (0..=1): 1 removes 95% of the measured haze. 0 leaves the
        /// image unchanged.
        pub amount: f32 = 0.5 => ParamInfo::float("Amount", 0.0, 1.0),
        /// Size of the neighbourhood that measures the haze, in pixels
        /// (0..=500): larger is smoother, smaller follows edges more closely.
        pub radius_px: f32 = 20.0
            => ParamInfo::float("Radius", 0.0, MAX_LOCAL_RADIUS_PX).soft(1.0, 200.0).log().px(),
    }
}

impl Filter for DehazeParams {
    const INFO: FilterInfo = FilterInfo {
        name: "dehaze",
        label: "Dehaze",
        description: "Removes haze, fog and glare, restoring contrast and colour.",
        keywords: &["haze", "fog", "mist", "atmosphere", "clarity", "contrast"],
        family: Family::Adjust,
    };
    type Prepared = DehazePlan;

    fn layout(&self) -> Layout<'_> {
        let mean = LocalMean::new(self.radius_px);
        Layout::Rows {
            halo_px: mean.halo_px() + mean.radius_px(),
        }
    }

    fn scaled_for_proxy(&self, scale: f32) -> Self {
        Self {
            radius_px: self.radius_px * scale,
            ..*self
        }
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<DehazePlan> {
        Ok(DehazePlan::new(self))
    }

    fn render(plan: &DehazePlan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        dehaze_rows(plan, src, out_rows, dst);
    }

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self {
            amount: 0.0,
            ..Self::default()
        }
    }
}

/// The dehazed value of `v` (encoded, `0..=1`) under veil `d` (`0..=1`)
/// at strength `amount`.
pub fn dehaze_value(amount: f64, d: f64, v: f64) -> f64 {
    let transmission = (1.0 - MAX_REMOVAL * amount * d).max(MIN_TRANSMISSION);
    (1.0 - (1.0 - v) / transmission).clamp(0.0, 1.0)
}

/// What [`dehaze_rows`] needs, built once per step.
#[derive(Clone, Debug)]
pub struct DehazePlan {
    mean: LocalMean,
    curves: Option<MaskedCurves>,
}

impl DehazePlan {
    /// The plan of `p`: the veil's average and the curves (none when it
    /// changes nothing).
    pub fn new(p: &DehazeParams) -> Self {
        let amount = f64::from(p.amount);
        let curves = (amount > 0.0).then(|| {
            MaskedCurves::new(|d, v| 255.0 * dehaze_value(amount, d, f64::from(v) / 255.0))
        });
        Self {
            mean: LocalMean::new(p.radius_px),
            curves,
        }
    }
}

/// The dark channel of rows `rows` in 1/256 levels: `min(R, G, B)`, or
/// 255 where alpha is 0.
fn dark_plane(src: &SourceBand<'_>, rows: Range<u32>) -> Plane {
    Plane::from_rows(src.width as usize, rows, |y, out| {
        for (o, px) in out.iter_mut().zip(src.row(y).chunks_exact(CHANNELS)) {
            let dark = if px[3] == 0 {
                255
            } else {
                px[0].min(px[1]).min(px[2])
            };
            *o = u16::from(dark) << 8;
        }
    })
}

/// Dehaze of output rows `out_rows` into `dst`.
pub fn dehaze_rows(plan: &DehazePlan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let stride = src.stride();
    let Some(curves) = &plan.curves else {
        for (y, out) in out_rows.zip(dst.chunks_exact_mut(stride)) {
            out.copy_from_slice(src.row(y));
        }
        return;
    };
    let r = plan.mean.radius_px();
    let mean_rows = plan.mean.rows_needed(src.height, out_rows.clone());
    let dark = dark_plane(src, halo_rows(r, src.height, mean_rows.clone()));
    let minimum = min_filter(&dark, src.height, r, mean_rows);
    let veil = plan.mean.average(&minimum, src.height, out_rows.clone());
    for (y, out) in out_rows.zip(dst.chunks_exact_mut(stride)) {
        curves.apply_row(src.row(y), veil.row(y), out);
    }
}
