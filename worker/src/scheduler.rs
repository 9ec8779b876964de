//! The tile scheduler: [`plan_bands`] splits a filter's output into row
//! bands. Pure arithmetic, no threads, so every executor plans alike.

use std::ops::Range;

use lumen_kernels::{FilterSpec, PreparedStep, Split};

/// Bands planned per runner, so that a runner that finishes early can take
/// more work (load balancing on shared or uneven cores).
pub const BANDS_PER_RUNNER: usize = 4;

/// Bands of a neighbourhood filter are kept at least this many times the
/// halo's height (above plus below), so re-reading the halo costs at most
/// about `1 / HALO_FACTOR` extra work.
pub const HALO_FACTOR: usize = 4;

/// Plans the output row bands for running `spec` on a `width` x `height`
/// source with `runners` parallel runners (0 counts as 1).
///
/// The bands cover `0..out_h` exactly, in order, each at least one row and
/// differing in height by at most one row. There are about
/// `runners * BANDS_PER_RUNNER` of them, never more than `out_h` (so one
/// band for a one-row output). For filters with a halo
/// ([`Split::Rows`] with `halo_px > 0`) fewer but whole rounds of `runners`
/// bands are planned when the bands would otherwise be thin next to the
/// halo.
///
/// Returns no bands when the filter cannot run on that size (its
/// [`FilterSpec::output_size`] fails); rendering reports that error.
pub fn plan_bands(spec: &FilterSpec, width: u32, height: u32, runners: usize) -> Vec<Range<u32>> {
    let Ok((_, out_h)) = spec.output_size(width, height) else {
        return Vec::new();
    };
    plan_split(spec.split(), out_h, runners)
}

/// [`plan_bands`] for a prepared step.
pub fn plan_step_bands(step: &PreparedStep, runners: usize) -> Vec<Range<u32>> {
    plan_split(step.split(), step.output_size().1, runners)
}

/// The bands of an `out_h`-row output of a filter that splits as `split`.
fn plan_split(split: Split, out_h: u32, runners: usize) -> Vec<Range<u32>> {
    let runners = runners.max(1);
    let mut n = runners.saturating_mul(BANDS_PER_RUNNER);
    if let Split::Rows { halo_px } = split
        && halo_px > 0
    {
        let min_rows = (halo_px as usize).saturating_mul(2 * HALO_FACTOR);
        let by_halo = out_h as usize / min_rows.max(1);
        n = n.min(by_halo.max(runners));
        n = (n / runners).max(1) * runners;
    }
    even_bands(out_h, n)
}

/// Splits `0..rows` into `n` (clamped to `1..=rows`) consecutive bands whose
/// heights differ by at most one, taller ones first.
pub fn even_bands(rows: u32, n: usize) -> Vec<Range<u32>> {
    if rows == 0 {
        return Vec::new();
    }
    let n = n.clamp(1, rows as usize) as u32;
    let base = rows / n;
    let extra = rows % n;
    let mut start = 0;
    (0..n)
        .map(|i| {
            let len = base + u32::from(i < extra);
            let band = start..start + len;
            start += len;
            band
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumen_kernels::spec::{FILTER_NAMES, GaussianBlurParams, ResizeParams};

    fn check_cover(bands: &[Range<u32>], out_h: u32) {
        assert!(!bands.is_empty());
        assert_eq!(bands[0].start, 0);
        assert_eq!(bands[bands.len() - 1].end, out_h);
        for pair in bands.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "bands out of order: {bands:?}");
        }
        for b in bands {
            assert!(b.end > b.start, "empty band in {bands:?}");
        }
        let min = bands.iter().map(|b| b.len()).min().unwrap_or(0);
        let max = bands.iter().map(|b| b.len()).max().unwrap_or(0);
        assert!(max - min <= 1, "uneven bands {bands:?}");
    }

    #[test]
    fn covers_every_filter_and_size() {
        let sizes = [
            (1, 1),
            (1, 9),
            (9, 1),
            (13, 7),
            (31, 17),
            (64, 3),
            (640, 480),
        ];
        for name in FILTER_NAMES {
            let spec = FilterSpec::from_name(name).unwrap();
            for (w, h) in sizes {
                let Ok((_, out_h)) = spec.output_size(w, h) else {
                    assert!(plan_bands(&spec, w, h, 4).is_empty());
                    continue;
                };
                for runners in [0, 1, 2, 3, 8, 64] {
                    let bands = plan_bands(&spec, w, h, runners);
                    check_cover(&bands, out_h);
                    assert!(bands.len() <= runners.max(1) * BANDS_PER_RUNNER);
                }
            }
        }
    }

    #[test]
    fn about_four_bands_per_runner() {
        let spec = FilterSpec::from_name("invert").unwrap();
        assert_eq!(plan_bands(&spec, 100, 1000, 2).len(), 8);
        assert_eq!(plan_bands(&spec, 100, 1000, 1).len(), 4);
        assert_eq!(plan_bands(&spec, 100, 5, 2).len(), 5);
        assert_eq!(plan_bands(&spec, 100, 1, 8), vec![0..1]);
    }

    #[test]
    fn output_rows_not_source_rows() {
        let spec = FilterSpec::Resize(ResizeParams {
            width: 10,
            height: 33,
            ..Default::default()
        });
        let bands = plan_bands(&spec, 500, 2000, 2);
        check_cover(&bands, 33);
    }

    #[test]
    fn halo_filters_get_fewer_thicker_bands() {
        let spec = FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 25.0 });
        let Split::Rows { halo_px } = spec.split() else {
            panic!("blur should split by rows");
        };
        let bands = plan_bands(&spec, 3840, 2160, 2);
        check_cover(&bands, 2160);
        assert_eq!(bands.len() % 2, 0, "whole rounds of runners: {bands:?}");
        if halo_px > 0 && 2160 / (halo_px as usize * 2 * HALO_FACTOR) < 8 {
            assert!(bands.len() < 8);
        }
        // Never fewer bands than runners, even when each is thinner than the halo.
        let bands = plan_bands(&spec, 40, 20, 3);
        check_cover(&bands, 20);
        assert_eq!(bands.len(), 3);
    }

    #[test]
    fn even_bands_edge_cases() {
        assert!(even_bands(0, 4).is_empty());
        assert_eq!(even_bands(5, 0), vec![0..5]);
        assert_eq!(even_bands(5, 2), vec![0..3, 3..5]);
        assert_eq!(even_bands(3, 10), vec![0..1, 1..2, 2..3]);
    }
}
