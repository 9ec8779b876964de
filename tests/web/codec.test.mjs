// The codec worker: a photo opened in the browser is decoded, and an
// export encoded, in a worker of its own, not on the page's thread. The
// page marks when it sent the work and when the answer came (User Timing),
// and a PerformanceObserver records the page's long tasks in between: the
// decode or encode itself must not be among them. The pixels and the file
// must be the desktop's (the download is byte-identical to the CLI's
// output); a worker whose memory grew is replaced by a fresh one; a file
// the decoder refuses fails with the decoder's own message while the
// worker goes on; and without the worker (the page links no codec of its
// own) opening an image fails with a message saying so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, downloadExport, launch, loggedPage, logWaiter, openFile } from './browser.mjs';

const CLI = process.env.LUMEN_CLI;
let browser;
let page;
const logs = [];
const dir = mkdtempSync(join(tmpdir(), 'lumen-codec-'));
const waitForLog = logWaiter(logs);

before(async () => {
  browser = await launch();
  page = await loggedPage(browser.context, logs);
  await page.addInitScript(() => {
    window.lumenLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.lumenLongTasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(BASE + 'index.html');
  await waitForLog(/lumen: opened sample\.png/);
  await waitForLog(/codec worker ready/);
});

after(async () => {
  await browser?.close();
});

test('an opened JPEG is decoded in the codec worker, with the desktop decoder\'s pixels', async () => {
  // A 12-megapixel JPEG from the sample: large enough that decoding it on
  // the page would be one long task of a few hundred milliseconds.
  const input = join(dir, 'input.png');
  const resize = join(dir, 'resize.json');
  writeFileSync(resize, JSON.stringify({ lumen_recipe: 1, steps: [{ filter: 'resize', params: { width: 4000, height: 3000 } }] }));
  execFileSync(CLI, ['apply', '--recipe', resize, 'assets/sample.png', input]);
  const jpeg = join(dir, 'big.jpg');
  execFileSync('convert', [input, '-quality', '90', jpeg]);

  // The filter workers and one codec worker (their scripts are blob URLs,
  // so they are counted, not named).
  const workers = page.workers().length;
  let mark = logs.length;
  await openFile(page, jpeg);
  const decoded = await waitForLog(/big\.jpg: decode in the codec worker \((\d+) ms\)/, mark);
  await waitForLog(/lumen: opened big\.jpg/, mark);
  await waitForLog(/lumen: rendered 0 steps, 4000x3000/, mark);
  await assertPageFree('decode', decoded);
  // A 12 MP decode grows the worker's memory past what it may keep: it is
  // replaced by a fresh one (a wasm instance never shrinks), and the old
  // one is gone.
  const replaced = await waitForLog(/codec worker replaced: its memory grew to (\d+) MiB/, mark);
  assert.ok(Number(replaced.match(/(\d+) MiB/)[1]) > 64, replaced);
  await waitForLog(/codec worker ready/, logs.indexOf(replaced));
  await workersBack(workers);

  const file = join(dir, 'web.png');
  mark = logs.length;
  await downloadExport(page, logs, waitForLog, file);
  const encoded = await waitForLog(/the export: encode in the codec worker \((\d+) ms\)/, mark);
  await assertPageFree('encode', encoded);
  const none = join(dir, 'none.json');
  writeFileSync(none, JSON.stringify({ lumen_recipe: 1, steps: [] }));
  const cliOut = join(dir, 'cli.png');
  execFileSync(CLI, ['apply', '--recipe', none, jpeg, cliOut]);
  assert.ok(readFileSync(file).equals(readFileSync(cliOut)), 'the download is byte-identical to the CLI output');
  assert.ok(!logs.some((l) => l.startsWith('page error')), logs.join('\n'));
});

// Waits until the page has `n` workers again (a replaced worker that
// never ended would leave one more); fails after 10 s.
async function workersBack(n) {
  for (const end = Date.now() + 10000; Date.now() < end; await page.waitForTimeout(100)) {
    if (page.workers().length === n) return;
  }
  assert.equal(page.workers().length, n, 'workers running after the codec worker was replaced');
}

// Between the page's last two codec marks, no long task was as long as
// the work the worker did (`line` says how long): on the page's thread it
// would have been one task at least that long. (The page is not idle
// meanwhile: it draws frames, and on two cores with WebGL drawn in
// software a frame that competes with the worker for a core can pass
// 50 ms, so the bound is the work's own time, not a frame's.)
async function assertPageFree(what, line) {
  const workerMs = Number(line.match(/\((\d+) ms\)/)[1]);
  const { sent, answered, tasks } = await page.evaluate(() => ({
    sent: performance.getEntriesByName('lumen-codec-sent').at(-1).startTime,
    answered: performance.getEntriesByName('lumen-codec-answered').at(-1).startTime,
    tasks: window.lumenLongTasks,
  }));
  const during = tasks.filter((t) => t.start >= sent && t.start + t.ms <= answered);
  const longest = Math.max(0, ...during.map((t) => t.ms));
  console.log(`${what}: ${workerMs} ms in the codec worker; the page's longest task meanwhile ${longest.toFixed(0)} ms (${during.length} long tasks)`);
  assert.ok(workerMs >= 100, `the ${what} took ${workerMs} ms: too short to show where it ran`);
  assert.ok(longest < workerMs, `the page blocked for ${longest} ms during a ${workerMs} ms ${what}`);
}

test('a file the decoder refuses fails with its message, and the worker goes on', async () => {
  // The export before replaced the worker too; wait for the new one.
  const last = logs.findLastIndex((l) => /codec worker replaced/.test(l));
  await waitForLog(/codec worker ready/, last + 1);
  const broken = join(dir, 'broken.jpg');
  // A JPEG's first bytes, then nothing a decoder can use.
  writeFileSync(broken, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 0x5a)]));
  let mark = logs.length;
  await openFile(page, broken);
  // The desktop decoder's words (`lumen apply` says the same).
  await waitForLog(/broken\.jpg: the JPEG file is cut short/, mark);
  assert.ok(!logs.slice(mark).some((l) => /lumen: opened broken\.jpg/.test(l)), 'the broken file did not open');

  mark = logs.length;
  await openFile(page, 'assets/sample.png');
  await waitForLog(/sample\.png: decode in the codec worker/, mark);
  await waitForLog(/lumen: opened sample\.png/, mark);
});

test('without the codec worker (its bundle fails to load), opening an image says so', async () => {
  const alone = await launch([], { serviceWorkers: 'block' });
  const seen = [];
  const lone = await loggedPage(alone.context, seen);
  // The page names a codec bundle that is not there.
  await lone.route(/index\.html$/, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(/(<meta name="lumen-codec" content="\.\/)[^"]+"/, '$1missing.js"');
    assert.ok(html.includes('missing.js'), 'the page names the missing bundle');
    await route.fulfill({ response, body: html });
  });
  await lone.goto(BASE + 'index.html');
  const wait = logWaiter(seen);
  // The sample waits for the worker, then fails with a message that says
  // what is missing (shown as the editor's error notice).
  await wait(/sample\.png: the codec worker, which decodes and encodes images in this page, has not started in 30 s/, 0, 60000);
  assert.ok(!seen.some((l) => /codec worker ready|lumen: opened sample\.png/.test(l)), seen.join('\n'));
  await alone.close();
});

// A PNG whose header says `width` x `height` RGBA, with one row of data:
// enough for the header check, far too little to decode.
function pngHeaderOnly(width, height) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 4))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('an image too large for the memory budget is offered downscaled, from its header alone', async () => {
  // 192 megapixels: decoding fits the page's 3 GiB budget, editing does
  // not. The check runs in the codec worker (the page links no decoder).
  const file = join(dir, 'huge.png');
  writeFileSync(file, pngHeaderOnly(16000, 12000));
  const mark = logs.length;
  await openFile(page, file);
  await waitForLog(/huge\.png is too large to edit here \(16000x12000\)/, mark);
  await page.waitForTimeout(500);
  const after = logs.slice(mark);
  assert.ok(!after.some((l) => /huge\.png: decode in the codec worker|lumen: opened huge|error/i.test(l)), after.join('\n'));
});

test('a sample that cannot be fetched fails with a message naming it, and the page goes on', async () => {
  const alone = await launch([], { serviceWorkers: 'block' });
  const seen = [];
  const lone = await loggedPage(alone.context, seen);
  await lone.route(/sample\.png$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await lone.goto(BASE + 'index.html');
  const wait = logWaiter(seen);
  await wait(/sample\.png: the bundled sample could not be loaded \(HTTP 404\)/);
  // The codec worker is unaffected: a file still opens.
  const mark = seen.length;
  await openFile(lone, 'assets/sample.png');
  await wait(/lumen: opened sample\.png/, mark);
  await alone.close();
});
