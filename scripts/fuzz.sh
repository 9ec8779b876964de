#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for FUZZ_SECONDS (default 60) each, on
# stable Rust: cargo-fuzz's `--sanitizer none` mode needs no nightly (it
# finds panics, failed assertions, hangs and runaway memory; not the memory
# errors a sanitizer would, which safe Rust rules out anyway). Installs
# cargo-fuzz from crates.io if it is missing. Fails on any crash, printing
# the input that caused it (saved under fuzz/artifacts/TARGET/).
#
#   scripts/fuzz.sh            # every target
#   scripts/fuzz.sh decode     # one target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# Seeds: tiny images in every format and a recipe per filter, written by
# the app's own encoders (nothing binary is committed), plus the committed
# text seeds in fuzz/seeds/.
seeds=target/fuzz-seeds
rm -rf "$seeds"
cargo run --release --locked -q -p lumen_app --example fuzz_seeds -- "$seeds"
cp fuzz/seeds/recipe/*.json "$seeds/recipe/"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode recipe)
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${seconds}s"
  corpus=fuzz/corpus/$t          # what the fuzzer learns (git-ignored)
  mkdir -p "$corpus"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: 2 GiB.
  # The fuzzer's progress lines go to a log; its summary (or, on a crash,
  # the end of the log) is printed.
  log=target/fuzz-$t.log
  if cargo fuzz run --sanitizer none --fuzz-dir fuzz "$t" "$corpus" "$seeds/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$log" 2>&1; then
    grep -E '^(Done|stat::)' "$log" || tail -n 5 "$log"
  else
    tail -n 60 "$log"
    echo "fuzz target $t crashed; reproduce with:"
    echo "  cargo fuzz run --sanitizer none --fuzz-dir fuzz $t fuzz/artifacts/$t/<file>"
    ls -l "fuzz/artifacts/$t" 2>/dev/null || true
    exit 1
  fi
done
echo "fuzz: no crashes"
