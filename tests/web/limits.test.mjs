// Large images in the browser: a 100-megapixel PNG opens (the memory
// governor's wasm32 budget admits it), renders a filter at full size in
// the worker pool, and the page stays alive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, logWaiter, openFile } from './browser.mjs';

const CLI = process.env.LUMEN_CLI;
let browser;
const dir = mkdtempSync(join(tmpdir(), 'lumen-limits-'));

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('a 100-megapixel image opens and renders a filter in the browser', async () => {
  const recipe = join(dir, 'up.json');
  writeFileSync(recipe, JSON.stringify({ lumen_recipe: 1, steps: [{ filter: 'resize', params: { width: 10000, height: 10000, method: 'bilinear' } }] }));
  const big = join(dir, 'big.png');
  execFileSync(CLI, ['apply', '--recipe', recipe, 'assets/sample.png', big]);

  const logs = [];
  const wait = logWaiter(logs);
  const page = await browser.context.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('page error: ' + e.message));
  page.on('crash', () => logs.push('page crashed'));
  await page.goto(BASE + 'index.html');
  await wait(/lumen: rendered 0 steps/);
  const mark = logs.length;
  await openFile(page, big);
  await wait(/lumen: opened big\.png/, mark, 120000);
  await wait(/lumen: rendered 0 steps, 10000x10000/, mark, 120000);
  const mark2 = logs.length;
  await page.mouse.click(500, 400);
  await page.keyboard.press('Control+k');
  await page.keyboard.type('invert');
  await page.keyboard.press('Enter');
  await wait(/lumen: rendered 1 step, 10000x10000/, mark2, 180000);
  assert.ok(!logs.some((l) => /too large|page error|page crashed|error/.test(l)), logs.join('\n'));
  await page.close();
});
