//! [`RenderStep`]: what an executor runs for one step of a recipe, the
//! filter and its optional mask.

use std::sync::Arc;

use crate::error::{KernelError, Result};
use crate::image::RgbaImage;
use crate::mask::Mask;
use crate::registry::{Family, PreparedStep};
use crate::spec::FilterSpec;

/// One step to render: a filter and, optionally, the mask that limits
/// where it applies. Equality compares both (the editor's per-step cache
/// keys on it).
#[derive(Clone, Debug, PartialEq)]
pub struct RenderStep {
    /// The filter and its parameters.
    pub spec: FilterSpec,
    /// Where the filter applies; `None`: everywhere.
    pub mask: Option<Arc<Mask>>,
}

impl From<FilterSpec> for RenderStep {
    fn from(spec: FilterSpec) -> Self {
        Self { spec, mask: None }
    }
}

impl RenderStep {
    /// A step with a mask.
    pub fn masked(spec: FilterSpec, mask: Mask) -> Self {
        Self {
            spec,
            mask: Some(Arc::new(mask)),
        }
    }

    /// The filter's stable name.
    pub fn name(&self) -> &'static str {
        self.spec.name()
    }

    /// Checks the filter's parameters and the mask, and that a mask is not
    /// put on a geometry step; errors name the filter.
    pub fn validate(&self) -> Result<()> {
        self.spec.validate()?;
        if let Some(mask) = &self.mask {
            if self.spec.info().family == Family::Geometry {
                return Err(mask_on_geometry(self.spec.name()));
            }
            mask.validate(self.spec.name())?;
        }
        Ok(())
    }

    /// Prepares the filter for a `width` x `height` source and, with a
    /// mask, attaches its blend stage.
    pub fn prepare(&self, width: u32, height: u32) -> Result<PreparedStep> {
        let step = self.spec.prepare(width, height)?;
        let Some(mask) = &self.mask else {
            return Ok(step);
        };
        if self.spec.info().family == Family::Geometry {
            return Err(mask_on_geometry(self.spec.name()));
        }
        let weights = mask.prepare(self.spec.name(), width, height)?;
        step.with_blend(Arc::new(weights))
    }

    /// The output size for a `width` x `height` source (a mask never
    /// changes it).
    pub fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        self.spec.output_size(width, height)
    }

    /// Runs the step on a whole image, on the calling thread.
    pub fn apply(&self, src: &RgbaImage) -> Result<RgbaImage> {
        let step = self.prepare(src.width(), src.height())?;
        let (w, h) = step.output_size();
        let mut out = RgbaImage::new(w, h)?;
        step.render_rows(&src.as_band(), 0..h, out.pixels_mut())?;
        Ok(out)
    }
}

/// The error for a mask on a geometry step.
pub fn mask_on_geometry(filter: &'static str) -> KernelError {
    KernelError::Param {
        filter,
        param: "mask",
        problem: "cannot be used: this step changes the image's geometry".into(),
    }
}
