#!/usr/bin/env bash
# Starts the desktop editor in a real X window (Xvfb, software OpenGL),
# checks the window appears and draws the sample, and saves a screenshot.
set -euo pipefail
bin=$(realpath "$1")
display=:97
tmp=$(mktemp -d)
export XDG_RUNTIME_DIR="$tmp/xdg"; mkdir -m 0700 "$XDG_RUNTIME_DIR"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
cleanup() { kill "$app" "$xvfb" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
sleep 1
DISPLAY=$display LUMEN_DATA_DIR="$tmp/data" "$bin" >"$tmp/app.log" 2>&1 &
app=$!
for _ in $(seq 1 60); do
  if DISPLAY=$display xdotool search --name 'sample[.]png' >/dev/null 2>&1; then break; fi
  sleep 0.5
done
if ! DISPLAY=$display xdotool search --name 'sample[.]png' >/dev/null 2>&1; then
  echo "no Lumen window with the sample appeared"; cat "$tmp/app.log"; exit 1
fi
sleep 2
shot=${LUMEN_SCREENSHOT:-target/window-smoke.png}
mkdir -p "$(dirname "$shot")"
DISPLAY=$display import -window root "$shot"
# The sample's orange suit must be on screen: count strongly orange pixels.
orange=$(convert "$shot" -fx 'r>0.7 && g>0.25 && g<0.6 && b<0.35 ? 1 : 0' -format '%[fx:mean*w*h]' info:)
echo "orange pixels on screen: $orange"
awk -v n="$orange" 'BEGIN { exit !(n > 5000) }' || { echo "the sample was not drawn"; exit 1; }
kill -0 "$app" || { echo "the editor exited"; cat "$tmp/app.log"; exit 1; }
echo "window smoke: ok ($shot)"
