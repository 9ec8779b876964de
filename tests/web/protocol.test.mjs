// The web worker's heap protocol, one test per row of the protocol table in
// ARCHITECTURE.md, in real headless Chromium, plus memory growth, a long
// run of 4K jobs, a trap, and pixel parity with native code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, launch, PAGE_HELPERS } from './browser.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(BASE + 'index.html');
  await page.evaluate(PAGE_HELPERS);
});

after(async () => {
  await browser?.close();
});

test('every response carries the id of its request', async () => {
  const ids = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    const jobs = [41, 7, 1234567].map((id) => {
      const src = lumen.image(5, 3);
      return lumen.call(port, lumen.job(id, 'invert', {}, src, 5, 3), [src.buffer]);
    });
    return (await Promise.all(jobs)).map((r) => [r.id, !!r.output, r.error ?? null]);
  });
  assert.deepEqual(ids, [[41, true, null], [7, true, null], [1234567, true, null]]);
});

test('an unknown filter name gives an error response naming it', async () => {
  const r = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    const src = lumen.image(2, 2);
    return lumen.call(port, lumen.job(9, 'gaussian_blurr', {}, src, 2, 2), [src.buffer]);
  });
  assert.equal(r.id, 9);
  assert.equal(r.error, 'unknown filter: gaussian_blurr');
  assert.equal(r.output, undefined);
});

test('Uint8Array, Uint8ClampedArray, Int32Array and Float32Array are copied in and out', async () => {
  const r = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    const src = new Uint8ClampedArray([10, 20, 30, 40, 50, 60, 70, 80]);
    const ints = new Int32Array([-5, 1 << 30, 7]);
    const floats = new Float32Array([0.5, -2.25]);
    const msg = lumen.job(3, 'invert', {}, src, 2, 1, 1, { ints, floats });
    const res = await lumen.call(port, msg, [src.buffer, ints.buffer, floats.buffer]);
    const out = res.output;
    const u8 = lumen.image(1, 1);
    const res2 = await lumen.call(port, lumen.job(4, 'invert', {}, u8, 1, 1), []);
    return {
      dstType: out.dst.constructor.name, dst: Array.from(out.dst),
      intsType: out.ints.constructor.name, ints: Array.from(out.ints),
      floatsType: out.floats.constructor.name, floats: Array.from(out.floats),
      u8Type: res2.output.dst.constructor.name,
      srcTransferred: src.byteLength === 0,
    };
  });
  assert.equal(r.dstType, 'Uint8ClampedArray');
  assert.deepEqual(r.dst, [245, 235, 225, 40, 205, 195, 185, 80]);
  assert.equal(r.intsType, 'Int32Array');
  assert.deepEqual(r.ints, [-5, 1 << 30, 7]);
  assert.equal(r.floatsType, 'Float32Array');
  assert.deepEqual(r.floats, [0.5, -2.25]);
  assert.equal(r.u8Type, 'Uint8Array');
  assert.equal(r.srcTransferred, true, 'the request buffer moved as a transferable');
});

test('any other buffer type is an error naming the key and the type', async () => {
  const r = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    const a = await lumen.call(port, lumen.job(5, 'invert', {}, new Float64Array(4), 1, 1));
    const b = await lumen.call(port, lumen.job(6, 'invert', {}, [1, 2, 3, 4], 1, 1));
    const c = await lumen.call(port, lumen.job(7, 'invert', {}, lumen.image(1, 1), 1, 1, 1, { extra: new Int16Array(2) }));
    return [a.error, b.error, c.error];
  });
  assert.match(r[0], /key 'src'.*Float64Array/);
  assert.match(r[1], /key 'src'.*Array/);
  assert.match(r[2], /key 'extra'.*Int16Array/);
});

test('outputs are fresh arrays that do not alias WASM memory, and arrive transferred', async () => {
  const r = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    const src = lumen.image(64, 64);
    const res = await lumen.call(port, lumen.job(8, 'gaussian_blur', { sigma_px: 2 }, src, 64, 64), [src.buffer]);
    const dst = res.output.dst;
    return {
      len: dst.length,
      ownBuffer: dst.buffer.byteLength === dst.byteLength && dst.byteOffset === 0,
      memory: res.returnValue.memoryBytes,
    };
  });
  assert.equal(r.len, 64 * 64 * 4);
  // A view of WASM memory would sit in the (much larger) memory buffer.
  assert.equal(r.ownBuffer, true);
  assert.ok(r.memory > r.len);
});

test('heap buffers are freed on error paths too: memory does not grow', async () => {
  const r = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    const big = () => new Uint8Array(16 << 20);
    const mem = async (id) => (await lumen.call(port, lumen.job(id, 'invert', {}, lumen.image(1, 1), 1, 1))).returnValue.memoryBytes;
    // Warm up the allocator: a few failing calls with big buffers (a bad
    // parameter, found after the copy-in). A leak would then add 16 MiB
    // per call below; a healthy heap reuses the same blocks.
    const bad = (id) => lumen.call(port, lumen.job(id, 'gamma', { gamma: -1 }, big(), 1024, 4096));
    const first = await bad(100);
    for (let i = 0; i < 3; i++) { await bad(110 + i); await mem(120 + i); }
    const before = await mem(101);
    const errors = [];
    for (let i = 0; i < 30; i++) errors.push((await bad(200 + i)).error);
    const afterwards = await mem(300);
    return { first: first.error, before, afterwards, errors: new Set(errors).size };
  });
  assert.match(r.first, /gamma/);
  assert.equal(r.errors, 1);
  assert.equal(r.afterwards, r.before, 'failed jobs leave nothing allocated');
});

test('a job that forces memory growth mid-job gives correct output', async () => {
  const expected = JSON.parse(process.env.LUMEN_PARITY_BIG);
  const r = await page.evaluate(async ({ w, h }) => {
    const { port } = await lumen.spawn();
    const tiny = await lumen.call(port, lumen.job(1, 'invert', {}, lumen.image(1, 1), 1, 1));
    const src = lumen.image(w, h);
    const res = await lumen.call(port, lumen.job(2, 'gaussian_blur', { sigma_px: 6 }, src, w, h), [src.buffer]);
    return {
      before: tiny.returnValue.memoryBytes,
      after: res.returnValue.memoryBytes,
      hash: lumen.fnv1a(res.output.dst),
      error: res.error ?? null,
    };
  }, { w: expected.width, h: expected.height });
  assert.equal(r.error, null);
  assert.ok(r.after > r.before + 64 * 1024 * 1024, `memory grew: ${r.before} -> ${r.after}`);
  assert.equal(r.hash, expected.hash, 'same pixels as native after growth');
});

test('200 sequential 3840x2160 jobs: WASM memory stops growing after the first few', async () => {
  const r = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    const w = 3840, h = 2160;
    const frame = lumen.image(w, h);
    const memory = [];
    for (let i = 0; i < 200; i++) {
      const src = frame.slice();
      const res = await lumen.call(port, lumen.job(i, 'invert', {}, src, w, h), [src.buffer]);
      if (res.error) return { error: res.error };
      memory.push(res.returnValue.memoryBytes);
    }
    return { memory };
  });
  assert.equal(r.error, undefined);
  const steady = r.memory.slice(5);
  assert.ok(steady.every((m) => m === steady[0]), `memory after job 5: ${[...new Set(steady)]}`);
});

test('a trap in the worker is reported on its port', async () => {
  const r = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    return lumen.call(port, { id: 1, funcName: '__lumen_selftest_trap', args: {} });
  });
  assert.match(r.panic, /worker crashed/);
});

test('every filter gives the same pixels in Chromium as natively', async () => {
  const expected = JSON.parse(readFileSync(process.env.LUMEN_PARITY_FILE, 'utf8'));
  const got = await page.evaluate(async (cases) => {
    const { port } = await lumen.spawn();
    const out = [];
    let id = 0;
    for (const c of cases) {
      const src = lumen.image(61, 47);
      const res = await lumen.call(port, lumen.job(++id, c.case.filter, c.case.params, src, 61, 47, c.height), [src.buffer]);
      out.push(res.error ?? lumen.fnv1a(res.output.dst));
    }
    return out;
  }, expected);
  assert.deepEqual(got, expected.map((c) => c.hash));
});
