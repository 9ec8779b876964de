//! A gloo-worker codec that keeps JS values as they are (via
//! `serde_wasm_bindgen`), so a `MessagePort` can ride inside a message.

use gloo_worker::Codec;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Messages as plain JS objects instead of bincode bytes.
pub struct JsCodec;

impl Codec for JsCodec {
    fn encode<I>(input: I) -> JsValue
    where
        I: Serialize,
    {
        serde_wasm_bindgen::to_value(&input).unwrap_or(JsValue::NULL)
    }

    fn decode<O>(input: JsValue) -> O
    where
        O: for<'de> Deserialize<'de>,
    {
        // gloo-worker's decode cannot fail; only the handshake uses it (jobs
        // travel over the port with their own error responses), so a
        // message that does not decode is a foreign one: throw, which ends
        // this event handler but not the worker.
        match serde_wasm_bindgen::from_value(input) {
            Ok(v) => v,
            Err(e) => {
                wasm_bindgen::throw_str(&format!("lumen: not a worker handshake message: {e}"))
            }
        }
    }
}
