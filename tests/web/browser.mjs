// Shared set-up for the browser tests: a headless Debian Chromium driven by
// playwright-core (no downloaded browser), on a fresh profile, pointed at
// the trunk-built app served on 127.0.0.1 (LUMEN_URL).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// A waiter on console lines collected in `logs`: resolves with the first
// line matching `pattern` at index `after` or later.
export function logWaiter(logs) {
  return (pattern, after = 0, timeoutMs = 60000) => new Promise((resolve, reject) => {
    const start = Date.now();
    const poll = () => {
      const hit = logs.slice(after).find((l) => pattern.test(l));
      if (hit) return resolve(hit);
      if (Date.now() - start > timeoutMs) return reject(new Error(`no console line like ${pattern}; saw:\n${logs.join('\n')}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

// The file choosers page `p` has opened since this was first called for
// it. Playwright intercepts a chooser only while something listens for
// choosers, and turning that on takes a message to the browser: a
// listener added just before a key press can miss the chooser the press
// opens (headless, it then never shows; windowed, the browser's own modal
// window opens and takes every later key). So the listening starts once,
// before any press, and lasts as long as the page.
const watched = new WeakMap();
export async function watchChoosers(p) {
  let choosers = watched.get(p);
  if (!choosers) {
    choosers = [];
    watched.set(p, choosers);
    p.on('filechooser', (c) => choosers.push(c));
    await p.evaluate(() => 0); // the interception is on once this returns
  }
  return choosers;
}

// What a person sees within `ms` after a press, once `seen` choosers had
// come: the browser's file chooser, 'prompt' for rfd's own prompt with its
// file input (rfd's way when the press was no user activation), or null.
export async function chooserAfter(p, seen, ms) {
  const choosers = await watchChoosers(p);
  const prompt = () => {
    const el = document.getElementById('rfd-input');
    return Boolean(el && el.isConnected && !el.closest('.hidden'));
  };
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (choosers.length > seen) return choosers[seen];
    if (await p.evaluate(prompt)) return 'prompt';
    await p.waitForTimeout(100);
  }
  return null;
}

// Ctrl+S, then Enter in the export dialog (PNG unless the dialog was
// changed), and the download saved as `file`. `logs` are the page's
// console lines, `wait` their logWaiter.
export async function downloadExport(p, logs, wait, file) {
  const download = p.waitForEvent('download');
  const mark = logs.length;
  await p.keyboard.press('Control+s');
  await wait(/lumen: export dialog/, mark);
  await p.keyboard.press('Enter');
  await (await download).saveAs(file);
}

// Ctrl+O, then the file goes in through whichever way rfd asked. Pressed
// once, as a person would: a press that opens nothing is a failure, not
// something to retry. `beforeHandOver`, if given, is awaited once the
// chooser is there, just before the file goes in (a benchmark's clock).
export async function openFile(p, path, beforeHandOver = async () => {}) {
  const seen = (await watchChoosers(p)).length;
  await p.mouse.click(500, 400);
  await p.keyboard.press('Control+o');
  const what = await chooserAfter(p, seen, 10000);
  if (!what) throw new Error('one Ctrl+O opened no file chooser in 10 s');
  await beforeHandOver();
  if (what === 'prompt') await p.setInputFiles('#rfd-input', path);
  else await what.setFiles(path);
}

// A new page in `context` whose console lines (and uncaught errors, as
// 'page error: ...') are pushed to `logs`.
export async function loggedPage(context, logs) {
  const p = await context.newPage();
  p.on('console', (m) => logs.push(m.text()));
  p.on('pageerror', (e) => logs.push('page error: ' + e.message));
  return p;
}

// A photo-like picture (`w` x `h`) as `photo.jpg` in `dir`: a smooth
// gradient with grain, so the codecs and filters meet what a camera's
// file holds rather than flat colour. For the benchmarks.
export function photoJpeg(dir, w, h) {
  const jpg = join(dir, 'photo.jpg');
  execFileSync('convert', ['-size', `${w}x${h}`, 'gradient:#304060-#e0b080', '-attenuate', '0.3',
    '+noise', 'Gaussian', '-quality', '90', jpg]);
  return jpg;
}

// For `page.addInitScript`, so it runs before the app's scripts: records
// the long tasks (a `PerformanceObserver`) and the page-clock time of each
// of the app's console lines in `window.__lumenPage`, for the benchmarks.
export function instrument() {
  const seen = { tasks: [], lines: [] };
  window.__lumenPage = seen;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) seen.tasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  for (const level of ['debug', 'info', 'log', 'warn', 'error']) {
    const original = console[level];
    console[level] = function (...args) {
      if (typeof args[0] === 'string' && args[0].startsWith('lumen:')) seen.lines.push([performance.now(), args[0]]);
      return original.apply(this, args);
    };
  }
}

// Adds the command palette's best match for `query` to the recipe, as a
// person does: Ctrl+K, the query, Enter. `beforeEnter`, if given, is
// awaited just before Enter (a benchmark's clock).
export async function addFromPalette(p, query, beforeEnter = async () => {}) {
  await p.mouse.click(500, 400); // the canvas, so the keys go to the app
  await p.keyboard.press('Control+k');
  await p.keyboard.type(query);
  await p.waitForTimeout(300);
  await beforeEnter();
  await p.keyboard.press('Enter');
}

// Who draws the page's WebGL (headless Chromium's is a software renderer,
// so each frame costs the page more than on a GPU), for the benchmarks.
export function webglRenderer(p) {
  return p.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : 'no WebGL2';
  });
}

// The whole number after `flag` on the command line (at least 1), or
// `fallback` without the flag; a benchmark's option.
export function wholeArg(flag, fallback) {
  const at = process.argv.indexOf(flag);
  const n = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a whole number of at least 1`);
  return n;
}

// Where the app is served: tests/web/run.sh starts a server on a port the
// OS picks and passes its address here.
export const BASE = process.env.LUMEN_URL;
if (!BASE) throw new Error('LUMEN_URL is not set: run the browser tests through tests/web/run.sh');

// A fresh headless Chromium; `extraArgs` adds command-line switches. With
// `windowed`, a real browser window on $DISPLAY instead (at the screen's
// top left, the page filling it), for tests that send real key events.
// `serviceWorkers: 'block'` keeps the page's service worker out, so that
// page.route sees every request.
export async function launch(extraArgs = [], { windowed = false, serviceWorkers = 'allow' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'lumen-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: !windowed,
    acceptDownloads: true,
    serviceWorkers,
    viewport: windowed ? null : { width: 1280, height: 800 },
    args: [
      ...(windowed ? ['--window-position=0,0', '--window-size=1280,800'] : ['--headless']),
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...extraArgs,
    ],
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

// In-page helpers for talking to one worker bundle directly: spawn it the
// way gloo-worker does (a module worker importing the wasm-bindgen shim),
// do gloo's handshake, and get the job port it hands back (transferred).
export const PAGE_HELPERS = `
window.lumen = {
  spawn() {
    return new Promise((resolve, reject) => {
      // The build names the worker bundle after its content (index.html's meta).
      const named = document.querySelector('meta[name=lumen-worker]')?.content;
      const url = new URL(named || './lumen-worker.js', location.href).href;
      const shim = "import init from '" + url + "'; await init();";
      const blob = new Blob([shim], { type: 'application/javascript' });
      const worker = new Worker(URL.createObjectURL(blob), { type: 'module' });
      worker.onerror = (e) => reject(new Error('worker failed to start: ' + e.message));
      worker.onmessage = (e) => {
        if (e.data === 'WorkerLoaded') { worker.postMessage({ Connected: 0 }); return; }
        const out = e.data && e.data.ProcessOutput;
        if (out && out[1] && out[1].Port) {
          const port = out[1].Port;
          port.start();
          resolve({ worker, port });
        }
      };
    });
  },
  call(port, msg, transfer = [], timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { port.removeEventListener('message', h); reject(new Error('no answer to ' + msg.id)); }, timeoutMs);
      const h = (e) => {
        if (e.data && (e.data.id === msg.id || e.data.panic)) {
          clearTimeout(timer);
          port.removeEventListener('message', h);
          resolve(e.data);
        }
      };
      port.addEventListener('message', h);
      port.postMessage(msg, transfer);
    });
  },
  image(w, h) {
    const px = new Uint8Array(w * h * 4);
    let s = 0x9E3779B9 >>> 0;
    for (let i = 0; i < px.length; i++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      px[i] = s & 255;
    }
    return px;
  },
  fnv1a(bytes) {
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  },
  job(id, funcName, params, src, w, h, outEnd = h, extra = {}) {
    return {
      id, funcName, bufferKeys: ['src', ...Object.keys(extra)],
      args: { params, src, width: w, height: h, y0: 0, outStart: 0, outEnd, ...extra },
    };
  },
};
`;
