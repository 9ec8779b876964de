//! Lumen app.
