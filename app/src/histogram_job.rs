//! The histogram jobs: count the levels of the displayed result (the
//! panel's histogram), and of the image entering each levels or curves
//! step (drawn behind its editor, and what its Auto reads), on background
//! tasks. A step's input changes only when an earlier step does, so its
//! histogram is kept per chain of earlier steps: editing the step itself
//! never moves it, and Auto gives the same answer on every click.

use std::sync::Arc;

use lumen_kernels::histogram::Histogram;
use lumen_kernels::{RenderStep, RgbaImage};

use crate::render::{Displayed, Quality};
use crate::tasks::TaskResult;

/// Step-input histograms kept (one per levels or curves step in use).
const MAX_INPUTS: usize = 32;

/// What a histogram was counted from.
#[derive(Clone, Debug, PartialEq)]
pub enum HistogramKey {
    /// The displayed result of this render generation.
    Displayed(u64),
    /// The image after these (enabled) steps, at this quality.
    StepInput(Vec<RenderStep>, Quality),
}

/// The most pixels the histogram reads; larger images are sampled every
/// k-th row (an estimate of the same shape at a fraction of the work).
pub const HISTOGRAM_MAX_PX: u64 = 4 << 20;

/// Counts the levels of `image`, reading every k-th row above
/// [`HISTOGRAM_MAX_PX`].
pub fn histogram_of(image: &RgbaImage) -> Histogram {
    let mut hist = Histogram::new();
    let px = u64::from(image.width()) * u64::from(image.height());
    let every = px.div_ceil(HISTOGRAM_MAX_PX).max(1) as usize;
    for row in image.pixels().chunks(image.stride()).step_by(every) {
        hist.add_pixels(row);
    }
    hist
}

/// The histograms, and the ones being computed.
#[derive(Default)]
pub struct HistogramJob {
    /// The latest histogram of the displayed result, with its generation.
    current: Option<(u64, Histogram)>,
    /// The generation being computed.
    pending: Option<u64>,
    /// Histograms of step inputs, newest last.
    inputs: Vec<(Vec<RenderStep>, Quality, Histogram)>,
    /// Step inputs being counted.
    inputs_pending: Vec<(Vec<RenderStep>, Quality)>,
}

fn task(key: HistogramKey, image: Arc<RgbaImage>) -> impl FnOnce() -> TaskResult + use<> {
    move || TaskResult::Histogram {
        key,
        hist: Box::new(histogram_of(&image)),
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
        ))
    }

    /// The histogram of the image after `chain` (the input of the step
    /// that follows it), if counted.
    pub fn input(&self, chain: &[RenderStep]) -> Option<&Histogram> {
        self.inputs
            .iter()
            .rev()
            .find(|(c, _, _)| c == chain)
            .map(|(_, _, h)| h)
    }

    /// If the image after `chain` (at `quality`) is not counted yet, nor
    /// better (a full-resolution count beats a preview's), marks it
    /// pending and returns the task that counts it.
    pub fn start_input(
        &mut self,
        chain: &[RenderStep],
        image: Arc<RgbaImage>,
        quality: Quality,
    ) -> Option<impl FnOnce() -> TaskResult + use<>> {
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
    fn a_full_count_is_never_replaced_by_a_preview() {
        let mut job = HistogramJob::default();
        let chain = vec![RenderStep::from(
            lumen_kernels::FilterSpec::from_name("invert").unwrap(),
        )];
        let img = Arc::new(RgbaImage::new(2, 2).unwrap());
        assert!(
            job.start_input(&chain, img.clone(), Quality::Proxy)
                .is_some()
        );
        assert!(
            job.start_input(&chain, img.clone(), Quality::Proxy)
                .is_none()
        );
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
        assert!(job.start_input(&chain, img, Quality::Full).is_none());
        assert_eq!(job.input(&[]), None);
    }
}
