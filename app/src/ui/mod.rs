//! The editor's panels and widgets, one file each.

pub mod canvas;
pub mod export_dialog;
pub mod file_browser;
pub mod histogram;
pub mod palette;
pub mod panels;
pub mod params;
pub mod params_photo;
pub mod params_tone;
pub mod step_tools;
pub mod tiles;
pub mod widgets;
