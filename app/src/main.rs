//! Lumen binary.
fn main() {}
