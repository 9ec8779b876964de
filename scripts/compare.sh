#!/usr/bin/env bash
# Lumen's kernels against OpenCV, Pillow and libvips, single-threaded, on one
# deterministic 3840x2160 RGBA frame. Prints a markdown table.
#
# Lumen is timed twice: its kernel on the calling thread into a
# preallocated buffer (the `compare` example), and as a user meets it, in a
# fresh process per run (`lumen apply --threads 1 --timings` on the frame
# saved as a PNG: the step's compute, output frame included; decoding and
# encoding are not timed). FRESH=0 leaves the second out.
#
#   scripts/compare.sh                 # every case, median of 7 runs
#   RUNS=11 scripts/compare.sh invert gaussian_blur_s3
#   METRIC=wall scripts/compare.sh   # wall-clock instead of CPU time
#   LUMEN_HUGE_PAGES=1 scripts/compare.sh   # fresh frames ask for huge pages
#
# Cases: invert grayscale brightness_contrast gaussian_blur_s3
# gaussian_blur_s25 unsharp_mask sobel resize_half_lanczos3 rotate_90
# (memcpy is always timed). See BENCHMARKS.md.
#
# First run creates target/compare-venv from PyPI (opencv-python-headless,
# pillow, numpy, pyvips + pyvips-binary, which bundles libvips; no system
# libvips needed) and builds the release `compare` example of lumen_kernels.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-7}"
FRESH="${FRESH:-1}"
export METRIC="${METRIC:-cpu}"  # cpu (process CPU time) or wall
VENV=target/compare-venv
OUT=target/compare
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import cv2, PIL, numpy, pyvips' 2>/dev/null; then
  echo "== creating $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r scripts/compare/requirements.txt
fi

echo "== building the Lumen timing binary (release)" >&2
cargo build --release -q -p lumen_kernels --example compare
if [ "$FRESH" = 1 ]; then
  echo "== building the lumen command line (release)" >&2
  cargo build --release -q -p lumen_app --bin lumen
fi

# One thread everywhere, set before any library loads.
export VIPS_CONCURRENCY=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

echo "== Lumen (single thread, render_rows on the calling thread)" >&2
./target/release/examples/compare --out-dir "$OUT" --runs "$RUNS" "$@" | tee "$OUT/lumen.jsonl" >&2

rm -f "$OUT/fresh.jsonl"
fresh_arg=()
if [ "$FRESH" = 1 ]; then
  echo "== Lumen in a fresh process per run (lumen apply --threads 1 --timings)" >&2
  "$VENV/bin/python" scripts/compare/fresh.py --lumen target/release/lumen \
    --compare target/release/examples/compare --frame "$OUT/frame.rgba" --runs "$RUNS" "$@" \
    | tee "$OUT/fresh.jsonl" >&2
  fresh_arg=(--fresh "$OUT/fresh.jsonl")
fi

echo "== OpenCV, Pillow, libvips" >&2
"$VENV/bin/python" scripts/compare/bench.py --frame "$OUT/frame.rgba" --lumen "$OUT/lumen.jsonl" \
  "${fresh_arg[@]}" --runs "$RUNS" "$@" | tee "$OUT/table.md"

{
  echo
  echo "Command: scripts/compare.sh $*  (RUNS=$RUNS; median of $RUNS runs after 1 warm-up)"
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc --all) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$VENV/bin/python" -c 'import cv2, PIL, numpy, pyvips; print(f"OpenCV {cv2.__version__}, Pillow {PIL.__version__}, numpy {numpy.__version__}, pyvips {pyvips.__version__} (libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)})")'
} | tee -a "$OUT/table.md"
