#!/usr/bin/env bash
# Every benchmark in one run, and every table of BENCHMARKS.md from it:
#
#   1. criterion: the native tiled renderer on a 3840x2160 frame, 1 thread
#      and all threads (worker/benches/kernels.rs), and the band plan of
#      each case (worker/examples/bench_plan.rs);
#   2. scripts/compare.sh: single-thread Lumen against OpenCV, Pillow and
#      libvips (a Python venv from PyPI on first use);
#   3. interactive latency: a parameter change on a 24 MP photo to its
#      preview, to its full render, and the editor's frame times
#      (app/examples/latency.rs);
#   4. the browser: trunk build, tests/web/bench.mjs (kernels in a
#      worker), tests/web/pagebench.mjs (the editor's page thread on a
#      24 MP photo) and tests/web/latencybench.mjs (the latency of 3. in
#      the browser) in headless Chromium (skipped, and said so in the
#      document, when trunk, Chromium or playwright-core is missing);
#
# then scripts/bench_report.py writes the tables between the
# `<!-- bench:NAME -->` markers of BENCHMARKS.md. Run it on an otherwise
# idle machine: the tables are only as good as the quiet they were
# measured in.
#
#   scripts/bench.sh                 # the full run (about 15 minutes on 2 cores)
#   scripts/bench.sh --quick         # a short run of a few cases to try the
#                                    # script; writes target/bench/BENCHMARKS.md,
#                                    # never the real one
#   scripts/bench.sh --no-compare --no-web
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 compare=1 web=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-compare) compare=0 ;;
    --no-web) web=0 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--no-compare] [--no-web]" >&2; exit 2 ;;
  esac
done

out_dir=target/bench
mkdir -p "$out_dir"
doc=BENCHMARKS.md
if [ "$quick" = 1 ]; then
  cp BENCHMARKS.md "$out_dir/BENCHMARKS.md"
  doc="$out_dir/BENCHMARKS.md"
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
skipped=()

echo "== 1. criterion (native, release)" >&2
group=target/criterion/frame_3840x2160
rm -rf "$group"  # no estimates left over from another run
if [ "$quick" = 1 ]; then
  cargo bench --locked -p lumen_worker --bench kernels -- --quick \
    '^frame_3840x2160/(memcpy|alloc_fill|parallel_ceiling|invert|gaussian_blur_sigma(3|25))(/|$)' >&2
else
  cargo bench --locked -p lumen_worker --bench kernels >&2
fi
cargo run --release --locked -q -p lumen_worker --example bench_plan >"$out_dir/plan.md"

echo "== 2. against OpenCV, Pillow and libvips" >&2
rm -f target/compare/table.md
if [ "$compare" = 1 ]; then
  if [ "$quick" = 1 ]; then
    RUNS=3 scripts/compare.sh invert gaussian_blur_s3 >/dev/null
  else
    RUNS=9 scripts/compare.sh >/dev/null
  fi
else
  skipped+=(--skipped "compare=left out with --no-compare")
fi

echo "== 3. interactive latency (native, 24 MP)" >&2
rm -f "$out_dir/latency.md"
if [ "$quick" = 1 ]; then
  cargo run --release --locked -q -p lumen_app --example latency -- --quick >"$out_dir/latency.md"
else
  cargo run --release --locked -q -p lumen_app --example latency >"$out_dir/latency.md"
fi

echo "== 4. the browser" >&2
rm -f "$out_dir/web.json" "$out_dir/page.json" "$out_dir/latency-web.json"
if [ "$web" = 1 ]; then
  chromium=${CHROMIUM:-/usr/bin/chromium}
  missing=""
  command -v trunk >/dev/null || missing="trunk"
  [ -x "$chromium" ] || missing="${missing:+$missing, }Chromium ($chromium)"
  [ -d node_modules/playwright-core ] || missing="${missing:+$missing, }playwright-core (npm ci)"
  if [ -n "$missing" ]; then
    echo "skipping the browser run: missing $missing (scripts/setup-web.sh installs them)" >&2
    skipped+=(--skipped "web=this machine lacked $missing")
  else
    export PATH="$PWD/node_modules/.bin:$PATH"   # binaryen's wasm-opt first
    trunk build --release --skip-version-check >&2
    # The server binds a port the OS picks and prints it once it listens.
    coproc SERVER { exec python3 -u scripts/serve.py dist; }
    server=$SERVER_PID
    trap 'kill $server 2>/dev/null' EXIT
    read -r -t 30 port <&"${SERVER[0]}" || { echo "the web server did not start" >&2; exit 1; }
    LUMEN_URL="http://127.0.0.1:$port/" LUMEN_BENCH_JSON="$out_dir/web.json" node tests/web/bench.mjs >&2
    page_runs=3
    [ "$quick" = 1 ] && page_runs=1
    LUMEN_URL="http://127.0.0.1:$port/" LUMEN_PAGE_BENCH_JSON="$out_dir/page.json" \
      node tests/web/pagebench.mjs --runs "$page_runs" >&2
    changes=5
    [ "$quick" = 1 ] && changes=2
    LUMEN_URL="http://127.0.0.1:$port/" LUMEN_LATENCY_BENCH_JSON="$out_dir/latency-web.json" \
      node tests/web/latencybench.mjs --changes "$changes" >&2
  fi
else
  skipped+=(--skipped "web=left out with --no-web")
fi

kind="Full run"
[ "$quick" = 1 ] && kind="QUICK RUN (a few cases, short timings; not for publishing)"
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- kernels worker || commit="$commit with uncommitted changes"
run="$kind of \`scripts/bench.sh\`, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit: \
$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) vCPU; \
load average $load_before before and $(cut -d' ' -f1-3 /proc/loadavg) after. \
Medians; times vary by about ±15% between runs on shared machines, so compare ratios within a run."

python3 scripts/bench_report.py --doc "$doc" --run "$run" --criterion "$group" \
  --plan "$out_dir/plan.md" --compare target/compare/table.md --web "$out_dir/web.json" --page "$out_dir/page.json" \
  --latency "$out_dir/latency.md" --web-latency "$out_dir/latency-web.json" \
  "${skipped[@]}"
echo "bench: wrote the tables into $doc" >&2
