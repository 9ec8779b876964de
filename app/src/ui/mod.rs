//! The editor's panels and widgets, one file each.

pub mod canvas;
pub mod file_browser;
pub mod histogram;
pub mod palette;
pub mod panels;
pub mod params;
pub mod params_heal;
pub mod params_tone;
pub mod widgets;
