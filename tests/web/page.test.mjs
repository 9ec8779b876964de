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

test('the worker bundles are named after their content and the service worker lists the build', async () => {
  const html = await (await fetch(BASE + 'index.html')).text();
  const bundles = [];
  for (const name of ['lumen-worker', 'lumen-codec']) {
    const worker = html.match(new RegExp(`<meta name="${name}" content="\\./(${name}-[0-9a-f]{16}\\.js)">`));
    assert.ok(worker, `index.html names a content-hashed ${name} bundle`);
    const script = await (await fetch(BASE + worker[1])).text();
    const wasm = script.match(new RegExp(`${name}-[0-9a-f]{16}_bg\\.wasm`));
    assert.ok(wasm, `the ${name} script loads a content-hashed wasm`);
    assert.equal((await fetch(BASE + wasm[0])).status, 200);
    assert.equal((await fetch(BASE + name + '.js')).status, 404, `no unhashed ${name} bundle is served`);
    bundles.push('./' + worker[1], './' + wasm[0]);
  }

  const sw = await (await fetch(BASE + 'sw.js')).text();
  const build = JSON.parse(sw.match(/^const BUILD = (.*);$/m)[1]);
  assert.match(build.version, /^[0-9a-f]{16}$/);
  // trunk's hash is a 64-bit number in hex without leading zeros.
  const app = html.match(/lumen-[0-9a-f]+_bg\.wasm/);
  assert.ok(app, 'the app bundle is content-hashed by trunk');
  for (const f of ['./index.html', ...bundles, './' + app[0], './manifest.webmanifest']) {
    assert.ok(build.files.includes(f), `sw.js caches ${f}: ${build.files}`);
  }

  const manifest = await (await fetch(BASE + 'manifest.webmanifest')).json();
  assert.equal(manifest.name, 'Lumen');
  assert.ok(html.includes('<link rel="manifest" href="manifest.webmanifest">'));
  for (const icon of manifest.icons) {
    const r = await fetch(BASE + icon.src);
    assert.equal(r.status, 200, icon.src);
    assert.equal(r.headers.get('content-type'), 'image/png');
  }
});

// Serves dist/ on a port of its own, so the test can take the server away.
function ownServer() {
  const child = spawn('python3', ['-u', 'scripts/serve.py', process.env.LUMEN_DIST ?? 'dist'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
  return { child, port };
}

test('once loaded, the app reloads and edits with the server gone', async () => {
  const server = ownServer();
  const url = `http://127.0.0.1:${await server.port}/index.html`;
  const fresh = await launch();
  try {
    const { page, logs, wait } = await newTab(fresh.context, url);
    await wait(/lumen: rendered 0 steps/);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill();
    await exited;

    const mark = logs.length;
    await page.reload();
    await wait(/lumen: opened sample\.png/, mark);
    await wait(/lumen: rendered 0 steps/, mark);
    await addInvert(page, wait, logs);
    assert.ok(!logs.slice(mark).some((l) => l.startsWith('page error')), logs.slice(mark).join('\n'));
  } finally {
    server.child.kill();
    await fresh.close();
  }
});

test('at phone width, touch drags on the editor log no passive-listener warnings', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  const wait = logWaiter(logs);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Log.enable');
  cdp.on('Log.entryAdded', (e) => logs.push(`[${e.entry.source}] ${e.entry.text}`));
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  await page.goto(BASE + 'index.html');
  await wait(/lumen: rendered 0 steps/);
  const mark = logs.length;
  for (const [x0, y0, dx, dy] of [[200, 400, 6, 0], [150, 300, 0, 8], [250, 500, -5, -5]]) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y: y0 }] });
    for (let i = 1; i <= 12; i++) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x0 + i * dx, y: y0 + i * dy }] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await page.waitForTimeout(500);
  const noise = logs.slice(mark).filter((l) => /preventDefault|passive/i.test(l));
  assert.deepEqual(noise, [], 'no warnings from the touch handlers');
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('lumen_canvas')).touchAction), 'none');
  await page.close();
});
