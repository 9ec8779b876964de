// Browser benchmark of the editor as a person meets it: the page's own
// thread, on a 24-megapixel photo (6000x4000), in headless Chromium. Each
// run is a fresh page that starts the app, opens a JPEG and a PNG through
// the file chooser, adds two filters through the palette (Enter), and
// exports a PNG download. For each action it reports the time from the
// action to the app's console line that ends it, taken on the page's own
// clock, and the long tasks (the page thread busy for over 50 ms, from a
// `PerformanceObserver`) that began from the action until a second after
// its line: how many, the longest, and their sum. A long task is time in which the page answers nothing: no
// frame, no key, no pointer.
//
// Writes the figures as JSON to LUMEN_PAGE_BENCH_JSON (scripts/bench.sh
// sets it and puts them into BENCHMARKS.md) and prints a summary.
//   LUMEN_URL=http://127.0.0.1:PORT/ node tests/web/pagebench.mjs [--runs N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE, addFromPalette, instrument, launch, loggedPage, logWaiter, openFile, photoJpeg, webglRenderer,
  wholeArg,
} from './browser.mjs';

const W = 6000;
const H = 4000;
const RUNS = wholeArg('--runs', 3);

const dir = mkdtempSync(join(tmpdir(), 'lumen-pagebench-'));
const jpg = photoJpeg(dir, W, H);
const png = join(dir, 'photo.png');
execFileSync('convert', [jpg, png]);

// Work an action sets off can go on after its line (the histogram, the
// canvas's textures): the long tasks that start within this long after
// the line count as the action's too.
const AFTER_MS = 1000;

// The page-clock figures of an action that began at `t0` and ended with
// the first console line matching `end` after it: its time, and the long
// tasks that started from `t0` until AFTER_MS past the line.
async function measure(page, t0, end) {
  await page.waitForTimeout(AFTER_MS + 500);
  return page.evaluate(([t0, source, after]) => {
    const pattern = new RegExp(source);
    const seen = window.__lumenPage;
    const line = seen.lines.find(([t, text]) => t >= t0 && pattern.test(text));
    if (!line) throw new Error('no line like ' + source);
    const t1 = line[0];
    const tasks = seen.tasks.filter(([s]) => s >= t0 && s < t1 + after).map(([, d]) => d);
    return {
      ms: t1 - t0,
      longTasks: tasks.length,
      longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
      blockedMs: tasks.reduce((a, b) => a + b, 0),
    };
  }, [t0, end.source, AFTER_MS]);
}

const now = (page) => page.evaluate(() => performance.now());

// Opens `file` through the chooser Ctrl+O brings; the clock starts when
// the file is handed over, as a person's click on "Open" would.
async function open(page, logs, wait, file, name) {
  let mark = 0;
  let t0 = 0;
  await openFile(page, file, async () => {
    mark = logs.length;
    t0 = await now(page);
  });
  const end = new RegExp(`lumen: rendered \\d+ steps?, ${W}x${H}`);
  await wait(new RegExp(`lumen: opened ${name.replace('.', '\\.')}`), mark, 120000);
  await wait(end, mark, 120000);
  return measure(page, t0, end);
}

// Adds the palette's best match for `query`; the clock starts at Enter.
async function addFilter(page, logs, wait, query, steps) {
  let mark = 0;
  let t0 = 0;
  await addFromPalette(page, query, async () => {
    mark = logs.length;
    t0 = await now(page);
  });
  const end = new RegExp(`lumen: rendered ${steps} steps?, ${W}x${H}`);
  await wait(end, mark, 120000);
  return measure(page, t0, end);
}

// Ctrl+S, Enter in the export dialog (PNG); the clock starts at Enter and
// stops when the app says the download was handed to the browser.
async function exportPng(page, logs, wait) {
  const download = page.waitForEvent('download', { timeout: 120000 });
  let mark = logs.length;
  await page.keyboard.press('Control+s');
  await wait(/lumen: export dialog/, mark);
  mark = logs.length;
  const t0 = await now(page);
  await page.keyboard.press('Enter');
  await wait(/lumen: exported/, mark, 120000);
  await (await download).saveAs(join(dir, 'download.png'));
  return measure(page, t0, /lumen: exported/);
}

const ACTIONS = [
  'start (sample, until drawn)', 'open 24 MP JPEG', 'add invert (full resolution)',
  'add gaussian blur σ2 (full resolution)', 'export PNG (download)', 'open 24 MP PNG',
];
const runs = [];
let webgl = 'unknown';
const browser = await launch();
try {
  for (let r = 0; r < RUNS; r++) {
    const logs = [];
    const page = await loggedPage(browser.context, logs);
    const wait = logWaiter(logs);
    await page.addInitScript(instrument);
    await page.goto(BASE + 'index.html');
    await wait(/lumen: rendered 0 steps/, 0, 120000);
    const run = [await measure(page, 0, /lumen: rendered 0 steps/)];
    webgl = await webglRenderer(page);
    run.push(await open(page, logs, wait, jpg, 'photo.jpg'));
    run.push(await addFilter(page, logs, wait, 'invert', 1));
    run.push(await addFilter(page, logs, wait, 'gaussian', 2));
    run.push(await exportPng(page, logs, wait));
    run.push(await open(page, logs, wait, png, 'photo.png'));
    const errors = logs.filter((l) => l.startsWith('page error'));
    if (errors.length) throw new Error(errors.join('\n'));
    runs.push(run);
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}

// Medians over the runs, per action and figure.
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const actions = ACTIONS.map((name, i) => {
  const row = { name };
  for (const k of ['ms', 'longTasks', 'longestTaskMs', 'blockedMs']) row[k] = median(runs.map((run) => run[i][k]));
  return row;
});
const out = { width: W, height: H, runs: RUNS, cores: cpus().length, webgl, actions };
if (process.env.LUMEN_PAGE_BENCH_JSON) writeFileSync(process.env.LUMEN_PAGE_BENCH_JSON, JSON.stringify(out, null, 2));
console.log(`page thread, ${W}x${H}, medians of ${RUNS} fresh pages, WebGL: ${webgl}:`);
for (const a of actions) {
  console.log(`  ${a.name.padEnd(40)} ${a.ms.toFixed(0).padStart(6)} ms; long tasks ${a.longTasks}, longest ${a.longestTaskMs.toFixed(0)} ms, ${a.blockedMs.toFixed(0)} ms blocked`);
}
