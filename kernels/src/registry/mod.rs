//! The filter registry: every filter is defined once, by a parameter struct
//! declared with [`params!`](crate::params) (names, defaults, ranges,
//! labels, help) and an implementation of [`Filter`] (its [`FilterInfo`],
//! how it splits into row bands, how it scales for the preview, what it
//! prepares once per step and how it renders rows). One line per filter in
//! [`crate::spec`]'s `define_filters!` list then makes it part of
//! [`FilterSpec`](crate::FilterSpec): recipes, the editor's palette and
//! parameter panel, the CLI and the web worker all read it from there.
//!
//! There are no fallbacks: [`Filter::layout`] and
//! [`Filter::scaled_for_proxy`] have no default, so a filter that does not
//! say how it splits or scales does not compile.

use std::fmt::Debug;
use std::ops::Range;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::image::SourceBand;

mod fuse;
mod param;
mod point;
mod prepared;

pub use fuse::{Preparable, apply_chain, prepare_unit};
pub use param::*;
pub use point::{BLOCK, ColorBlock, ColorFn, PointStage, ToneFn};
pub use prepared::{PreparedStep, WEIGHT_ONE, WeightMap};

/// Where a filter appears in menus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Per-pixel tone and colour adjustments.
    Adjust,
    /// Neighbourhood filters and effects.
    Effect,
    /// Geometry: size, orientation, framing. Masks do not apply.
    Geometry,
}

impl Family {
    /// A human name for menu sections.
    pub fn label(self) -> &'static str {
        match self {
            Self::Adjust => "Adjustments",
            Self::Effect => "Filters",
            Self::Geometry => "Geometry",
        }
    }
}

/// What a filter is, for people and for the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilterInfo {
    /// The stable name: the recipe key and the web worker's `funcName`
    /// (a public format: extend, never rename).
    pub name: &'static str,
    /// A human label, e.g. "Gaussian blur".
    pub label: &'static str,
    /// What it does, in a sentence.
    pub description: &'static str,
    /// Other words people search for ("sharpen", "white balance").
    pub keywords: &'static [&'static str],
    /// Its menu family.
    pub family: Family,
}

/// How a filter's output rows depend on its source rows.
pub enum Layout<'a> {
    /// The output has the source's size, and output row `y` needs source
    /// rows `y - halo_px ..= y + halo_px` (0 for per-pixel filters).
    Rows {
        /// Rows needed above and below, in pixels.
        halo_px: u32,
    },
    /// The filter maps output rows to a source range of its own (flip,
    /// crop, resize, pixelate blocks) and may change the size.
    Mapped(&'a dyn Geometry),
    /// Every output row may need every source row (quarter turns); the
    /// filter says only its output size.
    Whole(&'a dyn Geometry),
}

/// Output size and row mapping of a [`Layout::Mapped`] or
/// [`Layout::Whole`] filter.
pub trait Geometry {
    /// The output size for a `width` x `height` source.
    fn output_size(&self, width: u32, height: u32) -> Result<(u32, u32)>;
    /// The source rows needed for output rows `out_rows` (not empty).
    /// [`Layout::Whole`] filters are given every row whatever this says.
    fn source_rows(&self, width: u32, height: u32, out_rows: Range<u32>) -> Range<u32>;
}

/// One filter: its parameters are `Self`.
pub trait Filter:
    Params
    + DynParams
    + Clone
    + Debug
    + PartialEq
    + Default
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// Name, label, description, search words and family.
    const INFO: FilterInfo;

    /// What [`Filter::prepare`] builds once per step: plans, tables,
    /// kernels (or a copy of the parameters when nothing is worth
    /// preparing).
    type Prepared: Send + Sync + 'static;

    /// How the filter splits into row bands (and its output size).
    fn layout(&self) -> Layout<'_>;

    /// The same filter for a preview rendered at `scale` times the source
    /// size: lengths in pixels are scaled so the preview looks like the
    /// full render; angles, strengths and seeds are kept.
    #[must_use]
    fn scaled_for_proxy(&self, scale: f32) -> Self;

    /// Builds what rendering needs for a `width` x `height` source. Called
    /// once per step after the parameters were checked.
    fn prepare(&self, width: u32, height: u32) -> Result<Self::Prepared>;

    /// Renders output rows `out_rows` into `dst` (exactly those rows,
    /// tightly packed) from `src`, which holds the rows the layout names.
    /// Sizes were checked by the caller ([`PreparedStep::render_rows`]).
    fn render(
        prepared: &Self::Prepared,
        src: &SourceBand<'_>,
        out_rows: Range<u32>,
        dst: &mut [u8],
    );

    /// The filter as a per-pixel function on unrounded levels, for fusing
    /// a run of point steps into one pass that rounds once
    /// ([`PreparedStep::fuse`]). `None` (the default): the filter is not a
    /// pure per-pixel function and is never fused.
    fn point_stage(_prepared: &Self::Prepared) -> Option<PointStage> {
        None
    }

    /// The parameters the editor starts a new step with for a `width` x
    /// `height` input. Adjustments and geometry start neutral (levels
    /// 0/255, crop the whole image); filters with a strength start at a
    /// modest visible value. Defaults to the recipe default.
    fn editor_start(_width: u32, _height: u32) -> Self {
        Self::default()
    }
}

/// One registry entry, for listing every filter.
#[derive(Clone, Copy, Debug)]
pub struct FilterEntry {
    /// The filter's info.
    pub info: &'static FilterInfo,
    /// Its parameters' metadata.
    pub params: &'static [ParamInfo],
    /// The filter with its recipe defaults.
    pub default: fn() -> crate::FilterSpec,
    /// The filter as the editor starts it for a `width` x `height` input.
    pub editor_start: fn(u32, u32) -> crate::FilterSpec,
}

/// Source rows `a - halo .. b + halo` of a `height`-row source, clamped.
pub fn halo_rows(halo_px: u32, height: u32, out_rows: Range<u32>) -> Range<u32> {
    let h = i64::from(halo_px);
    clamp_range(
        i64::from(out_rows.start) - h,
        i64::from(out_rows.end) + h,
        height,
    )
}

/// `start..end` clamped to `0..height` (empty if reversed).
pub fn clamp_range(start: i64, end: i64, height: u32) -> Range<u32> {
    let h = i64::from(height);
    let s = start.clamp(0, h) as u32;
    let e = end.clamp(0, h) as u32;
    s..e.max(s)
}

/// Generates [`FilterSpec`](crate::FilterSpec) and its dispatch from one
/// line per filter: `Variant(ParamsType)`.
#[macro_export]
macro_rules! define_filters {
    ($( $(#[doc = $doc:literal])* $variant:ident($ty:ty), )*) => {
        /// One filter with its parameters; serialized as
        /// `{"filter": NAME, "params": {...}}`.
        #[derive(Clone, Debug, PartialEq)]
        pub enum FilterSpec {
            $($(#[doc = $doc])* $variant($ty),)*
        }

        /// Every stable filter name, in menu order.
        pub const FILTER_NAMES: &[&str] = &[
            $(<$ty as $crate::registry::Filter>::INFO.name,)*
        ];

        /// Every filter, in menu order.
        pub static FILTERS: &[$crate::registry::FilterEntry] = &[
            $($crate::registry::FilterEntry {
                info: &<$ty as $crate::registry::Filter>::INFO,
                params: <$ty as $crate::registry::Params>::PARAMS,
                default: || FilterSpec::$variant(<$ty as Default>::default()),
                editor_start: |w, h| {
                    FilterSpec::$variant(<$ty as $crate::registry::Filter>::editor_start(w, h))
                },
            },)*
        ];

        impl FilterSpec {
            /// The filter's registry info.
            pub fn info(&self) -> &'static $crate::registry::FilterInfo {
                match self {
                    $(Self::$variant(_) => &<$ty as $crate::registry::Filter>::INFO,)*
                }
            }

            /// Checks every parameter; the error names the filter and
            /// parameter.
            pub fn validate(&self) -> $crate::Result<()> {
                match self {
                    $(Self::$variant(p) => $crate::registry::Params::check_params(
                        p,
                        <$ty as $crate::registry::Filter>::INFO.name,
                    ),)*
                }
            }

            /// How the filter splits into row bands.
            pub fn layout(&self) -> $crate::registry::Layout<'_> {
                match self {
                    $(Self::$variant(p) => $crate::registry::Filter::layout(p),)*
                }
            }

            /// The same filter for a preview at `scale` times the source
            /// size ([`Filter::scaled_for_proxy`](crate::registry::Filter::scaled_for_proxy)).
            #[must_use]
            pub fn scaled_for_proxy(&self, scale: f32) -> Self {
                match self {
                    $(Self::$variant(p) => {
                        Self::$variant($crate::registry::Filter::scaled_for_proxy(p, scale))
                    })*
                }
            }

            /// Checks the parameters and prepares the filter once for a
            /// `width` x `height` source.
            pub fn prepare(
                &self,
                width: u32,
                height: u32,
            ) -> $crate::Result<$crate::registry::PreparedStep> {
                match self {
                    $(Self::$variant(p) => $crate::registry::PreparedStep::new(p, width, height),)*
                }
            }

            /// Editor access to the parameters.
            pub fn params_mut(&mut self) -> &mut dyn $crate::registry::DynParams {
                match self {
                    $(Self::$variant(p) => p,)*
                }
            }

            /// The filter named `name` with parameters read from
            /// `params`; `Ok(None)` if no filter has that name.
            pub fn from_parts<'de, D: ::serde::Deserializer<'de>>(
                name: &str,
                params: D,
            ) -> ::std::result::Result<Option<Self>, D::Error> {
                $(if name == <$ty as $crate::registry::Filter>::INFO.name {
                    return <$ty as ::serde::Deserialize>::deserialize(params)
                        .map(|p| Some(Self::$variant(p)));
                })*
                Ok(None)
            }

            /// The parameters as a JSON object.
            pub fn params_json(&self) -> ::serde_json::Value {
                let value = match self {
                    $(Self::$variant(p) => ::serde_json::to_value(p),)*
                };
                value.unwrap_or_default()
            }
        }
    };
}

/// The bytes of rows `out_rows` of `src`, `len` of them: a per-pixel
/// filter's input for those output rows.
pub fn point_rows<'a>(src: &SourceBand<'a>, out_rows: &Range<u32>, len: usize) -> &'a [u8] {
    let start = (out_rows.start - src.y0) as usize * src.stride();
    &src.pixels[start..start + len]
}

/// The [`Filter`] items of a per-pixel filter whose op is
/// `op(&params, src, dst)` on whole rows: layout `Rows { halo_px: 0 }`, no
/// scaling for the preview (it has no lengths), the parameters themselves
/// as the prepared state. `point_filter!(op, stage)` also gives
/// [`Filter::point_stage`] as `Some(stage(&params))`, so runs of the filter
/// with other point steps can be fused.
#[macro_export]
macro_rules! point_filter {
    ($op:path, $stage:path) => {
        $crate::point_filter!($op);

        fn point_stage(prepared: &Self) -> Option<$crate::registry::PointStage> {
            Some($stage(prepared))
        }
    };
    ($op:path) => {
        type Prepared = Self;

        fn layout(&self) -> $crate::registry::Layout<'_> {
            $crate::registry::Layout::Rows { halo_px: 0 }
        }

        fn scaled_for_proxy(&self, _scale: f32) -> Self {
            self.clone()
        }

        fn prepare(&self, _width: u32, _height: u32) -> $crate::Result<Self> {
            Ok(self.clone())
        }

        fn render(
            prepared: &Self,
            src: &$crate::SourceBand<'_>,
            out_rows: ::std::ops::Range<u32>,
            dst: &mut [u8],
        ) {
            let len = dst.len();
            $op(
                prepared,
                $crate::registry::point_rows(src, &out_rows, len),
                dst,
            );
        }
    };
}

/// The [`Filter`] items `Prepared`, `prepare` and `render` of a filter
/// whose op is `op(&params, src_band, out_rows, dst)` and that prepares
/// nothing but a copy of its parameters. `layout` and `scaled_for_proxy`
/// are still written by hand.
#[macro_export]
macro_rules! band_filter {
    ($op:path) => {
        type Prepared = Self;

        fn prepare(&self, _width: u32, _height: u32) -> $crate::Result<Self> {
            Ok(self.clone())
        }

        fn render(
            prepared: &Self,
            src: &$crate::SourceBand<'_>,
            out_rows: ::std::ops::Range<u32>,
            dst: &mut [u8],
        ) {
            $op(prepared, src, out_rows, dst);
        }
    };
}
