//! The browser session store, in the origin-private file system (OPFS):
//! `session-<id>.json` and, for images opened from the user's files,
//! `source-<id>.bin` (a copy of the file's bytes, since a page cannot reopen
//! a path). `<id>` is the page load's start time, so every tab and reload
//! has its own; sessions present when a page starts are the ones left
//! behind (a closed tab, a crash) and are offered for restore. Each page
//! holds a Web Lock named after its session for as long as it lives, so a
//! session whose page is still open (another tab) is never offered.
//!
//! OPFS calls are asynchronous; writes go through one queue so an older
//! save can never land after a newer one.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemWritableFileStream};

use super::{MAX_SESSION_BYTES, Orphan, Save, Session, StoreHealth};
use crate::tasks::{TaskResult, Tasks};

enum Op {
    Write(String, Vec<u8>),
    Remove(String),
}

#[derive(Default)]
struct Queue {
    busy: bool,
    ops: Vec<Op>,
}

/// This page's sessions in OPFS.
pub struct SessionStore {
    id: String,
    queue: Rc<RefCell<Queue>>,
    health: Rc<RefCell<Health>>,
}

/// How saves are going: why the last failed, and whether the editor was
/// told to save again.
#[derive(Default)]
struct Health {
    failing: Option<String>,
    told: bool,
}

fn js_err(what: &str, e: &JsValue) -> String {
    let detail = e
        .as_string()
        .or_else(|| {
            Reflect::get(e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".into());
    format!("{what}: {detail}")
}

async fn root() -> Result<FileSystemDirectoryHandle, String> {
    let window = web_sys::window().ok_or("no window")?;
    let dir = JsFuture::from(window.navigator().storage().get_directory())
        .await
        .map_err(|e| js_err("browser storage is unavailable", &e))?;
    dir.dyn_into()
        .map_err(|_| "browser storage is unavailable".to_owned())
}

async fn file_handle(
    dir: &FileSystemDirectoryHandle,
    name: &str,
    create: bool,
) -> Result<FileSystemFileHandle, String> {
    let options = web_sys::FileSystemGetFileOptions::new();
    options.set_create(create);
    JsFuture::from(dir.get_file_handle_with_options(name, &options))
        .await
        .map_err(|e| js_err(name, &e))?
        .dyn_into()
        .map_err(|_| format!("{name}: not a file"))
}

async fn write(name: &str, bytes: &[u8]) -> Result<(), String> {
    let dir = root().await?;
    let handle = file_handle(&dir, name, true).await?;
    let stream: FileSystemWritableFileStream = JsFuture::from(handle.create_writable())
        .await
        .map_err(|e| js_err(name, &e))?
        .dyn_into()
        .map_err(|_| format!("{name}: not writable"))?;
    // A copy outside the wasm heap, which may move while the write runs.
    let data = Uint8Array::from(bytes);
    let written = stream
        .write_with_js_u8_array(&data)
        .map_err(|e| js_err(name, &e))?;
    JsFuture::from(written)
        .await
        .map_err(|e| js_err(name, &e))?;
    JsFuture::from(stream.close())
        .await
        .map_err(|e| js_err(name, &e))?;
    Ok(())
}

async fn read(name: &str) -> Result<Vec<u8>, String> {
    read_limited(name, u64::MAX).await
}

/// Reads a file of at most `max_bytes`; a larger one is refused unread.
async fn read_limited(name: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
    let dir = root().await?;
    let handle = file_handle(&dir, name, false).await?;
    let file: web_sys::Blob = JsFuture::from(handle.get_file())
        .await
        .map_err(|e| js_err(name, &e))?
        .dyn_into()
        .map_err(|_| format!("{name}: not a file"))?;
    if file.size() > max_bytes as f64 {
        return Err(format!(
            "{name}: {} bytes, more than the {max_bytes} Lumen reads for a session",
            file.size()
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| js_err(name, &e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

async fn remove(name: &str) {
    if let Ok(dir) = root().await {
        JsFuture::from(dir.remove_entry(name)).await.ok();
    }
}

async fn list() -> Result<Vec<String>, String> {
    let dir = root().await?;
    let iter = dir.keys();
    let mut names = Vec::new();
    loop {
        let step = iter.next().map_err(|e| js_err("listing", &e))?;
        let step = JsFuture::from(step)
            .await
            .map_err(|e| js_err("listing", &e))?;
        let done = Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(names);
        }
        if let Some(name) = Reflect::get(&step, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
        {
            names.push(name);
        }
    }
}

fn lock_name(session_file: &str) -> String {
    format!("lumen-{session_file}")
}

/// `navigator.locks`, if the browser has Web Locks.
fn locks() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined())
}

/// Holds the Web Lock `name` until the page goes away.
fn hold_lock(name: &str) {
    let Some(locks) = locks() else { return };
    let Ok(request) = Reflect::get(&locks, &"request".into()) else {
        return;
    };
    let Ok(request) = request.dyn_into::<js_sys::Function>() else {
        return;
    };
    // The callback's promise never settles, so the lock is never released.
    let forever = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(
        |_lock: JsValue| js_sys::Promise::new(&mut |_, _| {}),
    );
    request.call2(&locks, &name.into(), forever.as_ref()).ok();
    forever.forget();
}

/// The names of Web Locks held now, by any page of this origin.
async fn held_locks() -> Vec<String> {
    let Some(locks) = locks() else {
        return Vec::new();
    };
    let Some(query) = Reflect::get(&locks, &"query".into())
        .ok()
        .and_then(|q| q.dyn_into::<js_sys::Function>().ok())
    else {
        return Vec::new();
    };
    let Some(promise) = query
        .call0(&locks)
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return Vec::new();
    };
    let Ok(snapshot) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    let held = Reflect::get(&snapshot, &"held".into()).unwrap_or_default();
    js_sys::Array::from(&held)
        .iter()
        .filter_map(|info| Reflect::get(&info, &"name".into()).ok()?.as_string())
        .collect()
}

fn source_name(session_file: &str) -> String {
    session_file
        .replacen("session-", "source-", 1)
        .replace(".json", ".bin")
}

impl SessionStore {
    /// Whether saves may be appended: no, each save writes the whole
    /// session (OPFS files are replaced whole).
    pub const APPENDS: bool = false;

    /// Opens this page's store (`_dir` is ignored: the browser decides).
    pub fn open(_dir: &std::path::Path, _tasks: &Tasks) -> Result<Self, String> {
        let id = format!("{}", js_sys::Date::now() as u64);
        hold_lock(&lock_name(&format!("session-{id}.json")));
        Ok(Self {
            id,
            queue: Rc::default(),
            health: Rc::default(),
        })
    }

    /// How saves are going.
    pub fn health(&self) -> StoreHealth {
        StoreHealth {
            failing: self.health.borrow().failing.clone(),
            collapsed: false,
        }
    }

    /// True once after each failed save: the editor must save again.
    pub fn take_lost(&self) -> bool {
        let mut h = self.health.borrow_mut();
        let tell = h.failing.is_some() && !h.told;
        h.told = true;
        tell
    }

    fn json_name(&self) -> String {
        format!("session-{}.json", self.id)
    }

    fn push(&self, op: Op) {
        let mut q = self.queue.borrow_mut();
        // A newer write of the same file replaces a queued older one.
        if let Op::Write(name, _) = &op {
            q.ops.retain(|o| !matches!(o, Op::Write(n, _) if n == name));
        }
        q.ops.push(op);
        if q.busy {
            return;
        }
        q.busy = true;
        drop(q);
        let queue = self.queue.clone();
        let health = self.health.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = {
                    let mut q = queue.borrow_mut();
                    if q.ops.is_empty() {
                        q.busy = false;
                        None
                    } else {
                        Some(q.ops.remove(0))
                    }
                };
                match next {
                    None => return,
                    Some(Op::Write(name, bytes)) => match write(&name, &bytes).await {
                        Ok(()) => {
                            log::info!("autosaved {name}");
                            health.borrow_mut().failing = None;
                        }
                        Err(e) => {
                            log::warn!("autosave failed: {e}");
                            *health.borrow_mut() = Health {
                                failing: Some(e),
                                told: false,
                            };
                        }
                    },
                    Some(Op::Remove(name)) => remove(&name).await,
                }
            }
        });
    }

    /// Saves in the background (the whole session: see [`Self::APPENDS`]).
    pub fn save(&self, save: &Save) {
        if let Some(session) = &save.full {
            self.push(Op::Write(self.json_name(), session.to_json().into_bytes()));
        }
    }

    /// Keeps a copy of the opened file's bytes for this page's session.
    pub fn save_source(&self, bytes: &[u8]) {
        self.push(Op::Write(source_name(&self.json_name()), bytes.to_vec()));
    }

    /// Removes this page's session.
    pub fn clear(&self) {
        self.push(Op::Remove(self.json_name()));
        self.push(Op::Remove(source_name(&self.json_name())));
    }

    /// Same as [`Self::clear`] (the browser has no synchronous storage).
    pub fn clear_now(&self) {
        self.clear();
    }

    /// Reports the sessions of earlier pages as
    /// [`TaskResult::Recoverable`]; ones with no edits are removed.
    pub fn find_orphans(&self, tasks: &Tasks) {
        let tasks = tasks.clone();
        let own = self.json_name();
        wasm_bindgen_futures::spawn_local(async move {
            let mut orphans = Vec::new();
            let mut problems = Vec::new();
            let names = list().await.unwrap_or_else(|e| {
                problems.push(format!("autosaved sessions could not be listed: {e}"));
                Vec::new()
            });
            let held = held_locks().await;
            for name in names {
                if name == own
                    || !name.starts_with("session-")
                    || !name.ends_with(".json")
                    || held.contains(&lock_name(&name))
                {
                    continue; // not a session, or its page is still open
                }
                let parsed = read_limited(&name, MAX_SESSION_BYTES)
                    .await
                    .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
                    .and_then(|t| Session::from_json(&t));
                match parsed {
                    Ok(session) if session.has_edits() => {
                        orphans.push(Orphan::new(session, name, None))
                    }
                    Ok(_) => {
                        remove(&source_name(&name)).await;
                        remove(&name).await;
                    }
                    Err(e) => problems.push(format!(
                        "an autosaved session could not be read ({name}): {e}"
                    )),
                }
            }
            tasks.send(TaskResult::Recoverable { orphans, problems });
        });
    }

    /// Reads an orphan's stored image bytes, decodes them, and reports
    /// [`TaskResult::Loaded`] (which carries the bytes, so this page keeps
    /// its own copy).
    pub fn load_source(&self, orphan: &Orphan, tasks: &Tasks) {
        let tasks = tasks.clone();
        let file = source_name(&orphan.key);
        let name = orphan.session.name.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match read(&file).await {
                Ok(bytes) => tasks.send(
                    crate::platform::decode(bytes, name, crate::governor::default_budget()).await,
                ),
                Err(e) => tasks.send(TaskResult::Failed(format!(
                    "the stored copy of {name} could not be read: {e}"
                ))),
            }
        });
    }

    /// Deletes an orphan (restored or declined) and its stored image.
    pub fn discard(&self, orphan: &Orphan) {
        self.push(Op::Remove(source_name(&orphan.key)));
        self.push(Op::Remove(orphan.key.clone()));
    }
}
