#!/usr/bin/env bash
# Runs the built `lumen` CLI end to end: good input, several inputs, and
# bad arguments (each must fail with a message, never a panic).
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/r.json" <<'JSON'
{ "lumen_recipe": 1, "steps": [
  { "filter": "gaussian_blur", "params": { "sigma_px": 3.0 } },
  { "filter": "resize", "params": { "width": 256, "height": 256, "method": "lanczos3" } } ] }
JSON
"$bin" apply --recipe "$tmp/r.json" --timings assets/sample.png "$tmp/out.png" 2>"$tmp/err"
grep -q '^timing gaussian_blur [0-9.]*$' "$tmp/err"
grep -q '^timing resize [0-9.]*$' "$tmp/err"
mkdir "$tmp/outdir"
cp assets/sample.png "$tmp/a.png"; cp assets/sample.png "$tmp/b.png"
"$bin" apply --recipe "$tmp/r.json" --threads 2 --out-dir "$tmp/outdir" "$tmp/a.png" "$tmp/b.png"
cmp "$tmp/outdir/a.png" "$tmp/out.png"
cmp "$tmp/outdir/b.png" "$tmp/out.png"

expect_fail() {
  local want=$1; shift
  set +e
  "$bin" "$@" >"$tmp/o" 2>&1
  local rc=$?
  set -e
  if [ "$rc" -eq 0 ] || grep -q panicked "$tmp/o" || ! grep -qF -- "$want" "$tmp/o"; then
    echo "expected a clean failure mentioning '$want' from: lumen $*"; cat "$tmp/o"; exit 1
  fi
}
echo '{"lumen_recipe":1,"steps":[{"filter":"gaussian_blurr"}]}' >"$tmp/bad.json"
expect_fail "unknown filter: gaussian_blurr" apply --recipe "$tmp/bad.json" assets/sample.png "$tmp/x.png"
echo '{"lumen_recipe":1,"steps":[{"filter":"gamma","params":{"gama":2}}]}' >"$tmp/bad2.json"
expect_fail "gama" apply --recipe "$tmp/bad2.json" assets/sample.png "$tmp/x.png"
expect_fail "no-such.png" apply --recipe "$tmp/r.json" no-such.png "$tmp/x.png"
printf 'not an image' >"$tmp/fake.png"
expect_fail "fake.png" apply --recipe "$tmp/r.json" "$tmp/fake.png" "$tmp/x.png"
expect_fail "--threads" apply --recipe "$tmp/r.json" --threads zero assets/sample.png "$tmp/x.png"
expect_fail "unknown output format" apply --recipe "$tmp/r.json" assets/sample.png "$tmp/x.tga"
expect_fail "--recipe" apply assets/sample.png "$tmp/x.png"
[ ! -e "$tmp/x.png" ] || { echo "a failed run left an output file"; exit 1; }
echo "cli smoke: ok"
