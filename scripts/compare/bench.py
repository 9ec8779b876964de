"""Times the comparison cases in OpenCV, Pillow and libvips, single-threaded,
on the frame Lumen's `compare` example wrote, and prints the markdown table
with Lumen's timings (read from a JSON-lines file) alongside.

Run through scripts/compare.sh, which sets the thread limits before any
library loads: VIPS_CONCURRENCY=1, OMP_NUM_THREADS=1 and friends.

Every library works on the same RGBA frame (opaque). Where a library has no
RGBA form of an op, the note column says what was timed instead.
"""

import argparse
import json
import os
import statistics
import sys
import time

import cv2
import numpy as np
import pyvips
from PIL import Image, ImageFilter

W, H = 3840, 2160

# Display order and labels; "point" marks the per-pixel ops whose ratio to
# memcpy has its own target.
CASES = [
    ("invert", "invert", True),
    ("grayscale", "grayscale", True),
    ("brightness_contrast", "brightness/contrast (0.1, 0.2)", True),
    ("gaussian_blur_s3", "gaussian blur σ3", False),
    ("gaussian_blur_s25", "gaussian blur σ25", False),
    ("unsharp_mask", "unsharp mask (σ2, amount 1)", False),
    ("sobel", "sobel (gradient magnitude)", False),
    ("resize_half_lanczos3", "resize 50% lanczos3", False),
    ("rotate_90", "rotate 90° clockwise", False),
]
# Every case has the issue's ≤ 1.0x fastest-other target.
TARGETED = {c for c, _, _ in CASES}

BRIGHTNESS, CONTRAST = 0.1, 0.2


def contrast_lut():
    """Lumen's brightness/contrast table (see kernels/src/ops/adjust.rs)."""
    f = min((1 + CONTRAST) / (1 - CONTRAST), 255.0)
    off = 127.5 + 255.0 * BRIGHTNESS
    v = np.arange(256, dtype=np.float64)
    # Lumen rounds halves away from zero; values here are never negative
    # halves, so floor(x + 0.5) is the same.
    return np.clip(np.floor((v - 127.5) * f + off + 0.5), 0, 255).astype(np.uint8), f, off - 127.5 * f


METRIC = os.environ.get("METRIC", "cpu")


def median_ms(runs, fn):
    """Median of `runs` timings after one warm-up: process CPU time
    (METRIC=cpu, the default; counts libvips' worker thread too) or
    wall-clock time (METRIC=wall)."""
    clock = time.process_time if METRIC == "cpu" else time.perf_counter
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1e3)
    return statistics.median(times)


def opencv_cases(rgba):
    cv2.setNumThreads(1)
    cv2.setUseOptimized(True)
    lut, _, _ = contrast_lut()
    lut4 = np.stack([lut, lut, lut, np.arange(256, dtype=np.uint8)], axis=-1).reshape(256, 1, 4)
    out = np.empty_like(rgba)
    gray = np.empty((H, W), np.uint8)
    half = np.empty((H // 2, W // 2, 4), np.uint8)
    rot = np.empty((W, H, 4), np.uint8)
    mask = np.array([255, 255, 255, 0], np.uint8)
    mask_img = np.broadcast_to(mask, rgba.shape)
    mask_img = np.ascontiguousarray(mask_img)

    def unsharp():
        blurred = cv2.GaussianBlur(rgba, (0, 0), 2.0)
        return cv2.addWeighted(rgba, 2.0, blurred, -1.0, 0.0, dst=out)

    def sobel():
        gx = cv2.Sobel(rgba, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(rgba, cv2.CV_32F, 0, 1, ksize=3)
        mag = cv2.magnitude(gx, gy)
        return cv2.convertScaleAbs(mag, dst=out)

    return {
        "invert": (lambda: cv2.bitwise_xor(rgba, mask_img, dst=out), "xor with (255,255,255,0) image"),
        "grayscale": (lambda: cv2.cvtColor(rgba, cv2.COLOR_RGBA2GRAY, dst=gray), "RGBA→1-channel gray"),
        "brightness_contrast": (lambda: cv2.LUT(rgba, lut4, dst=out), "cv2.LUT, 4-channel table"),
        "gaussian_blur_s3": (lambda: cv2.GaussianBlur(rgba, (0, 0), 3.0, dst=out), ""),
        "gaussian_blur_s25": (lambda: cv2.GaussianBlur(rgba, (0, 0), 25.0, dst=out), ""),
        "unsharp_mask": (unsharp, "GaussianBlur + addWeighted"),
        "sobel": (sobel, "32F Sobel x, y + magnitude, per channel"),
        "resize_half_lanczos3": (
            lambda: cv2.resize(rgba, (W // 2, H // 2), dst=half, interpolation=cv2.INTER_LANCZOS4),
            "INTER_LANCZOS4 (8x8 taps, not widened when shrinking)",
        ),
        "rotate_90": (lambda: cv2.rotate(rgba, cv2.ROTATE_90_CLOCKWISE, dst=rot), ""),
    }


def pillow_cases(rgba):
    img = Image.frombuffer("RGBA", (W, H), rgba.tobytes(), "raw", "RGBA", 0, 1)
    img.load()
    lut, _, _ = contrast_lut()
    ident = list(range(256))
    inv_table = [255 - v for v in range(256)] * 3 + ident
    bc_table = list(lut) * 3 + ident
    return {
        "invert": (lambda: img.point(inv_table), "Image.point, 1024-entry table"),
        "grayscale": (lambda: img.convert("L"), "convert('L'), 1-channel out"),
        "brightness_contrast": (lambda: img.point(bc_table), "Image.point"),
        "gaussian_blur_s3": (lambda: img.filter(ImageFilter.GaussianBlur(3)), "3 box passes"),
        "gaussian_blur_s25": (lambda: img.filter(ImageFilter.GaussianBlur(25)), "3 box passes"),
        "unsharp_mask": (lambda: img.filter(ImageFilter.UnsharpMask(2, 100, 0)), ""),
        "sobel": None,  # no Sobel operator (Kernel filters lack RGBA)
        "resize_half_lanczos3": (lambda: img.resize((W // 2, H // 2), Image.Resampling.LANCZOS), ""),
        "rotate_90": (lambda: img.transpose(Image.Transpose.ROTATE_270), ""),
    }


def vips_cases(rgba):
    pyvips.cache_set_max(0)
    pyvips.cache_set_max_mem(0)
    pyvips.cache_set_max_files(0)
    data = rgba.tobytes()
    img = pyvips.Image.new_from_memory(data, W, H, 4, "uchar")
    lut, f, off = contrast_lut()

    def run(make):
        return lambda: make().write_to_memory()

    return {
        "invert": (run(lambda: img.boolean_const("eor", [255, 255, 255, 0])), "eor (255,255,255,0)"),
        "grayscale": (run(lambda: img.colourspace("b-w")), "colourspace b-w, 2 bands out"),
        "brightness_contrast": (
            run(lambda: img.linear([f, f, f, 1], [off, off, off, 0], uchar=True)),
            "linear(), uchar out",
        ),
        "gaussian_blur_s3": (run(lambda: img.gaussblur(3)), ""),
        "gaussian_blur_s25": (run(lambda: img.gaussblur(25)), ""),
        "unsharp_mask": (
            run(lambda: (img * 2 - img.gaussblur(2)).cast("uchar")),
            "2·img − gaussblur(2), cast uchar",
        ),
        "sobel": (run(lambda: img.sobel()), "vips sobel"),
        "resize_half_lanczos3": (run(lambda: img.resize(0.5, kernel="lanczos3")), ""),
        "rotate_90": (run(lambda: img.rot90()), ""),
    }


def fmt(ms):
    return "–" if ms is None else f"{ms:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frame", required=True)
    ap.add_argument("--lumen", required=True, help="JSON lines from the compare example")
    ap.add_argument("--fresh", help="JSON lines from fresh.py (lumen apply, a process per run)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()

    raw = np.fromfile(args.frame, dtype=np.uint8)
    assert raw.size == W * H * 4, "frame size"
    rgba = raw.reshape(H, W, 4)

    lumen = {}
    with open(args.lumen) as fh:
        for line in fh:
            rec = json.loads(line)
            if "cpu_ms" in rec:
                rec["ms"] = rec["cpu_ms"] if METRIC == "cpu" else rec["wall_ms"]
            lumen[rec["case"]] = rec

    fresh = {}
    if args.fresh:
        with open(args.fresh) as fh:
            for line in fh:
                rec = json.loads(line)
                ms = rec.get("fresh_cpu_ms") if METRIC == "cpu" else rec.get("fresh_wall_ms")
                fresh[rec["case"]] = ms if ms is not None else rec.get("fresh_wall_ms")

    wanted = [c for c in CASES if not args.cases or c[0] in args.cases]
    libs = [("OpenCV", opencv_cases(rgba)), ("Pillow", pillow_cases(rgba)), ("libvips", vips_cases(rgba))]
    results = {}
    notes = {}
    for case, _, _ in wanted:
        for lib, table in libs:
            entry = table.get(case)
            if entry is None:
                results[(case, lib)] = None
                continue
            fn, note = entry
            results[(case, lib)] = median_ms(args.runs, fn)
            if note:
                notes.setdefault(case, []).append(f"{lib}: {note}")
            print(f"  {case} {lib}: {results[(case, lib)]:.2f} ms", file=sys.stderr)

    memcpy = lumen.get("memcpy", {}).get("ms")
    np_dst = np.empty_like(rgba)
    np_copy = median_ms(args.runs, lambda: np.copyto(np_dst, rgba))

    print(f"Timings: median of {args.runs} runs after 1 warm-up, "
          f"{'process CPU time' if METRIC == 'cpu' else 'wall-clock time'} (METRIC={METRIC}).")
    print()
    if fresh:
        print("\"Lumen ms\": the kernel on the calling thread into a preallocated frame. "
              "\"fresh ms\": the same step through `lumen apply --threads 1 --timings`, a new "
              "process per run (its output frame included, decoding and encoding not). "
              "The target is checked on the fresh column.")
        print()
    print("| op | Lumen ms | fresh ms | OpenCV ms | Pillow ms | libvips ms | Lumen / fastest other "
          "| fresh / fastest other | target met? | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    print(f"| memcpy (frame, 33 MB) | {fmt(memcpy)} | – | – | – | – | – | – | – | Rust copy_from_slice; numpy copyto {np_copy:.2f} ms |")
    point_rows = []
    for case, label, point in wanted:
        rec = lumen.get(case, {})
        ms = rec.get("ms")
        others = [results[(case, lib)] for lib, _ in libs if results.get((case, lib)) is not None]
        fastest = min(others) if others else None
        note = "; ".join(notes.get(case, []))
        fresh_ms = fresh.get(case)
        if ms is None:
            skipped = rec.get("skipped", "skipped: no Lumen timing")
            print(f"| {label} | {skipped} | {fmt(fresh_ms)} | {fmt(results[(case, 'OpenCV')])} "
                  f"| {fmt(results[(case, 'Pillow')])} | {fmt(results[(case, 'libvips')])} | – | – | – | {note} |")
            continue
        ratio = ms / fastest if fastest else None
        fresh_ratio = fresh_ms / fastest if fastest and fresh_ms is not None else None
        checked = fresh_ratio if fresh else ratio
        if case in TARGETED and checked is not None:
            met = "yes" if checked <= 1.0 else "**no**"
        else:
            met = "(no target)"
        fresh_text = f"{fresh_ratio:.2f}x" if fresh_ratio is not None else "–"
        print(f"| {label} | {ms:.2f} | {fmt(fresh_ms)} | {fmt(results[(case, 'OpenCV')])} "
              f"| {fmt(results[(case, 'Pillow')])} | {fmt(results[(case, 'libvips')])} | {ratio:.2f}x "
              f"| {fresh_text} | {met} | {note} |")
        if point and memcpy:
            point_rows.append((label, ms / memcpy))
    if point_rows:
        print()
        print("| point op | Lumen / memcpy | target ≤ 1.5x met? |")
        print("|---|---:|---|")
        for label, r in point_rows:
            print(f"| {label} | {r:.2f}x | {'yes' if r <= 1.5 else '**no**'} |")


if __name__ == "__main__":
    main()
