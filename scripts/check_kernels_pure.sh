#!/usr/bin/env bash
# Fails if lumen_kernels depends on anything but serde, serde_json and
# thiserror (directly), on UI or browser crates (at any depth), or spawns
# threads. ARCHITECTURE.md states the same rule.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
allowed="serde serde_json thiserror"
direct=$(cargo tree --locked -p lumen_kernels -e normal --depth 1 --prefix none | awk 'NR > 1 {print $1}' | sort -u)
for dep in $direct; do
  if ! grep -qw "$dep" <<<"$allowed"; then
    echo "kernels depends on $dep: only $allowed are allowed (see ARCHITECTURE.md)"
    bad=1
  fi
done
for target in x86_64-unknown-linux-gnu wasm32-unknown-unknown; do
  deps=$(cargo tree --locked -p lumen_kernels -e normal --prefix none --target "$target" | awk '{print $1}' | sort -u)
  for forbidden in egui eframe wasm-bindgen web-sys js-sys gloo-worker winit; do
    if grep -qx "$forbidden" <<<"$deps"; then
      echo "kernels depends on $forbidden (target $target): not allowed"
      bad=1
    fi
  done
done
if grep -rnE 'std::thread|thread::spawn|thread::scope|rayon' kernels/src; then
  echo "kernels must not use threads (see above)"
  bad=1
fi
[ "$bad" -eq 0 ] && echo "kernels is pure: only $allowed, no egui, wasm-bindgen, web-sys, threads"
exit "$bad"
