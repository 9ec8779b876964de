//! The strict JSON front end of recipes: what text is accepted, before the
//! steps are read.
//!
//! * A UTF-8 byte order mark at the start is skipped (Windows editors
//!   write one).
//! * A key given twice in one object is an error naming it (plain JSON
//!   parsers silently keep the last, which hides typos and tampering).
//! * Negative zero (`-0`, `-0.0`) is read as `0`, so `-0` is accepted
//!   wherever a whole number is.
//! * Messages quote at most a short stretch of the input: a long name or
//!   value is cut, with its length stated ([`clip`]).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The longest stretch of input a message quotes, in characters.
const MAX_QUOTED_CHARS: usize = 60;

/// The longest message, in characters.
const MAX_MESSAGE_CHARS: usize = 600;

/// A JSON value parsed strictly (see the module docs).
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if v == 0.0 && v.is_sign_negative() {
            // -0 and -0.0: negative zero is zero.
            return Ok(Value::Number(0u64.into()));
        }
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key \"{}\" (each key may appear once)",
                    clip_text(&key)
                )));
            }
            let Strict(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Parses `text` strictly (see the module docs); the error says where.
pub(super) fn parse(text: &str) -> Result<Value, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let Strict(value) =
        serde::Deserialize::deserialize(&mut de).map_err(|e: serde_json::Error| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// A piece of input as a message quotes it: whole if short, else its start
/// and its length.
pub(super) fn clip_text(text: &str) -> String {
    let chars = text.chars().count();
    if chars <= MAX_QUOTED_CHARS {
        return text.to_owned();
    }
    let head: String = text.chars().take(MAX_QUOTED_CHARS - 1).collect();
    format!("{head}… ({chars} characters)")
}

/// A message with every long stretch without spaces cut ([`clip_text`]),
/// and the whole kept under [`MAX_MESSAGE_CHARS`]: parsers quote input in
/// their messages, and a 200 MB value must not make a 200 MB message.
pub fn clip(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE_CHARS + 16));
    for (i, word) in message.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&clip_text(word));
        if out.chars().count() > MAX_MESSAGE_CHARS {
            let cut: String = out.chars().take(MAX_MESSAGE_CHARS).collect();
            return format!("{cut}… (message cut)");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_anywhere_are_errors() {
        for text in [r#"{"a":1,"a":2}"#, r#"{"x":[{"b":{"c":1,"c":1}}]}"#] {
            let e = parse(text).unwrap_err();
            assert!(e.contains("duplicate key"), "{e}");
        }
        assert!(
            parse(r#"{"a":{"a":1}}"#).is_ok(),
            "nested same names are fine"
        );
    }

    #[test]
    fn bom_negative_zero_and_trailing_text() {
        assert_eq!(parse("\u{FEFF}{}").unwrap(), Value::Object(Map::new()));
        assert_eq!(parse("-0").unwrap(), serde_json::json!(0));
        assert_eq!(parse("-0.0").unwrap(), serde_json::json!(0));
        assert_eq!(parse("-1").unwrap(), serde_json::json!(-1));
        assert_eq!(parse("1.5").unwrap(), serde_json::json!(1.5));
        assert_eq!(
            parse("0.0").unwrap(),
            serde_json::json!(0.0),
            "still a fraction"
        );
        assert!(parse("{} x").is_err());
        assert!(parse("\u{FEFF}\u{FEFF}{}").is_err(), "only one mark");
    }

    #[test]
    fn long_input_is_cut_in_messages() {
        let long = "x".repeat(10_000);
        let msg = clip(&format!("unknown filter: {long}, expected one of `a`"));
        assert!(msg.len() < 200, "{msg}");
        assert!(
            msg.contains("(10001 characters)") && msg.ends_with("`a`"),
            "{msg}"
        );
        let spaced = "word ".repeat(10_000);
        assert!(clip(&spaced).chars().count() < MAX_MESSAGE_CHARS + 20);
        assert_eq!(clip("short and sweet"), "short and sweet");
    }
}
