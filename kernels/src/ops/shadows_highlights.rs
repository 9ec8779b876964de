//! `shadows_highlights`: lifts dark regions and recovers bright ones by an
//! exposure change in linear light chosen per pixel from the local average
//! luma around it (so a dark area brightens as a whole and keeps its own
//! contrast, which a global curve would flatten).

use std::ops::Range;

use super::local_mean::{LocalMean, MAX_LOCAL_RADIUS_PX, alpha_plane, luma_plane};
use super::local_tone::{MaskedCurves, highlight_weight, shadow_weight};
use super::support::{det_exp, det_linear_levels, det_linear_to_srgb};
use crate::error::Result;
use crate::image::SourceBand;
use crate::params;
use crate::registry::{Family, Filter, FilterInfo, Layout, ParamInfo};

/// Exposure change, in stops, of `shadows` or `highlights` at ±1.
pub const MAX_STOPS: f64 = 2.0;

params! {
    /// `shadows_highlights`: exposure of the shadows and of the highlights,
    /// each chosen by the surroundings of a pixel.
    ///
    /// With `t` the local average luma (three box blurs of radius
    /// `radius_px` per axis of the Rec. 709 luma of the encoded values,
    /// weighted by alpha) as a fraction of 255, the exposure change in
    /// stops is `e = 2 (shadows * ws(t) + highlights * wh(t))`, with
    /// `ws(t) = 1 - smoothstep(0, 0.6, t)` and `wh(t) = smoothstep(0.4, 1, t)`.
    /// Each channel's linear light `x` becomes `g x / (1 + (g - 1) x)` with
    /// `g = 2^e`: slope `g` in the dark, black and white stay fixed, so
    /// nothing clips. The curves are built for 65 mask values, `t_i =
    /// 1024 i / 65280`, and interpolated linearly in between (in 1/256
    /// levels). Alpha is kept; fully transparent pixels are left as
    /// they are.
    #[derive(Copy)]
    pub struct ShadowsHighlightsParams {
        /// Shadows (-1..=1): positive brightens dark regions by up to 2
        /// stops, negative darkens them. 0 leaves them unchanged.
        pub shadows: f32 = 0.5 => ParamInfo::float("Shadows", -1.0, 1.0),
        /// Highlights (-1..=1): negative darkens bright regions by up to 2
        /// stops (recovering detail), positive brightens them. 0 leaves them
        /// unchanged.
        pub highlights: f32 = -0.5 => ParamInfo::float("Highlights", -1.0, 1.0),
        /// Size of the surroundings, in pixels (0..=500): the local average
        /// is close to a gaussian blur of about this standard deviation.
        pub radius_px: f32 = 30.0
            => ParamInfo::float("Radius", 0.0, MAX_LOCAL_RADIUS_PX).soft(1.0, 200.0).log().px(),
    }
}

impl Filter for ShadowsHighlightsParams {
    const INFO: FilterInfo = FilterInfo {
        name: "shadows_highlights",
        label: "Shadows / highlights",
        description: "Brightens dark regions and recovers bright ones, each judged by its surroundings.",
        keywords: &[
            "shadow",
            "highlight",
            "recover",
            "lift",
            "fill light",
            "hdr",
            "tone",
        ],
        family: Family::Adjust,
    };
    type Prepared = ShadowsHighlightsPlan;

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

    fn prepare(&self, _width: u32, _height: u32) -> Result<ShadowsHighlightsPlan> {
        Ok(ShadowsHighlightsPlan::new(self))
    }

    fn render(
        plan: &ShadowsHighlightsPlan,
        src: &SourceBand<'_>,
        out_rows: Range<u32>,
        dst: &mut [u8],
    ) {
        shadows_highlights_rows(plan, src, out_rows, dst);
    }

    fn editor_start(_width: u32, _height: u32) -> Self {
        Self {
            shadows: 0.0,
            highlights: 0.0,
            ..Self::default()
        }
    }
}

/// The gain curve of `shadows_highlights` on linear light:
/// `g x / (1 + (g - 1) x)`.
pub fn gain_curve(x: f64, gain: f64) -> f64 {
    gain * x / (1.0 + (gain - 1.0) * x)
}

/// The exposure change in stops where the local average is `t` (`0..=1`).
pub fn stops_at(p: &ShadowsHighlightsParams, t: f64) -> f64 {
    MAX_STOPS
        * (f64::from(p.shadows) * shadow_weight(t) + f64::from(p.highlights) * highlight_weight(t))
}

/// What [`shadows_highlights_rows`] needs, built once per step.
#[derive(Clone, Debug)]
pub struct ShadowsHighlightsPlan {
    mean: LocalMean,
    curves: Option<MaskedCurves>,
}

impl ShadowsHighlightsPlan {
    /// The plan of `p`: its local average and curves (none when it changes
    /// nothing).
    pub fn new(p: &ShadowsHighlightsParams) -> Self {
        let identity = p.shadows == 0.0 && p.highlights == 0.0;
        let curves = (!identity).then(|| {
            let linear = det_linear_levels();
            MaskedCurves::new(|t, v| {
                let gain = det_exp(stops_at(p, t) * std::f64::consts::LN_2);
                let x = gain_curve(linear[usize::from(v)], gain);
                255.0 * det_linear_to_srgb(x)
            })
        });
        Self {
            mean: LocalMean::new(p.radius_px),
            curves,
        }
    }
}

/// Shadows/highlights of output rows `out_rows` into `dst`.
pub fn shadows_highlights_rows(
    plan: &ShadowsHighlightsPlan,
    src: &SourceBand<'_>,
    out_rows: Range<u32>,
    dst: &mut [u8],
) {
    let stride = src.stride();
    let Some(curves) = &plan.curves else {
        for (y, out) in out_rows.zip(dst.chunks_exact_mut(stride)) {
            out.copy_from_slice(src.row(y));
        }
        return;
    };
    let rows = plan.mean.rows_needed(src.height, out_rows.clone());
    let luma = luma_plane(src, rows.clone());
    let alpha = alpha_plane(src, rows);
    let mean = plan
        .mean
        .weighted(&luma, alpha.as_ref(), src.height, out_rows.clone());
    for (y, out) in out_rows.zip(dst.chunks_exact_mut(stride)) {
        curves.apply_row(src.row(y), mean.row(y), out);
    }
}
