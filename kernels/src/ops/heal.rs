//! `heal`: spot healing and cloning. Each spot covers a disk of the image
//! (its *target*) with the pixels of another disk (its *source*), corrected
//! so that the seam does not show.
//!
//! # Spots
//!
//! A spot has a `target` centre and a `radius`, and optionally a `source`
//! centre; positions are fractions of the width and height, the radius a
//! fraction of the longer side (like brush masks), so a recipe fits any
//! photo and the preview. Without a `source`, the spot copies from the
//! first of eight places 2.5 radii away (right, left, below, above, then
//! the diagonals) whose disk lies inside the image and clear of every
//! other spot's target; if none is clear, the first inside the image; if
//! none is inside, the first. The choice depends only on the spots and the
//! image size, so it is the same in every band and on every platform.
//!
//! # Blending
//!
//! The source is shifted by a whole number of pixels `D` (the centres'
//! offset, rounded), so it is copied without resampling. Its colour is then
//! corrected by an offset that varies smoothly over the disk: at 32
//! points on the target's rim, the difference between the target's 3x3
//! mean and the source's there; inside, a Shepard (inverse squared
//! distance, `1 / (d² + 1)`) interpolation of those differences. At the
//! rim the patch therefore matches its surroundings; finally it is blended
//! with what lies under it by the soft edge of [`crate::mask::falloff`]: 1
//! up to `1 - feather` of the radius, 0 at the rim. Every spot reads the
//! step's input; where targets overlap, later spots are blended over
//! earlier ones.
//!
//! # Bands
//!
//! Output rows `a..b` read, for every spot whose target rows (its disk
//! plus the 3x3 rim samples) meet `a..b`, those rows and the source's;
//! [`HealParams::source_rows`](crate::registry::Geometry::source_rows)
//! names their hull with `a..b`, nothing more. Everything is computed from
//! absolute coordinates in `f64` with `+ - * /` and `sqrt` only (the rim
//! directions come from [`sin_cos_deg`]), so every band and platform agrees.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::{KernelError, Result};
use crate::image::{CHANNELS, SourceBand};
use crate::mask::falloff;
use crate::ops::rotate_free::sin_cos_deg;
use crate::params;
use crate::registry::{
    Family, Filter, FilterInfo, Geometry, Layout, ParamInfo, check_f32, clamp_range,
};

/// Most spots in one `heal` step.
pub const MAX_SPOTS: usize = 256;

/// Largest spot radius, a fraction of the longer side.
pub const MAX_SPOT_RADIUS: f32 = 0.5;

/// Points sampled on each target's rim.
pub const RIM_SAMPLES: usize = 32;

/// How far from the target an automatic source lies, in radii.
pub const AUTO_DISTANCE: f64 = 2.5;

/// One healed spot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spot {
    /// Centre of the area to repair, fractions of the width and height.
    pub target: [f32; 2],
    /// Centre of the area copied over it; absent: chosen automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<[f32; 2]>,
    /// Radius, a fraction of the image's longer side (`0..=0.5`).
    pub radius: f32,
}

params! {
    /// `heal`: spots repaired from other parts of the image.
    pub struct HealParams {
        /// `{target: [x, y], source: [x, y] (optional), radius}` each,
        /// fractions of the image; applied in order.
        pub spots: Vec<Spot> = Vec::new() => ParamInfo::custom("Spots"),
        /// The fraction of each spot's radius over which the patch fades
        /// into its surroundings (0..=1).
        pub feather: f32 = 0.5 => ParamInfo::float("Feather", 0.0, 1.0),
    }
    check = check_spots;
}

fn check_spots(p: &HealParams, filter: &'static str) -> Result<()> {
    if p.spots.len() > MAX_SPOTS {
        return Err(KernelError::Param {
            filter,
            param: "spots",
            problem: format!(
                "has {} spots, at most {MAX_SPOTS} are allowed",
                p.spots.len()
            ),
        });
    }
    for (i, s) in p.spots.iter().enumerate() {
        let bad = |what: &str, v: f32, lo: f32, hi: f32| {
            check_f32(filter, "spots", v, lo, hi).map_err(|_| KernelError::Param {
                filter,
                param: "spots",
                problem: format!("spot {}: `{what}` must be in {lo}..={hi}, got {v}", i + 1),
            })
        };
        for v in s.target {
            bad("target", v, 0.0, 1.0)?;
        }
        for v in s.source.into_iter().flatten() {
            bad("source", v, 0.0, 1.0)?;
        }
        bad("radius", s.radius, 0.0, MAX_SPOT_RADIUS)?;
    }
    Ok(())
}

/// One spot in pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct SpotPx {
    /// Target centre, pixels.
    pub tx: f64,
    /// Target centre, pixels.
    pub ty: f64,
    /// Radius, pixels.
    pub r: f64,
    /// Whole-pixel offset from target to source.
    pub dx: i64,
    /// Whole-pixel offset from target to source.
    pub dy: i64,
}

impl SpotPx {
    /// Rows the target's disk and rim samples touch (unclamped, inclusive).
    fn target_rows(&self) -> (i64, i64) {
        (
            (self.ty - self.r).floor() as i64 - 2,
            (self.ty + self.r).floor() as i64 + 2,
        )
    }
}

/// Everything about one `heal` step that does not depend on the pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct HealPlan {
    /// The spots in pixels, in order.
    pub spots: Vec<SpotPx>,
    /// Inner radius of the soft edge, as a fraction of the radius.
    pub inner: f64,
    /// Rim directions `(cos, sin)`.
    pub rim: Vec<(f64, f64)>,
    /// Image size.
    pub size: (u32, u32),
}

/// The eight candidate directions of an automatic source, in order.
fn directions() -> [(f64, f64); 8] {
    let d = 1.0 / 2.0_f64.sqrt();
    [
        (1.0, 0.0),
        (-1.0, 0.0),
        (0.0, 1.0),
        (0.0, -1.0),
        (d, d),
        (-d, d),
        (d, -d),
        (-d, -d),
    ]
}

/// The automatic source centre (pixels) of spot `i` among `targets` (all
/// spots' centres and radii, pixels) in a `w` x `h` image.
fn auto_source(i: usize, targets: &[(f64, f64, f64)], w: f64, h: f64) -> (f64, f64) {
    let (tx, ty, r) = targets[i];
    let candidates =
        directions().map(|(ux, uy)| (tx + ux * AUTO_DISTANCE * r, ty + uy * AUTO_DISTANCE * r));
    let inside = |&(x, y): &(f64, f64)| x - r >= 0.0 && x + r <= w && y - r >= 0.0 && y + r <= h;
    let clear = |&(x, y): &(f64, f64)| {
        targets.iter().enumerate().all(|(j, &(ox, oy, or))| {
            let (ddx, ddy) = (x - ox, y - oy);
            j == i || (ddx * ddx + ddy * ddy).sqrt() >= r + or
        })
    };
    candidates
        .iter()
        .find(|c| inside(c) && clear(c))
        .or_else(|| candidates.iter().find(|c| inside(c)))
        .copied()
        .unwrap_or(candidates[0])
}

/// `floor(v + 0.5)` as an integer.
fn round_px(v: f64) -> i64 {
    (v + 0.5).floor() as i64
}

impl HealPlan {
    /// The plan for `p` on a `width` x `height` image.
    pub fn new(p: &HealParams, width: u32, height: u32) -> Self {
        let (w, h) = (f64::from(width), f64::from(height));
        let long = w.max(h);
        let targets: Vec<(f64, f64, f64)> = p
            .spots
            .iter()
            .map(|s| {
                (
                    f64::from(s.target[0]) * w,
                    f64::from(s.target[1]) * h,
                    f64::from(s.radius) * long,
                )
            })
            .collect();
        let spots = p
            .spots
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (tx, ty, r) = targets[i];
                let (sx, sy) = match s.source {
                    Some([x, y]) => (f64::from(x) * w, f64::from(y) * h),
                    None => auto_source(i, &targets, w, h),
                };
                SpotPx {
                    tx,
                    ty,
                    r,
                    dx: round_px(sx - tx),
                    dy: round_px(sy - ty),
                }
            })
            .collect();
        let rim = (0..RIM_SAMPLES)
            .map(|k| {
                let (s, c) = sin_cos_deg(k as f64 * 360.0 / RIM_SAMPLES as f64);
                (c, s)
            })
            .collect();
        Self {
            spots,
            inner: 1.0 - f64::from(p.feather),
            rim,
            size: (width, height),
        }
    }

    /// The source rows output rows `out_rows` read (see the module docs).
    pub fn source_rows(&self, out_rows: Range<u32>) -> Range<u32> {
        let h = self.size.1;
        let (mut lo, mut hi) = (i64::from(out_rows.start), i64::from(out_rows.end));
        for s in &self.spots {
            let (a, b) = s.target_rows();
            let (ca, cb) = (a.max(0), b.min(i64::from(h) - 1));
            if ca > cb || cb < i64::from(out_rows.start) || ca >= i64::from(out_rows.end) {
                continue;
            }
            lo = lo.min(ca);
            hi = hi.max(cb + 1);
            // Source reads are clamped into the image, like the rows here.
            let last = i64::from(h) - 1;
            let (sa, sb) = ((a + s.dy).clamp(0, last), (b + s.dy).clamp(0, last));
            lo = lo.min(sa);
            hi = hi.max(sb + 1);
        }
        clamp_range(lo, hi, h)
    }
}

impl Geometry for HealParams {
    fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        Ok((width, height))
    }

    fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        HealPlan::new(self, width, height).source_rows(out_rows)
    }
}

impl Filter for HealParams {
    const INFO: FilterInfo = FilterInfo {
        name: "heal",
        label: "Spot heal",
        description: "Repairs spots from nearby areas, blending the patch so the seam does not show.",
        keywords: &["clone", "retouch", "blemish", "dust", "remove", "stamp"],
        family: Family::Effect,
    };
    type Prepared = HealPlan;

    fn layout(&self) -> Layout<'_> {
        Layout::Mapped(self)
    }

    /// Fractions of the image: the preview uses the same spots.
    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        self.clone()
    }

    fn prepare(&self, width: u32, height: u32) -> Result<HealPlan> {
        Ok(HealPlan::new(self, width, height))
    }

    fn render(plan: &HealPlan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
        heal_rows(plan, src, out_rows, dst);
    }
}

/// The pixel at `(x, y)` clamped into the image, as `f64` channels.
fn at(src: &SourceBand<'_>, x: i64, y: i64) -> [f64; 4] {
    let x = x.clamp(0, i64::from(src.width) - 1) as usize;
    let row = src.row_clamped(y);
    let p = &row[x * CHANNELS..x * CHANNELS + CHANNELS];
    [p[0], p[1], p[2], p[3]].map(f64::from)
}

/// The 3x3 mean around `(x, y)` (clamped into the image).
fn mean3(src: &SourceBand<'_>, x: i64, y: i64) -> [f64; 4] {
    let mut sum = [0.0; 4];
    for yy in y - 1..=y + 1 {
        for xx in x - 1..=x + 1 {
            let p = at(src, xx, yy);
            for c in 0..4 {
                sum[c] += p[c];
            }
        }
    }
    sum.map(|v| v / 9.0)
}

/// The rim points of `s` (pixels) and the target-minus-source difference
/// of the 3x3 means there.
fn rim_differences(plan: &HealPlan, s: &SpotPx, src: &SourceBand<'_>) -> Vec<(f64, f64, [f64; 4])> {
    plan.rim
        .iter()
        .map(|&(c, sn)| {
            let (bx, by) = (s.tx + s.r * c, s.ty + s.r * sn);
            let (px, py) = (bx.floor() as i64, by.floor() as i64);
            let t = mean3(src, px, py);
            let o = mean3(src, px + s.dx, py + s.dy);
            (bx, by, [t[0] - o[0], t[1] - o[1], t[2] - o[2], t[3] - o[3]])
        })
        .collect()
}

/// `heal`, output rows `out_rows` into `dst` from `src` (which holds the
/// rows [`HealPlan::source_rows`] names).
pub fn heal_rows(plan: &HealPlan, src: &SourceBand<'_>, out_rows: Range<u32>, dst: &mut [u8]) {
    let stride = src.stride();
    for (y, row) in out_rows.clone().zip(dst.chunks_exact_mut(stride)) {
        row.copy_from_slice(src.row(y));
    }
    let width = i64::from(src.width);
    for s in &plan.spots {
        let (a, b) = s.target_rows();
        if b < i64::from(out_rows.start) || a >= i64::from(out_rows.end) || s.r <= 0.0 {
            continue;
        }
        let rim = rim_differences(plan, s, src);
        let y0 = (s.ty - s.r).floor().max(f64::from(out_rows.start)) as i64;
        let y1 = (s.ty + s.r).ceil().min(f64::from(out_rows.end)) as i64;
        let x0 = (s.tx - s.r).floor().max(0.0) as i64;
        let x1 = ((s.tx + s.r).ceil() as i64).min(width);
        for y in y0..y1 {
            let start = (y - i64::from(out_rows.start)) as usize * stride;
            let row = &mut dst[start..start + stride];
            let py = y as f64 + 0.5;
            for x in x0..x1 {
                let px = x as f64 + 0.5;
                let (ddx, ddy) = (px - s.tx, py - s.ty);
                let k = falloff((ddx * ddx + ddy * ddy).sqrt() / s.r, plan.inner, 1.0);
                if k <= 0.0 {
                    continue;
                }
                let offset = shepard(&rim, px, py);
                let from = at(src, x + s.dx, y + s.dy);
                let out = &mut row[x as usize * CHANNELS..x as usize * CHANNELS + CHANNELS];
                for c in 0..CHANNELS {
                    let cur = f64::from(out[c]);
                    let healed = from[c] + offset[c];
                    out[c] = (cur + (healed - cur) * k + 0.5).floor().clamp(0.0, 255.0) as u8;
                }
            }
        }
    }
}

/// The rim differences interpolated at `(px, py)` with weights `1 / (d² +
/// 1)`.
fn shepard(rim: &[(f64, f64, [f64; 4])], px: f64, py: f64) -> [f64; 4] {
    let mut sum = [0.0; 4];
    let mut total = 0.0;
    for &(bx, by, d) in rim {
        let (ex, ey) = (px - bx, py - by);
        let w = 1.0 / (ex * ex + ey * ey + 1.0);
        total += w;
        for c in 0..4 {
            sum[c] += w * d[c];
        }
    }
    if total > 0.0 {
        sum.map(|v| v / total)
    } else {
        sum
    }
}
