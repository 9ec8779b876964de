#!/usr/bin/env bash
# Installs what Lumen's build and tests need on a fresh Debian machine.
# Idempotent: skips whatever is already there. Safe to run again.
set -euo pipefail

need_apt=()
command -v Xvfb >/dev/null 2>&1 || need_apt+=(xvfb)
command -v xdotool >/dev/null 2>&1 || need_apt+=(xdotool)
command -v import >/dev/null 2>&1 || need_apt+=(imagemagick)
# Mesa's software OpenGL, for the real-window smoke test under Xvfb.
[ -e /usr/lib/x86_64-linux-gnu/dri/swrast_dri.so ] || [ -e /usr/lib/x86_64-linux-gnu/dri/llvmpipe_dri.so ] \
  || need_apt+=(libgl1-mesa-dri)
dpkg -s libegl1 >/dev/null 2>&1 || need_apt+=(libegl1)
dpkg -s libxkbcommon-x11-0 >/dev/null 2>&1 || need_apt+=(libxkbcommon-x11-0)
# Independent references for the photo tests: littleCMS (tificc, jpgicc),
# exiftool, libavif's and libjxl's encoders and decoders, and the colour
# profiles they convert with (colord's RGB spaces, Ghostscript's CMYK).
command -v tificc >/dev/null 2>&1 || need_apt+=(liblcms2-utils)
command -v exiftool >/dev/null 2>&1 || need_apt+=(libimage-exiftool-perl)
command -v avifenc >/dev/null 2>&1 || need_apt+=(libavif-bin)
command -v cjxl >/dev/null 2>&1 || need_apt+=(libjxl-tools)
[ -e /usr/share/color/icc/colord/ProPhotoRGB.icc ] || need_apt+=(colord-data)
[ -e /usr/share/color/icc/ghostscript/default_cmyk.icc ] || need_apt+=(libgs-common)
[ -x /usr/bin/convert ] || need_apt+=(imagemagick)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
echo "setup: ok"
