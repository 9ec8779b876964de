#!/usr/bin/env bash
# Browser benchmark: builds the web app, measures native single-thread
# kernel times with the CLI, then runs tests/web/bench.mjs in headless
# Chromium and prints ratio tables (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
trunk build --release --skip-version-check >/dev/null
cargo build --release --locked -q -p lumen_app
tmp=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
echo '{"lumen_recipe":1,"steps":[{"filter":"resize","params":{"width":3840,"height":2160,"method":"bilinear"}}]}' >"$tmp/up.json"
target/release/lumen apply --recipe "$tmp/up.json" assets/sample.png "$tmp/frame.png"
native="{"
while IFS='|' read -r key filter params; do
  echo "{\"lumen_recipe\":1,\"steps\":[{\"filter\":\"$filter\",\"params\":$params}]}" >"$tmp/r.json"
  best=""
  for _ in 1 2 3 4 5; do
    ms=$(target/release/lumen apply --recipe "$tmp/r.json" --threads 1 --timings "$tmp/frame.png" "$tmp/out.png" 2>&1 | awk '/^timing/ {print $3}')
    best=$(printf '%s\n%s\n' "$best" "$ms" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  done
  native="$native\"$key\":$best,"
done <<'CASES'
invert|invert|{}
grayscale|grayscale|{}
brightness_contrast|brightness_contrast|{"brightness":0.1,"contrast":0.2}
exposure|exposure|{"stops":0.5}
gamma|gamma|{"gamma":1.8}
hsl|hsl|{"hue_deg":30,"saturation":0.2,"lightness":0}
gaussian_blur_sigma3|gaussian_blur|{"sigma_px":3}
gaussian_blur_sigma25|gaussian_blur|{"sigma_px":25}
unsharp_mask_sigma2|unsharp_mask|{"sigma_px":2,"amount":1,"threshold":0}
rotate|rotate|{"quarter_turns":1}
flip|flip|{"axis":"horizontal"}
resize_bilinear|resize|{"width":1920,"height":1080,"method":"bilinear"}
resize_lanczos3|resize|{"width":1920,"height":1080,"method":"lanczos3"}
CASES
native="${native%,}}"
# The server binds a port the OS picks and prints it once it listens.
coproc SERVER { exec python3 -u scripts/serve.py dist; }
server=$SERVER_PID
read -r -t 30 port <&"${SERVER[0]}" || { echo "the web server did not start" >&2; exit 1; }
LUMEN_URL="http://127.0.0.1:$port/" LUMEN_NATIVE_MS="$native" node tests/web/bench.mjs
