//! [`PointStage`]: a per-pixel filter as a function on unrounded values,
//! the capability that lets a run of point steps be fused into one pass
//! ([`PreparedStep::fuse`](super::PreparedStep::fuse)) that rounds once.
//!
//! A filter opts in through [`Filter::point_stage`](super::Filter::point_stage).
//! Values are levels as real numbers, `0.0..=255.0` (the 8-bit scale without
//! the rounding); alpha never changes. Between stages the fused pass clamps
//! every value to `0..=255`, as an 8-bit pipeline would, but does not round.

use std::sync::Arc;

/// Pixels per [`ColorBlock`].
pub const BLOCK: usize = 64;

/// A function of one channel's level: a real level in `0..=255` to a real
/// level (clamped to `0..=255` by the caller).
pub type ToneFn = Arc<dyn Fn(f64) -> f64 + Send + Sync>;

/// A colour function on a block of pixels, in place.
pub type ColorFn = Arc<dyn Fn(&mut ColorBlock) + Send + Sync>;

/// [`BLOCK`] pixels' R, G and B as `f32` levels (`0..=255`, unrounded),
/// one array per channel so that loops over a block vectorise.
#[derive(Clone, Debug, PartialEq)]
pub struct ColorBlock {
    /// Red levels.
    pub r: [f32; BLOCK],
    /// Green levels.
    pub g: [f32; BLOCK],
    /// Blue levels.
    pub b: [f32; BLOCK],
}

impl Default for ColorBlock {
    fn default() -> Self {
        Self {
            r: [0.0; BLOCK],
            g: [0.0; BLOCK],
            b: [0.0; BLOCK],
        }
    }
}

/// A per-pixel filter as a function on unrounded levels.
#[derive(Clone)]
pub enum PointStage {
    /// R, G and B each through a function of its own level only (tone
    /// curves, levels, exposure, ...). Runs of these compose exactly.
    Tone([ToneFn; 3]),
    /// A function of the whole colour (hue, saturation, channel mixes):
    /// reads and writes a block of `f32` levels. Its results may leave
    /// `0..=255`; the caller clamps.
    Color(ColorFn),
}

impl std::fmt::Debug for PointStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Tone(_) => "PointStage::Tone",
            Self::Color(_) => "PointStage::Color",
        })
    }
}

impl PointStage {
    /// The same function for R, G and B.
    pub fn tone(f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Self {
        let f: ToneFn = Arc::new(f);
        Self::Tone([f.clone(), f.clone(), f])
    }

    /// One function per channel: R, G, B.
    pub fn tones(
        r: impl Fn(f64) -> f64 + Send + Sync + 'static,
        g: impl Fn(f64) -> f64 + Send + Sync + 'static,
        b: impl Fn(f64) -> f64 + Send + Sync + 'static,
    ) -> Self {
        Self::Tone([Arc::new(r), Arc::new(g), Arc::new(b)])
    }

    /// A colour function on blocks.
    pub fn color(f: impl Fn(&mut ColorBlock) + Send + Sync + 'static) -> Self {
        Self::Color(Arc::new(f))
    }

    /// A colour function given per pixel, `[r, g, b]` levels in and out;
    /// applied lane by lane over each block (the compiler vectorises it
    /// when `f` is simple enough).
    pub fn per_pixel(f: impl Fn([f32; 3]) -> [f32; 3] + Send + Sync + 'static) -> Self {
        Self::color(move |block: &mut ColorBlock| {
            for i in 0..BLOCK {
                let [r, g, b] = f([block.r[i], block.g[i], block.b[i]]);
                block.r[i] = r;
                block.g[i] = g;
                block.b[i] = b;
            }
        })
    }
}
