//! Tools that edit a step by direct manipulation on the canvas. The canvas
//! draws the image; a tool draws over the rectangle it was drawn in
//! ([`super::canvas::CanvasState::last_image_rect`]) and takes the pointer
//! there, while the canvas stops panning on drags
//! ([`super::canvas::CanvasState::tool_active`]).

pub mod crop;
pub mod heal;
pub mod mask;
pub mod straighten;
