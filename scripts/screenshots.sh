#!/usr/bin/env bash
# Takes README's screenshots in a real X window (Xvfb): the split view of
# the bundled sample with a recipe, and Lumen's own file browser (through
# the real-window test that drives it). Usage: scripts/screenshots.sh BIN
# (a release `lumen`); writes docs/split-view.png and docs/file-browser.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=$(realpath docs)
# shellcheck source=scripts/xvfb.sh
source scripts/xvfb.sh

cat >"$tmp/look.json" <<'JSON'
{ "lumen_recipe": 1, "steps": [
  { "filter": "temperature_tint", "params": { "temperature": 0.35, "tint": 0.05 } },
  { "filter": "clarity", "params": { "amount": 0.6, "radius_px": 24 } },
  { "filter": "vignette", "params": { "amount": 0.5 } }
] }
JSON
LUMEN_DATA_DIR="$tmp/data" "$bin" assets/sample.png --recipe "$tmp/look.json" >"$tmp/app.log" 2>&1 &
app=$!
wait_for() { # wait_for SECONDS PATTERN: a line of the editor's log
  local deadline=$((SECONDS + $1))
  until grep -q "$2" "$tmp/app.log"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "no '$2' in the log:"; cat "$tmp/app.log"; exit 1; }
    kill -0 "$app" 2>/dev/null || { echo "the editor exited"; cat "$tmp/app.log"; exit 1; }
    sleep 0.5
  done
}
wait_for 60 "rendered 3 steps"
id=$(xdotool search --name 'sample[.]png' | head -1)
xdotool windowactivate --sync "$id" 2>/dev/null || xdotool windowfocus "$id"
xdotool key --window "$id" c
sleep 1 # the split view's frame lands
import -window root "$tmp/split.png"
convert "$tmp/split.png" -resize 960x "$out/split-view.png"
kill "$app"; app=""

LUMEN_SCREENSHOT_DIR="$tmp" cargo test --locked -p lumen_app --test file_dialog_window -- --nocapture
convert "$tmp/file-browser.png" -resize 960x "$out/file-browser.png"
echo "screenshots: $out/split-view.png $out/file-browser.png"
