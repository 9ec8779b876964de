//! Labels for the history list that say what an edit changed, with the
//! values: "Gaussian blur sigma 3.0 -> 5.5", "Crop x 0 -> 10, y 0 -> 8".
//! Parameter names and formats come from the filter registry.

use lumen_kernels::FilterSpec;
use lumen_kernels::registry::{ParamInfo, ParamKind};
use lumen_kernels::spec::FILTERS;
use serde_json::Value;

/// At most this many changed parameters are named in one label.
const MAX_NAMED: usize = 3;

/// A value as the editor shows it.
fn format_value(info: &ParamInfo, value: &Value) -> String {
    match (info.kind, value) {
        (ParamKind::Float { decimals, .. }, Value::Number(n)) => {
            // The editor's precision, without trailing zeros: 3.0, 5.25.
            let v = n.as_f64().unwrap_or(0.0);
            let text = format!("{v:.*}", usize::from(decimals));
            if text.contains('.') {
                let trimmed = text.trim_end_matches('0');
                if trimmed.ends_with('.') {
                    format!("{trimmed}0")
                } else {
                    trimmed.to_owned()
                }
            } else {
                text
            }
        }
        (ParamKind::Int { labels, .. }, Value::Number(n)) => {
            let v = n.as_u64().unwrap_or(0);
            usize::try_from(v)
                .ok()
                .and_then(|i| labels.get(i))
                .map_or_else(|| v.to_string(), |l| (*l).to_owned())
        }
        (ParamKind::Toggle, Value::Bool(b)) => if *b { "on" } else { "off" }.to_owned(),
        (ParamKind::Choice(choices), Value::String(s)) => choices
            .iter()
            .find(|c| c.name == s)
            .map_or_else(|| s.clone(), |c| c.label.to_owned()),
        (ParamKind::Color, Value::Array(a)) => {
            let hex: String = a
                .iter()
                .map(|c| format!("{:02x}", c.as_u64().unwrap_or(0).min(255)))
                .collect();
            format!("#{hex}")
        }
        (ParamKind::Floats { .. }, Value::Array(a)) => {
            let parts: Vec<String> = a
                .iter()
                .map(|v| format!("{:.2}", v.as_f64().unwrap_or(0.0)))
                .collect();
            format!("({})", parts.join(", "))
        }
        (_, v) => v.to_string(),
    }
}

/// The label of an edit that turned `old` into `new` (the same filter):
/// the filter, then each changed parameter with its old and new value.
pub fn edit_label(old: &FilterSpec, new: &FilterSpec) -> String {
    let label = new.label();
    let params = FILTERS
        .iter()
        .find(|e| e.info.name == new.name())
        .map_or(&[][..], |e| e.params);
    if old.name() != new.name() {
        return format!("Edit {label}");
    }
    let (a, b) = (old.params_json(), new.params_json());
    let changed: Vec<String> = params
        .iter()
        .filter_map(|p| {
            let (va, vb) = (a.get(p.name)?, b.get(p.name)?);
            (va != vb).then(|| match p.kind {
                ParamKind::Custom => format!("{} edited", p.label.to_lowercase()),
                _ => format!(
                    "{} {} -> {}",
                    p.label.to_lowercase(),
                    format_value(p, va),
                    format_value(p, vb)
                ),
            })
        })
        .collect();
    match changed.len() {
        0 => format!("Edit {label}"),
        n if n > MAX_NAMED => format!(
            "{label} {}, and {} more",
            changed[..MAX_NAMED].join(", "),
            n - MAX_NAMED
        ),
        _ => format!("{label} {}", changed.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> FilterSpec {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn labels_name_the_values() {
        let a = spec(r#"{"filter":"gaussian_blur","params":{"sigma_px":3.0}}"#);
        let b = spec(r#"{"filter":"gaussian_blur","params":{"sigma_px":5.5}}"#);
        let label = edit_label(&a, &b);
        assert!(label.starts_with("Gaussian blur "), "{label}");
        assert!(label.ends_with("3.0 -> 5.5"), "{label}");
        let c1 = spec(r#"{"filter":"crop","params":{"x":0,"y":0,"width":10,"height":10}}"#);
        let c2 = spec(r#"{"filter":"crop","params":{"x":4,"y":2,"width":10,"height":10}}"#);
        let label = edit_label(&c1, &c2);
        assert!(
            label.contains("0 -> 4") && label.contains("0 -> 2"),
            "{label}"
        );
        assert_eq!(edit_label(&a, &a), "Edit Gaussian blur");
    }
}
