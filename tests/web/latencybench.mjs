// Browser half of the interactive-latency benchmark (the native half is
// app/examples/latency.rs): the release web app in headless Chromium edits
// a 24-megapixel photo (6000x4000) as a person does. For each case, a
// step is added through the palette, and its first parameter is then
// changed back and forth between two values, each change typed into the
// step's value box and committed with Enter, from a settled render of the
// previous value (one change to the renderer, as a slider's is):
//
// - preview: from Enter until the canvas first draws a new result (the
//   app's debug line `canvas shows after WxH`, `?log=debug`): the preview,
//   or the full result where that comes first;
// - full: from Enter until the canvas draws the full-resolution result
//   (`canvas shows after 6000x4000`);
// - longest frame: the longest gap between the page's animation frames
//   over the same time (nothing is drawn, and no key or pointer answered,
//   within a gap), and the long tasks (over 50 ms) that began in it;
// - a frame with nothing new: the median gap between animation frames
//   while the pointer moves over the canvas and nothing else changes
//   (the app draws a frame per move), what one frame costs this browser
//   whatever the app asks of it. Headless Chromium draws WebGL in
//   software (SwiftShader), so here it is far above a GPU's.
//
// The lines are logged as the frame that draws them is built, so the
// frame's own drawing comes on top. Medians over the changes after a
// warm-up change, in one fresh browser per case. Writes JSON to
// LUMEN_LATENCY_BENCH_JSON (scripts/bench.sh puts it into BENCHMARKS.md).
//   LUMEN_URL=http://127.0.0.1:PORT/ node tests/web/latencybench.mjs [--changes N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE, addFromPalette, instrument, launch, loggedPage, logWaiter, openFile, photoJpeg, webglRenderer,
  wholeArg,
} from './browser.mjs';

const W = 6000;
const H = 4000;
const CHANGES = wholeArg('--changes', 5);

// Where the first step's value box is, at the 1280x800 viewport of
// `launch()`: the recipe panel's first step, its first parameter's row
// (slider, value box, label). A layout change that moves it makes the
// first change fail with "no console line like ...", not a wrong figure.
const VALUE_BOX = { x: 1143, y: 222 };

const CASES = [
  { name: 'exposure', query: 'exposure', values: ['0.5', '0.6'] },
  { name: 'gaussian_blur σ10', query: 'gaussian', values: ['10', '10.5'] },
];

// Also installed before the app's scripts: the gaps between animation
// frames while `window.__lumenFrames.start()` .. `.stop()` runs.
function frameClock() {
  let last = 0;
  let gaps = [];
  let on = false;
  const tick = (t) => {
    if (!on) return;
    if (last) gaps.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  window.__lumenFrames = {
    start() {
      last = 0;
      gaps = [];
      on = true;
      requestAnimationFrame(tick);
    },
    // The gaps, longest first.
    stop() {
      on = false;
      return gaps.sort((a, b) => b - a);
    },
  };
}

// Types `value` into the first step's value box; returns the page-clock
// time at which Enter was pressed.
async function typeValue(page, value) {
  await page.mouse.click(VALUE_BOX.x, VALUE_BOX.y);
  await page.keyboard.press('Control+a');
  await page.keyboard.type(value);
  await page.waitForTimeout(300);
  await page.evaluate(() => window.__lumenFrames.start());
  const t0 = await page.evaluate(() => performance.now());
  await page.keyboard.press('Enter');
  return t0;
}

// Waits (up to two minutes) for the first of the app's lines matching
// `pattern` logged at or after page-clock time `t0`; returns its time.
async function lineAfter(page, t0, pattern) {
  for (const end = Date.now() + 120000; Date.now() < end;) {
    const t = await page.evaluate(([t0, source]) => {
      const re = new RegExp(source);
      const hit = window.__lumenPage.lines.find(([t, text]) => t >= t0 && re.test(text));
      return hit ? hit[0] : null;
    }, [t0, pattern.source]);
    if (t !== null) return t;
    await page.waitForTimeout(50);
  }
  throw new Error(`no console line like ${pattern} within two minutes`);
}

const SHOWS = /lumen: debug: canvas shows after /;
const SHOWS_FULL = new RegExp(`lumen: debug: canvas shows after ${W}x${H}`);

// One change to `value`: its preview and full times, its longest frame
// gap, and the long tasks in it.
async function change(page, value) {
  const t0 = await typeValue(page, value);
  const full = await lineAfter(page, t0, SHOWS_FULL);
  const preview = await lineAfter(page, t0, SHOWS);
  const gaps = await page.evaluate(() => window.__lumenFrames.stop());
  const tasks = await page.evaluate(([t0, t1]) => window.__lumenPage.tasks
    .filter(([s]) => s >= t0 && s < t1).map(([, d]) => d), [t0, full]);
  return {
    previewMs: preview - t0,
    fullMs: full - t0,
    longestFrameMs: gaps[0] ?? 0,
    longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
  };
}

// The median gap between frames while the pointer moves over the canvas.
async function frameCost(page) {
  await page.evaluate(() => window.__lumenFrames.start());
  for (let k = 0; k < 30; k++) await page.mouse.move(300 + k * 5, 400);
  const gaps = await page.evaluate(() => window.__lumenFrames.stop());
  return median(gaps);
}

// Opens the photo in a fresh page of `browser`, adds the step of case
// `c`, and changes it `CHANGES` times after a warm-up change: the medians.
async function measureCase(browser, c) {
  const logs = [];
  const page = await loggedPage(browser.context, logs);
  const wait = logWaiter(logs);
  await page.addInitScript(instrument);
  await page.addInitScript(frameClock);
  await page.goto(BASE + 'index.html?log=debug');
  await wait(/lumen: rendered 0 steps/, 0, 120000);
  webgl = await webglRenderer(page);
  const mark = logs.length;
  await openFile(page, jpg);
  await wait(new RegExp(`lumen: rendered 0 steps, ${W}x${H}`), mark, 120000);
  let added = 0;
  await addFromPalette(page, c.query, async () => {
    added = await page.evaluate(() => performance.now());
  });
  await lineAfter(page, added, SHOWS_FULL);
  await page.waitForTimeout(1000);
  const measured = [];
  for (let i = 0; i <= CHANGES; i++) {
    const m = await change(page, c.values[(i + 1) % 2]);
    await page.waitForTimeout(1000); // settled: the histogram, the level
    if (i > 0) measured.push(m); // the first change warms the caches
  }
  const idleFrameMs = await frameCost(page);
  const errors = logs.filter((l) => l.startsWith('page error'));
  if (errors.length) throw new Error(errors.join('\n'));
  const row = { name: c.name, idleFrameMs };
  for (const k of ['previewMs', 'fullMs', 'longestFrameMs', 'longestTaskMs']) row[k] = median(measured.map((m) => m[k]));
  row.worstFrameMs = Math.max(...measured.map((m) => m.longestFrameMs));
  return row;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'lumen-latencybench-'));
const jpg = photoJpeg(dir, W, H);
const rows = [];
let webgl = 'unknown';
try {
  for (const c of CASES) {
    // A fresh browser profile per case: the last page's autosaved session
    // would otherwise be offered for restoring, over the canvas.
    const browser = await launch();
    try {
      rows.push(await measureCase(browser, c));
    } finally {
      await browser.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const out = { width: W, height: H, changes: CHANGES, cores: cpus().length, webgl, cases: rows };
if (process.env.LUMEN_LATENCY_BENCH_JSON) writeFileSync(process.env.LUMEN_LATENCY_BENCH_JSON, JSON.stringify(out, null, 2));
console.log(`interactive latency in the browser, ${W}x${H}, medians of ${CHANGES} changes, WebGL: ${webgl}:`);
for (const r of rows) {
  console.log(`  ${r.name.padEnd(20)} preview ${r.previewMs.toFixed(0).padStart(5)} ms, full ${r.fullMs.toFixed(0).padStart(5)} ms, `
    + `longest frame ${r.longestFrameMs.toFixed(0)} ms (worst ${r.worstFrameMs.toFixed(0)}), longest task ${r.longestTaskMs.toFixed(0)} ms; `
    + `a frame with nothing new ${r.idleFrameMs.toFixed(0)} ms`);
}
