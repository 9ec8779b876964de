//! The codec worker (web): every image the page opens is decoded, and every
//! export encoded, in a worker of its own, the `lumen-codec` bundle, which
//! runs the same [`crate::io::decode_photo`] (after the memory check of
//! [`crate::tasks::admit`], and [`crate::tasks::decode_to_fit`] for a
//! too-large image opened downscaled) and [`EncodeRequest::encode`] as the
//! desktop. Decoding a 24 MP JPEG held the page's thread for most of a
//! second, and the codecs were most of the page's own WASM: the page links
//! none of them. The pixels cross by the heap protocol's copies
//! ([`lumen_worker::web`]): the bytes are copied into a typed array that
//! is transferred, the worker copies them into its heap, and the decoded
//! pixels come back the same way.
//!
//! The page starts the worker when it starts ([`start`]). Requests made
//! before it is ready wait for it; one that has waited [`START_LIMIT_MS`]
//! fails with a message saying so (the bundle failed to load). A codec
//! that crashes takes only the worker down: the open or export fails with
//! a message, and a new worker is started for the next one. A worker whose
//! memory has grown past [`RECYCLE_BYTES`] is replaced by a fresh one once
//! it is idle, which gives the memory back.

use std::cell::RefCell;

use js_sys::{Array, Object, Uint8Array};
use lumen_kernels::RgbaImage;
use lumen_worker::web::{PortWorker, spawn_port_worker};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, MessagePort};

use crate::autosave::SourceRef;
use crate::export::EncodeRequest;
use crate::io::{Decoded, Encoded, ExportFormat};
use crate::metadata::{Metadata, MetadataPolicy};
use crate::tasks::TaskResult;

/// The `funcName` of a decode request.
const DECODE: &str = "decode";
/// The `funcName` of an encode request.
const ENCODE: &str = "encode";

/// The page's end of the codec worker.
struct Client {
    url: String,
    _worker: PortWorker,
    port: Option<MessagePort>,
    _on_message: Option<Closure<dyn Fn(MessageEvent)>>,
    /// Requests sent and not answered: id and the promise's resolve.
    pending: Vec<(u64, js_sys::Function)>,
    /// Requests waiting for the worker to be ready: id, request, its
    /// transfer list and the promise's resolve.
    queued: Vec<(u64, Object, Array, js_sys::Function)>,
    next_id: u64,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

/// Starts the codec worker from the bundle at `url`.
pub fn start(url: &str) {
    let worker = spawn_port_worker(url, attach);
    CLIENT.with(|c| {
        *c.borrow_mut() = Some(Client {
            url: url.to_owned(),
            _worker: worker,
            port: None,
            _on_message: None,
            pending: Vec::new(),
            queued: Vec::new(),
            next_id: 1,
        });
    });
}

/// The worker has started: requests go to it from now on.
fn attach(port: MessagePort) {
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
        answer(&event.data());
    });
    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let queued = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(client) = c.as_mut() else {
            return Vec::new();
        };
        client.port = Some(port);
        client._on_message = Some(on_message);
        std::mem::take(&mut client.queued)
    });
    log::info!("codec worker ready: opened photos are decoded off the page's thread");
    for (id, request, transfer, resolve) in queued {
        post(id, &request, &transfer, resolve);
    }
}

/// A worker whose WASM memory has grown past this is replaced once it is
/// idle: a wasm instance never gives memory back, and one 100-megapixel
/// photo would otherwise keep a gigabyte for the life of the page.
const RECYCLE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// Hands a response to the request waiting for it. A crash answers every
/// waiting request and replaces the worker; so does an idle worker whose
/// memory has grown past [`RECYCLE_BYTES`].
fn answer(data: &JsValue) {
    let crashed = get(data, "panic").is_string();
    let id = get(data, "id").as_f64().map(|v| v as u64);
    let memory = get(data, "memoryBytes").as_f64().unwrap_or(0.0);
    let (resolves, replace) = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(client) = c.as_mut() else {
            return (Vec::new(), None);
        };
        if crashed {
            let pending = std::mem::take(&mut client.pending);
            return (pending, c.take().map(|old| (old, "it crashed".to_owned())));
        }
        let (mine, rest) = std::mem::take(&mut client.pending)
            .into_iter()
            .partition(|(pending, _)| Some(*pending) == id);
        client.pending = rest;
        if memory > RECYCLE_BYTES && client.pending.is_empty() {
            let why = format!("its memory grew to {:.0} MiB", memory / 1048576.0);
            return (mine, c.take().map(|old| (old, why)));
        }
        (mine, None)
    });
    for (_, resolve) in resolves {
        resolve.call1(&JsValue::NULL, data).ok();
    }
    if let Some((old, why)) = replace {
        log::info!("codec worker replaced: {why}");
        start(&old.url);
        // Dropped after this event (it ends the old worker): the handler
        // running now is the old port's.
        wasm_bindgen_futures::spawn_local(async move { drop(old) });
    }
}

/// How long a request waits for the worker to start before it fails: the
/// bundle is a few megabytes, fetched when the page starts (or from the
/// service worker's cache), so by then it has failed to load.
pub const START_LIMIT_MS: i32 = 30_000;

/// What opening a file in the codec worker gave ([`open`]).
pub enum Opened {
    /// The decoded photo.
    Photo(Decoded),
    /// The image does not fit the memory budget at full size (nothing was
    /// decoded): its size, the largest size that fits, and the memory the
    /// full size needs.
    TooBig {
        /// Its size, pixels.
        size: (u32, u32),
        /// The largest size that fits, pixels.
        fit: (u32, u32),
        /// Memory the full size would need, bytes.
        needed: u64,
    },
}

/// Opens `bytes` (a file called `name`) in the codec worker within
/// `budget` bytes ([`crate::tasks::admit`]): the photo, the sizes to offer
/// when it is too large, or why it cannot be opened.
pub async fn open(bytes: &[u8], name: &str, budget: u64) -> Result<Opened, String> {
    let (request, transfer) = decode_request(bytes, name)?;
    set(&request, "budget", &JsValue::from(budget as f64));
    let data = ask(&request, &transfer, name).await;
    let too_big = get(&data, "tooBig");
    if too_big.is_object() {
        let number = |key: &str| {
            get(&too_big, key)
                .as_f64()
                .ok_or_else(|| format!("{name}: the codec worker's answer has no `tooBig.{key}`"))
        };
        return Ok(Opened::TooBig {
            size: (number("width")? as u32, number("height")? as u32),
            fit: (number("fitWidth")? as u32, number("fitHeight")? as u32),
            needed: number("needed")? as u64,
        });
    }
    read_decoded(&data, name).map(Opened::Photo)
}

/// Decodes `bytes` (a file called `name`) in the codec worker, resampled
/// to `fit` if given ([`crate::tasks::decode_to_fit`]): the pixels and
/// metadata, or why they could not be had.
pub async fn decode_to_fit(
    bytes: &[u8],
    name: &str,
    fit: Option<(u32, u32)>,
) -> Result<Decoded, String> {
    let (request, transfer) = decode_request(bytes, name)?;
    if let Some((width, height)) = fit {
        set(&request, "fitWidth", &JsValue::from(width));
        set(&request, "fitHeight", &JsValue::from(height));
    }
    let data = ask(&request, &transfer, name).await;
    read_decoded(&data, name)
}

/// A decode request for `bytes` and its transfer list.
fn decode_request(bytes: &[u8], name: &str) -> Result<(Object, Array), String> {
    let request = Object::new();
    set(&request, "funcName", &JsValue::from_str(DECODE));
    set(&request, "name", &JsValue::from_str(name));
    let transfer = Array::new();
    let array = typed_array(bytes, &transfer)
        .ok_or_else(|| format!("{name}: the file is too large to hand to the codec worker"))?;
    set(&request, "bytes", &array);
    Ok((request, transfer))
}

/// Encodes an export in the codec worker: the file's bytes, or why they
/// could not be made.
pub async fn encode(job: &EncodeRequest) -> Result<Encoded, String> {
    let request = Object::new();
    let transfer = Array::new();
    set(&request, "funcName", &JsValue::from_str(ENCODE));
    set(&request, "width", &JsValue::from(job.image.width()));
    set(&request, "height", &JsValue::from(job.image.height()));
    let too_large = "the image is too large to hand to the codec worker";
    let pixels = typed_array(job.image.pixels(), &transfer).ok_or(too_large)?;
    set(&request, "pixels", &pixels);
    let (kind, quality) = format_to_js(job.format);
    set(&request, "format", &JsValue::from_str(kind));
    set(&request, "quality", &JsValue::from(quality));
    let matte = Array::new();
    for c in job.matte {
        matte.push(&JsValue::from(c));
    }
    set(&request, "matte", &matte);
    let strip = job.policy == MetadataPolicy::Strip;
    set(&request, "strip", &JsValue::from_bool(strip));
    set_metadata(&request, job.metadata.clone(), &transfer).ok_or(too_large)?;
    let data = ask(&request, &transfer, "the export").await;
    read_encoded(&data)
}

/// Sends `request` to the codec worker (once it is ready) and waits for
/// its answer, with User Timing marks around it. A request that cannot be
/// sent is answered `{ error }`.
async fn ask(request: &Object, transfer: &Array, what: &str) -> JsValue {
    let started = js_sys::Date::now();
    mark("lumen-codec-sent");
    let data = match wasm_bindgen_futures::JsFuture::from(send(request, transfer, what)).await {
        Ok(data) | Err(data) => data,
    };
    mark("lumen-codec-answered");
    let answered = ["error", "panic", "tooBig"]
        .iter()
        .all(|key| get(&data, key).is_undefined());
    if answered {
        log::info!(
            "{what}: {} in the codec worker ({:.0} ms)",
            get(request, "funcName").as_string().unwrap_or_default(),
            js_sys::Date::now() - started
        );
    }
    data
}

/// Posts a request with a fresh id, or queues it until the worker is
/// ready (failing it after [`START_LIMIT_MS`]); the promise resolves with
/// the response.
fn send(request: &Object, transfer: &Array, what: &str) -> js_sys::Promise {
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |ok, _| resolve = Some(ok));
    let Some(resolve) = resolve else {
        return promise;
    };
    let queued = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(client) = c.as_mut() else {
            return Err(resolve);
        };
        let id = client.next_id;
        client.next_id += 1;
        if client.port.is_some() {
            return Ok((id, Some(resolve)));
        }
        let request = request.clone();
        client.queued.push((id, request, transfer.clone(), resolve));
        Ok((id, None))
    });
    match queued {
        Ok((id, Some(resolve))) => post(id, request, transfer, resolve),
        Ok((id, None)) => fail_if_still_queued(id, what),
        Err(resolve) => reply_error(
            &resolve,
            &format!("{what}: the codec worker was never started"),
        ),
    }
    promise
}

/// Posts a request to the ready worker as `id`; `resolve` gets its answer.
fn post(id: u64, request: &Object, transfer: &Array, resolve: js_sys::Function) {
    set(request, "id", &JsValue::from(id as f64));
    let posted = CLIENT.with(|c| {
        let c = c.borrow();
        let port = c.as_ref().and_then(|client| client.port.as_ref());
        match port.map(|port| port.post_message_with_transferable(request, transfer)) {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(format!("{e:?}")),
            None => Err("it is not running".to_owned()),
        }
    });
    match posted {
        Ok(()) => CLIENT.with(|c| {
            if let Some(client) = c.borrow_mut().as_mut() {
                client.pending.push((id, resolve));
            }
        }),
        Err(e) => reply_error(&resolve, &format!("could not reach the codec worker ({e})")),
    }
}

/// After [`START_LIMIT_MS`], fails request `id` if it is still waiting for
/// the worker to start.
fn fail_if_still_queued(id: u64, what: &str) {
    let waiting_for = what.to_owned();
    let expire = Closure::once_into_js(move || {
        let what = waiting_for;
        let waiting = CLIENT.with(|c| {
            let mut c = c.borrow_mut();
            let client = c.as_mut()?;
            let at = client.queued.iter().position(|q| q.0 == id)?;
            Some(client.queued.remove(at).3)
        });
        if let Some(resolve) = waiting {
            reply_error(
                &resolve,
                &format!(
                    "{what}: the codec worker, which decodes and encodes images in this page, \
                     has not started in {} s (its files may have failed to load: reload the page)",
                    START_LIMIT_MS / 1000
                ),
            );
        }
    });
    let timer = web_sys::window().map(|w| {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(
            expire.unchecked_ref(),
            START_LIMIT_MS,
        )
    });
    if !matches!(timer, Some(Ok(_))) {
        log::warn!("no timer for the codec worker's start: {what} waits for it");
    }
}

/// Answers a waiting request with `{ error }`.
fn reply_error(resolve: &js_sys::Function, message: &str) {
    let response = Object::new();
    set(&response, "error", &JsValue::from_str(message));
    resolve.call1(&JsValue::NULL, &response).ok();
}

/// A copy of `bytes` in a fresh typed array, its buffer listed in
/// `transfer`; `None` above the 4 GiB a typed array can hold.
fn typed_array(bytes: &[u8], transfer: &Array) -> Option<JsValue> {
    let array = Uint8Array::new_with_length(u32::try_from(bytes.len()).ok()?);
    array.copy_from(bytes);
    transfer.push(&array.buffer());
    Some(array.into())
}

/// Puts `metadata`'s fields on `obj` (the byte blocks as typed arrays,
/// listed in `transfer`).
fn set_metadata(obj: &JsValue, metadata: Metadata, transfer: &Array) -> Option<()> {
    let Metadata {
        exif,
        xmp,
        iptc,
        converted_from,
    } = metadata;
    for (key, bytes) in [("exif", exif), ("xmp", xmp), ("iptc", iptc)] {
        if let Some(bytes) = bytes {
            set(obj, key, &typed_array(&bytes, transfer)?);
        }
    }
    if let Some(profile) = converted_from {
        set(obj, "convertedFrom", &JsValue::from_str(&profile));
    }
    Some(())
}

/// The metadata `set_metadata` put on `obj`.
fn read_metadata(obj: &JsValue) -> Metadata {
    Metadata {
        exif: bytes_of(obj, "exif"),
        xmp: bytes_of(obj, "xmp"),
        iptc: bytes_of(obj, "iptc"),
        converted_from: get(obj, "convertedFrom").as_string(),
    }
}

/// An export format as the request's `format` and `quality`.
fn format_to_js(format: ExportFormat) -> (&'static str, u8) {
    match format {
        ExportFormat::Png => ("png", 0),
        ExportFormat::Jpeg { quality } => ("jpeg", quality),
        ExportFormat::WebP => ("webp", 0),
        ExportFormat::WebPLossy { quality } => ("webp-lossy", quality),
        ExportFormat::Avif { quality } => ("avif", quality),
    }
}

/// The export format `format_to_js` described.
fn format_from_js(kind: &str, quality: u8) -> Result<ExportFormat, String> {
    Ok(match kind {
        "png" => ExportFormat::Png,
        "jpeg" => ExportFormat::Jpeg { quality },
        "webp" => ExportFormat::WebP,
        "webp-lossy" => ExportFormat::WebPLossy { quality },
        "avif" => ExportFormat::Avif { quality },
        other => return Err(format!("malformed request: no export format {other:?}")),
    })
}

/// Why a response is an error: the worker's message, or its crash.
fn response_error(data: &JsValue, what: &str) -> Option<String> {
    if let Some(panic) = get(data, "panic").as_string() {
        return Some(format!("{what}: the codec worker failed ({panic})"));
    }
    get(data, "error").as_string()
}

/// The encoded file a response carries, or its error.
fn read_encoded(data: &JsValue) -> Result<Encoded, String> {
    if let Some(error) = response_error(data, "the export") {
        return Err(error);
    }
    let bytes = bytes_of(data, "bytes").ok_or("the codec worker's answer has no bytes")?;
    let notes = get(data, "notes")
        .dyn_into::<Array>()
        .map(|a| a.iter().filter_map(|n| n.as_string()).collect())
        .unwrap_or_default();
    Ok(Encoded { bytes, notes })
}

/// The decoded photo a response carries, or its error.
fn read_decoded(data: &JsValue, name: &str) -> Result<Decoded, String> {
    if let Some(error) = response_error(data, name) {
        return Err(error);
    }
    let malformed = |what: &str| format!("{name}: the codec worker's answer has no {what}");
    let width = get(data, "width")
        .as_f64()
        .ok_or_else(|| malformed("width"))? as u32;
    let height = get(data, "height")
        .as_f64()
        .ok_or_else(|| malformed("height"))? as u32;
    let pixels = bytes_of(data, "pixels").ok_or_else(|| malformed("pixels"))?;
    let image =
        RgbaImage::from_pixels(width, height, pixels).map_err(|e| format!("{name}: {e}"))?;
    Ok(Decoded {
        image,
        metadata: read_metadata(data),
    })
}

/// The codec worker bundle's entry point.
pub fn worker_main() {
    lumen_worker::web::worker_main_with(handle);
}

/// Answers one request in the worker, `{ id, funcName, ... }`:
///
/// - `decode`, with `name`, `bytes` and, to open a too-large image
///   downscaled, `fitWidth` and `fitHeight`: `{ id, width, height,
///   pixels, exif?, xmp?, iptc?, convertedFrom? }`; with `budget` (bytes)
///   the image is first checked against it ([`crate::tasks::admit`]), and
///   one that does not fit is answered `{ id, tooBig: { width, height,
///   fitWidth, fitHeight, needed } }`;
/// - `encode`, with `width`, `height`, `pixels`, `format`, `quality`,
///   `matte`, `strip` and the metadata's fields: `{ id, bytes, notes }`;
///
/// or `{ id, error }`, each with the worker's `memoryBytes`. Buffers are
/// transferred.
fn handle(data: &JsValue) -> (JsValue, Array) {
    let response = Object::new();
    let transfer = Array::new();
    set(&response, "id", &get(data, "id"));
    let func_name = get(data, "funcName").as_string();
    let answered = match func_name.as_deref() {
        Some(DECODE) => answer_decode(data, &response, &transfer),
        Some(ENCODE) => answer_encode(data, &response, &transfer),
        _ => Err(format!(
            "the codec worker does not know the request {func_name:?}"
        )),
    };
    if let Err(message) = answered {
        set(&response, "error", &JsValue::from_str(&message));
    }
    let memory = lumen_worker::web::heap::memory_bytes();
    set(&response, "memoryBytes", &JsValue::from(memory));
    (response.into(), transfer)
}

fn answer_decode(data: &JsValue, response: &JsValue, transfer: &Array) -> Result<(), String> {
    let name = get(data, "name")
        .as_string()
        .ok_or("malformed request: `name` must be a string")?;
    let mut bytes =
        bytes_of(data, "bytes").ok_or_else(|| format!("{name}: malformed request: no `bytes`"))?;
    if let Some(budget) = get(data, "budget").as_f64() {
        match crate::tasks::admit(bytes, &name, &SourceRef::Stored, false, budget as u64) {
            Ok(admitted) => bytes = admitted,
            Err(refused) => return answer_refused(*refused, response),
        }
    }
    let fit = get(data, "fitWidth")
        .as_f64()
        .zip(get(data, "fitHeight").as_f64());
    let Decoded { image, metadata } = match fit {
        Some((w, h)) => crate::tasks::decode_to_fit(&bytes, &name, (w as u32, h as u32))?,
        None => crate::io::decode_photo(&bytes, &name).map_err(|e| e.to_string())?,
    };
    drop(bytes);
    set(response, "width", &JsValue::from(image.width()));
    set(response, "height", &JsValue::from(image.height()));
    let too_large = || format!("{name}: the image is too large to hand back");
    set(
        response,
        "pixels",
        &typed_array(image.pixels(), transfer).ok_or_else(too_large)?,
    );
    drop(image);
    set_metadata(response, metadata, transfer).ok_or_else(too_large)
}

/// The answer to a decode request refused by [`crate::tasks::admit`]:
/// `tooBig` with the sizes to offer, or the reason as an error.
fn answer_refused(refused: TaskResult, response: &JsValue) -> Result<(), String> {
    let TaskResult::TooBig(big) = refused else {
        return Err(match refused {
            TaskResult::Failed(message) => message,
            _ => "the image could not be opened".to_owned(),
        });
    };
    let too_big = Object::new();
    for (key, value) in [
        ("width", f64::from(big.size.0)),
        ("height", f64::from(big.size.1)),
        ("fitWidth", f64::from(big.fit.0)),
        ("fitHeight", f64::from(big.fit.1)),
        ("needed", big.needed as f64),
    ] {
        set(&too_big, key, &JsValue::from(value));
    }
    set(response, "tooBig", &too_big);
    Ok(())
}

fn answer_encode(data: &JsValue, response: &JsValue, transfer: &Array) -> Result<(), String> {
    let number = |key: &str| {
        get(data, key)
            .as_f64()
            .ok_or_else(|| format!("malformed request: `{key}` must be a number"))
    };
    let (width, height) = (number("width")? as u32, number("height")? as u32);
    let pixels = bytes_of(data, "pixels").ok_or("malformed request: no `pixels`")?;
    let image = RgbaImage::from_pixels(width, height, pixels).map_err(|e| e.to_string())?;
    let kind = get(data, "format").as_string().unwrap_or_default();
    let format = format_from_js(&kind, number("quality")? as u8)?;
    let matte: Vec<u8> = get(data, "matte")
        .dyn_into::<Array>()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_f64())
                .map(|c| c as u8)
                .collect()
        })
        .unwrap_or_default();
    let request = EncodeRequest {
        image: std::sync::Arc::new(image),
        format,
        matte: matte
            .try_into()
            .map_err(|_| "malformed request: `matte` must be three numbers")?,
        metadata: read_metadata(data),
        policy: if get(data, "strip").is_truthy() {
            MetadataPolicy::Strip
        } else {
            MetadataPolicy::Keep
        },
    };
    let Encoded { bytes, notes } = request.encode()?;
    drop(request);
    let file = typed_array(&bytes, transfer).ok_or("the encoded file is too large to hand back")?;
    set(response, "bytes", &file);
    let list = Array::new();
    for note in notes {
        list.push(&JsValue::from_str(&note));
    }
    set(response, "notes", &list);
    Ok(())
}

/// The bytes of the typed array at `key`, if there is one.
fn bytes_of(data: &JsValue, key: &str) -> Option<Vec<u8>> {
    get(data, key)
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|a| a.to_vec())
}

/// A User Timing mark on the page's clock (`performance.mark`), so the
/// browser's profiler and the browser tests see when a decode was sent
/// and answered.
fn mark(name: &str) {
    let performance = get(&js_sys::global(), "performance");
    if let Ok(f) = get(&performance, "mark").dyn_into::<js_sys::Function>() {
        f.call1(&performance, &JsValue::from_str(name)).ok();
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(obj: &JsValue, key: &str, value: &JsValue) {
    js_sys::Reflect::set(obj, &JsValue::from_str(key), value).ok();
}
