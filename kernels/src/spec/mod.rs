//! [`FilterSpec`]: what a filter is, by its stable name and named
//! parameters, generated from the registry list below: one line per
//! filter, in menu order. Each line names a parameter struct that
//! implements [`Filter`](crate::registry::Filter) (see
//! [`crate::registry`]); everything else (recipe names, the palette, the
//! parameter editor, the CLI's filter list, the web worker) follows from
//! it.
//!
//! The stable name of each filter is its
//! [`FilterInfo::name`](crate::registry::FilterInfo::name): the key of
//! saved recipes and the `funcName` of the web worker protocol. Names and
//! parameter names are a public format: extend, never rename.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod geometry;
mod neighbour;
mod params;
mod tone;

pub use geometry::*;
pub use neighbour::*;
pub use params::*;
pub use tone::*;

crate::define_filters! {
    /// Inverts R, G and B; alpha is kept.
    Invert(InvertParams),
    /// Rec. 709 luma grayscale.
    Grayscale(GrayscaleParams),
    /// Brightness and contrast.
    BrightnessContrast(BrightnessContrastParams),
    /// Exposure in stops.
    Exposure(ExposureParams),
    /// Gamma curve.
    Gamma(GammaParams),
    /// Hue, saturation, lightness.
    Hsl(HslParams),
    /// Hue, saturation and lightness per hue range.
    HslMixer(crate::ops::hsl_mixer::HslMixerParams),
    /// Input black/white points, mid-tone gamma, output range.
    Levels(LevelsParams),
    /// Monotone tone curves per channel and for all three.
    Curves(CurvesParams),
    /// Exposure of shadows and highlights by their surroundings.
    ShadowsHighlights(crate::ops::shadows_highlights::ShadowsHighlightsParams),
    /// Local contrast.
    Clarity(crate::ops::clarity::ClarityParams),
    /// Haze removal by the dark channel prior.
    Dehaze(crate::ops::dehaze::DehazeParams),
    /// Saturation weighted toward dull colours.
    Vibrance(VibranceParams),
    /// White balance: temperature and tint.
    TemperatureTint(TemperatureTintParams),
    /// Output channels as weighted sums of the source channels.
    ChannelMixer(ChannelMixerParams),
    /// A 3D colour lookup table.
    Lut3d(crate::ops::lut3d::Lut3dParams),
    /// Grey from weighted channels.
    BlackWhite(BlackWhiteParams),
    /// Sepia tone.
    Sepia(SepiaParams),
    /// Fewer levels per channel.
    Posterize(PosterizeParams),
    /// Black or white by luma.
    Threshold(ThresholdParams),
    /// Gaussian blur.
    GaussianBlur(GaussianBlurParams),
    /// Unsharp mask.
    UnsharpMask(UnsharpMaskParams),
    /// Box blur (mean of a square).
    BoxBlur(BoxBlurParams),
    /// Motion blur along a line.
    MotionBlur(MotionBlurParams),
    /// Per-channel median of a square.
    Median(MedianParams),
    /// Edge-preserving (bilateral) denoise.
    Denoise(DenoiseParams),
    /// Sobel edge magnitude.
    Sobel(SobelParams),
    /// Emboss.
    Emboss(EmbossParams),
    /// Custom 3x3 or 5x5 convolution.
    Convolve(ConvolveParams),
    /// Average over square blocks.
    Pixelate(PixelateParams),
    /// Darken or lighten towards the corners.
    Vignette(VignetteParams),
    /// Deterministic film grain.
    Noise(NoiseParams),
    /// Rotation by quarter turns.
    Rotate(RotateParams),
    /// Mirror.
    Flip(FlipParams),
    /// Crop to a rectangle.
    Crop(CropParams),
    /// Rotation by any angle, bilinear.
    RotateAngle(RotateAngleParams),
    /// Grow or shrink the canvas around an anchor.
    CanvasSize(CanvasSizeParams),
    /// Resample to a new size.
    Resize(ResizeParams),
}

impl Serialize for FilterSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'a> {
            filter: &'a str,
            params: serde_json::Value,
        }
        Tagged {
            filter: self.name(),
            params: self.params_json(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FilterSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Tagged {
            filter: String,
            #[serde(default)]
            params: Option<serde_json::Value>,
        }
        let tagged = Tagged::deserialize(deserializer)?;
        let params = tagged
            .params
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        match Self::from_parts(&tagged.filter, params) {
            Ok(Some(spec)) => Ok(spec),
            Ok(None) => Err(D::Error::custom(format!(
                "unknown filter: {}",
                tagged.filter
            ))),
            Err(e) => Err(D::Error::custom(format!("{}: {e}", tagged.filter))),
        }
    }
}

impl FilterSpec {
    /// The filter with default parameters for a stable name; `None` if the
    /// name is unknown.
    pub fn from_name(name: &str) -> Option<Self> {
        FILTERS
            .iter()
            .find(|f| f.info.name == name)
            .map(|f| (f.default)())
    }

    /// The stable name, e.g. `"gaussian_blur"`.
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// A human label for menus, e.g. "Gaussian blur".
    pub fn label(&self) -> &'static str {
        self.info().label
    }
}

/// The human label of the filter with stable name `name`, e.g.
/// `"Gaussian blur"` for `"gaussian_blur"`; `"Unknown filter"` if no
/// filter has that name.
pub fn label_of(name: &str) -> &'static str {
    FILTERS
        .iter()
        .find(|f| f.info.name == name)
        .map_or("Unknown filter", |f| f.info.label)
}
