#!/usr/bin/env python3
"""Writes the measurements of one `scripts/bench.sh` run into the generated
blocks of BENCHMARKS.md, so every table there comes from the same run.

A block is the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`;
everything outside the blocks is left as it is. Blocks:

- `run`: when, where and how loaded the machine was;
- `native`: criterion medians of the tiled renderer, 1 and all threads;
- `targets`: the native goals checked against those medians;
- `bands`: how each benchmarked filter splits into bands (bench_plan);
- `compare`: scripts/compare.sh's table against OpenCV, Pillow, libvips;
- `web`: the browser run (tests/web/bench.mjs), its kernel times divided by
  the native single-thread medians of this same run.
- `page`: the editor's page thread in Chromium on a 24 MP photo
  (tests/web/pagebench.mjs): each action's time and its long tasks.
- `latency`: interactive latency natively (app/examples/latency.rs), and
  `latency-web` the same in Chromium (tests/web/latencybench.mjs).

A part that was not measured says so in its block instead of keeping
numbers from another run.
"""

import argparse
import json
import re
import sys
from pathlib import Path

# Criterion labels of the point ops (their target is a ratio to memcpy).
POINT_OPS = ["invert", "grayscale", "brightness_contrast", "exposure", "gamma", "hsl"]
# Filters whose thread speedup has a target.
SCALING = [
    "gaussian_blur_sigma3",
    "gaussian_blur_sigma25",
    "unsharp_mask",
    "resize_half_bilinear",
    "resize_half_lanczos3",
]
# tests/web/bench.mjs keys -> criterion labels of the same filter and
# parameters.
WEB_TO_NATIVE = {
    "invert": "invert",
    "grayscale": "grayscale",
    "brightness_contrast": "brightness_contrast",
    "exposure": "exposure",
    "gamma": "gamma",
    "hsl": "hsl",
    "gaussian_blur_sigma3": "gaussian_blur_sigma3",
    "gaussian_blur_sigma25": "gaussian_blur_sigma25",
    "unsharp_mask_sigma2": "unsharp_mask",
    "rotate": "rotate_1",
    "flip": "flip_horizontal",
    "resize_bilinear": "resize_half_bilinear",
    "resize_lanczos3": "resize_half_lanczos3",
}


def median_ms(group: Path, bench_id: str):
    """Criterion's median for `bench_id` (e.g. `invert/threads_1`) in ms,
    or None if it was not run."""
    # Criterion writes `a/b` ids as nested folders in some versions and as
    # `a_b` in others.
    for d in (group / bench_id, group / bench_id.replace("/", "_")):
        f = d / "new" / "estimates.json"
        if f.is_file():
            return json.loads(f.read_text())["median"]["point_estimate"] / 1e6
    return None


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def labels_in_plan(plan: str):
    """The benchmarked filters, in bench order, from bench_plan's table."""
    rows = [line.split("|")[1].strip() for line in plan.splitlines() if line.startswith("| ")]
    return [r for r in rows if r and r != "filter"]


def native_block(group: Path, labels, threads: int) -> str:
    memcpy = median_ms(group, "memcpy")
    out = [
        f"| filter | 1 thread ms | {threads} threads ms | ratio to memcpy (1 thread) | speedup |",
        "|---|---:|---:|---:|---:|",
    ]
    ceiling = [median_ms(group, f"parallel_ceiling/threads_{s}") for s in ("1", "all")]
    out.append(f"| memcpy (baseline) | {fmt(memcpy)} | – | 1.00 | – |")
    fill = median_ms(group, "alloc_fill")
    out.append(
        f"| alloc_fill (fresh frame, written once) | {fmt(fill)} | – | "
        f"{fmt(fill / memcpy if fill and memcpy else None)} | – |"
    )
    if all(ceiling):
        out.append(
            f"| parallel_ceiling (pure arithmetic, control) | {fmt(ceiling[0])} | "
            f"{fmt(ceiling[1])} | – | {ceiling[0] / ceiling[1]:.2f}x |"
        )
    for label in labels:
        one = median_ms(group, f"{label}/threads_1")
        many = median_ms(group, f"{label}/threads_all")
        if one is None and many is None:
            continue
        ratio = one / memcpy if one and memcpy else None
        speedup = f"{one / many:.2f}x" if one and many else "–"
        out.append(f"| {label} | {fmt(one)} | {fmt(many)} | {fmt(ratio)} | {speedup} |")
    return "\n".join(out)


def verdict(ok):
    return "met" if ok else "**not met**"


def targets_block(group: Path) -> str:
    memcpy = median_ms(group, "memcpy")
    out = ["| target | result | verdict |", "|---|---|---|"]
    s3 = median_ms(group, "gaussian_blur_sigma3/threads_1")
    s25 = median_ms(group, "gaussian_blur_sigma25/threads_1")
    if s3 and s25:
        r = s25 / s3
        out.append(
            f"| gaussian sigma 25 ≤ 1.2x sigma 3 | {s25:.1f} / {s3:.1f} ms = {r:.2f}x | {verdict(r <= 1.2)} |"
        )
    if memcpy:
        ratios = [
            (op, median_ms(group, f"{op}/threads_1") / memcpy)
            for op in POINT_OPS
            if median_ms(group, f"{op}/threads_1")
        ]
        if ratios:
            text = ", ".join(f"{op} {r:.2f}x" for op, r in ratios)
            met = [op for op, r in ratios if r <= 2.0]
            out.append(
                f"| point ops ≤ 2x memcpy | {text} | "
                f"{verdict(len(met) == len(ratios))} ({len(met)} of {len(ratios)}) |"
            )
    speedups = []
    for label in SCALING:
        one = median_ms(group, f"{label}/threads_1")
        many = median_ms(group, f"{label}/threads_all")
        if one and many:
            speedups.append((label, one / many))
    if speedups:
        text = ", ".join(f"{label} {s:.2f}x" for label, s in speedups)
        out.append(
            f"| all threads ≥ 1.6x one thread (blur, resize) | {text} | "
            f"{verdict(all(s >= 1.6 for _, s in speedups))} |"
        )
    return "\n".join(out)


def web_block(web: dict, group: Path) -> str:
    copy, trip, kernel = web["copyMs"], web["tripMs"], web["tripKernelMs"]
    out = [
        f"{web['workers']} workers (`navigator.hardwareConcurrency`).",
        "",
        f"**Protocol round trip** (a full-frame band to one worker and back, the kernel a crop "
        f"to the whole frame, itself one copy): {trip:.2f} ms = **{trip / copy:.2f} frame copies** "
        f"of the page's own `frame.slice()` ({copy:.2f} ms); without the kernel's own "
        f"{kernel:.2f} ms, {(trip - kernel) / copy:.2f} copies.",
        "",
        "**Kernels in a worker** (wasm, one worker, whole frame, filter time only) against the "
        "native single-thread criterion medians of this same run (which include allocating "
        "the output frame):",
        "",
        "| kernel | wasm ms | native ms (1 thread) | wasm / native |",
        "|---|---:|---:|---:|",
    ]
    for key, wasm in web["kernels"].items():
        label = WEB_TO_NATIVE.get(key)
        native = median_ms(group, f"{label}/threads_1") if label else None
        ratio = fmt(wasm / native) if native else "–"
        out.append(f"| {key} | {wasm:.2f} | {fmt(native)} | {ratio} |")
    out += ["", f"**Pool speedup** ({web['workers']} workers on as many row bands against one "
            "worker on the whole frame, same page):", "", "| filter | speedup |", "|---|---:|"]
    for key, s in web["poolSpeedup"].items():
        out.append(f"| {key} | {s:.2f}x |")
    return "\n".join(out)


def page_block(page: dict) -> str:
    out = [
        f"{page['width']}x{page['height']}, medians of {page['runs']} fresh pages, "
        f"{page['cores']} cores; the canvas's WebGL: {page.get('webgl', 'not recorded')}.",
        "",
        "| action | ms until done | long tasks | longest task ms | page blocked ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for a in page["actions"]:
        out.append(
            f"| {a['name']} | {a['ms']:.0f} | {a['longTasks']} | "
            f"{a['longestTaskMs']:.0f} | {a['blockedMs']:.0f} |"
        )
    return "\n".join(out)


def web_latency_block(lat: dict) -> str:
    """tests/web/latencybench.mjs's JSON as the browser's latency table."""
    out = [
        f"{lat['width']}x{lat['height']}, medians of {lat['changes']} changes, "
        f"{lat['cores']} cores; the canvas's WebGL: {lat.get('webgl', 'not recorded')}.",
        "",
        "| step (24 MP, in Chromium) | preview ms | full ms | longest frame ms (median, worst) "
        "| longest task ms | a frame with nothing new ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in lat["cases"]:
        out.append(
            f"| {c['name']} | {c['previewMs']:.0f} | {c['fullMs']:.0f} | "
            f"{c['longestFrameMs']:.0f}, {c['worstFrameMs']:.0f} | {c['longestTaskMs']:.0f} "
            f"| {c['idleFrameMs']:.0f} |"
        )
    return "\n".join(out)


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(
        rf"(<!-- bench:{name} -->\n).*?(\n<!-- /bench:{name} -->)", re.DOTALL
    )
    if not pattern.search(text):
        sys.exit(f"bench_report: no <!-- bench:{name} --> block in the document")
    return pattern.sub(lambda m: m.group(1) + body.strip("\n") + m.group(2), text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--doc", required=True, type=Path, help="the markdown file to update")
    ap.add_argument("--run", required=True, help="one paragraph describing the run")
    ap.add_argument("--criterion", required=True, type=Path, help="criterion's group folder")
    ap.add_argument("--plan", required=True, type=Path, help="bench_plan's table")
    ap.add_argument("--compare", type=Path, help="scripts/compare.sh's table.md")
    ap.add_argument("--web", type=Path, help="tests/web/bench.mjs's JSON")
    ap.add_argument("--page", type=Path, help="tests/web/pagebench.mjs's JSON")
    ap.add_argument("--latency", type=Path, help="app/examples/latency.rs's table")
    ap.add_argument("--web-latency", type=Path, help="tests/web/latencybench.mjs's JSON")
    ap.add_argument("--skipped", action="append", default=[], metavar="PART=WHY")
    args = ap.parse_args()

    skipped = dict(s.split("=", 1) for s in args.skipped)
    plan = args.plan.read_text()
    threads = re.search(r"bands \((\d+) threads\)", plan)
    if not threads:
        sys.exit("bench_report: the plan's header does not say how many threads")
    text = args.doc.read_text()
    text = replace_block(text, "run", args.run)
    text = replace_block(text, "native", native_block(args.criterion, labels_in_plan(plan), int(threads.group(1))))
    text = replace_block(text, "targets", targets_block(args.criterion))
    text = replace_block(text, "bands", plan)
    if args.compare and args.compare.is_file():
        text = replace_block(text, "compare", args.compare.read_text())
    else:
        why = skipped.get("compare", "not run")
        text = replace_block(text, "compare", f"Not measured in this run: {why}.")
    if args.web and args.web.is_file():
        text = replace_block(text, "web", web_block(json.loads(args.web.read_text()), args.criterion))
    else:
        why = skipped.get("web", "not run")
        text = replace_block(text, "web", f"Not measured in this run: {why}.")
    if args.page and args.page.is_file():
        text = replace_block(text, "page", page_block(json.loads(args.page.read_text())))
    else:
        why = skipped.get("web", "not run")
        text = replace_block(text, "page", f"Not measured in this run: {why}.")
    if args.latency and args.latency.is_file():
        text = replace_block(text, "latency", args.latency.read_text().rstrip("\n"))
    else:
        text = replace_block(text, "latency", "Not measured in this run.")
    if args.web_latency and args.web_latency.is_file():
        text = replace_block(text, "latency-web", web_latency_block(json.loads(args.web_latency.read_text())))
    else:
        why = skipped.get("web", "not run")
        text = replace_block(text, "latency-web", f"Not measured in this run: {why}.")
    args.doc.write_text(text)


if __name__ == "__main__":
    main()
