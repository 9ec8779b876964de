// The page around the editor: the tab is named after the open file, a tab
// with unexported edits asks before it closes, a browser without WebGL
// gets a sentence instead of an error value, and the app installs (a web
// app manifest, a service worker) and reloads with no server at all. The
// worker bundle is named after its content, like the app's, and the
// service worker's list names that build's files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BASE, launch, logWaiter } from './browser.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function newTab(context, url = BASE + 'index.html') {
  const logs = [];
  const page = await context.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('page error: ' + e.message));
  await page.goto(url);
  return { page, logs, wait: logWaiter(logs) };
}

async function addInvert(page, wait, logs) {
  const mark = logs.length;
  await page.mouse.click(500, 400);
  await page.keyboard.press('Control+k');
  await page.keyboard.type('invert');
  await page.keyboard.press('Enter');
  await wait(/lumen: rendered 1 step/, mark);
}

test('the tab is named after the open file', async () => {
  const { page, wait } = await newTab(browser.context);
  await wait(/lumen: opened sample\.png/);
  await page.waitForFunction(() => document.title === 'sample.png — Lumen', null, { timeout: 10000 })
    .catch(() => {});
  assert.equal(await page.title(), 'sample.png — Lumen');
  await page.close();
});

test('closing a tab asks first only while it has unexported edits', async () => {
  const { page, logs, wait } = await newTab(browser.context);
  await wait(/lumen: rendered 0 steps/);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.type()); d.dismiss().catch(() => {}); });

  await addInvert(page, wait, logs);
  await page.close({ runBeforeUnload: true });
  const start = Date.now();
  while (!dialogs.includes('beforeunload') && Date.now() - start < 10000) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(dialogs, ['beforeunload'], 'the browser asked before closing a tab with edits');
  assert.ok(!page.isClosed(), 'dismissing the question keeps the tab');

  // Undo: nothing left to lose, so the tab closes without asking.
  await page.keyboard.press('Control+z');
  await wait(/lumen: rendered 0 steps/, logs.length - 1).catch(() => {});
  await page.waitForTimeout(500);
  const closed = page.waitForEvent('close', { timeout: 10000 });
  await page.close({ runBeforeUnload: true });
  await closed;
  assert.deepEqual(dialogs, ['beforeunload'], 'no second question');
});

test('a browser without WebGL is told so in a sentence', async () => {
  const bare = await launch(['--disable-webgl', '--disable-webgl2', '--disable-3d-apis']);
  try {
    const { page } = await newTab(bare.context);
    await page.waitForFunction(() => /WebGL/.test(document.getElementById('loading')?.textContent ?? ''), null, { timeout: 60000 });
    const text = await page.textContent('#loading');
    assert.match(text, /^Lumen needs WebGL .*another browser\.$/s);
    assert.doesNotMatch(text, /JsValue/);
  } finally {
    await bare.close();
  }
});
