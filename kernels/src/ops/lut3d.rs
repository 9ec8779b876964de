//! `lut3d`: a 3D colour lookup table ([`CubeLut`], imported from a `.cube`
//! file and stored inline in the recipe), with trilinear or tetrahedral
//! interpolation.
//!
//! Prepared once per step: the table in fixed point (1/256 levels) and,
//! for each channel and 8-bit level, its lattice cell and the fraction
//! within it (1/4096), so a pixel costs only integer arithmetic.

use serde::{Deserialize, Serialize};

use super::cube::CubeLut;
use crate::error::Result;
use crate::image::SourceBand;
use crate::registry::{ChoiceParam, Family, Filter, FilterInfo, Layout, ParamInfo, point_rows};
use crate::{choice_param, params};

/// Fixed-point bits of the fractions within a lattice cell.
const FRAC_BITS: u32 = 12;
/// One whole cell in fraction units.
const FRAC_ONE: i32 = 1 << FRAC_BITS;

/// How `lut3d` interpolates between lattice points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LutInterpolation {
    /// Four points of the tetrahedron around the colour (sharper on the
    /// grey axis; what most colour tools use).
    #[default]
    Tetrahedral,
    /// Eight points of the cube around the colour.
    Trilinear,
}

choice_param!(LutInterpolation {
    Tetrahedral => "tetrahedral", "Tetrahedral";
    Trilinear => "trilinear", "Trilinear";
});

params! {
    /// `lut3d`: maps colours through a 3D lookup table.
    ///
    /// Each channel `v / 255` is placed on the lattice as
    /// `(v / 255 - domain_min) / (domain_max - domain_min) * (size - 1)`
    /// (clamped to the lattice); the colour is interpolated between the
    /// lattice points around it, tetrahedrally (the four corners of the
    /// tetrahedron, chosen by the order of the three fractions) or
    /// trilinearly, and table values are clamped to `0..=1`. The result is
    /// blended with the original by `amount`. Alpha is kept.
    pub struct Lut3dParams {
        /// The table, imported from a `.cube` file (the recipe holds it
        /// whole; see README for its shape). The default changes nothing.
        pub lut: CubeLut = CubeLut::default() => ParamInfo::custom("Table"),
        /// Interpolation between lattice points.
        pub interpolation: LutInterpolation = LutInterpolation::Tetrahedral
            => ParamInfo::choice("Interpolation", LutInterpolation::CHOICES),
        /// Strength (0..=1): 1 is the table's colours, 0 the original.
        pub amount: f32 = 1.0 => ParamInfo::float("Amount", 0.0, 1.0),
    }
}

impl Filter for Lut3dParams {
    const INFO: FilterInfo = FilterInfo {
        name: "lut3d",
        label: "3D LUT",
        description: "Maps colours through a 3D lookup table imported from a .cube file.",
        keywords: &[
            "lut",
            "cube",
            "look",
            "grade",
            "film",
            "colour grading",
            "color grading",
        ],
        family: Family::Adjust,
    };
    type Prepared = LutPlan;

    fn layout(&self) -> Layout<'_> {
        Layout::Rows { halo_px: 0 }
    }

    fn scaled_for_proxy(&self, _scale: f32) -> Self {
        self.clone()
    }

    fn prepare(&self, _width: u32, _height: u32) -> Result<LutPlan> {
        Ok(LutPlan::new(self))
    }

    fn render(
        plan: &LutPlan,
        src: &SourceBand<'_>,
        out_rows: std::ops::Range<u32>,
        dst: &mut [u8],
    ) {
        let len = dst.len();
        lut3d(plan, point_rows(src, &out_rows, len), dst);
    }
}

/// The lattice cell (its lower index) and fraction of one channel level.
#[derive(Clone, Copy, Debug, Default)]
struct Place {
    index: u32,
    frac: i32,
}

/// Where one channel level sits in the table: the offset of its cell's
/// lower corner along that channel's axis (index times the axis stride)
/// and the fraction.
#[derive(Clone, Copy, Debug, Default)]
struct Step {
    offset: u32,
    frac: i32,
}

/// A prepared `lut3d` step.
#[derive(Clone, Debug)]
pub struct LutPlan {
    size: usize,
    /// Colours in 1/256 levels, `[r, g, b]` per lattice point.
    table: Vec<[i32; 3]>,
    steps: [[Step; 256]; 3],
    interpolation: LutInterpolation,
    /// `amount` in 1/4096.
    amount: i32,
}

impl LutPlan {
    /// Prepares `p` (checked parameters).
    pub fn new(p: &Lut3dParams) -> Self {
        let lut = &p.lut;
        let n = lut.size.max(2);
        let table = lut
            .table
            .chunks_exact(3)
            .map(|c| [0, 1, 2].map(|k| (f64::from(c[k]).clamp(0.0, 1.0) * 65280.0).round() as i32))
            .collect();
        let steps = std::array::from_fn(|c| {
            let lo = f64::from(lut.domain_min[c]);
            let span = f64::from(lut.domain_max[c]) - lo;
            let stride = n.pow(c as u32);
            std::array::from_fn(|v| {
                let t = ((v as f64 / 255.0 - lo) / span).clamp(0.0, 1.0);
                let t = if t.is_nan() { 0.0 } else { t };
                let place = lattice_place(t, n);
                Step {
                    offset: place.index * stride,
                    frac: place.frac,
                }
            })
        });
        Self {
            size: n as usize,
            table,
            steps,
            interpolation: p.interpolation,
            amount: (f64::from(p.amount).clamp(0.0, 1.0) * f64::from(FRAC_ONE)).round() as i32,
        }
    }

    /// The table's colour for one pixel, in 1/256 levels.
    #[inline(always)]
    fn lookup(&self, rgb: [u8; 3]) -> [i32; 3] {
        let [sr, sg, sb] = [0, 1, 2].map(|c| self.steps[c][usize::from(rgb[c])]);
        let base = (sr.offset + sg.offset + sb.offset) as usize;
        let (n, nn) = (self.size, self.size * self.size);
        // The cell's corners lie within the table: each index is at most
        // `size - 2` along its axis.
        let c = |dr: usize, dg: usize, db: usize| {
            self.table
                .get(base + dr + dg * n + db * nn)
                .copied()
                .unwrap_or_default()
        };
        match self.interpolation {
            LutInterpolation::Tetrahedral => tetrahedral(c, sr.frac, sg.frac, sb.frac),
            LutInterpolation::Trilinear => trilinear(c, sr.frac, sg.frac, sb.frac),
        }
    }
}

/// The cell and fraction of `t` (`0..=1`) on an `n`-point axis.
fn lattice_place(t: f64, n: u32) -> Place {
    let p = t * f64::from(n - 1);
    let index = (p.floor() as u32).min(n - 2);
    let frac = ((p - f64::from(index)) * f64::from(FRAC_ONE)).round() as i32;
    Place { index, frac }
}

/// Tetrahedral interpolation: the corners `c(dr, dg, db)` of the cell, the
/// fractions in 1/4096; the result in 1/256 levels, rounded.
#[inline(always)]
fn tetrahedral(c: impl Fn(usize, usize, usize) -> [i32; 3], fr: i32, fg: i32, fb: i32) -> [i32; 3] {
    // The path from corner 000 to 111 along the axes in order of
    // decreasing fraction: three steps weighted by the fractions.
    let (first, second, third, f1, f2, f3) = if fr >= fg {
        if fg >= fb {
            ((1, 0, 0), (1, 1, 0), (1, 1, 1), fr, fg, fb)
        } else if fr >= fb {
            ((1, 0, 0), (1, 0, 1), (1, 1, 1), fr, fb, fg)
        } else {
            ((0, 0, 1), (1, 0, 1), (1, 1, 1), fb, fr, fg)
        }
    } else if fb > fg {
        ((0, 0, 1), (0, 1, 1), (1, 1, 1), fb, fg, fr)
    } else if fb > fr {
        ((0, 1, 0), (0, 1, 1), (1, 1, 1), fg, fb, fr)
    } else {
        ((0, 1, 0), (1, 1, 0), (1, 1, 1), fg, fr, fb)
    };
    let c0 = c(0, 0, 0);
    let c1 = c(first.0, first.1, first.2);
    let c2 = c(second.0, second.1, second.2);
    let c3 = c(third.0, third.1, third.2);
    std::array::from_fn(|k| {
        let acc =
            c0[k] * FRAC_ONE + f1 * (c1[k] - c0[k]) + f2 * (c2[k] - c1[k]) + f3 * (c3[k] - c2[k]);
        (acc + FRAC_ONE / 2) >> FRAC_BITS
    })
}

/// Trilinear interpolation over the eight corners of the cell; the result
/// in 1/256 levels, rounded.
#[inline(always)]
fn trilinear(c: impl Fn(usize, usize, usize) -> [i32; 3], fr: i32, fg: i32, fb: i32) -> [i32; 3] {
    let w = |f: i32, d: usize| i64::from(if d == 1 { f } else { FRAC_ONE - f });
    let mut acc = [0i64; 3];
    for db in 0..2 {
        for dg in 0..2 {
            for dr in 0..2 {
                let weight = w(fr, dr) * w(fg, dg) * w(fb, db);
                let v = c(dr, dg, db);
                for k in 0..3 {
                    acc[k] += weight * i64::from(v[k]);
                }
            }
        }
    }
    acc.map(|a| ((a + (1 << (3 * FRAC_BITS - 1))) >> (3 * FRAC_BITS)) as i32)
}

/// Maps every pixel of `src` through the prepared table into `dst`; alpha
/// is kept.
pub fn lut3d(plan: &LutPlan, src: &[u8], dst: &mut [u8]) {
    let (src_px, _) = src.as_chunks::<4>();
    let (dst_px, _) = dst.as_chunks_mut::<4>();
    let keep = i64::from(FRAC_ONE - plan.amount);
    let take = i64::from(plan.amount);
    for (d, s) in dst_px.iter_mut().zip(src_px) {
        let mapped = plan.lookup([s[0], s[1], s[2]]);
        for k in 0..3 {
            // Mix in 1/256 levels x 1/4096, then round to a level.
            let mix = i64::from(s[k]) * 256 * keep + i64::from(mapped[k]) * take;
            d[k] = ((mix + (1 << 19)) >> 20).clamp(0, 255) as u8;
        }
        d[3] = s[3];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_tables_change_nothing_and_places_cover_the_lattice() {
        for size in [2, 3, 17, 33] {
            for interpolation in [LutInterpolation::Tetrahedral, LutInterpolation::Trilinear] {
                let p = Lut3dParams {
                    lut: CubeLut::identity(size),
                    interpolation,
                    amount: 1.0,
                };
                let plan = LutPlan::new(&p);
                let src: Vec<u8> = (0..=255u8).flat_map(|v| [v, 255 - v, v / 3, 9]).collect();
                let mut dst = vec![0; src.len()];
                lut3d(&plan, &src, &mut dst);
                assert_eq!(dst, src, "size {size} {interpolation:?}");
            }
        }
        let place = lattice_place(1.0, 33);
        assert_eq!((place.index, place.frac), (31, FRAC_ONE));
    }
}
