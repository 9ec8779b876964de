"""Times each comparison case through the command line, in a fresh process
per run: `lumen apply --threads 1 --timings` on the comparison frame saved
as a PNG, as a user runs it. Prints one JSON line per case with the median
of the step's process CPU time (`timing_cpu`) and wall-clock time
(`timing`) over the runs.

Run through scripts/compare.sh (which builds the release `lumen` binary
and writes the frame); the frame is the same bytes the other columns time.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

from bench import CASES

W, H = 3840, 2160


def case_recipes(compare_bin):
    """Case name -> recipe-step JSON, from the compare example's list."""
    out = subprocess.run([compare_bin, "--list"], check=True, capture_output=True, text=True)
    cases = {}
    for line in out.stdout.splitlines():
        name, step = line.split("\t", 1)
        cases[name] = json.loads(step)
    return cases


def run_once(lumen_bin, recipe, frame_png, out_path):
    """One fresh `lumen apply`; returns {label: (wall_ms, cpu_ms)}."""
    proc = subprocess.run(
        [lumen_bin, "apply", "--recipe", recipe, "--threads", "1", "--timings", frame_png, out_path],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    if proc.returncode != 0:
        sys.exit(f"lumen apply failed: {proc.stderr.strip()}")
    wall, cpu = {}, {}
    for line in proc.stderr.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "timing":
            wall[parts[1]] = float(parts[2])
        elif len(parts) == 3 and parts[0] == "timing_cpu":
            cpu[parts[1]] = float(parts[2])
    return {label: (wall[label], cpu.get(label)) for label in wall}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lumen", required=True, help="the release lumen binary")
    ap.add_argument("--compare", required=True, help="the release compare example (for --list)")
    ap.add_argument("--frame", required=True, help="the raw RGBA frame")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()

    raw = np.fromfile(args.frame, dtype=np.uint8)
    assert raw.size == W * H * 4, "frame size"
    work = tempfile.mkdtemp(prefix="lumen-fresh-")
    frame_png = os.path.join(work, "frame.png")
    # Opaque, so saved as RGB like a photo; decoding it is not timed.
    Image.fromarray(raw.reshape(H, W, 4)[:, :, :3], "RGB").save(frame_png, compress_level=1)
    out_path = os.path.join(work, "out.jpg")

    wanted = args.cases or [c for c, _, _ in CASES]
    for case, step in case_recipes(args.compare).items():
        if case not in wanted:
            continue
        recipe = os.path.join(work, f"{case}.json")
        with open(recipe, "w") as fh:
            json.dump({"lumen_recipe": 1, "steps": [step]}, fh)
        walls, cpus = [], []
        for _ in range(args.runs):
            timings = run_once(args.lumen, recipe, frame_png, out_path)
            label = step["filter"]
            wall, cpu = timings[label]
            walls.append(wall)
            if cpu is not None:
                cpus.append(cpu)
        rec = {"case": case, "fresh_wall_ms": statistics.median(walls)}
        if cpus:
            rec["fresh_cpu_ms"] = statistics.median(cpus)
        print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
