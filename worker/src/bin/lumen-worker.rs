//! The web worker bundle: trunk builds this binary for wasm32 as
//! `lumen-worker.js` + `lumen-worker_bg.wasm`, and the app's worker pool
//! spawns it once per core.

#[cfg(target_arch = "wasm32")]
fn main() {
    lumen_worker::web::worker_main();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("lumen-worker is the web worker bundle; build it for wasm32 with trunk.");
    std::process::exit(2);
}
