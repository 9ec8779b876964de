//! [`PreparedBrush`]: brush strokes in pixels, indexed by rows so that a row
//! looks only at the segments near it and only at the pixels they can
//! reach.
//!
//! Each stroke becomes segments between consecutive points (a one-point
//! stroke is one zero-length segment, a dab). The rows are grouped in
//! buckets of `bucket_rows` rows, and each bucket lists the segments whose
//! reach (the segment grown by the stroke's radius) touches it, in stroke
//! order. The bucket height grows when the strokes are long or wide, so
//! the index stays within [`MAX_INDEX_ENTRIES`] entries whatever the
//! recipe says.
//!
//! For row `y`, each stroke in the bucket paints its segments' weights
//! (the largest over the stroke) into a scratch span covering only the
//! columns its segments can reach, then that span is combined into the
//! brush's row: painting keeps the larger weight, erasing limits it to
//! `1 - stroke`. Pixels no stroke reaches keep what they had, which is what
//! combining with a zero weight would give. The arithmetic per pixel is
//! that of the definition ([`super`]), so the result does not depend on
//! the index.

use super::{Brush, falloff, quantize};
use crate::registry::WEIGHT_ONE;

/// The most (bucket, segment) entries the row index holds.
pub const MAX_INDEX_ENTRIES: usize = 1 << 22;

/// Smallest bucket height, in rows.
const MIN_BUCKET_ROWS: u32 = 16;

/// One segment in pixels (`a` to `b`), with its stroke.
#[derive(Clone, Copy, Debug)]
struct Segment {
    ax: f64,
    ay: f64,
    bx: f64,
    by: f64,
    stroke: u32,
}

/// One stroke's radius profile.
#[derive(Clone, Copy, Debug)]
struct StrokePx {
    /// Radius in pixels.
    outer: f64,
    /// Radius painted at full weight, pixels.
    inner: f64,
    erase: bool,
}

/// A brush shape prepared for one input size.
#[derive(Debug)]
pub struct PreparedBrush {
    width: u32,
    strokes: Vec<StrokePx>,
    segments: Vec<Segment>,
    bucket_rows: u32,
    /// `starts[b]..starts[b + 1]` indexes `entries` for bucket `b`.
    starts: Vec<u32>,
    entries: Vec<u32>,
}

impl Segment {
    /// Rows whose pixel centres lie within `r` of the segment vertically:
    /// `y + 0.5` in `min - r ..= max + r`, clamped to `0..height`.
    fn rows(&self, r: f64, height: u32) -> Option<(u32, u32)> {
        let lo = (self.ay.min(self.by) - r - 0.5).ceil().max(0.0);
        let hi = (self.ay.max(self.by) + r - 0.5).floor();
        let last = f64::from(height) - 1.0;
        if hi < 0.0 || lo > last || lo > hi {
            return None;
        }
        Some((lo as u32, hi.min(last) as u32))
    }

    /// Columns whose pixel centres lie within `r` of the segment
    /// horizontally, clamped to `0..width`.
    fn cols(&self, r: f64, width: u32) -> Option<(usize, usize)> {
        let lo = (self.ax.min(self.bx) - r - 0.5).ceil().max(0.0);
        let hi = (self.ax.max(self.bx) + r - 0.5).floor();
        let last = f64::from(width) - 1.0;
        if hi < 0.0 || lo > last || lo > hi {
            return None;
        }
        Some((lo as usize, hi.min(last) as usize))
    }

    /// Distance from pixel centre `(px, py)` to the segment.
    fn distance(&self, px: f64, py: f64) -> f64 {
        let (vx, vy) = (self.bx - self.ax, self.by - self.ay);
        let (wx, wy) = (px - self.ax, py - self.ay);
        let len2 = vx * vx + vy * vy;
        let t = if len2 > 0.0 {
            ((wx * vx + wy * vy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (dx, dy) = (wx - t * vx, wy - t * vy);
        (dx * dx + dy * dy).sqrt()
    }
}

impl PreparedBrush {
    /// Prepares `brush` (already validated) for a `width` x `height` input.
    pub(super) fn new(brush: &Brush, width: u32, height: u32) -> crate::Result<Self> {
        let (w, h) = (f64::from(width), f64::from(height));
        let long = w.max(h);
        let mut strokes = Vec::with_capacity(brush.strokes.len());
        let mut segments = Vec::new();
        for (i, s) in brush.strokes.iter().enumerate() {
            let outer = f64::from(s.radius) * long;
            strokes.push(StrokePx {
                outer,
                inner: outer * f64::from(s.hardness),
                erase: s.erase,
            });
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .map(|p| (f64::from(p[0]) * w, f64::from(p[1]) * h))
                .collect();
            let stroke = i as u32;
            let seg = |a: (f64, f64), b: (f64, f64)| Segment {
                ax: a.0,
                ay: a.1,
                bx: b.0,
                by: b.1,
                stroke,
            };
            match pts.as_slice() {
                [] => {}
                [p] => segments.push(seg(*p, *p)),
                _ => segments.extend(pts.windows(2).map(|ab| seg(ab[0], ab[1]))),
            }
        }
        let mut brush = Self {
            width,
            strokes,
            segments,
            bucket_rows: MIN_BUCKET_ROWS,
            starts: Vec::new(),
            entries: Vec::new(),
        };
        brush.index(height, MIN_BUCKET_ROWS);
        Ok(brush)
    }

    /// The rows each segment reaches, or `None`.
    fn reach(&self, s: &Segment, height: u32) -> Option<(u32, u32)> {
        s.rows(self.strokes[s.stroke as usize].outer, height)
    }

    /// Builds the bucket index, choosing a bucket height of at least
    /// `min_rows` that keeps it within [`MAX_INDEX_ENTRIES`].
    fn index(&mut self, height: u32, min_rows: u32) {
        let spans: u64 = self
            .segments
            .iter()
            .filter_map(|s| self.reach(s, height))
            .map(|(lo, hi)| u64::from(hi - lo + 1))
            .sum();
        let n = self.segments.len() as u64;
        let budget = (MAX_INDEX_ENTRIES as u64).saturating_sub(2 * n).max(1);
        let by_budget = spans.div_ceil(budget).min(u64::from(u32::MAX)) as u32;
        self.bucket_rows = min_rows.max(by_budget).max(1);
        let buckets = height.div_ceil(self.bucket_rows) as usize;
        let mut counts = vec![0_u32; buckets + 1];
        let reaches: Vec<Option<(u32, u32)>> = self
            .segments
            .iter()
            .map(|s| self.reach(s, height))
            .collect();
        for &(lo, hi) in reaches.iter().flatten() {
            for b in lo / self.bucket_rows..=hi / self.bucket_rows {
                counts[b as usize + 1] += 1;
            }
        }
        for b in 0..buckets {
            counts[b + 1] += counts[b];
        }
        let mut fill = counts.clone();
        let mut entries = vec![0_u32; counts[buckets] as usize];
        for (i, reach) in reaches.iter().enumerate() {
            let Some((lo, hi)) = *reach else { continue };
            for b in lo / self.bucket_rows..=hi / self.bucket_rows {
                let slot = &mut fill[b as usize];
                entries[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
        self.starts = counts;
        self.entries = entries;
    }

    /// The brush's weights for row `y` into `out` (`width` entries).
    pub fn row(&self, y: u32, out: &mut [u32]) {
        out.fill(0);
        let b = (y / self.bucket_rows) as usize;
        let (Some(&start), Some(&end)) = (self.starts.get(b), self.starts.get(b + 1)) else {
            return;
        };
        let list = &self.entries[start as usize..end as usize];
        let py = f64::from(y) + 0.5;
        let width = self.width.min(out.len() as u32);
        let mut scratch = vec![0_u32; out.len()];
        let mut i = 0;
        while i < list.len() {
            let stroke = self.segments[list[i] as usize].stroke;
            let mut j = i;
            while j < list.len() && self.segments[list[j] as usize].stroke == stroke {
                j += 1;
            }
            self.stroke_row(&list[i..j], py, width, &mut scratch, out);
            i = j;
        }
    }

    /// Paints one stroke's segments `list` on the row at `py` into
    /// `scratch`, then combines the painted span into `out`.
    fn stroke_row(&self, list: &[u32], py: f64, width: u32, scratch: &mut [u32], out: &mut [u32]) {
        let Some(st) = list
            .first()
            .map(|&s| self.strokes[self.segments[s as usize].stroke as usize])
        else {
            return;
        };
        // The columns each segment can reach on this row, and their hull.
        let reach = |s: &u32| {
            let seg = &self.segments[*s as usize];
            let near = py + st.outer >= seg.ay.min(seg.by) && py - st.outer <= seg.ay.max(seg.by);
            near.then(|| seg.cols(st.outer, width)).flatten()
        };
        let (mut span_lo, mut span_hi) = (usize::MAX, 0);
        for (lo, hi) in list.iter().filter_map(reach) {
            span_lo = span_lo.min(lo);
            span_hi = span_hi.max(hi);
        }
        if span_lo > span_hi {
            return;
        }
        scratch[span_lo..=span_hi].fill(0);
        for s in list {
            let Some((lo, hi)) = reach(s) else { continue };
            let seg = &self.segments[*s as usize];
            for (x, v) in scratch.iter_mut().enumerate().take(hi + 1).skip(lo) {
                let d = seg.distance(x as f64 + 0.5, py);
                *v = (*v).max(quantize(falloff(d, st.inner, st.outer)));
            }
        }

        for (o, &s) in out[span_lo..=span_hi]
            .iter_mut()
            .zip(&scratch[span_lo..=span_hi])
        {
            *o = if st.erase {
                (*o).min(WEIGHT_ONE - s.min(WEIGHT_ONE))
            } else {
                (*o).max(s)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::mask::{Combine, Stroke};

    fn brush(strokes: Vec<Stroke>) -> Brush {
        Brush {
            strokes,
            mode: Combine::Add,
        }
    }

    fn rows(b: &PreparedBrush, width: u32, height: u32) -> Vec<u32> {
        let mut all = Vec::new();
        let mut row = vec![0; width as usize];
        for y in 0..height {
            b.row(y, &mut row);
            all.extend_from_slice(&row);
        }
        all
    }

    #[test]
    fn the_weights_do_not_depend_on_the_bucket_height() {
        let strokes = (0..40)
            .map(|i| Stroke {
                points: vec![[0.1 * (i % 10) as f32, 0.0], [0.5, 1.0], [0.9, 0.4]],
                radius: 0.02 + 0.01 * (i % 5) as f32,
                hardness: 0.3,
                erase: i % 4 == 1,
            })
            .collect();
        let (w, h) = (37, 300);
        let mut b = PreparedBrush::new(&brush(strokes), w, h).unwrap();
        let base = rows(&b, w, h);
        assert!(base.iter().any(|&v| v > 0) && base.contains(&0));
        for min_rows in [1, 7, 64, 299, 300, 10_000] {
            b.index(h, min_rows);
            assert_eq!(rows(&b, w, h), base, "buckets of {min_rows} rows");
        }
    }

    #[test]
    fn a_hostile_brush_keeps_a_small_index() {
        let strokes = vec![Stroke {
            points: (0..100_000)
                .map(|i| [0.5, if i % 2 == 0 { 0.0 } else { 1.0 }])
                .collect(),
            radius: 1.0,
            hardness: 0.5,
            erase: false,
        }];
        let b = PreparedBrush::new(&brush(strokes), 4, 65_536).unwrap();
        assert!(b.entries.len() <= MAX_INDEX_ENTRIES, "{}", b.entries.len());
        assert!(b.bucket_rows > MIN_BUCKET_ROWS, "{}", b.bucket_rows);
    }
}
