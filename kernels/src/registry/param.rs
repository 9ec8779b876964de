//! Parameter metadata: one [`ParamInfo`] per field of a filter's parameter
//! struct, written once in the [`params!`](crate::params) declaration beside
//! the field. Validation (the hard range), the editor's slider (the soft
//! range), the unit, the label and the help text all come from it.

use crate::error::{KernelError, Result};

/// What kind of value a parameter holds, with its ranges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// An `f32`.
    Float {
        /// Values validation accepts (inclusive).
        hard: (f32, f32),
        /// The slider's range (inclusive, within `hard`); typed values may
        /// go beyond it up to `hard`.
        soft: (f32, f32),
        /// A logarithmic slider.
        log: bool,
        /// Decimals shown.
        decimals: u8,
    },
    /// An integer (`u8` or `u32`).
    Int {
        /// Values validation accepts (inclusive).
        hard: (u32, u32),
        /// The slider's range (inclusive, within `hard`).
        soft: (u32, u32),
        /// A logarithmic slider.
        log: bool,
        /// Labels of the values `0, 1, ...` when the integer picks one of a
        /// few options (empty otherwise).
        labels: &'static [&'static str],
    },
    /// A `bool`.
    Toggle,
    /// One of a fixed set of names (an enum).
    Choice(&'static [Choice]),
    /// A fixed-size array of `f32`, each within `hard`.
    Floats {
        /// Values validation accepts for each element (inclusive).
        hard: (f32, f32),
        /// The sliders' range.
        soft: (f32, f32),
        /// Labels of the elements, e.g. `["R", "G", "B"]`.
        parts: &'static [&'static str],
    },
    /// A straight RGBA colour, `[u8; 4]`.
    Color,
    /// A value with its own editor and its own checks (curves, kernels).
    Custom,
}

/// One option of a [`ParamKind::Choice`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The stable name, as written in recipes.
    pub name: &'static str,
    /// A human label.
    pub label: &'static str,
}

/// Everything known about one parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamInfo {
    /// The field's name in recipes (stable: extend, never rename).
    pub name: &'static str,
    /// A short human label for the editor.
    pub label: &'static str,
    /// The unit shown after the value (`"px"`, `"°"`, or empty).
    pub unit: &'static str,
    /// What the parameter does (the field's doc comment).
    pub help: &'static str,
    /// Its kind and ranges.
    pub kind: ParamKind,
    /// Whether the value is a length in source pixels, scaled for the
    /// preview (documentation for the editor; the filter's
    /// `scaled_for_proxy` does the scaling).
    pub is_length: bool,
}

impl ParamInfo {
    const fn new(label: &'static str, kind: ParamKind) -> Self {
        Self {
            name: "",
            label,
            unit: "",
            help: "",
            kind,
            is_length: false,
        }
    }

    /// A float accepted in `lo..=hi` (also the slider's range).
    pub const fn float(label: &'static str, lo: f32, hi: f32) -> Self {
        Self::new(
            label,
            ParamKind::Float {
                hard: (lo, hi),
                soft: (lo, hi),
                log: false,
                decimals: 2,
            },
        )
    }

    /// An integer accepted in `lo..=hi` (also the slider's range).
    pub const fn int(label: &'static str, lo: u32, hi: u32) -> Self {
        Self::new(
            label,
            ParamKind::Int {
                hard: (lo, hi),
                soft: (lo, hi),
                log: false,
                labels: &[],
            },
        )
    }

    /// An integer `0..labels.len()` picking one of `labels`.
    pub const fn options(label: &'static str, labels: &'static [&'static str]) -> Self {
        let hi = labels.len().saturating_sub(1) as u32;
        Self::new(
            label,
            ParamKind::Int {
                hard: (0, hi),
                soft: (0, hi),
                log: false,
                labels,
            },
        )
    }

    /// A boolean.
    pub const fn toggle(label: &'static str) -> Self {
        Self::new(label, ParamKind::Toggle)
    }

    /// One of `choices`.
    pub const fn choice(label: &'static str, choices: &'static [Choice]) -> Self {
        Self::new(label, ParamKind::Choice(choices))
    }

    /// An array of floats, each in `lo..=hi`, labelled `parts`.
    pub const fn floats(
        label: &'static str,
        lo: f32,
        hi: f32,
        parts: &'static [&'static str],
    ) -> Self {
        Self::new(
            label,
            ParamKind::Floats {
                hard: (lo, hi),
                soft: (lo, hi),
                parts,
            },
        )
    }

    /// An RGBA colour.
    pub const fn color(label: &'static str) -> Self {
        Self::new(label, ParamKind::Color)
    }

    /// A value with its own editor and checks.
    pub const fn custom(label: &'static str) -> Self {
        Self::new(label, ParamKind::Custom)
    }

    /// Narrows the slider to `lo..=hi` (numbers only; typed values may still
    /// use the whole hard range).
    pub const fn soft(mut self, lo: f32, hi: f32) -> Self {
        self.kind = match self.kind {
            ParamKind::Float {
                hard,
                log,
                decimals,
                ..
            } => ParamKind::Float {
                hard,
                soft: (lo, hi),
                log,
                decimals,
            },
            ParamKind::Int {
                hard, log, labels, ..
            } => ParamKind::Int {
                hard,
                soft: (lo as u32, hi as u32),
                log,
                labels,
            },
            ParamKind::Floats { hard, parts, .. } => ParamKind::Floats {
                hard,
                soft: (lo, hi),
                parts,
            },
            other => other,
        };
        self
    }

    /// A logarithmic slider.
    pub const fn log(mut self) -> Self {
        self.kind = match self.kind {
            ParamKind::Float {
                hard,
                soft,
                decimals,
                ..
            } => ParamKind::Float {
                hard,
                soft,
                log: true,
                decimals,
            },
            ParamKind::Int {
                hard, soft, labels, ..
            } => ParamKind::Int {
                hard,
                soft,
                log: true,
                labels,
            },
            other => other,
        };
        self
    }

    /// Shows `n` decimals.
    pub const fn decimals(mut self, n: u8) -> Self {
        if let ParamKind::Float {
            hard, soft, log, ..
        } = self.kind
        {
            self.kind = ParamKind::Float {
                hard,
                soft,
                log,
                decimals: n,
            };
        }
        self
    }

    /// The unit shown after the value.
    pub const fn unit(mut self, unit: &'static str) -> Self {
        self.unit = unit;
        self
    }

    /// A length in pixels (unit `px`), scaled for the preview.
    pub const fn px(mut self) -> Self {
        self.unit = "px";
        self.is_length = true;
        self
    }

    /// The help text with the doc comment's line breaks joined.
    pub fn help_text(&self) -> String {
        self.help
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A mutable view of one parameter's value, for editors.
pub enum ParamMut<'a> {
    /// An `f32`.
    Float(&'a mut f32),
    /// A `u8`.
    U8(&'a mut u8),
    /// A `u32`.
    U32(&'a mut u32),
    /// A `bool`.
    Toggle(&'a mut bool),
    /// An enum of named choices.
    Choice(&'a mut dyn ChoiceValue),
    /// An array of floats.
    Floats(&'a mut [f32]),
    /// An RGBA colour.
    Color(&'a mut [u8; 4]),
    /// A value with its own editor.
    Custom,
}

/// An enum parameter seen through its index in [`ChoiceParam::CHOICES`].
pub trait ChoiceValue {
    /// The index of the current value.
    fn index(&self) -> usize;
    /// Sets the value by index (out of range: unchanged).
    fn set_index(&mut self, index: usize);
}

/// An enum usable as a [`ParamKind::Choice`] parameter.
pub trait ChoiceParam: Copy + PartialEq + 'static {
    /// Every value with its stable name and label, in menu order.
    const ALL: &'static [(Self, Choice)];
    /// The choices alone (for [`ParamKind::Choice`]).
    const CHOICES: &'static [Choice];
}

impl<T: ChoiceParam> ChoiceValue for T {
    fn index(&self) -> usize {
        T::ALL.iter().position(|(v, _)| v == self).unwrap_or(0)
    }

    fn set_index(&mut self, index: usize) {
        if let Some((v, _)) = T::ALL.get(index) {
            *self = *v;
        }
    }
}

/// Lists an enum's values with stable names and labels, and makes it a
/// [`ChoiceParam`].
#[macro_export]
macro_rules! choice_param {
    ($ty:ty { $($variant:ident => $name:literal, $label:literal;)* }) => {
        impl $crate::registry::ChoiceParam for $ty {
            const ALL: &'static [(Self, $crate::registry::Choice)] = &[
                $((Self::$variant, $crate::registry::Choice { name: $name, label: $label }),)*
            ];
            const CHOICES: &'static [$crate::registry::Choice] = &[
                $($crate::registry::Choice { name: $name, label: $label },)*
            ];
        }
    };
}

/// A field type a parameter can have: how it is checked against its
/// [`ParamKind`] and how an editor reaches it.
pub trait ParamValue {
    /// Checks the value against `kind`'s hard range.
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()>;
    /// A mutable view for editors.
    fn as_param_mut(&mut self) -> ParamMut<'_>;
}

fn param_error(filter: &'static str, param: &'static str, problem: String) -> KernelError {
    KernelError::Param {
        filter,
        param,
        problem,
    }
}

fn kind_mismatch(filter: &'static str, param: &'static str, kind: &ParamKind) -> KernelError {
    param_error(
        filter,
        param,
        format!("is declared as {kind:?}, which does not fit its type"),
    )
}

/// Checks that `v` is finite and in `lo..=hi`.
pub fn check_f32(
    filter: &'static str,
    param: &'static str,
    v: f32,
    lo: f32,
    hi: f32,
) -> Result<()> {
    if !v.is_finite() {
        return Err(param_error(
            filter,
            param,
            format!("must be a finite number, got {v}"),
        ));
    }
    if v < lo || v > hi {
        return Err(param_error(
            filter,
            param,
            format!("must be in {lo}..={hi}, got {v}"),
        ));
    }
    Ok(())
}

/// Checks that `v` is in `lo..=hi`.
pub fn check_u32(
    filter: &'static str,
    param: &'static str,
    v: u32,
    lo: u32,
    hi: u32,
) -> Result<()> {
    if v < lo || v > hi {
        return Err(param_error(
            filter,
            param,
            format!("must be in {lo}..={hi}, got {v}"),
        ));
    }
    Ok(())
}

impl ParamValue for f32 {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Float { hard, .. } => check_f32(filter, param, *self, hard.0, hard.1),
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::Float(self)
    }
}

impl ParamValue for u32 {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Int { hard, .. } => check_u32(filter, param, *self, hard.0, hard.1),
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::U32(self)
    }
}

impl ParamValue for u8 {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Int { hard, .. } if hard.1 <= 255 => {
                check_u32(filter, param, u32::from(*self), hard.0, hard.1)
            }
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::U8(self)
    }
}

impl ParamValue for bool {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Toggle => Ok(()),
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::Toggle(self)
    }
}

impl<T: ChoiceParam> ParamValue for T {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Choice(c) if *c == T::CHOICES => Ok(()),
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::Choice(self)
    }
}

impl<const N: usize> ParamValue for [f32; N] {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Floats { hard, parts, .. } if parts.len() == N => self
                .iter()
                .try_for_each(|&v| check_f32(filter, param, v, hard.0, hard.1)),
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::Floats(self)
    }
}

impl ParamValue for [u8; 4] {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Color => Ok(()),
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::Color(self)
    }
}

impl<T> ParamValue for Vec<T> {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        match kind {
            ParamKind::Custom => Ok(()),
            other => Err(kind_mismatch(filter, param, other)),
        }
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::Custom
    }
}

/// A filter's parameter struct: its metadata, checks and editor access,
/// generated by [`params!`](crate::params).
pub trait Params {
    /// One entry per field, in declaration order.
    const PARAMS: &'static [ParamInfo];

    /// Checks every field against its declared range, then the
    /// cross-field rules; errors name `filter` and the parameter.
    fn check_params(&self, filter: &'static str) -> Result<()>;
}

/// Editor access to any filter's parameters, object-safe.
pub trait DynParams {
    /// The metadata of every parameter.
    fn infos(&self) -> &'static [ParamInfo];
    /// A mutable view of the parameter `name`; `None` if there is none.
    fn param_mut(&mut self, name: &str) -> Option<ParamMut<'_>>;
    /// Sets the parameter `name` back to its default; false if unknown.
    fn reset_param(&mut self, name: &str) -> bool;
}

/// Declares a filter's parameter struct and its metadata in one place.
///
/// ```ignore
/// params! {
///     /// `gaussian_blur`.
///     pub struct GaussianBlurParams {
///         /// Standard deviation in pixels; 0 leaves the image unchanged.
///         pub sigma_px: f32 = 2.0 => ParamInfo::float("Sigma", 0.0, 1000.0).soft(0.0, 100.0).log().px(),
///     }
/// }
/// ```
///
/// Generates the struct (serde with defaults and `deny_unknown_fields`),
/// its `Default`, [`Params`] (metadata and range checks; `check = path;`
/// after the struct adds a cross-field check `fn(&Self, &'static str) ->
/// Result<()>`) and [`DynParams`].
#[macro_export]
macro_rules! params {
    (
        $(#[doc = $sdoc:literal])*
        $(#[derive($($extra:ident),*)])?
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident : $ty:ty = $default:expr => $meta:expr
            ),* $(,)?
        }
        $(check = $check:path;)?
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize $($(, $extra)*)?)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        impl $crate::registry::Params for $name {
            const PARAMS: &'static [$crate::registry::ParamInfo] = &[
                $($crate::registry::ParamInfo {
                    name: stringify!($field),
                    help: concat!($($doc, "\n",)* ""),
                    ..$meta
                },)*
            ];

            #[allow(unused_variables)]
            fn check_params(&self, filter: &'static str) -> $crate::Result<()> {
                $({
                    const META: $crate::registry::ParamInfo = $meta;
                    $crate::registry::ParamValue::check(
                        &self.$field,
                        filter,
                        stringify!($field),
                        &META.kind,
                    )?;
                })*
                $($check(self, filter)?;)?
                Ok(())
            }
        }

        impl $crate::registry::DynParams for $name {
            fn infos(&self) -> &'static [$crate::registry::ParamInfo] {
                <Self as $crate::registry::Params>::PARAMS
            }

            #[allow(unused_variables, clippy::match_single_binding)]
            fn param_mut(&mut self, name: &str) -> Option<$crate::registry::ParamMut<'_>> {
                match name {
                    $(stringify!($field) => Some($crate::registry::ParamValue::as_param_mut(
                        &mut self.$field,
                    )),)*
                    _ => None,
                }
            }

            #[allow(unused_variables, clippy::match_single_binding)]
            fn reset_param(&mut self, name: &str) -> bool {
                match name {
                    $(stringify!($field) => {
                        self.$field = <Self as Default>::default().$field;
                        true
                    })*
                    _ => false,
                }
            }
        }
    };
}
