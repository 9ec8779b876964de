//! Per-channel and luma histograms of RGBA pixels, for the editor's
//! histogram display and [`crate::ops::tone::auto_levels`].

use crate::ops::color::{LUMA_B_Q16, LUMA_G_Q16, LUMA_R_Q16};

/// Counts of each level 0..=255 in R, G, B and Rec. 709 luma.
///
/// Luma is `round(0.2126 R + 0.7152 G + 0.0722 B)` in the same 16-bit
/// fixed point as the `grayscale` filter, so a pixel lands in the bin of
/// the grey that filter gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram {
    /// Pixels with each red level.
    pub red: [u32; 256],
    /// Pixels with each green level.
    pub green: [u32; 256],
    /// Pixels with each blue level.
    pub blue: [u32; 256],
    /// Pixels with each luma level.
    pub luma: [u32; 256],
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self {
            red: [0; 256],
            green: [0; 256],
            blue: [0; 256],
            luma: [0; 256],
        }
    }

    /// The histogram of `pixels` (RGBA, straight alpha; a trailing partial
    /// pixel is ignored). Fully transparent pixels (alpha 0) are not
    /// counted: their colour is invisible. Counts saturate at `u32::MAX`.
    pub fn of_pixels(pixels: &[u8]) -> Self {
        let mut h = Self::new();
        h.add_pixels(pixels);
        h
    }

    /// Adds the pixels of `pixels` (as [`Self::of_pixels`] counts them).
    pub fn add_pixels(&mut self, pixels: &[u8]) {
        let (px, _) = pixels.as_chunks::<4>();
        for &[r, g, b, a] in px {
            if a == 0 {
                continue;
            }
            let y = (u32::from(r) * LUMA_R_Q16
                + u32::from(g) * LUMA_G_Q16
                + u32::from(b) * LUMA_B_Q16
                + (1 << 15))
                >> 16;
            // `y` is at most 255 because the weights sum to 2^16; `as u8`
            // keeps the index in bounds regardless.
            for (bins, v) in [
                (&mut self.red, r),
                (&mut self.green, g),
                (&mut self.blue, b),
                (&mut self.luma, y as u8),
            ] {
                let bin = &mut bins[usize::from(v)];
                *bin = bin.saturating_add(1);
            }
        }
    }

    /// Adds the counts of `other` (from another band of the same image),
    /// saturating.
    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in [
            (&mut self.red, &other.red),
            (&mut self.green, &other.green),
            (&mut self.blue, &other.blue),
            (&mut self.luma, &other.luma),
        ] {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m = m.saturating_add(*t);
            }
        }
    }

    /// The number of pixels counted (the sum of the luma bins).
    pub fn total(&self) -> u64 {
        self.luma.iter().map(|&c| u64::from(c)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_levels_and_skips_transparent() {
        let px = [
            255, 0, 0, 255, // red: luma 54
            0, 255, 0, 1, // green: luma 182
            0, 0, 255, 0, // transparent: skipped
            10, 10, 10, 200, // grey
            10, 10, 10, 7, // trailing partial pixel below
            1, 2,
        ];
        let h = Histogram::of_pixels(&px);
        assert_eq!(h.total(), 4);
        assert_eq!((h.red[255], h.red[0], h.red[10]), (1, 1, 2));
        assert_eq!((h.green[255], h.green[0], h.green[10]), (1, 1, 2));
        assert_eq!((h.blue[255], h.blue[0], h.blue[10]), (0, 2, 2));
        assert_eq!((h.luma[54], h.luma[182], h.luma[10]), (1, 1, 2));
        for bins in [&h.red, &h.green, &h.blue, &h.luma] {
            assert_eq!(bins.iter().sum::<u32>(), 4);
        }
    }

    #[test]
    fn merge_of_halves_is_the_whole() {
        let px: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let (a, b) = px.split_at(2000);
        let mut merged = Histogram::of_pixels(a);
        merged.merge(&Histogram::of_pixels(b));
        assert_eq!(merged, Histogram::of_pixels(&px));
        assert_eq!(Histogram::default(), Histogram::of_pixels(&[]));
    }
}
