#!/usr/bin/env bash
# Everything CI checks, fastest first. This is the command README.md gives
# for running all the tests; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "setup (installs only what is missing)"
scripts/setup.sh

step "format"
cargo fmt --all -- --check

step "dependency rule: kernels stays pure"
scripts/check_kernels_pure.sh

step "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32; threads and Instant banned in kernels and worker)"
CLIPPY_CONF_DIR=scripts/clippy_wasm cargo clippy --locked --target wasm32-unknown-unknown \
  -p lumen_kernels -p lumen_worker -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p lumen_app -- -D warnings

step "rustdoc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --locked

step "tests"
cargo test --workspace --locked

step "release build and CLI smoke test"
cargo build --release --locked -p lumen_app
scripts/cli_smoke.sh target/release/lumen

step "desktop window under Xvfb"
scripts/window_smoke.sh target/release/lumen

step "fuzz: decoding and recipes, 60 s each (stable Rust, cargo-fuzz --sanitizer none)"
scripts/fuzz.sh

step "web: tools (trunk, wasm-bindgen-cli, wasm-opt, chromium; skipped when present)"
scripts/setup-web.sh

step "web: trunk build and browser tests in headless Chromium"
tests/web/run.sh

printf '\nAll checks passed.\n'
