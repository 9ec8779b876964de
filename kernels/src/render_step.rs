//! [`RenderStep`]: what an executor runs for one step of a recipe, the
//! filter and its optional mask.

use std::ops::Range;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{KernelError, Result};
use crate::image::RgbaImage;
use crate::mask::Mask;
use crate::registry::{Family, Preparable, PreparedStep};
use crate::spec::FilterSpec;

/// One step to render: a filter and, optionally, the mask that limits
/// where it applies. Equality compares both (the editor's per-step cache
/// keys on it). Serialized like a recipe step without `enabled`:
/// `{"filter": NAME, "params": {...}, "mask": {...}}`, `mask` omitted when
/// absent.
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

/// A step equals a bare filter when it has no mask.
impl PartialEq<FilterSpec> for RenderStep {
    fn eq(&self, other: &FilterSpec) -> bool {
        self.mask.is_none() && self.spec == *other
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

    /// The filter's human label, e.g. "Gaussian blur".
    pub fn label(&self) -> &'static str {
        self.spec.label()
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

    /// The source rows output rows `out_rows` need (with a mask, the same
    /// rows of the input too, which the blend reads).
    pub fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
        let need = self.spec.source_rows(width, height, out_rows.clone());
        if self.mask.is_none() || out_rows.is_empty() {
            return need;
        }
        let end = out_rows.end.min(height);
        need.start.min(out_rows.start)..need.end.max(end)
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

impl Serialize for RenderStep {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'a> {
            filter: &'a str,
            params: serde_json::Value,
            #[serde(skip_serializing_if = "Option::is_none")]
            mask: Option<&'a Mask>,
        }
        Tagged {
            filter: self.spec.name(),
            params: self.spec.params_json(),
            mask: self.mask.as_deref(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RenderStep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Tagged {
            filter: String,
            #[serde(default)]
            params: Option<serde_json::Value>,
            #[serde(default)]
            mask: Option<Mask>,
        }
        let tagged = Tagged::deserialize(deserializer)?;
        let params = tagged
            .params
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        let spec = match FilterSpec::from_parts(&tagged.filter, params) {
            Ok(Some(spec)) => spec,
            Ok(None) => {
                return Err(D::Error::custom(format!(
                    "unknown filter: {}",
                    tagged.filter
                )));
            }
            Err(e) => return Err(D::Error::custom(format!("{}: {e}", tagged.filter))),
        };
        Ok(Self {
            spec,
            mask: tagged.mask.map(Arc::new),
        })
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

impl Preparable for RenderStep {
    /// Prepares the filter with its mask's blend stage: a masked step is
    /// never [`fusable`](PreparedStep::fusable), so it is always its own
    /// render unit and its mask blends exactly its own input and output.
    fn prepare_step(&self, width: u32, height: u32) -> Result<PreparedStep> {
        self.prepare(width, height)
    }
}

/// A step an executor can prepare and name in its errors: a bare
/// [`FilterSpec`] or a [`RenderStep`].
pub trait PrepareStep: Preparable {
    /// The filter's stable name.
    fn step_name(&self) -> &'static str;
}

impl PrepareStep for FilterSpec {
    fn step_name(&self) -> &'static str {
        self.name()
    }
}

impl PrepareStep for RenderStep {
    fn step_name(&self) -> &'static str {
        self.name()
    }
}
