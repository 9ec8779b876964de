//! The main thread's pool of web workers: the [`Executor`] the web app uses.
//!
//! It runs one job at a time like the native executor: the chain is
//! planned into units by the same [`prepare_unit`] (a step alone, or a run
//! of unmasked point steps fused into one pass, sent to the workers as one
//! [`FUSED_FUNC`] request naming every step), each unit is split into
//! output row bands by [`plan_step_bands`], each band's source rows (and no
//! more, per [`PreparedStep::source_rows`]) are copied into a fresh typed
//! array and transferred to a worker with room (each holds up to
//! [`DEPTH`] bands, so it starts its next band while the page has not yet
//! taken its last answer), with a masked step's mask as JSON text, and
//! each answer is copied into its slice of the output image. A worker that crashes is replaced and the
//! job whose band it held fails with an error; the pool keeps working.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ops::Range;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use gloo_worker::WorkerBridge;
use js_sys::{Array, Object, Uint8Array};
use lumen_kernels::registry::prepare_unit;
use lumen_kernels::{PreparedStep, RenderStep, RgbaImage};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, MessagePort};

use super::{FilterWorker, get, set};
use crate::executor::{Executor, Waker};
use crate::protocol::{Job, JobError, JobEvent, JobId, JobOutput};
use crate::scheduler::plan_step_bands;

/// The `funcName` of a band request that renders a fused run of point
/// steps; its `params` are `{ "steps": [ { "filter", "params" }, ... ] }`.
/// Never a filter name.
pub const FUSED_FUNC: &str = "fused_point_steps";

struct Slot {
    /// Keeps the worker alive; dropping it disconnects.
    _bridge: WorkerBridge<FilterWorker>,
    port: Option<MessagePort>,
    _on_message: Option<Closure<dyn Fn(MessageEvent)>>,
    /// The requests posted to this worker and not answered yet, oldest
    /// first (at most [`DEPTH`]).
    busy: Vec<u64>,
}

/// Bands a worker may hold at once: it starts the next as soon as it has
/// answered one, without waiting for the page to take that answer (the
/// page takes answers between its frames, and a frame can be long).
const DEPTH: usize = 2;

struct Running {
    job: Job,
    /// The first step of the unit being rendered.
    step: usize,
    /// The unit: `job.steps[step..step + count]` prepared (and fused).
    unit: Option<PreparedStep>,
    count: usize,
    input: Arc<RgbaImage>,
    out_size: (u32, u32),
    output: Vec<u8>,
    bands: Vec<Range<u32>>,
    next_band: usize,
    bands_done: usize,
    images: Vec<Option<Arc<RgbaImage>>>,
    /// Request id -> band index.
    in_flight: Vec<(u64, usize)>,
    /// The unit's mask as JSON text, sent with every band (only a unit of
    /// one step has one: a masked step is never fused).
    mask_json: Option<String>,
}

struct Pool {
    worker_url: String,
    slots: Vec<Option<Slot>>,
    queue: VecDeque<Job>,
    running: Option<Running>,
    events: Vec<JobEvent>,
    waker: Waker,
    next_request: u64,
    /// Workers replaced after a crash, for tests and diagnostics.
    restarts: u32,
    /// A self-test trap waiting for worker 0 to be ready.
    trap_pending: bool,
}

/// Runs jobs on a pool of gloo-workers.
pub struct WebExecutor {
    pool: Rc<RefCell<Pool>>,
}

impl WebExecutor {
    /// Spawns `workers` workers from the bundle at `worker_url` (e.g.
    /// `"./lumen-worker.js"`, relative to the page).
    pub fn new(workers: usize, worker_url: &str, waker: Waker) -> Self {
        let pool = Rc::new(RefCell::new(Pool {
            worker_url: worker_url.to_owned(),
            slots: Vec::new(),
            queue: VecDeque::new(),
            running: None,
            events: Vec::new(),
            waker,
            next_request: 1,
            restarts: 0,
            trap_pending: false,
        }));
        for i in 0..workers.max(1) {
            let slot = spawn_slot(&pool, i);
            pool.borrow_mut().slots.push(Some(slot));
        }
        Self { pool }
    }

    /// How many workers have been replaced after crashing.
    pub fn restarts(&self) -> u32 {
        self.pool.borrow().restarts
    }

    /// Makes worker 0 trap (as a panic would) once it is ready, to prove
    /// that a crashed worker is replaced; used by the browser tests.
    pub fn selftest_trap(&mut self) {
        self.pool.borrow_mut().trap_pending = true;
        pump(&self.pool);
    }

    /// How many workers have finished starting (their job port arrived).
    pub fn ready_workers(&self) -> usize {
        self.pool
            .borrow()
            .slots
            .iter()
            .filter(|s| s.as_ref().is_some_and(|s| s.port.is_some()))
            .count()
    }
}

fn spawn_slot(pool: &Rc<RefCell<Pool>>, index: usize) -> Slot {
    let weak = Rc::downgrade(pool);
    let url = pool.borrow().worker_url.clone();
    let bridge = super::spawn_port_worker(&url, move |port| attach_port(&weak, index, port));
    Slot {
        _bridge: bridge,
        port: None,
        _on_message: None,
        busy: Vec::new(),
    }
}

fn attach_port(weak: &Weak<RefCell<Pool>>, index: usize, port: MessagePort) {
    let Some(pool) = weak.upgrade() else { return };
    let weak2 = weak.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(pool) = weak2.upgrade() {
            on_response(&pool, index, &event.data());
        }
    });
    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    {
        let mut p = pool.borrow_mut();
        if let Some(Some(slot)) = p.slots.get_mut(index) {
            slot.port = Some(port);
            slot._on_message = Some(on_message);
        }
    }
    pump(&pool);
}

fn finish(p: &mut Pool, event: JobEvent) {
    p.events.push(event);
    (p.waker)();
}

fn on_response(pool: &Rc<RefCell<Pool>>, index: usize, data: &JsValue) {
    let mut crashed = None;
    {
        let mut p = pool.borrow_mut();
        if let Some(message) = get(data, "panic").as_string() {
            crashed = Some(message);
        } else {
            let request = get(data, "id").as_f64().map(|v| v as u64);
            if let Some(Some(slot)) = p.slots.get_mut(index) {
                match request {
                    Some(request) => slot.busy.retain(|r| *r != request),
                    // An answer without its id answers the oldest request.
                    None if !slot.busy.is_empty() => {
                        slot.busy.remove(0);
                    }
                    None => {}
                }
            }
            if let Some(request) = request {
                take_band(&mut p, request, data);
            }
        }
    }
    if let Some(message) = crashed {
        replace_worker(pool, index, &message);
    }
    pump(pool);
}

/// Stores one band's answer; completes the step or the job when it was the
/// last.
fn take_band(p: &mut Pool, request: u64, data: &JsValue) {
    let runners = p.slots.len().max(1);
    let Some(run) = p.running.as_mut() else {
        return;
    };
    let Some(pos) = run.in_flight.iter().position(|(r, _)| *r == request) else {
        return; // A stale answer: its job was cancelled or failed.
    };
    let (_, band_index) = run.in_flight.swap_remove(pos);
    let id = run.job.id;
    if let Some(error) = get(data, "error").as_string() {
        let name = run.job.steps.get(run.step).map_or("?", RenderStep::name);
        let message = format!("{name}: {error}");
        fail_running(p, message);
        return;
    }
    let dst = get(&get(data, "output"), "dst");
    let Some(band) = run.bands.get(band_index).cloned() else {
        return;
    };
    let stride = run.out_size.0 as usize * 4;
    let start = band.start as usize * stride;
    let end = band.end as usize * stride;
    let copied = match dst.dyn_ref::<Uint8Array>() {
        Some(a) if a.length() as usize == end - start => {
            a.copy_to(&mut run.output[start..end]);
            true
        }
        _ => match dst.dyn_ref::<js_sys::Uint8ClampedArray>() {
            Some(a) if a.length() as usize == end - start => {
                a.copy_to(&mut run.output[start..end]);
                true
            }
            _ => false,
        },
    };
    if !copied {
        fail_running(
            p,
            "a worker answered with a buffer of the wrong size".into(),
        );
        return;
    }
    run.bands_done += 1;
    let total_steps = run.job.steps.len().max(1) as f32;
    let within = run.bands_done as f32 / run.bands.len().max(1) as f32;
    let fraction = (run.step as f32 + within * run.count as f32) / total_steps;
    p.events.push(JobEvent::Progress { id, fraction });
    if run.bands_done < run.bands.len() {
        (p.waker)();
        return;
    }
    // The step is complete.
    let (w, h) = run.out_size;
    let pixels = std::mem::take(&mut run.output);
    let image = match RgbaImage::from_pixels(w, h, pixels) {
        Ok(img) => Arc::new(img),
        Err(e) => {
            fail_running(p, e.to_string());
            return;
        }
    };
    run.images.extend((1..run.count).map(|_| None));
    run.images.push(Some(image.clone()));
    run.step += run.count;
    if run.step >= run.job.steps.len() {
        let images = std::mem::take(&mut run.images);
        let step_ms = vec![0.0; images.len()];
        p.running = None;
        finish(
            p,
            JobEvent::Done(JobOutput {
                id,
                images,
                step_ms,
            }),
        );
        return;
    }
    if let Err(message) = start_step(run, image, runners) {
        fail_running(p, message);
    }
}

/// Ends the running job with an error at its current step.
fn fail_running(p: &mut Pool, message: String) {
    let Some(run) = p.running.take() else { return };
    let (id, step) = (run.job.id, Some(run.step));
    finish(p, JobEvent::Failed(JobError { id, step, message }));
}

/// Plans the next unit (from `run.step`) on `input`: the same units as the
/// native executor.
fn start_step(run: &mut Running, input: Arc<RgbaImage>, runners: usize) -> Result<(), String> {
    let rest = run.job.steps.get(run.step..).unwrap_or_default();
    let (unit, count) =
        prepare_unit(rest, input.width(), input.height()).map_err(|e| e.to_string())?;
    let (w, h) = unit.output_size();
    run.mask_json = match rest.first().and_then(|step| step.mask.as_ref()) {
        Some(mask) if count == 1 => Some(
            serde_json::to_string(mask.as_ref())
                .map_err(|e| format!("{}: mask: {e}", rest[0].name()))?,
        ),
        Some(_) => {
            return Err(format!(
                "{}: a masked step cannot be fused with others",
                rest[0].name()
            ));
        }
        None => None,
    };
    run.out_size = (w, h);
    run.output = vec![0; w as usize * h as usize * 4];
    run.bands = plan_step_bands(&unit, runners);
    run.unit = Some(unit);
    run.count = count;
    run.next_band = 0;
    run.bands_done = 0;
    run.input = input;
    Ok(())
}

fn replace_worker(pool: &Rc<RefCell<Pool>>, index: usize, message: &str) {
    super::heap::log_error(&format!(
        "lumen: worker {index} replaced after a crash ({message})"
    ));
    {
        let mut p = pool.borrow_mut();
        let had = p
            .slots
            .get_mut(index)
            .and_then(|s| s.take())
            .map(|s| s.busy)
            .unwrap_or_default();
        p.restarts += 1;
        if let Some(run) = p.running.as_ref()
            && run.in_flight.iter().any(|(r, _)| had.contains(r))
        {
            fail_running(&mut p, message.to_owned());
        }
    }
    let slot = spawn_slot(pool, index);
    if let Some(s) = pool.borrow_mut().slots.get_mut(index) {
        *s = Some(slot);
    }
}

/// Starts queued jobs and hands bands to idle workers.
fn pump(pool: &Rc<RefCell<Pool>>) {
    let mut p = pool.borrow_mut();
    let runners = p.slots.len().max(1);
    if p.running.is_none() {
        while let Some(job) = p.queue.pop_front() {
            let id = job.id;
            if job.steps.is_empty() {
                finish(
                    &mut p,
                    JobEvent::Done(JobOutput {
                        id,
                        images: Vec::new(),
                        step_ms: Vec::new(),
                    }),
                );
                continue;
            }
            let input = job.input.clone();
            let mut run = Running {
                job,
                step: 0,
                unit: None,
                count: 1,
                input: input.clone(),
                out_size: (0, 0),
                output: Vec::new(),
                bands: Vec::new(),
                next_band: 0,
                bands_done: 0,
                images: Vec::new(),
                in_flight: Vec::new(),
                mask_json: None,
            };
            match start_step(&mut run, input, runners) {
                Ok(()) => {
                    p.running = Some(run);
                    break;
                }
                Err(message) => finish(
                    &mut p,
                    JobEvent::Failed(JobError {
                        id,
                        step: Some(0),
                        message,
                    }),
                ),
            }
        }
    }
    if p.trap_pending
        && let Some(Some(slot)) = p.slots.first_mut()
        && let (Some(port), true) = (&slot.port, slot.busy.is_empty())
    {
        let message = Object::new();
        set(&message, "id", &JsValue::from(0));
        set(
            &message,
            "funcName",
            &JsValue::from_str(super::heap::SELFTEST_TRAP),
        );
        set(&message, "args", &Object::new());
        if port.post_message(&message).is_ok() {
            slot.busy.push(0);
            p.trap_pending = false;
        }
    }
    post_bands(&mut p);
}

/// Hands the running unit's next bands to the workers with room.
fn post_bands(p: &mut Pool) {
    let Pool {
        slots,
        running,
        next_request,
        ..
    } = p;
    let Some(run) = running.as_mut() else { return };
    let Some(unit) = &run.unit else { return };
    let specs = &run.job.steps[run.step..(run.step + run.count).min(run.job.steps.len())];
    // Round by round, one band to each worker with room, so that the
    // first bands spread over every worker.
    for _ in 0..DEPTH {
        for slot in slots.iter_mut().flatten() {
            if run.next_band >= run.bands.len() {
                return;
            }
            if slot.busy.len() >= DEPTH {
                continue;
            }
            let Some(port) = &slot.port else {
                continue;
            };
            let band_index = run.next_band;
            let band = run.bands[band_index].clone();
            let request = *next_request;
            *next_request += 1;
            let rows = unit.source_rows(band.clone());
            let mask = run.mask_json.as_deref();
            let (message, transfer) = band_request(request, specs, mask, &run.input, rows, band);
            if port
                .post_message_with_transferable(&message, &transfer)
                .is_ok()
            {
                slot.busy.push(request);
                run.in_flight.push((request, band_index));
                run.next_band += 1;
            }
        }
    }
}

/// Builds the heap-protocol request for one band of the unit rendering
/// `steps` (one step, or a fused run of unmasked steps sent as
/// [`FUSED_FUNC`]), copying just the source rows `rows` it needs into a
/// fresh typed array that is then transferred. A single step's mask, if
/// any, travels as `args.mask`, its recipe JSON as text (`mask_json`,
/// serialized once per unit).
pub fn band_request(
    request: u64,
    steps: &[RenderStep],
    mask_json: Option<&str>,
    input: &RgbaImage,
    rows: Range<u32>,
    out_rows: Range<u32>,
) -> (JsValue, Array) {
    let stride = input.stride();
    let bytes = &input.pixels()[rows.start as usize * stride..rows.end as usize * stride];
    let src = Uint8Array::new_with_length(bytes.len() as u32);
    src.copy_from(bytes);
    let (func_name, params) = match steps {
        [RenderStep { spec, .. }] => (spec.name(), plain_js(&spec.params_json())),
        _ => {
            let list = Array::new();
            for step in steps {
                list.push(&plain_js(&step.spec));
            }
            let params = Object::new();
            set(&params, "steps", &list);
            (FUSED_FUNC, params.into())
        }
    };
    let args = Object::new();
    set(&args, "params", &params);
    if let Some(mask) = mask_json {
        set(&args, "mask", &JsValue::from_str(mask));
    }
    set(&args, "src", &src);
    set(&args, "width", &JsValue::from(input.width()));
    set(&args, "height", &JsValue::from(input.height()));
    set(&args, "y0", &JsValue::from(rows.start));
    set(&args, "outStart", &JsValue::from(out_rows.start));
    set(&args, "outEnd", &JsValue::from(out_rows.end));
    let message = Object::new();
    set(&message, "id", &JsValue::from(request as f64));
    set(&message, "funcName", &JsValue::from_str(func_name));
    set(&message, "args", &args);
    set(
        &message,
        "bufferKeys",
        &Array::of1(&JsValue::from_str("src")),
    );
    (message.into(), Array::of1(&src.buffer()))
}

/// `value` as the JavaScript JSON would give it: maps become plain
/// objects. (serde-wasm-bindgen's default makes them `Map`s, whose entries
/// are no properties: a worker reading `params` would see none of them.)
fn plain_js<T: serde::Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

impl Executor for WebExecutor {
    fn submit(&mut self, job: Job) {
        if self.ready_workers() == 0 {
            // Not lost: it waits in the queue until a worker's port arrives.
            super::heap::log_info(&format!("lumen: {} queued until a worker is ready", job.id));
        }
        self.pool.borrow_mut().queue.push_back(job);
        pump(&self.pool);
    }

    fn drain(&mut self) -> Vec<JobEvent> {
        std::mem::take(&mut self.pool.borrow_mut().events)
    }

    fn cancel(&mut self, id: JobId) {
        let mut p = self.pool.borrow_mut();
        let before = p.queue.len();
        p.queue.retain(|j| j.id != id);
        let mut cancelled = p.queue.len() != before;
        if p.running.as_ref().is_some_and(|r| r.job.id == id) {
            // Bands still out are ignored when they come back.
            p.running = None;
            cancelled = true;
        }
        if cancelled {
            finish(&mut p, JobEvent::Cancelled(id));
        }
        drop(p);
        pump(&self.pool);
    }

    fn in_flight(&self) -> usize {
        let p = self.pool.borrow();
        p.queue.len() + usize::from(p.running.is_some())
    }
}
