//! `lumen_app`: Lumen's editor UI and command line.
//!
//! The app never computes pixels itself: it describes work as jobs for
//! `lumen_worker` executors and shows what comes back.

pub mod app;
pub mod autosave;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod color;
pub mod dialogs;
pub mod document;
pub mod export;
pub mod filters_doc;
pub mod governor;
pub mod histogram_job;
pub mod history_label;
pub mod io;
pub mod keys;
pub mod logging;
pub mod metadata;
pub mod platform;
pub mod render;
pub mod settings;
pub mod tasks;
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use app::{LumenApp, Options};
