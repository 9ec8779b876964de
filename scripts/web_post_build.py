#!/usr/bin/env python3
"""Trunk's post-build hook (Trunk.toml): run in trunk's staging folder
($TRUNK_STAGING_DIR) before it becomes dist/.

1. Names each worker bundle (the filter workers' lumen-worker, the codec
   worker's lumen-codec) after its content, as trunk names the app's:
   lumen-worker.js and lumen-worker_bg.wasm become lumen-worker-<hash>.js
   and lumen-worker-<hash>_bg.wasm, the script is pointed at its wasm, and
   index.html's <meta name="lumen-worker"> at the script (the app reads it).
   A page, cached or not, so only ever starts the workers it was built with.
2. Fills in sw.js's list of the build's files and a version made from their
   contents: a new build is a new cache, installed beside the old one.

Standard library only; fails loudly when the staging folder is not as
expected, so a build never ships half-renamed files.
"""
import hashlib
import json
import os
import pathlib
import sys

WORKERS = ("lumen-worker", "lumen-codec")
BUILD_LINE = "const BUILD = { version: 'unbuilt', files: [] };"


def fail(msg):
    sys.exit(f"web_post_build: {msg}")


def short_hash(data):
    return hashlib.sha256(data).hexdigest()[:16]


def hash_worker(staging, worker):
    """Renames a worker bundle after its content; returns the script's name."""
    meta = f'<meta name="{worker}" content="./{worker}.js">'
    js, wasm = staging / f"{worker}.js", staging / f"{worker}_bg.wasm"
    if not js.is_file() or not wasm.is_file():
        fail(f"{js.name} or {wasm.name} is missing from {staging}")
    wasm_bytes = wasm.read_bytes()
    wasm_name = f"{worker}-{short_hash(wasm_bytes)}_bg.wasm"
    text = js.read_text(encoding="utf-8")
    if wasm.name not in text:
        fail(f"{js.name} does not name {wasm.name}")
    text = text.replace(wasm.name, wasm_name)
    js_name = f"{worker}-{short_hash(text.encode())}.js"
    (staging / wasm_name).write_bytes(wasm_bytes)
    (staging / js_name).write_text(text, encoding="utf-8")
    wasm.unlink()
    js.unlink()
    index = staging / "index.html"
    html = index.read_text(encoding="utf-8")
    if html.count(meta) != 1:
        fail(f"index.html must hold {meta} exactly once")
    html = html.replace(meta, f'<meta name="{worker}" content="./{js_name}">')
    index.write_text(html, encoding="utf-8")
    return js_name


def fill_service_worker(staging):
    """Writes the build's files and version into sw.js."""
    sw = staging / "sw.js"
    if not sw.is_file():
        fail("sw.js is missing (index.html copies it with rel=copy-file)")
    files = sorted(
        p.relative_to(staging).as_posix()
        for p in staging.rglob("*")
        if p.is_file() and p != sw
    )
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (staging / name).read_bytes())
    build = {"version": digest.hexdigest()[:16], "files": [f"./{n}" for n in files]}
    text = sw.read_text(encoding="utf-8")
    if text.count(BUILD_LINE) != 1:
        fail(f"sw.js must hold {BUILD_LINE!r} exactly once")
    text = text.replace(BUILD_LINE, f"const BUILD = {json.dumps(build)};")
    sw.write_text(text, encoding="utf-8")
    return build


def main():
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        fail("TRUNK_STAGING_DIR is not set: trunk runs this after a build")
    staging = pathlib.Path(staging)
    workers = [hash_worker(staging, w) for w in WORKERS]
    build = fill_service_worker(staging)
    print(f"web_post_build: workers {', '.join(workers)}, build {build['version']}, {len(build['files'])} files")


if __name__ == "__main__":
    main()
