// Modern formats in the browser: an AVIF (made by libavif's avifenc, turned
// by its container's `irot`) opens through the browser's own decoder, the
// rotation applied; a JPEG XL (libjxl's cjxl) opens through jxl-oxide
// compiled to WebAssembly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, loggedPage, logWaiter, openFile } from './browser.mjs';

const CLI = process.env.LUMEN_CLI;
let browser;
let page;
const logs = [];
const dir = mkdtempSync(join(tmpdir(), 'lumen-formats-'));
const waitForLog = logWaiter(logs);

before(async () => {
  browser = await launch();
  page = await loggedPage(browser.context, logs);
  await page.goto(BASE + 'index.html');
  await waitForLog(/lumen: opened sample\.png/);
});

after(async () => {
  await browser?.close();
});

test('AVIF opens through the browser decoder, JPEG XL through jxl-oxide', async () => {
  // A 300x200 picture from the sample.
  const crop = join(dir, 'crop.json');
  writeFileSync(crop, JSON.stringify({ lumen_recipe: 1, steps: [{ filter: 'crop', params: { x: 64, y: 32, width: 300, height: 200 } }] }));
  const png = join(dir, 'input.png');
  execFileSync(CLI, ['apply', '--recipe', crop, 'assets/sample.png', png]);

  const avif = join(dir, 'turned.avif');
  execFileSync('avifenc', ['-s', '8', '--irot', '1', png, avif]);
  let mark = logs.length;
  await openFile(page, avif);
  await waitForLog(/lumen: opened turned\.avif/, mark);
  await waitForLog(/lumen: rendered 0 steps, 200x300/, mark);

  const jxl = join(dir, 'input.jxl');
  execFileSync('cjxl', ['-d', '1', '--quiet', png, jxl]);
  mark = logs.length;
  await openFile(page, jxl);
  await waitForLog(/lumen: opened input\.jxl/, mark);
  await waitForLog(/lumen: rendered 0 steps, 300x200/, mark);
  assert.ok(!logs.some((l) => l.startsWith('page error')), logs.join('\n'));
});
