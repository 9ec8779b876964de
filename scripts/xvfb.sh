# Sourced by the real-window scripts: a temporary folder ($tmp), an Xvfb on
# a display it picks itself (-displayfd, so parallel runs never collide),
# DISPLAY set to it, and a cleanup on exit that stops Xvfb and the editor
# whose pid the caller keeps in $app (Xvfb is waited for, see cleanup).
tmp=$(mktemp -d)
export XDG_RUNTIME_DIR="$tmp/xdg"; mkdir -m 0700 "$XDG_RUNTIME_DIR"
app=""
xvfb=""
cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; fi
  # Wait for Xvfb to be gone: one that is still exiting removes its socket
  # and lock files, which may already be the next server's of that number.
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; fi
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
# The number can come before every client is let in: wait until one is.
for _ in $(seq 100); do
  xdotool getdisplaygeometry >/dev/null 2>&1 && break
  sleep 0.1
done
xdotool getdisplaygeometry >/dev/null 2>&1 || { echo "Xvfb on $DISPLAY takes no clients"; cat "$tmp/xvfb.log"; exit 1; }
