//! Platform services behind one set of names (file dialogs, background
//! tasks, the executor, delivering exports); the file for the target is
//! chosen here, in one place.

#[cfg_attr(target_arch = "wasm32", path = "web.rs")]
#[cfg_attr(not(target_arch = "wasm32"), path = "native.rs")]
mod imp;
#[cfg(not(target_arch = "wasm32"))]
pub mod system_dialogs;

pub use imp::*;

/// What became of a file dropped on the window.
pub enum Dropped {
    /// Open this path (desktop).
    Path(std::path::PathBuf),
    /// Its bytes are being read; a task result follows (web).
    Reading,
    /// Nothing to open.
    Nothing,
}

/// How asking for a file started.
pub enum Started {
    /// A dialog is open; its answer comes as [`crate::tasks::TaskResult::Picked`].
    Waiting,
    /// The page's file chooser is open; what it yields comes as a task
    /// result (web).
    Page,
    /// No system dialog is available: show the editor's own browser.
    BuiltIn(crate::dialogs::FileRequest),
}
