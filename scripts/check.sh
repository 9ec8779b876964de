#!/usr/bin/env bash
# Everything CI checks, fastest first. This is the command README.md gives
# for running all the tests; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each stage's heading shows the free disk space, so a run that fills a
# small disk says where. LUMEN_CHECK_TIDY=1 (set by .ci/run) removes a
# stage's build outputs once no later stage needs them.
step() {
  printf '\n== %s  [%dm%02ds in, %s free, target %s]\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)) \
    "$(df -h --output=avail . | tail -n 1 | tr -d ' ')" "$(du -sh target 2>/dev/null | cut -f1 || echo 0)"
}
tidy() {
  if [ -n "${LUMEN_CHECK_TIDY:-}" ]; then
    echo "tidy: removing $*"
    rm -rf "$@"
  fi
}

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
tidy target/debug

step "release build and CLI smoke test"
cargo build --release --locked -p lumen_app
scripts/cli_smoke.sh target/release/lumen

step "desktop window under Xvfb"
scripts/window_smoke.sh target/release/lumen

step "fuzz: decoding and recipes, 60 s each (stable Rust, cargo-fuzz --sanitizer none)"
scripts/fuzz.sh
tidy fuzz/target

step "web: tools (trunk, wasm-bindgen-cli, wasm-opt, chromium; skipped when present)"
scripts/setup-web.sh

step "web: trunk build and browser tests in headless Chromium"
tests/web/run.sh

printf '\nAll checks passed in %dm%02ds.\n' $((SECONDS / 60)) $((SECONDS % 60))
