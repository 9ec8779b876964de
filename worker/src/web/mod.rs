//! The web side of the worker crate (wasm32 only): the worker bundle's
//! request handler ([`heap`]), the gloo-worker plumbing ([`codec`],
//! [`FilterWorker`]), and the main thread's pool ([`pool::WebExecutor`]).
//!
//! # How a band crosses into a worker and back
//!
//! gloo-worker spawns each worker and performs the ready handshake: its
//! bridge queues every message until the worker's WASM module has
//! initialised and says so, so nothing sent early is lost. gloo-worker posts
//! without a transfer list, though, and pixel buffers must travel as
//! transferables. So the first thing a worker does for a new bridge is make
//! a `MessageChannel` and hand one port back, *transferred*. From then on
//! every job travels over that port, speaking the heap protocol in
//! [`heap`]: `{id, funcName, args, bufferKeys}` in, `{id, output,
//! returnValue}` or `{id, error}` out, buffers transferred both ways.
//!
//! One round trip makes exactly the four copies the protocol needs: the
//! main thread copies the band's source rows out of its image into a fresh
//! typed array (1), which is transferred; the worker copies it into its WASM
//! heap (2); the result is copied out of the heap into a fresh typed array
//! (3), which is transferred back; the main thread copies it into its slice
//! of the output image (4).

pub mod codec;
pub mod heap;
pub mod pool;

use gloo_worker::{HandlerId, Registrable as _, Worker, WorkerScope};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessagePort};

pub use pool::WebExecutor;

/// What a worker sends through gloo-worker: only the port that all jobs
/// then use.
#[derive(Serialize, Deserialize)]
pub enum WorkerOutput {
    /// The main thread's end of the job channel.
    Port(#[serde(with = "serde_wasm_bindgen::preserve")] MessagePort),
}

/// The same shape as gloo-worker's message from a worker, so a message we
/// post ourselves (with a transfer list) decodes on the bridge like one of
/// its own.
#[derive(Serialize)]
enum FromWorkerMirror {
    ProcessOutput(HandlerId, WorkerOutput),
}

thread_local! {
    /// What this bundle's workers answer requests with ([`worker_main_with`]).
    static HANDLER: std::cell::Cell<heap::Handler> = const { std::cell::Cell::new(heap::handle) };
}

/// The gloo-worker of every Lumen worker bundle: it hands each bridge a
/// port and answers the requests on it with the bundle's handler (filter
/// bands in `lumen-worker`, [`heap::handle`]).
pub struct FilterWorker {
    /// The worker's ends of the job channels, kept alive while it runs.
    ports: Vec<MessagePort>,
}

impl Worker for FilterWorker {
    type Message = ();
    type Input = ();
    type Output = WorkerOutput;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self { ports: Vec::new() }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: Self::Message) {}

    fn connected(&mut self, _scope: &WorkerScope<Self>, id: HandlerId) {
        let Ok(channel) = MessageChannel::new() else {
            heap::log_error("could not create a MessageChannel");
            return;
        };
        let ours = channel.port1();
        heap::serve(&ours, HANDLER.with(std::cell::Cell::get));
        let theirs = channel.port2();
        let message = FromWorkerMirror::ProcessOutput(id, WorkerOutput::Port(theirs.clone()));
        let Ok(value) = serde_wasm_bindgen::to_value(&message) else {
            heap::log_error("could not encode the port message");
            return;
        };
        let transfer = js_sys::Array::of1(&theirs);
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        if let Err(e) = scope.post_message_with_transfer(&value, &transfer) {
            heap::log_error(&format!("could not send the port: {e:?}"));
            return;
        }
        self.ports.push(ours);
    }

    fn received(&mut self, _scope: &WorkerScope<Self>, _msg: Self::Input, _id: HandlerId) {}
}

/// The worker bundle's entry point: installs the panic hook and registers
/// the worker with gloo-worker.
pub fn worker_main() {
    worker_main_with(heap::handle);
}

/// The entry point of a worker bundle that answers requests with
/// `handler` (the heap protocol's envelope, `{ id, ... }` in and out;
/// a panic is reported on every port as `{ panic }`).
pub fn worker_main_with(handler: heap::Handler) {
    heap::install_panic_hook();
    HANDLER.with(|h| h.set(handler));
    FilterWorker::registrar()
        .encoding::<codec::JsCodec>()
        .register();
}

/// A started worker: dropping it ends the worker.
pub type PortWorker = gloo_worker::WorkerBridge<FilterWorker>;

/// Spawns a worker from the bundle at `url`; `on_port` is called with its
/// request port once the worker has started (never, if it fails to load).
/// Dropping the bridge ends the worker.
pub fn spawn_port_worker(url: &str, on_port: impl Fn(MessagePort) + 'static) -> PortWorker {
    use gloo_worker::Spawnable as _;
    FilterWorker::spawner()
        .encoding::<codec::JsCodec>()
        .callback(move |out: WorkerOutput| {
            let WorkerOutput::Port(port) = out;
            on_port(port);
        })
        .spawn(url)
}

/// Reads a property of a JS object.
pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Sets a property of a JS object (a fresh plain object cannot refuse).
pub(crate) fn set(obj: &JsValue, key: &str, value: &JsValue) {
    js_sys::Reflect::set(obj, &JsValue::from_str(key), value).ok();
}
