//! The web app's codec worker bundle: trunk builds this binary for wasm32
//! as `lumen-codec.js` + `lumen-codec_bg.wasm`, and the page spawns one, so
//! that decoding an opened photo never holds the page's thread
//! (`lumen_app::platform::codec`).

#[cfg(target_arch = "wasm32")]
fn main() {
    lumen_app::platform::codec::worker_main();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("lumen-codec is the web app's codec worker; build it for wasm32 with trunk.");
    std::process::exit(2);
}
