//! The editor's panels and widgets, one file each.

pub mod canvas;
pub mod palette;
pub mod panels;
pub mod params;
