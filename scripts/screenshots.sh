#!/usr/bin/env bash
# Takes the documentation's screenshots in a real X window (Xvfb): the
# split view of the bundled sample with a recipe, Lumen's own file browser
# (through the real-window test that drives it), and the canvas tools:
# crop, straighten, the mask overlay and heal, each started with its key
# (R, L, M then O, Q) as a person would. Usage: scripts/screenshots.sh BIN
# (a release `lumen`); writes docs/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=$(realpath docs)
# shellcheck source=scripts/xvfb.sh
source scripts/xvfb.sh

# edit NAME RECIPE_JSON STEPS: the editor on the sample with the recipe,
# once it has rendered its STEPS steps, its window focused.
edit() {
  printf '%s\n' "$2" >"$tmp/$1.json"
  : >"$tmp/app.log"
  LUMEN_DATA_DIR="$tmp/data-$1" "$bin" assets/sample.png --recipe "$tmp/$1.json" >"$tmp/app.log" 2>&1 &
  app=$!
  wait_for 60 "rendered $3 step"
  id=$(xdotool search --name 'sample[.]png' | head -1)
  xdotool windowactivate --sync "$id" 2>/dev/null || xdotool windowfocus --sync "$id"
  xdotool mousemove 640 400
}
wait_for() { # wait_for SECONDS PATTERN: a line of the editor's log
  local deadline=$((SECONDS + $1))
  until grep -q "$2" "$tmp/app.log"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "no '$2' in the log:"; cat "$tmp/app.log"; exit 1; }
    kill -0 "$app" 2>/dev/null || { echo "the editor exited"; cat "$tmp/app.log"; exit 1; }
    sleep 0.5
  done
}
# shot NAME: the screen, scaled to 960 px wide, as docs/NAME.png; then the
# editor is closed.
shot() {
  sleep 1.5 # the tool's render and frame land
  import -window root "$tmp/$1.png"
  convert "$tmp/$1.png" -resize 960x "$out/$1.png"
  kill "$app"; wait "$app" 2>/dev/null || true; app=""
  echo "screenshot: docs/$1.png"
}

# The sample is 512x512, shown at 100% in the middle of the canvas: the
# image spans about x 190..702, y 144..656 of the 1280x800 screen.
edit split-view '{ "lumen_recipe": 1, "steps": [
  { "filter": "temperature_tint", "params": { "temperature": 0.35, "tint": 0.05 } },
  { "filter": "clarity", "params": { "amount": 0.6, "radius_px": 24 } },
  { "filter": "vignette", "params": { "amount": 0.5 } } ] }' 3
xdotool key c
shot split-view

edit crop-tool '{ "lumen_recipe": 1, "steps": [
  { "filter": "temperature_tint", "params": { "temperature": 0.2, "tint": 0.0 } },
  { "filter": "crop", "params": { "rect_frac": [0.12, 0.08, 0.7, 0.8] } } ] }' 2
xdotool key r
shot crop-tool

edit straighten-tool '{ "lumen_recipe": 1, "steps": [
  { "filter": "rotate_angle", "params": { "angle_deg": 0.0 } } ] }' 1
xdotool key l
sleep 1
xdotool mousemove 230 560 mousedown 1
for x in 300 400 500 600 660; do xdotool mousemove "$x" $((560 - (x - 230) / 12)); sleep 0.1; done
shot straighten-tool

edit mask-overlay '{ "lumen_recipe": 1, "steps": [
  { "filter": "exposure", "params": { "stops": 1.0 },
    "mask": { "shapes": [ { "kind": "radial", "center": [0.42, 0.35], "radius": [0.25, 0.3], "feather": 0.5 } ] } } ] }' 1
xdotool key m
sleep 1
xdotool key o
shot mask-overlay

edit heal-tool '{ "lumen_recipe": 1, "steps": [
  { "filter": "heal", "params": { "spots": [
    { "target": [0.055, 0.117], "radius": 0.03 },
    { "target": [0.69, 0.865], "source": [0.8, 0.91], "radius": 0.045 } ] } } ] }' 1
xdotool key q
sleep 1
xdotool mousemove 380 330
shot heal-tool

LUMEN_SCREENSHOT_DIR="$tmp" cargo test --locked -p lumen_app --test file_dialog_window -- --nocapture
convert "$tmp/file-browser.png" -resize 960x "$out/file-browser.png"
echo "screenshot: docs/file-browser.png"
