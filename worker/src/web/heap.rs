//! The heap protocol, worker side: one request in, one response out.
//!
//! Request (posted to the worker's job port):
//! `{ id, funcName, args, bufferKeys }`. `funcName` is a filter's stable name
//! (`"gaussian_blur"`); `args` holds `params` (the filter's parameters as in
//! a recipe), optionally `mask` (the step's mask as in a recipe, an object
//! or its JSON text; absent or null: no mask), the band geometry (`width`, `height` of the whole source, `y0`
//! the band's first source row, `outStart`, `outEnd` the output rows to
//! render) and the buffers named in `bufferKeys` (the band is `src`).
//!
//! Each buffer must be a `Uint8Array`, `Uint8ClampedArray`, `Int32Array` or
//! `Float32Array`; it is copied into this worker's WASM heap (a `Vec`)
//! before the filter runs. The result `dst` is copied out into a fresh typed
//! array of the same type as `src` that does not alias WASM memory; every
//! other listed buffer is read back the same way (as the seed reads back
//! modified buffers), except `src`, which is not sent back.
//!
//! Response: `{ id, output: { dst, ... }, returnValue: { width, height,
//! memoryBytes, computeMs } }` (`computeMs`: the filter alone), or
//! `{ id, error }`. Heap buffers are `Vec`s, dropped on
//! every path. No view of WASM memory is held across anything that may
//! allocate: the copies in and out use views only for the duration of one
//! `copy_to`/`copy_from`.

use std::cell::RefCell;

use js_sys::{Array, Float32Array, Int32Array, Object, Uint8Array, Uint8ClampedArray};
use lumen_kernels::{FilterSpec, Mask, RenderStep, SourceBand};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, MessagePort};

use super::{get, set};

/// A buffer copied into the WASM heap.
enum HeapBuffer {
    U8 { data: Vec<u8>, clamped: bool },
    I32(Vec<i32>),
    F32(Vec<f32>),
}

impl HeapBuffer {
    /// Copies the buffer out of the heap into a fresh typed array of its
    /// original type.
    fn copy_out(&self) -> JsValue {
        match self {
            Self::U8 { data, clamped } => copy_out(data, *clamped),
            Self::I32(v) => {
                let out = Int32Array::new_with_length(v.len() as u32);
                out.copy_from(v);
                out.into()
            }
            Self::F32(v) => {
                let out = Float32Array::new_with_length(v.len() as u32);
                out.copy_from(v);
                out.into()
            }
        }
    }

    /// Copies a JS typed array into the heap; names the key and the type if
    /// it is not one the protocol takes.
    fn copy_in(key: &str, value: &JsValue) -> Result<Self, String> {
        if let Some(a) = value.dyn_ref::<Uint8Array>() {
            return Ok(Self::U8 {
                data: a.to_vec(),
                clamped: false,
            });
        }
        if let Some(a) = value.dyn_ref::<Uint8ClampedArray>() {
            return Ok(Self::U8 {
                data: a.to_vec(),
                clamped: true,
            });
        }
        if let Some(a) = value.dyn_ref::<Int32Array>() {
            return Ok(Self::I32(a.to_vec()));
        }
        if let Some(a) = value.dyn_ref::<Float32Array>() {
            return Ok(Self::F32(a.to_vec()));
        }
        Err(format!(
            "unsupported buffer type for key '{key}': {} (expected Uint8Array, Uint8ClampedArray, Int32Array or Float32Array)",
            type_name(value)
        ))
    }
}

/// A JS value's constructor name, or its `typeof`.
fn type_name(value: &JsValue) -> String {
    let ctor = get(value, "constructor");
    get(&ctor, "name")
        .as_string()
        .or_else(|| value.js_typeof().as_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Copies heap bytes out into a fresh typed array (never a view of WASM
/// memory).
fn copy_out(data: &[u8], clamped: bool) -> JsValue {
    let len = data.len() as u32;
    if clamped {
        let out = Uint8ClampedArray::new_with_length(len);
        out.copy_from(data);
        out.into()
    } else {
        let out = Uint8Array::new_with_length(len);
        out.copy_from(data);
        out.into()
    }
}

fn number(args: &JsValue, key: &str) -> Result<u32, String> {
    let v = get(args, key);
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => {
            Ok(n as u32)
        }
        _ => Err(format!(
            "args.{key} must be a whole number >= 0, got {}",
            describe(&v)
        )),
    }
}

fn describe(v: &JsValue) -> String {
    v.as_f64()
        .map(|n| n.to_string())
        .or_else(|| v.as_string().map(|s| format!("{s:?}")))
        .unwrap_or_else(|| type_name(v))
}

/// `performance.now()` in milliseconds (0 where there is no clock).
fn now_ms() -> f64 {
    let performance = get(&js_sys::global(), "performance");
    get(&performance, "now")
        .dyn_into::<js_sys::Function>()
        .ok()
        .and_then(|f| f.call0(&performance).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// Bytes of this worker's WASM memory.
pub fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length())
}

/// The parsed request, before the filter runs.
struct Request {
    /// One step (with its optional mask), or the unmasked steps of a fused
    /// run ([`super::pool::FUSED_FUNC`]).
    steps: Vec<RenderStep>,
    width: u32,
    height: u32,
    y0: u32,
    out_rows: std::ops::Range<u32>,
}

/// The steps of a [`super::pool::FUSED_FUNC`] request:
/// `params.steps`, each `{ filter, params }`, every one checked.
fn parse_fused(params: &JsValue) -> Result<Vec<FilterSpec>, String> {
    let name = super::pool::FUSED_FUNC;
    let steps = get(params, "steps")
        .dyn_into::<Array>()
        .map_err(|_| format!("{name}: params.steps must be an array of steps"))?;
    let specs = steps
        .iter()
        .map(|step| {
            let spec: FilterSpec =
                serde_wasm_bindgen::from_value(step).map_err(|e| format!("{name}: {e}"))?;
            spec.validate().map_err(|e| e.to_string())?;
            Ok(spec)
        })
        .collect::<Result<Vec<_>, String>>()?;
    if specs.len() < 2 {
        return Err(format!("{name}: needs at least two steps"));
    }
    Ok(specs)
}

fn parse(func_name: &str, args: &JsValue) -> Result<Request, String> {
    let params = get(args, "params");
    let params = if params.is_undefined() || params.is_null() {
        Object::new().into()
    } else {
        params
    };
    if func_name == super::pool::FUSED_FUNC {
        let out_start = number(args, "outStart")?;
        let out_end = number(args, "outEnd")?;
        let mask = get(args, "mask");
        if !mask.is_undefined() && !mask.is_null() {
            // A masked step is never fused: its mask blends its own input.
            return Err(format!(
                "{}: a fused run cannot carry a mask",
                super::pool::FUSED_FUNC
            ));
        }
        return Ok(Request {
            steps: parse_fused(&params)?
                .into_iter()
                .map(RenderStep::from)
                .collect(),
            width: number(args, "width")?,
            height: number(args, "height")?,
            y0: number(args, "y0")?,
            out_rows: out_start..out_end,
        });
    }
    if FilterSpec::from_name(func_name).is_none() {
        return Err(format!("unknown filter: {func_name}"));
    }
    // A plain object: a `Map` (or an array) is an object too, but its
    // entries are no properties, and every parameter would silently take
    // its default.
    let plain = params.is_object() && matches!(type_name(&params).as_str(), "Object" | "object");
    if !plain {
        return Err(format!(
            "{func_name}: params must be a plain object, got {}",
            describe(&params)
        ));
    }
    let spec = FilterSpec::from_parts(
        func_name,
        serde_wasm_bindgen::Deserializer::from(params.clone()),
    )
    .map_err(|e| format!("{func_name}: {e}"))?
    .ok_or_else(|| format!("unknown filter: {func_name}"))?;
    // serde-wasm-bindgen reads only the fields a struct declares, so an
    // unknown parameter (a typo) would pass silently; a recipe refuses it,
    // and so does the protocol.
    let known = spec.params_json();
    if let Some(given) = params.dyn_ref::<Object>() {
        for key in Object::keys(given).iter() {
            let key = key.as_string().unwrap_or_default();
            if known.get(&key).is_none() {
                return Err(format!("{func_name}: unknown field `{key}`"));
            }
        }
    }
    spec.validate().map_err(|e| e.to_string())?;
    let mask = parse_mask(func_name, &get(args, "mask"))?;
    let step = RenderStep {
        spec,
        mask: mask.map(std::sync::Arc::new),
    };
    step.validate().map_err(|e| e.to_string())?;
    let out_start = number(args, "outStart")?;
    let out_end = number(args, "outEnd")?;
    Ok(Request {
        steps: vec![step],
        width: number(args, "width")?,
        height: number(args, "height")?,
        y0: number(args, "y0")?,
        out_rows: out_start..out_end,
    })
}

/// Reads `args.mask`: absent or null is no mask; an object or JSON text is
/// read strictly (an unknown field is an error naming it).
fn parse_mask(func_name: &str, value: &JsValue) -> Result<Option<Mask>, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let text = if let Some(text) = value.as_string() {
        text
    } else if value.is_object() {
        js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| format!("{func_name}: mask: could not be read as JSON"))?
    } else {
        return Err(format!(
            "{func_name}: mask must be an object or JSON text, got {}",
            describe(value)
        ));
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{func_name}: mask: {e}"))
}

/// Handles one request; returns the response and the buffers to transfer.
pub fn handle(data: &JsValue) -> (JsValue, Array) {
    let response = Object::new();
    let transfer = Array::new();
    let id = get(data, "id");
    set(&response, "id", &id);
    match run(data, &id) {
        Ok((outputs, value)) => {
            let output_obj = Object::new();
            for (key, array) in outputs {
                let buffer = get(&array, "buffer");
                if buffer.is_object() {
                    transfer.push(&buffer);
                }
                set(&output_obj, &key, &array);
            }
            set(&response, "output", &output_obj);
            set(&response, "returnValue", &value);
        }
        Err(message) => set(&response, "error", &JsValue::from_str(&message)),
    }
    (response.into(), transfer)
}

/// Output buffers by key, and the return value.
type Outcome = (Vec<(String, JsValue)>, JsValue);

fn run(data: &JsValue, id: &JsValue) -> Result<Outcome, String> {
    if !data.is_object() {
        return Err(format!(
            "malformed message: expected an object, got {}",
            describe(data)
        ));
    }
    if id.as_f64().is_none() {
        return Err(format!(
            "malformed message: `id` must be a number, got {}",
            describe(id)
        ));
    }
    let func_name = get(data, "funcName")
        .as_string()
        .ok_or("malformed message: `funcName` must be a string")?;
    let args = get(data, "args");
    if !args.is_object() {
        return Err("malformed message: `args` must be an object".into());
    }
    if func_name == SELFTEST_TRAP {
        panic!("self-test trap requested");
    }
    // Copy every named buffer into the heap first (the seed's malloc+set).
    let keys = get(data, "bufferKeys");
    let keys: Vec<String> = if keys.is_undefined() {
        Vec::new()
    } else {
        let arr = keys
            .dyn_into::<Array>()
            .map_err(|_| "malformed message: `bufferKeys` must be an array of strings")?;
        arr.iter()
            .map(|k| {
                k.as_string()
                    .ok_or("malformed message: `bufferKeys` must hold strings")
            })
            .collect::<Result<_, _>>()?
    };
    let mut heap = Vec::with_capacity(keys.len());
    for key in &keys {
        heap.push((key.as_str(), HeapBuffer::copy_in(key, &get(&args, key))?));
    }
    let request = parse(&func_name, &args)?;
    let Some((_, HeapBuffer::U8 { data: src, clamped })) = heap.iter().find(|(k, _)| *k == "src")
    else {
        return Err(
            "args.src must be listed in bufferKeys and be a Uint8Array or Uint8ClampedArray".into(),
        );
    };
    if request.y0 > request.height {
        // Checked here so that no sum below can overflow on wasm32.
        return Err(format!(
            "args.y0 is {}, past the source's {} rows",
            request.y0, request.height
        ));
    }
    let band = SourceBand::new(request.width, request.height, request.y0, src)
        .map_err(|e| e.to_string())?;
    // The same planning as the pool's: a fused request must fuse whole.
    let (step, count) =
        lumen_kernels::registry::prepare_unit(&request.steps, request.width, request.height)
            .map_err(|e| e.to_string())?;
    if count != request.steps.len() {
        return Err(format!(
            "{}: these steps do not fuse into one pass",
            super::pool::FUSED_FUNC
        ));
    }
    let (out_w, out_h) = step.output_size();
    if request.out_rows.start > request.out_rows.end || request.out_rows.end > out_h {
        return Err(format!(
            "output rows {}..{} are outside 0..{out_h}",
            request.out_rows.start, request.out_rows.end
        ));
    }
    let rows = request.out_rows.end - request.out_rows.start;
    // An allocation that fails is an error response, not an abort (which
    // would take the worker and every job on it down).
    let len = rows as usize * out_w as usize * 4;
    let mut dst = Vec::new();
    dst.try_reserve_exact(len)
        .map_err(|_| format!("out of memory: the output band needs {len} bytes"))?;
    dst.resize(len, 0);
    let started = now_ms();
    crate::run_prepared(&step, &band, request.out_rows.clone(), &mut dst)
        .map_err(|e| e.to_string())?;
    let compute_ms = now_ms() - started;
    // `dst` takes the type of `src`; other buffers are read back like the
    // seed's (they are small auxiliary inputs); `src` itself is not sent
    // back, which would only double the traffic.
    let mut outputs = vec![("dst".to_owned(), copy_out(&dst, *clamped))];
    drop(dst);
    for (key, buffer) in &heap {
        if *key != "src" {
            outputs.push(((*key).to_owned(), buffer.copy_out()));
        }
    }
    drop(heap);
    let value = Object::new();
    set(&value, "width", &JsValue::from(out_w));
    set(&value, "height", &JsValue::from(rows));
    set(&value, "memoryBytes", &JsValue::from(memory_bytes()));
    set(&value, "computeMs", &JsValue::from(compute_ms));
    Ok((outputs, value.into()))
}

/// A `funcName` that makes the worker panic (a trap on wasm), so tests and
/// the pool can prove a crashed worker is replaced. Never a filter name.
pub const SELFTEST_TRAP: &str = "__lumen_selftest_trap";

thread_local! {
    /// The job ports, for the panic hook to report a crash on.
    static PORTS: RefCell<Vec<MessagePort>> = const { RefCell::new(Vec::new()) };
}

/// What answers a request: the response, and the buffers to transfer
/// with it. [`handle`] renders filter bands; another worker bundle (the
/// app's codec worker) brings its own.
pub type Handler = fn(&JsValue) -> (JsValue, Array);

/// Answers requests arriving on `port` with `handler`.
pub fn serve(port: &MessagePort, handler: Handler) {
    let reply_port = port.clone();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let (response, transfer) = handler(&event.data());
        if let Err(e) = reply_port.post_message_with_transferable(&response, &transfer) {
            log_error(&format!("could not post a response: {e:?}"));
        }
    });
    port.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    PORTS.with(|p| p.borrow_mut().push(port.clone()));
}

/// Logs an error to the console.
pub fn log_error(message: &str) {
    console("error", message);
}

/// Logs a line to the console.
pub fn log_info(message: &str) {
    console("info", message);
}

fn console(level: &str, message: &str) {
    let console = get(&js_sys::global(), "console");
    if let Ok(f) = get(&console, level).dyn_into::<js_sys::Function>() {
        f.call1(&console, &JsValue::from_str(message)).ok();
    }
}

/// On a panic (which aborts the WASM instance), tell the main thread on
/// every port, `{ panic: message }`, so the pool can fail the in-flight jobs
/// and replace this worker.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("worker crashed: {info}");
        log_error(&message);
        let notice = Object::new();
        set(&notice, "panic", &JsValue::from_str(&message));
        PORTS.with(|ports| {
            if let Ok(ports) = ports.try_borrow() {
                for port in ports.iter() {
                    port.post_message(&notice).ok();
                }
            }
        });
    }));
}
