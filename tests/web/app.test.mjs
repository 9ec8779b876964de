// The built web app end to end in headless Chromium: the page loads and
// draws, a file is opened through the file chooser, a filter is added
// through the command palette, and the download's bytes equal the native
// CLI's output for the same recipe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, addFromPalette, downloadExport, launch, logWaiter, openFile } from './browser.mjs';

const CLI = process.env.LUMEN_CLI;
let browser;
let page;
const logs = [];
const dir = mkdtempSync(join(tmpdir(), 'lumen-e2e-'));

const waitForLog = logWaiter(logs);

function orangePixels(png) {
  const out = execFileSync('convert', [png, '-fx', 'r>0.7 && g>0.25 && g<0.6 && b<0.35 ? 1 : 0', '-format', '%[fx:mean*w*h]', 'info:']);
  return Number(out.toString());
}

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('page error: ' + e.message));
});

after(async () => {
  await browser?.close();
});

test('the page loads, the loading text goes, and the sample is drawn', async () => {
  await page.goto(BASE + 'index.html');
  await waitForLog(/lumen: opened sample\.png/);
  await waitForLog(/lumen: rendered/);
  await page.waitForFunction(() => !document.getElementById('loading'));
  const shot = join(dir, 'start.png');
  await page.screenshot({ path: shot });
  assert.ok(orangePixels(shot) > 5000, 'the sample photo is on the canvas');
  assert.ok(!logs.some((l) => l.startsWith('page error')), logs.join('\n'));
});

test('open through the file chooser, add a filter from the palette, download matches the CLI', async () => {
  // An input the CLI makes from the sample: a crop, so it differs from it.
  const recipeCrop = join(dir, 'crop.json');
  writeFileSync(recipeCrop, JSON.stringify({ lumen_recipe: 1, steps: [{ filter: 'crop', params: { x: 64, y: 32, width: 300, height: 200 } }] }));
  const input = join(dir, 'input.png');
  execFileSync(CLI, ['apply', '--recipe', recipeCrop, 'assets/sample.png', input]);

  const mark = logs.length;
  await openFile(page, input);
  await waitForLog(/lumen: opened input\.png/, mark);
  await waitForLog(/lumen: rendered/, mark);

  const mark2 = logs.length;
  await page.mouse.click(500, 400); // the chooser may have taken the focus
  await page.waitForTimeout(200);
  await page.keyboard.press('Control+k');
  await page.keyboard.type('invert');
  await page.keyboard.press('Enter');
  await waitForLog(/lumen: rendered 1 step/, mark2);

  // The first export asks for the format (PNG by default); Enter downloads.
  const file = join(dir, 'download.png');
  await downloadExport(page, logs, waitForLog, file);

  const recipe = join(dir, 'invert.json');
  writeFileSync(recipe, JSON.stringify({ lumen_recipe: 1, steps: [{ filter: 'invert' }] }));
  const cliOut = join(dir, 'cli.png');
  execFileSync(CLI, ['apply', '--recipe', recipe, input, cliOut]);
  assert.ok(readFileSync(file).equals(readFileSync(cliOut)), 'the download is byte-identical to the CLI output');
});

test('a worker that traps is replaced, and the editor keeps working', async () => {
  const trapPage = await browser.context.newPage();
  const seen = [];
  trapPage.on('console', (m) => seen.push(m.text()));
  const wait = (pattern, timeoutMs = 60000) => new Promise((resolve, reject) => {
    const start = Date.now();
    const poll = () => {
      if (seen.some((l) => pattern.test(l))) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`no ${pattern}; saw:\n${seen.join('\n')}`));
      setTimeout(poll, 50);
    };
    poll();
  });
  await trapPage.goto(BASE + 'index.html#lumen-selftest-trap');
  await wait(/lumen: worker 0 replaced after a crash/);
  await wait(/lumen: rendered 0 steps/);
  await addFromPalette(trapPage, 'gaussian');
  await wait(/lumen: rendered 1 step/);
  await trapPage.close();
});

test('jobs submitted before any worker is ready wait for one (a recipe in the URL)', async () => {
  // The filter workers' WASM arrives late (the codec worker's does not), so
  // the sample is open and its recipe's job submitted before any filter
  // worker is up. A fresh browser: no service worker answers for the route.
  const late = await launch([], { serviceWorkers: 'block' });
  await late.context.route(/lumen-worker-[0-9a-f]+_bg\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await route.continue();
  });
  const early = await late.context.newPage();
  const seen = [];
  early.on('console', (m) => seen.push(m.text()));
  const recipe = { lumen_recipe: 1, steps: [{ filter: 'gaussian_blur', params: { sigma_px: 4 } }, { filter: 'invert' }] };
  await early.goto(BASE + 'index.html#recipe=' + encodeURIComponent(JSON.stringify(recipe)));
  const start = Date.now();
  while (!seen.some((l) => /lumen: rendered 2 steps/.test(l))) {
    assert.ok(Date.now() - start < 60000, `no render; saw:\n${seen.join('\n')}`);
    await early.waitForTimeout(50);
  }
  assert.ok(seen.some((l) => /queued until a worker is ready/.test(l)), `the job was submitted before the workers were up:\n${seen.join('\n')}`);

  // The workers rendered the recipe's parameters (sigma 4, not the
  // default): the download is the CLI's output, byte for byte.
  await early.mouse.click(500, 400);
  const file = join(dir, 'early.png');
  await downloadExport(early, seen, logWaiter(seen), file);
  const recipeFile = join(dir, 'early.json');
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const cliOut = join(dir, 'early-cli.png');
  execFileSync(CLI, ['apply', '--recipe', recipeFile, 'assets/sample.png', cliOut]);
  assert.ok(readFileSync(file).equals(readFileSync(cliOut)), 'the download is byte-identical to the CLI output');
  await late.close();
});

test('each filter worker is handed its next band before it answers the last', async () => {
  // The page takes a worker's answer only between its frames; a worker
  // that waited for that before starting its next band would sit idle
  // through every long frame. Band requests (`funcName`) and answers
  // (`id`) on the pool's ports are counted in order.
  const p = await browser.context.newPage();
  const seen = [];
  p.on('console', (m) => seen.push(m.text()));
  await p.addInitScript(() => {
    window.__bands = [];
    const post = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (message, transfer) {
      if (message && typeof message === 'object' && 'funcName' in message) window.__bands.push(1);
      return post.call(this, message, transfer);
    };
    const on = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
    Object.defineProperty(MessagePort.prototype, 'onmessage', {
      get() { return on.get.call(this); },
      set(handler) {
        on.set.call(this, handler && ((e) => {
          if (e.data && typeof e.data === 'object' && 'id' in e.data) window.__bands.push(-1);
          return handler(e);
        }));
      },
    });
  });
  await p.goto(BASE + 'index.html');
  const wait = logWaiter(seen);
  await wait(/lumen: rendered 0 steps/);
  await addFromPalette(p, 'gaussian');
  await wait(/lumen: rendered 1 step/);
  const { most, workers, requests } = await p.evaluate(() => {
    let out = 0;
    let most = 0;
    for (const d of window.__bands) {
      out += d;
      most = Math.max(most, out);
    }
    const cores = navigator.hardwareConcurrency || 2;
    return { most, workers: Math.min(Math.max(cores, 1), 8), requests: window.__bands.filter((d) => d > 0).length };
  });
  assert.ok(requests >= 4 * workers, `the blur went out in ${requests} bands`);
  assert.equal(most, 2 * workers, `at most ${most} bands were out at once on ${workers} workers`);
  await p.close();
});
