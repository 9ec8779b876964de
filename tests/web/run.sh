#!/usr/bin/env bash
# Builds the web app with trunk (release), serves dist/ on 127.0.0.1, and
# runs the browser tests in headless Chromium. LUMEN_SKIP_TRUNK=1 reuses
# an existing dist/ (when only the tests changed).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"   # binaryen's wasm-opt first

[ -n "${LUMEN_SKIP_TRUNK:-}" ] || trunk build --release --skip-version-check
ls -l dist/*.wasm
# Size budgets (gzip -9 bytes), so the bundles cannot grow unnoticed. The
# page's own bundle links no codec (the codec worker's holds them) and is
# built for size (Cargo.toml's `web-app` profile): 2 MB, the goal.
APP_BUDGET=${LUMEN_APP_WASM_BUDGET:-2000000}
WORKER_BUDGET=${LUMEN_WORKER_WASM_BUDGET:-400000}
CODEC_BUDGET=${LUMEN_CODEC_WASM_BUDGET:-2000000}
over=0
for f in dist/*.wasm; do
  size=$(gzip -9 -c "$f" | wc -c)
  case "$f" in
    *lumen-worker*) budget=$WORKER_BUDGET ;;
    *lumen-codec*) budget=$CODEC_BUDGET ;;
    *) budget=$APP_BUDGET ;;
  esac
  printf '%s gzip: %s bytes (budget %s)\n' "$f" "$size" "$budget"
  if [ "$size" -gt "$budget" ]; then echo "$f is over its size budget" >&2; over=1; fi
done
[ "$over" -eq 0 ] || exit 1

cargo build --release --locked -p lumen_app
parity=$(mktemp)
cargo run --release --locked -q -p lumen_worker --example parity_hashes -- tests/web/parity_cases.json 61 47 >"$parity"
big=$(cargo run --release --locked -q -p lumen_worker --example parity_hashes -- \
  <(echo '[{"filter":"gaussian_blur","params":{"sigma_px":6}}]') 4000 3000)

# The server binds a port the OS picks and prints it once it listens.
# An X display for the tests that drive a real browser window
# (windowed.test.mjs); scripts/xvfb.sh sets DISPLAY and a cleanup.
# shellcheck source=scripts/xvfb.sh
source scripts/xvfb.sh

coproc SERVER { exec python3 -u scripts/serve.py dist; }
server=$SERVER_PID
trap 'kill $server 2>/dev/null; rm -f "$parity"; cleanup' EXIT
read -r -t 30 port <&"${SERVER[0]}" || { echo "the web server did not start" >&2; exit 1; }

LUMEN_URL="http://127.0.0.1:$port/" LUMEN_CLI="$PWD/target/release/lumen" \
LUMEN_PARITY_FILE="$parity" LUMEN_PARITY_BIG="$(echo "$big" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]))')" \
  node --test --test-concurrency=1 "${@:-tests/web/}"
