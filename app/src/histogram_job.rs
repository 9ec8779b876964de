//! The histogram job: counts the levels of the displayed result on a
//! background task, once per render generation, and keeps the latest.

use lumen_kernels::RgbaImage;
use lumen_kernels::histogram::Histogram;

use crate::render::Displayed;
use crate::tasks::TaskResult;

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

/// The histogram of the displayed result and the one being computed.
#[derive(Default)]
pub struct HistogramJob {
    /// The latest histogram, with its render generation.
    current: Option<(u64, Histogram)>,
    /// The generation being computed.
    pending: Option<u64>,
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
        let image = shown.image.clone();
        self.pending = Some(generation);
        Some(move || TaskResult::Histogram {
            generation,
            hist: Box::new(histogram_of(&image)),
        })
    }

    /// Takes a finished count.
    pub fn finish(&mut self, generation: u64, hist: Histogram) {
        if self.pending == Some(generation) {
            self.pending = None;
        }
        self.current = Some((generation, hist));
    }
}
