//! The histogram jobs: count the levels of the displayed result (the
//! panel's histogram), and of the image entering each levels or curves
//! step (drawn behind its editor, and what its Auto reads), on background
//! tasks. A step's input changes only when an earlier step does, so its
//! histogram is kept per chain of earlier steps: editing the step itself
//! never moves it, and Auto gives the same answer on every click.

use std::sync::Arc;

use lumen_kernels::histogram::Histogram;
use lumen_kernels::{FilterSpec, RgbaImage};

use crate::render::{Displayed, Quality, StepInput};
use crate::tasks::TaskResult;

/// Step-input histograms kept (one per levels or curves step in use).
const MAX_INPUTS: usize = 32;

/// What a histogram was counted from.
#[derive(Clone, Debug, PartialEq)]
pub enum HistogramKey {
    /// The displayed result of this render generation.
    Displayed(u64),
    /// The image after these (enabled) steps, at this quality.
    StepInput(Vec<FilterSpec>, Quality),
}

/// The most pixels the histogram reads; larger images are sampled every
/// k-th row (an estimate of the same shape at a fraction of the work).
pub const HISTOGRAM_MAX_PX: u64 = 4 << 20;

/// Counts the levels of `image`, reading every k-th row above
/// [`HISTOGRAM_MAX_PX`].
pub fn histogram_of(image: &RgbaImage) -> Histogram {
    let mut hist = Histogram::new();
    for row in sampled_rows(image) {
        hist.add_pixels(row);
    }
    hist
}

/// The rows [`histogram_of`] reads: every k-th row above
/// [`HISTOGRAM_MAX_PX`].
fn sampled_rows(image: &RgbaImage) -> impl Iterator<Item = &[u8]> {
    let px = u64::from(image.width()) * u64::from(image.height());
    let every = px.div_ceil(HISTOGRAM_MAX_PX).max(1) as usize;
    image.pixels().chunks(image.stride()).step_by(every)
}

/// The histogram of `image` after the point steps `pending` (run as the
/// renderer runs them, fused): they are applied to the sampled rows only,
/// which gives the same counts as applying them first, as each output row
/// of a point step depends on its own row alone.
pub fn histogram_after(image: &RgbaImage, pending: &[FilterSpec]) -> Histogram {
    if pending.is_empty() {
        return histogram_of(image);
    }
    let rows: Vec<u8> = sampled_rows(image).flatten().copied().collect();
    let height = (rows.len() / image.stride().max(1)) as u32;
    let sampled = RgbaImage::from_pixels(image.width(), height, rows)
        .and_then(|img| lumen_kernels::registry::apply_chain(pending, &img));
    match sampled {
        Ok(img) => histogram_of(&img),
        Err(e) => {
            log::warn!("histogram of a step input: {e}");
            histogram_of(image)
        }
    }
}

/// The histograms, and the ones being computed.
#[derive(Default)]
pub struct HistogramJob {
    /// The latest histogram of the displayed result, with its generation.
    current: Option<(u64, Histogram)>,
    /// The generation being computed.
    pending: Option<u64>,
    /// Histograms of step inputs, newest last.
    inputs: Vec<(Vec<FilterSpec>, Quality, Histogram)>,
    /// Step inputs being counted.
    inputs_pending: Vec<(Vec<FilterSpec>, Quality)>,
}

fn task(
    key: HistogramKey,
    image: Arc<RgbaImage>,
    pending: Vec<FilterSpec>,
) -> impl FnOnce() -> TaskResult + use<> {
    move || TaskResult::Histogram {
        key,
        hist: Box::new(histogram_after(&image, &pending)),
    }
}

impl HistogramJob {
    /// The latest histogram, if any.
    pub fn get(&self) -> Option<&Histogram> {
        self.current.as_ref().map(|(_, h)| h)
    }

    /// If `shown` is a result not yet counted (nor being counted), marks
    /// it pending and returns the task that counts it.
    pub fn start(&mut self, shown: &Displayed) -> Option<impl FnOnce() -> TaskResult + use<>> {
        let generation = shown.generation;
        if self.current.as_ref().is_some_and(|(g, _)| *g == generation)
            || self.pending == Some(generation)
        {
            return None;
        }
        self.pending = Some(generation);
        Some(task(
            HistogramKey::Displayed(generation),
            shown.image.clone(),
            Vec::new(),
        ))
    }

    /// The histogram of the image after `chain` (the input of the step
    /// that follows it), if counted.
    pub fn input(&self, chain: &[FilterSpec]) -> Option<&Histogram> {
        self.inputs
            .iter()
            .rev()
            .find(|(c, _, _)| c == chain)
            .map(|(_, _, h)| h)
    }

    /// If the image after `chain` (at `input.quality`) is not counted yet,
    /// nor better (a full-resolution count beats a preview's), marks it
    /// pending and returns the task that counts it (applying
    /// `input.pending` first).
    pub fn start_input(
        &mut self,
        chain: &[FilterSpec],
        input: StepInput,
    ) -> Option<impl FnOnce() -> TaskResult + use<>> {
        let StepInput {
            image,
            quality,
            pending,
        } = input;
        let have = self.inputs.iter().find(|(c, _, _)| c == chain);
        if have.is_some_and(|(_, q, _)| *q == Quality::Full || *q == quality)
            || self
                .inputs_pending
                .iter()
                .any(|(c, q)| c == chain && *q == quality)
        {
            return None;
        }
        self.inputs_pending.push((chain.to_vec(), quality));
        Some(task(
            HistogramKey::StepInput(chain.to_vec(), quality),
            image,
            pending,
        ))
    }

    /// Takes a finished count.
    pub fn finish(&mut self, key: HistogramKey, hist: Histogram) {
        match key {
            HistogramKey::Displayed(generation) => {
                if self.pending == Some(generation) {
                    self.pending = None;
                }
                self.current = Some((generation, hist));
            }
            HistogramKey::StepInput(chain, quality) => {
                self.inputs_pending
                    .retain(|(c, q)| !(*c == chain && *q == quality));
                let full_known = self
                    .inputs
                    .iter()
                    .any(|(c, q, _)| *c == chain && *q == Quality::Full);
                if quality == Quality::Proxy && full_known {
                    return; // a late preview never replaces the full count
                }
                self.inputs.retain(|(c, _, _)| *c != chain);
                self.inputs.push((chain, quality, hist));
                if self.inputs.len() > MAX_INPUTS {
                    self.inputs.remove(0);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_steps_count_as_if_applied_first() {
        // Over HISTOGRAM_MAX_PX, so rows are sampled before the steps run.
        let (w, h) = (2048_u32, 2100_u32);
        let px = (0..w * h * 4).map(|i| (i * 31 % 251) as u8).collect();
        let img = RgbaImage::from_pixels(w, h, px).unwrap();
        let pending = vec![
            FilterSpec::from_name("invert").unwrap(),
            FilterSpec::from_name("exposure").unwrap(),
            FilterSpec::from_name("hsl").unwrap(),
        ];
        let applied = lumen_kernels::registry::apply_chain(&pending, &img).unwrap();
        assert_eq!(histogram_after(&img, &pending), histogram_of(&applied));
        assert_ne!(histogram_after(&img, &pending), histogram_of(&img));
    }

    #[test]
    fn a_full_count_is_never_replaced_by_a_preview() {
        let mut job = HistogramJob::default();
        let chain = vec![FilterSpec::from_name("invert").unwrap()];
        let img = Arc::new(RgbaImage::new(2, 2).unwrap());
        let input = |quality| StepInput {
            image: img.clone(),
            quality,
            pending: Vec::new(),
        };
        assert!(job.start_input(&chain, input(Quality::Proxy)).is_some());
        assert!(job.start_input(&chain, input(Quality::Proxy)).is_none());
        let mut full = Histogram::new();
        full.add_pixels(&[9, 9, 9, 255]);
        job.finish(
            HistogramKey::StepInput(chain.clone(), Quality::Full),
            full.clone(),
        );
        job.finish(
            HistogramKey::StepInput(chain.clone(), Quality::Proxy),
            Histogram::new(),
        );
        assert_eq!(job.input(&chain), Some(&full));
        assert!(job.start_input(&chain, input(Quality::Full)).is_none());
        assert_eq!(job.input(&[]), None);
    }
}
