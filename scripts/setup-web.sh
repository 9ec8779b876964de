#!/usr/bin/env bash
# Installs what the web build and the browser tests need, skipping what is
# already there: the wasm32 target, trunk 0.21.14, wasm-bindgen-cli at
# exactly the version Cargo.lock pins, wasm-opt and playwright-core from npm
# (package.json), and Debian's Chromium with its driver. Nothing is
# downloaded from outside the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
[ -n "$WBG_VERSION" ] || { echo "setup-web: wasm-bindgen not found in Cargo.lock"; exit 1; }

rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  echo "setup-web: installing trunk $TRUNK_VERSION (several minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION"; then
  echo "setup-web: installing wasm-bindgen-cli $WBG_VERSION (several minutes)"
  # Not --locked: its lockfile pins a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "=$WBG_VERSION"
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "setup-web: installing chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ]; then
  echo "setup-web: npm ci (binaryen's wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund
fi

# trunk builds offline: the cargo registry cache must hold every crate.
cargo fetch --locked >/dev/null
echo "setup-web: ok (trunk $(trunk --version | awk '{print $2}'), wasm-bindgen $WBG_VERSION)"
