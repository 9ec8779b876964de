//! Recipes: an ordered list of filter steps, saved as versioned JSON.
//!
//! ```json
//! { "lumen_recipe": 1,
//!   "steps": [ { "filter": "gaussian_blur", "enabled": true, "params": { "sigma_px": 3.0 } } ] }
//! ```
//! `enabled` defaults to true, a missing parameter takes its default, and an
//! unknown filter or parameter is an error that names it. The JSON itself
//! is read strictly ([`json`]): a key given twice is an error, a UTF-8 byte
//! order mark is skipped, `"lumen_recipe"` must be a whole number from 1 to
//! [`RECIPE_VERSION`], and `"params"` must be an object of named
//! parameters (not a list of values by position).

use serde::{Deserialize, Serialize};

pub mod json;

use crate::error::{KernelError, Result};
use crate::spec::{FILTER_NAMES, FilterSpec};

/// The recipe format version this build writes and the newest it reads.
pub const RECIPE_VERSION: u32 = 1;

/// One step of a recipe.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The filter and its parameters.
    pub spec: FilterSpec,
    /// Disabled steps are kept in the recipe but skipped when rendering.
    pub enabled: bool,
}

impl Step {
    /// An enabled step.
    pub fn new(spec: FilterSpec) -> Self {
        Self {
            spec,
            enabled: true,
        }
    }
}

/// An ordered list of steps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recipe {
    /// The steps, applied first to last.
    pub steps: Vec<Step>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    filter: String,
    #[serde(default = "default_true")]
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    params: Option<serde_json::Value>,
}

fn default_true() -> bool {
    true
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipe {
    lumen_recipe: u32,
    #[serde(default)]
    steps: Vec<RawStep>,
}

impl Step {
    fn from_raw(index: usize, raw: RawStep) -> Result<Self> {
        let at = |msg: String| KernelError::Recipe(format!("step {}: {msg}", index + 1));
        if !FILTER_NAMES.contains(&raw.filter.as_str()) {
            return Err(at(format!("unknown filter: {}", raw.filter)));
        }
        let params = raw
            .params
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        let tagged = serde_json::json!({ "filter": raw.filter, "params": params });
        let spec: FilterSpec =
            serde_json::from_value(tagged).map_err(|e| at(format!("{}: {e}", raw.filter)))?;
        spec.validate().map_err(|e| at(e.to_string()))?;
        Ok(Self {
            spec,
            enabled: raw.enabled,
        })
    }

    fn to_raw(&self) -> RawStep {
        let value = serde_json::to_value(&self.spec).unwrap_or_default();
        let params = value.get("params").cloned();
        RawStep {
            filter: self.spec.name().to_owned(),
            enabled: self.enabled,
            params,
        }
    }
}

/// Checks `"lumen_recipe"`: present, a whole number, from 1 to
/// [`RECIPE_VERSION`].
fn check_version(probe: &serde_json::Value) -> Result<()> {
    let err = |m: String| Err(KernelError::Recipe(m));
    let Some(object) = probe.as_object() else {
        return err("a recipe is a JSON object: {\"lumen_recipe\": 1, \"steps\": [...]}".into());
    };
    let Some(version) = object.get("lumen_recipe") else {
        return err("missing \"lumen_recipe\" version number: is this a Lumen recipe?".into());
    };
    match (version.as_u64(), version.as_i64()) {
        (Some(v), _) if v > u64::from(RECIPE_VERSION) => err(format!(
            "version {v} is newer than this Lumen reads ({RECIPE_VERSION})"
        )),
        (Some(v), _) if v >= 1 => Ok(()),
        (_, Some(v)) => err(format!(
            "\"lumen_recipe\" is {v}, which is not a version (versions start at 1)"
        )),
        _ => err(format!(
            "\"lumen_recipe\" must be a whole number such as {RECIPE_VERSION}, got {}",
            json::clip_text(&version.to_string())
        )),
    }
}

/// Checks that every step's `"params"` is an object (or absent or null):
/// parameters are named, never given by position.
fn check_params_are_named(probe: &serde_json::Value) -> Result<()> {
    let steps = probe.get("steps").and_then(serde_json::Value::as_array);
    for (i, step) in steps.into_iter().flatten().enumerate() {
        match step.get("params") {
            None | Some(serde_json::Value::Null | serde_json::Value::Object(_)) => {}
            Some(other) => {
                let kind = match other {
                    serde_json::Value::Array(_) => "a list",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    _ => "a boolean",
                };
                return Err(KernelError::Recipe(format!(
                    "step {}: \"params\" must be an object of named parameters, such as \
                     {{\"sigma_px\": 3.0}}, not {kind}",
                    i + 1
                )));
            }
        }
    }
    Ok(())
}

impl Recipe {
    /// Parses a recipe from JSON text, validating every step. Messages
    /// quote at most a short stretch of the input ([`json::clip`]).
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_json_unclipped(text).map_err(|e| match e {
            KernelError::Recipe(m) => KernelError::Recipe(json::clip(&m)),
            other => other,
        })
    }

    fn from_json_unclipped(text: &str) -> Result<Self> {
        let probe =
            json::parse(text).map_err(|e| KernelError::Recipe(format!("not valid JSON: {e}")))?;
        check_version(&probe)?;
        check_params_are_named(&probe)?;
        let raw: RawRecipe =
            serde_json::from_value(probe).map_err(|e| KernelError::Recipe(e.to_string()))?;
        let steps = raw
            .steps
            .into_iter()
            .enumerate()
            .map(|(i, s)| Step::from_raw(i, s))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { steps })
    }

    /// Writes the recipe as pretty JSON.
    pub fn to_json(&self) -> String {
        let raw = RawRecipe {
            lumen_recipe: RECIPE_VERSION,
            steps: self.steps.iter().map(|s| s.to_raw()).collect(),
        };
        serde_json::to_string_pretty(&raw).unwrap_or_default()
    }

    /// The enabled steps' filters, in order.
    pub fn enabled_specs(&self) -> impl Iterator<Item = &FilterSpec> {
        self.steps.iter().filter(|s| s.enabled).map(|s| &s.spec)
    }

    /// Applies the enabled steps one after another on the calling thread,
    /// runs of point steps fused into one pass that rounds once
    /// ([`crate::registry::apply_chain`]). The executors in `lumen_worker`
    /// do the same work in parallel and give bit-identical results.
    pub fn apply(&self, src: &crate::RgbaImage) -> Result<crate::RgbaImage> {
        let specs: Vec<FilterSpec> = self.enabled_specs().cloned().collect();
        crate::registry::apply_chain(&specs, src)
    }
}
