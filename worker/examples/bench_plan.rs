//! Prints how each benchmarked filter splits into row bands on the
//! benchmark frame, as a markdown table, for `scripts/bench.sh` to put in
//! BENCHMARKS.md beside the timings.
//!
//! ```sh
//! cargo run --release -p lumen_worker --example bench_plan [THREADS]
//! ```
//!
//! THREADS defaults to `default_threads()`, what the bench's "all threads"
//! column uses.

use lumen_kernels::Split;
use lumen_worker::{default_threads, plan_bands};

#[path = "../benches/cases.rs"]
mod cases;
use cases::{HEIGHT, WIDTH, cases};

fn main() {
    let threads = match std::env::args().nth(1) {
        None => default_threads(),
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("bench_plan: THREADS must be a positive number, got {arg:?}");
                std::process::exit(2);
            }
        },
    };
    println!("| filter | split | bands ({threads} threads) | rows per band |");
    println!("|---|---|---:|---:|");
    for (label, spec) in cases() {
        let split = match spec.split() {
            Split::Rows { halo_px: 0 } => "rows, no halo".to_owned(),
            Split::Rows { halo_px } => format!("rows, halo {halo_px}"),
            Split::Mapped => "mapped rows".to_owned(),
            Split::Whole => "whole source per band".to_owned(),
        };
        let bands = plan_bands(&spec, WIDTH, HEIGHT, threads);
        let min = bands.iter().map(|b| b.len()).min().unwrap_or(0);
        let max = bands.iter().map(|b| b.len()).max().unwrap_or(0);
        let rows = if min == max {
            min.to_string()
        } else {
            format!("{min}-{max}")
        };
        println!("| {label} | {split} | {} | {rows} |", bands.len());
    }
}
