//! Platform services behind one set of names; the file for the target is
//! chosen here, in one place.

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::*;
