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
      // A mask travels as an object or as its JSON text (what the pool
      // sends); both must give the native pixels.
      const forms = c.case.mask ? [c.case.mask, JSON.stringify(c.case.mask)] : [undefined];
      for (const mask of forms) {
        const src = lumen.image(61, 47);
        const msg = lumen.job(++id, c.case.filter, c.case.params, src, 61, 47, c.height);
        if (mask !== undefined) msg.args.mask = mask;
        const res = await lumen.call(port, msg, [src.buffer]);
        out.push(res.error ?? lumen.fnv1a(res.output.dst));
      }
    }
    return out;
  }, expected);
  assert.deepEqual(got, expected.flatMap((c) => (c.case.mask ? [c.hash, c.hash] : [c.hash])));
  assert.ok(expected.filter((c) => c.case.mask).length >= 4, 'masked cases are compared too');
});

test('malformed messages each get an {id, error} response, and the worker goes on serving', async () => {
  const results = await page.evaluate(async () => {
    const { port } = await lumen.spawn();
    // One response per message, in order: wait for the next one.
    const send = (msg) => new Promise((resolve) => {
      const timer = setTimeout(() => { port.removeEventListener('message', h); resolve({ timeout: true }); }, 20000);
      const h = (e) => { clearTimeout(timer); port.removeEventListener('message', h); resolve(e.data); };
      port.addEventListener('message', h);
      port.postMessage(msg);
    });
    const good = (id) => lumen.job(id, 'invert', {}, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 2, 1);
    const img = (w, h, extra = 0) => new Uint8Array(Math.max(0, w * h * 4 + extra));
    const withArgs = (id, args, funcName = 'invert') =>
      ({ id, funcName, bufferKeys: ['src'], args: { params: {}, src: img(2, 2), width: 2, height: 2, y0: 0, outStart: 0, outEnd: 2, ...args } });
    const cases = [
      ['a number instead of a message', 42, /expected an object/],
      ['null', null, /expected an object/],
      ['a string', 'invert', /expected an object/],
      ['no id', { funcName: 'invert', args: {}, bufferKeys: [] }, /`id` must be a number/],
      ['a string id', { ...good(0), id: '7' }, /`id` must be a number/],
      ['no funcName', { ...good(10), funcName: undefined }, /`funcName` must be a string/],
      ['a numeric funcName', { ...good(11), funcName: 42 }, /`funcName` must be a string/],
      ['an unknown funcName', { ...good(12), funcName: 'blur' }, /unknown filter: blur/],
      ['funcName __proto__', { ...good(13), funcName: '__proto__' }, /unknown filter: __proto__/],
      ['no args', { id: 14, funcName: 'invert', bufferKeys: ['src'] }, /`args` must be an object/],
      ['args null', { id: 15, funcName: 'invert', bufferKeys: ['src'], args: null }, /`args` must be an object/],
      ['bufferKeys a string', { ...good(16), bufferKeys: 'src' }, /`bufferKeys` must be an array/],
      ['bufferKeys with a number', { ...good(17), bufferKeys: [1] }, /`bufferKeys` must hold strings/],
      ['src not listed in bufferKeys', { ...good(18), bufferKeys: [] }, /args\.src must be listed/],
      ['a listed buffer that is missing', { ...good(19), bufferKeys: ['src', 'nope'] }, /key 'nope'/],
      ['src one byte short', withArgs(20, { src: img(2, 2, -1) }), /buffer is 15 bytes/],
      ['src one row short', withArgs(21, { src: img(2, 1) }), /band|rows/],
      ['src one row too long', withArgs(22, { src: img(2, 3) }), /buffer is 24 bytes/],
      ['src empty', withArgs(23, { src: img(0, 0) }), /band|rows|buffer/],
      ['width NaN', withArgs(24, { width: NaN }), /args\.width must be a whole number/],
      ['width negative', withArgs(25, { width: -2 }), /args\.width must be a whole number/],
      ['width fractional', withArgs(26, { width: 1.5 }), /args\.width must be a whole number/],
      ['width a string', withArgs(27, { width: '2' }), /args\.width must be a whole number/],
      ['width missing', withArgs(28, { width: undefined }), /args\.width must be a whole number/],
      ['width 0', withArgs(29, { width: 0 }), /not allowed/],
      ['width 70000', withArgs(30, { width: 70000 }), /not allowed/],
      ['height Infinity', withArgs(31, { height: Infinity }), /args\.height must be a whole number/],
      ['y0 past the image', withArgs(32, { y0: 3 }), /y0/],
      ['y0 at u32 max', withArgs(33, { y0: 4294967295 }), /y0/],
      ['y0 beyond u32', withArgs(34, { y0: 2 ** 40 }), /args\.y0 must be a whole number/],
      ['outEnd past the output', withArgs(35, { outEnd: 3 }), /output rows 0\.\.3 are outside 0\.\.2/],
      ['outStart after outEnd', withArgs(36, { outStart: 2, outEnd: 1 }), /output rows 2\.\.1/],
      ['outEnd missing', withArgs(37, { outEnd: undefined }), /args\.outEnd must be a whole number/],
      ['sigma NaN', withArgs(38, { params: { sigma_px: NaN } }, 'gaussian_blur'), /sigma_px/],
      ['gamma Infinity', withArgs(39, { params: { gamma: Infinity } }, 'gamma'), /gamma/],
      ['sigma negative', withArgs(40, { params: { sigma_px: -1 } }, 'gaussian_blur'), /sigma_px/],
      ['sigma absurd', withArgs(41, { params: { sigma_px: 1e30 } }, 'gaussian_blur'), /sigma_px/],
      ['sigma a string', withArgs(42, { params: { sigma_px: 'big' } }, 'gaussian_blur'), /invalid type|sigma_px/],
      ['an unknown parameter', withArgs(43, { params: { sigmapx: 2 } }, 'gaussian_blur'), /unknown field/],
      ['params a number', withArgs(44, { params: 5 }, 'gaussian_blur'), /gaussian_blur/],
      // A Map's entries are no properties: read as an object, every
      // parameter would silently take its default.
      ['params a Map', withArgs(53, { params: new Map([['sigma_px', 30]]) }, 'gaussian_blur'), /params must be a plain object, got Map/],
      ['params an array', withArgs(54, { params: [3] }, 'gaussian_blur'), /params must be a plain object, got Array/],
      ['resize to 65536x65536', withArgs(45, { params: { width: 65536, height: 65536 } }, 'resize'), /width/],
      ['quarter_turns 7', withArgs(46, { params: { quarter_turns: 7 } }, 'rotate'), /quarter_turns/],
      ['hue NaN', withArgs(47, { params: { hue_deg: NaN } }, 'hsl'), /hue_deg/],
      ['a mask with an unknown field', withArgs(48, { mask: { shapes: [], opacity: 1 } }), /mask.*opacity/],
      ['a mask on a geometry step', withArgs(49, { mask: { shapes: [] } }, 'flip'), /flip.*mask.*geometry/],
      ['a mask that is a number', withArgs(50, { mask: 7 }), /mask must be an object or JSON text/],
      ['a mask that is not JSON', withArgs(51, { mask: '{shapes' }), /mask:/],
      ['a radial mask with feather 2', withArgs(52, { mask: { shapes: [{ kind: 'radial', center: [0.5, 0.5], radius: [0.2, 0.2], feather: 2 }] } }), /shape 1 \(radial\).*feather/],
    ];
    const out = [];
    let next = 1000;
    for (const [label, msg, pattern] of cases) {
      const res = await send(msg);
      const id = next++;
      const after = await send(good(id));
      out.push({
        label,
        pattern: pattern.source,
        sentId: msg && typeof msg === 'object' ? msg.id : undefined,
        id: res.id,
        error: res.error ?? null,
        hasOutput: res.output !== undefined,
        timeout: !!res.timeout,
        afterOk: after.id === id && !after.error && Array.from(after.output.dst).join(',') === '254,253,252,4,250,249,248,8',
      });
    }
    return out;
  });
  for (const r of results) {
    assert.equal(r.timeout, false, `${r.label}: no answer`);
    assert.equal(r.id, r.sentId, `${r.label}: the response carries the request's id`);
    assert.equal(typeof r.error, 'string', `${r.label}: an error response`);
    assert.match(r.error, new RegExp(r.pattern), `${r.label}`);
    assert.equal(r.hasOutput, false, `${r.label}: no output with an error`);
    assert.equal(r.afterOk, true, `${r.label}: the next valid job still works`);
  }
  assert.equal(results.length, 50);
});
