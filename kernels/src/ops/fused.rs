//! One pass over a fused run of point stages ([`PointStage`]), rounded once.
//!
//! - A run of tone stages only (levels, curves, exposure, gamma,
//!   brightness/contrast, temperature/tint, invert, posterize) composes
//!   exactly: for each channel and input level the stages are evaluated in
//!   `f64` one after another (each result clamped to `0..=255`, never
//!   rounded), and the final value is rounded into one table per channel.
//!   The pass then costs one table lookup per channel, like a single step.
//! - A run with colour stages (hsl, vibrance, channel mixes, grayscale,
//!   threshold) carries `f32` levels through blocks of [`BLOCK`] pixels.
//!   Leading tone stages become an exact table from the 8-bit input; tone
//!   stages after a colour stage are sampled at [`TONE_SAMPLES`] points over
//!   `0..=255` and interpolated linearly. Values are clamped to `0..=255`
//!   after every stage and rounded (to nearest, ties to even) at the end.
//!
//! Only plain `f32` adds, multiplies and table reads run per pixel (no
//! fused multiply-add, no transcendental functions), so every platform
//! gives the same bytes; tables are built from the stages' `f64` formulas.

use super::adjust::{apply_rgb_luts, to_level};
use crate::registry::{BLOCK, ColorBlock, ColorFn, PointStage, ToneFn};

/// Intervals of the sampled tone tables used after a colour stage: 4 per
/// level.
pub const TONE_SAMPLES: usize = 1024;

/// A compiled fused run.
pub struct FusedPoint {
    mode: Mode,
}

enum Mode {
    /// Tone stages only: one rounded table per channel.
    Luts(Box<[[u8; 256]; 3]>),
    /// At least one colour stage.
    Float(FloatChain),
}

struct FloatChain {
    /// The 8-bit input level to the `f32` level after the leading tone
    /// stages (the identity when the run starts with a colour stage).
    head: Box<[[f32; 256]; 3]>,
    /// The stages after the head, tone runs already composed.
    ops: Vec<Op>,
}

enum Op {
    Color(ColorFn),
    Tone(Box<[[f32; TONE_SAMPLES + 1]; 3]>),
}

/// Consecutive tone stages, composed per channel.
type ToneRun = Vec<[ToneFn; 3]>;

/// Channel `c` of `run` at level `v`: each stage in turn, clamped between.
fn eval_tone(run: &[[ToneFn; 3]], c: usize, v: f64) -> f64 {
    run.iter().fold(v, |x, fs| clamp_level(fs[c](x)))
}

/// `v` clamped to `0..=255`; NaN (not produced by valid parameters)
/// becomes 0.
fn clamp_level(v: f64) -> f64 {
    if v > 0.0 { v.min(255.0) } else { 0.0 }
}

/// `v` clamped to `0..=255`, NaN to 0, as selects that vectorise.
#[inline(always)]
fn clamp_f32(v: f32) -> f32 {
    let v = if v > 0.0 { v } else { 0.0 };
    if v < 255.0 { v } else { 255.0 }
}

/// `1.5 * 2^23`: adding it to an `f32` in `0..=255` leaves the value
/// rounded to an integer (ties to even) in the low mantissa bits.
const ROUNDER: f32 = 12_582_912.0;

/// A clamped level rounded to the nearest integer, ties to even.
#[inline(always)]
fn round_level(v: f32) -> u8 {
    ((clamp_f32(v) + ROUNDER).to_bits() & 0xFF) as u8
}

impl FusedPoint {
    /// Compiles `stages` (in order) into one pass.
    pub fn new(stages: &[PointStage]) -> Self {
        // Split into tone runs and colour stages.
        let mut groups: Vec<Result<ToneRun, ColorFn>> = Vec::new();
        for stage in stages {
            match stage {
                PointStage::Tone(fs) => match groups.last_mut() {
                    Some(Ok(run)) => run.push(fs.clone()),
                    _ => groups.push(Ok(vec![fs.clone()])),
                },
                PointStage::Color(f) => groups.push(Err(f.clone())),
            }
        }
        let mut groups = groups.into_iter().peekable();
        let head_run = match groups.peek() {
            Some(Ok(_)) => match groups.next() {
                Some(Ok(run)) => run,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let rest: Vec<_> = groups.collect();
        if rest.is_empty() {
            let luts = std::array::from_fn(|c| {
                std::array::from_fn(|v| to_level(eval_tone(&head_run, c, v as f64)))
            });
            return Self {
                mode: Mode::Luts(Box::new(luts)),
            };
        }
        let head = std::array::from_fn(|c| {
            std::array::from_fn(|v| eval_tone(&head_run, c, v as f64) as f32)
        });
        let ops = rest
            .into_iter()
            .map(|g| match g {
                Err(f) => Op::Color(f),
                Ok(run) => Op::Tone(Box::new(std::array::from_fn(|c| {
                    std::array::from_fn(|i| {
                        let v = i as f64 * 255.0 / TONE_SAMPLES as f64;
                        eval_tone(&run, c, v) as f32
                    })
                }))),
            })
            .collect();
        Self {
            mode: Mode::Float(FloatChain {
                head: Box::new(head),
                ops,
            }),
        }
    }

    /// Maps every pixel of `src` into `dst` (equal lengths, whole RGBA
    /// pixels); alpha is kept.
    pub fn apply(&self, src: &[u8], dst: &mut [u8]) {
        match &self.mode {
            Mode::Luts(luts) => apply_rgb_luts([&luts[0], &luts[1], &luts[2]], src, dst),
            Mode::Float(chain) => chain.apply(src, dst),
        }
    }
}

impl FloatChain {
    fn apply(&self, src: &[u8], dst: &mut [u8]) {
        let mut block = ColorBlock::default();
        let (src_blocks, src_tail) = src.as_chunks::<{ 4 * BLOCK }>();
        let (dst_blocks, dst_tail) = dst.as_chunks_mut::<{ 4 * BLOCK }>();
        for (s, d) in src_blocks.iter().zip(dst_blocks) {
            self.block(s, d, &mut block);
        }
        if !src_tail.is_empty() {
            // The last partial block: pad to a whole one and copy back.
            let mut s = [0u8; 4 * BLOCK];
            let mut d = [0u8; 4 * BLOCK];
            s[..src_tail.len()].copy_from_slice(src_tail);
            self.block(&s, &mut d, &mut block);
            let n = dst_tail.len();
            dst_tail.copy_from_slice(&d[..n]);
        }
    }

    fn block(&self, src: &[u8; 4 * BLOCK], dst: &mut [u8; 4 * BLOCK], b: &mut ColorBlock) {
        let [hr, hg, hb] = &*self.head;
        for i in 0..BLOCK {
            b.r[i] = hr[usize::from(src[4 * i])];
            b.g[i] = hg[usize::from(src[4 * i + 1])];
            b.b[i] = hb[usize::from(src[4 * i + 2])];
        }
        for op in &self.ops {
            match op {
                Op::Color(f) => {
                    f(b);
                    for ch in [&mut b.r, &mut b.g, &mut b.b] {
                        for v in ch.iter_mut() {
                            *v = clamp_f32(*v);
                        }
                    }
                }
                Op::Tone(tables) => {
                    for (ch, table) in [&mut b.r, &mut b.g, &mut b.b].into_iter().zip(&**tables) {
                        interpolate(ch, table);
                    }
                }
            }
        }
        for i in 0..BLOCK {
            dst[4 * i] = round_level(b.r[i]);
            dst[4 * i + 1] = round_level(b.g[i]);
            dst[4 * i + 2] = round_level(b.b[i]);
            dst[4 * i + 3] = src[4 * i + 3];
        }
    }
}

/// Each level of `ch` (in `0..=255`) through `table`, sampled at
/// `i * 255 / TONE_SAMPLES`, interpolated linearly.
#[inline(always)]
fn interpolate(ch: &mut [f32; BLOCK], table: &[f32; TONE_SAMPLES + 1]) {
    const SCALE: f32 = TONE_SAMPLES as f32 / 255.0;
    for v in ch.iter_mut() {
        let x = clamp_f32(*v) * SCALE;
        // `x` is in 0..=TONE_SAMPLES; the last interval takes the end.
        let i = (x as usize).min(TONE_SAMPLES - 1);
        let t = x - i as f32;
        let (a, b) = (table[i], table[i + 1]);
        *v = a + (b - a) * t;
    }
}
