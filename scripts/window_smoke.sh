#!/usr/bin/env bash
# Starts the desktop editor in a real X window (Xvfb, software OpenGL),
# checks the window appears and draws the sample, and saves a screenshot.
# Xvfb picks a free display itself (-displayfd), and every wait is on a
# condition with a time limit, so parallel runs never collide.
set -euo pipefail
bin=$(realpath "$1")
shot=${LUMEN_SCREENSHOT:-target/window-smoke.png}
mkdir -p "$(dirname "$shot")"
tmp=$(mktemp -d)
export XDG_RUNTIME_DIR="$tmp/xdg"; mkdir -m 0700 "$XDG_RUNTIME_DIR"
app=""
xvfb=""
cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; fi
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Xvfb writes its display number once it accepts connections.
coproc XVFB { exec Xvfb -displayfd 1 -screen 0 1280x800x24 -nolisten tcp 2>"$tmp/xvfb.log"; }
xvfb=$XVFB_PID
if ! read -r -t 30 number <&"${XVFB[0]}"; then
  echo "Xvfb did not start"; cat "$tmp/xvfb.log"; exit 1
fi
export DISPLAY=":$number"

LUMEN_DATA_DIR="$tmp/data" "$bin" >"$tmp/app.log" 2>&1 &
app=$!

# Polls `$@` every half second until it succeeds; fails after $1 seconds.
wait_until() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    kill -0 "$app" 2>/dev/null || { echo "the editor exited"; cat "$tmp/app.log"; exit 1; }
    sleep 0.5
  done
}

window_shown() { xdotool search --name 'sample[.]png' >/dev/null 2>&1; }
if ! wait_until 30 window_shown; then
  echo "no Lumen window with the sample appeared"; cat "$tmp/app.log"; exit 1
fi

# The sample's orange suit must be on screen: count strongly orange pixels
# until there are enough (the first frames may still be loading).
orange=0
sample_drawn() {
  import -window root "$shot"
  orange=$(convert "$shot" -fx 'r>0.7 && g>0.25 && g<0.6 && b<0.35 ? 1 : 0' -format '%[fx:mean*w*h]' info:)
  awk -v n="$orange" 'BEGIN { exit !(n > 5000) }'
}
if ! wait_until 30 sample_drawn; then
  echo "the sample was not drawn ($orange orange pixels on screen)"; exit 1
fi
echo "orange pixels on screen: $orange"
kill -0 "$app" || { echo "the editor exited"; cat "$tmp/app.log"; exit 1; }
echo "window smoke: ok ($shot)"
