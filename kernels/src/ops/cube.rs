//! 3D colour lookup tables ([`CubeLut`]) and the `.cube` text format
//! (Adobe's Cube LUT specification 1.0, with DaVinci Resolve's
//! `LUT_3D_INPUT_RANGE`) they are imported from.
//!
//! A table is stored inline in recipes as
//! `{"title": TEXT, "size": N, "domain_min": [r, g, b], "domain_max": [r, g,
//! b], "table": [r, g, b, r, g, b, ...]}`: `N³` output colours, red
//! changing fastest, then green, then blue (the order of a `.cube` file),
//! in `0..=1` (values outside are clamped when applied).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::{KernelError, Result};
use crate::registry::{ParamKind, ParamMut, ParamValue};

/// Largest lattice size accepted (65³ colours: the largest common size).
pub const MAX_LUT_SIZE: u32 = 65;

/// Smallest lattice size.
pub const MIN_LUT_SIZE: u32 = 2;

/// A 3D lookup table: a lattice of `size³` output colours over the input
/// cube `domain_min..=domain_max`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CubeLut {
    /// The table's title (a `.cube` file's `TITLE`), for people.
    #[serde(default)]
    pub title: String,
    /// Lattice points per axis, `2..=65`.
    pub size: u32,
    /// The input (R, G, B in `0..=1`) at the first lattice point.
    #[serde(default = "zeros")]
    pub domain_min: [f32; 3],
    /// The input at the last lattice point, above `domain_min`.
    #[serde(default = "ones")]
    pub domain_max: [f32; 3],
    /// `size³` colours as `[r, g, b, r, g, b, ...]`, red fastest, then
    /// green, then blue.
    pub table: Vec<f32>,
}

fn zeros() -> [f32; 3] {
    [0.0; 3]
}

fn ones() -> [f32; 3] {
    [1.0; 3]
}

impl Default for CubeLut {
    fn default() -> Self {
        Self::identity(MIN_LUT_SIZE)
    }
}

impl CubeLut {
    /// The table that changes nothing, `size` points per axis (clamped to
    /// `2..=65`).
    pub fn identity(size: u32) -> Self {
        let n = size.clamp(MIN_LUT_SIZE, MAX_LUT_SIZE);
        let step = 1.0 / (n - 1) as f32;
        let mut table = Vec::with_capacity(3 * (n as usize).pow(3));
        for b in 0..n {
            for g in 0..n {
                for r in 0..n {
                    table.extend([r as f32 * step, g as f32 * step, b as f32 * step]);
                }
            }
        }
        Self {
            title: String::new(),
            size: n,
            domain_min: zeros(),
            domain_max: ones(),
            table,
        }
    }

    /// The output colour at lattice point `(r, g, b)` (indices below
    /// `size`).
    pub fn at(&self, r: usize, g: usize, b: usize) -> [f32; 3] {
        let n = self.size as usize;
        let i = 3 * (r + n * (g + n * b));
        [self.table[i], self.table[i + 1], self.table[i + 2]]
    }

    /// Checks the size, the table's length, the domain and that every
    /// number is finite; errors say what is wrong.
    pub fn check(&self) -> std::result::Result<(), String> {
        if !(MIN_LUT_SIZE..=MAX_LUT_SIZE).contains(&self.size) {
            return Err(format!(
                "size must be in {MIN_LUT_SIZE}..={MAX_LUT_SIZE}, got {}",
                self.size
            ));
        }
        let expected = 3 * (self.size as usize).pow(3);
        if self.table.len() != expected {
            return Err(format!(
                "table must hold {expected} numbers (3 x {}³), got {}",
                self.size,
                self.table.len()
            ));
        }
        if let Some(i) = self.table.iter().position(|v| !v.is_finite()) {
            return Err(format!("table value {i} is not a finite number"));
        }
        for c in 0..3 {
            let (lo, hi) = (self.domain_min[c], self.domain_max[c]);
            if !lo.is_finite() || !hi.is_finite() || lo >= hi {
                return Err(format!(
                    "domain_max must be above domain_min in every channel, got {lo}..{hi}"
                ));
            }
        }
        Ok(())
    }

    /// Reads a `.cube` file's text. Errors name the line.
    pub fn parse_cube(text: &str) -> std::result::Result<Self, CubeError> {
        parse(text)
    }
}

impl ParamValue for CubeLut {
    fn check(&self, filter: &'static str, param: &'static str, kind: &ParamKind) -> Result<()> {
        let problem = match kind {
            ParamKind::Custom => match CubeLut::check(self) {
                Ok(()) => return Ok(()),
                Err(problem) => problem,
            },
            other => format!("is declared as {other:?}, which does not fit its type"),
        };
        Err(KernelError::Param {
            filter,
            param,
            problem,
        })
    }

    fn as_param_mut(&mut self) -> ParamMut<'_> {
        ParamMut::Custom
    }
}

/// Why a `.cube` file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("line {line}: {problem}")]
pub struct CubeError {
    /// The line (from 1) where the problem was found.
    pub line: usize,
    /// What is wrong there.
    pub problem: String,
}

/// What the parser has read so far.
struct Reader {
    lut: CubeLut,
    size: Option<u32>,
    expected: usize,
}

fn parse(text: &str) -> std::result::Result<CubeLut, CubeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader {
        lut: CubeLut {
            title: String::new(),
            size: 0,
            domain_min: zeros(),
            domain_max: ones(),
            table: Vec::new(),
        },
        size: None,
        expected: 0,
    };
    let mut last = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        last = line;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let error = |problem: String| CubeError { line, problem };
        reader.line(content).map_err(error)?;
    }
    let end = |problem: String| CubeError {
        line: last.max(1),
        problem,
    };
    let Some(size) = reader.size else {
        return Err(end(
            "no LUT_3D_SIZE: this is not a 3D LUT in .cube format".into()
        ));
    };
    let entries = reader.lut.table.len() / 3;
    if entries != reader.expected {
        return Err(end(format!(
            "the table ends after {entries} colours; LUT_3D_SIZE {size} needs {}",
            reader.expected
        )));
    }
    reader.lut.size = size;
    reader.lut.check().map_err(end)?;
    Ok(reader.lut)
}

impl Reader {
    fn line(&mut self, content: &str) -> std::result::Result<(), String> {
        let mut words = content.split_whitespace();
        let first = words.next().unwrap_or("");
        if first.starts_with(|c: char| c.is_ascii_alphabetic()) {
            if !self.lut.table.is_empty() {
                return Err(format!("keyword {first} after the table's first colour"));
            }
            return self.keyword(first, content, words.collect());
        }
        let Some(size) = self.size else {
            return Err("a colour before LUT_3D_SIZE".into());
        };
        let values = numbers(content.split_whitespace().collect())?;
        if values.len() != 3 {
            return Err(format!(
                "a colour needs three numbers, found {}",
                values.len()
            ));
        }
        if self.lut.table.len() / 3 >= self.expected {
            return Err(format!(
                "more colours than LUT_3D_SIZE {size} allows ({})",
                self.expected
            ));
        }
        self.lut.table.extend(values);
        Ok(())
    }

    fn keyword(
        &mut self,
        keyword: &str,
        content: &str,
        args: Vec<&str>,
    ) -> std::result::Result<(), String> {
        match keyword {
            "TITLE" => {
                let rest = content[keyword.len()..].trim();
                self.lut.title = rest.trim_matches('"').to_owned();
            }
            "LUT_3D_SIZE" => {
                if self.size.is_some() {
                    return Err("LUT_3D_SIZE given twice".into());
                }
                let [n] = args[..] else {
                    return Err(format!(
                        "LUT_3D_SIZE needs one number, found {}",
                        args.len()
                    ));
                };
                let n: u32 = n
                    .parse()
                    .map_err(|_| format!("LUT_3D_SIZE must be a whole number, got {n:?}"))?;
                if n > MAX_LUT_SIZE {
                    return Err(format!(
                        "LUT_3D_SIZE {n} is larger than Lumen accepts ({MAX_LUT_SIZE})"
                    ));
                }
                if n < MIN_LUT_SIZE {
                    return Err(format!(
                        "LUT_3D_SIZE must be at least {MIN_LUT_SIZE}, got {n}"
                    ));
                }
                self.size = Some(n);
                self.expected = (n as usize).pow(3);
                self.lut.table.reserve_exact(3 * self.expected);
            }
            "DOMAIN_MIN" | "DOMAIN_MAX" => {
                let v = numbers(args)?;
                let [r, g, b] = v[..] else {
                    return Err(format!("{keyword} needs three numbers, found {}", v.len()));
                };
                if keyword == "DOMAIN_MIN" {
                    self.lut.domain_min = [r, g, b];
                } else {
                    self.lut.domain_max = [r, g, b];
                }
            }
            "LUT_3D_INPUT_RANGE" => {
                let v = numbers(args)?;
                let [lo, hi] = v[..] else {
                    return Err(format!(
                        "LUT_3D_INPUT_RANGE needs two numbers, found {}",
                        v.len()
                    ));
                };
                self.lut.domain_min = [lo; 3];
                self.lut.domain_max = [hi; 3];
            }
            "LUT_1D_SIZE" | "LUT_1D_INPUT_RANGE" => {
                return Err(format!(
                    "{keyword}: 1D LUTs are not supported, only 3D ones (LUT_3D_SIZE)"
                ));
            }
            other => return Err(format!("unknown keyword {other}")),
        }
        Ok(())
    }
}

/// The numbers of `words`, each finite.
fn numbers(words: Vec<&str>) -> std::result::Result<Vec<f32>, String> {
    words
        .into_iter()
        .map(|w| match w.parse::<f32>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(format!("{w:?} is not a finite number")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_round_trips_through_json() {
        let lut = CubeLut::identity(3);
        assert_eq!(lut.table.len(), 81);
        assert_eq!(lut.at(2, 0, 1), [1.0, 0.0, 0.5]);
        let json = serde_json::to_string(&lut).unwrap_or_default();
        let back: CubeLut = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, lut);
        assert_eq!(lut.check(), Ok(()));
    }
}
