//! Platform services behind one set of names (file dialogs, background
//! tasks, the executor, delivering exports); the file for the target is
//! chosen here, in one place.

#[cfg_attr(target_arch = "wasm32", path = "web.rs")]
#[cfg_attr(not(target_arch = "wasm32"), path = "native.rs")]
mod imp;

pub use imp::*;
