// Browser benchmark: ratios measured in one page, on one 3840x2160 frame.
//  1. the heap protocol's round trip against a plain copy of the frame;
//  2. each kernel's time in a worker (wasm, simd128), whole frame;
//  3. N workers on N row bands against one worker on the whole frame.
// Writes the measurements as JSON to LUMEN_BENCH_JSON (scripts/bench.sh
// sets it and divides the kernel times by the native single-thread times
// of the same run) and prints a summary.
import { writeFileSync } from 'node:fs';
import { BASE, launch, PAGE_HELPERS } from './browser.mjs';

const CASES = [
  ['invert', {}], ['grayscale', {}], ['brightness_contrast', { brightness: 0.1, contrast: 0.2 }],
  ['exposure', { stops: 0.5 }], ['gamma', { gamma: 1.8 }], ['hsl', { hue_deg: 30, saturation: 0.2, lightness: 0.1 }],
  ['gaussian_blur', { sigma_px: 3 }], ['gaussian_blur', { sigma_px: 25 }],
  ['unsharp_mask', { sigma_px: 2, amount: 1, threshold: 0 }],
  ['rotate', { quarter_turns: 1 }], ['flip', { axis: 'horizontal' }],
  ['resize', { width: 1920, height: 1080, method: 'bilinear' }],
  ['resize', { width: 1920, height: 1080, method: 'lanczos3' }],
];
const key = (name, params) => name + (params.sigma_px !== undefined ? `_sigma${params.sigma_px}` : '') + (params.method ? `_${params.method}` : '');

const browser = await launch();
const page = await browser.context.newPage();
await page.goto(BASE + 'index.html');
await page.evaluate(PAGE_HELPERS);
const result = await page.evaluate(async (cases) => {
  const W = 3840, H = 2160, N = 5;
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const frame = lumen.image(W, H);
  const { port } = await lumen.spawn();
  // 1. Round trip (a crop to the whole frame: the kernel is one copy) vs copies.
  const copies = [], trips = [], kernelCopy = [];
  for (let i = 0; i < N + 1; i++) {
    let t = performance.now(); const c = frame.slice(); copies.push(performance.now() - t);
    t = performance.now();
    const r = await lumen.call(port, lumen.job(i, 'crop', { x: 0, y: 0, width: 0, height: 0 }, c, W, H), [c.buffer]);
    trips.push(performance.now() - t);
    kernelCopy.push(r.returnValue.computeMs);
  }
  const out = { copyMs: median(copies.slice(1)), tripMs: median(trips.slice(1)), tripKernelMs: median(kernelCopy.slice(1)), kernels: {} };
  // 2. Kernel time inside one worker, whole frame.
  let id = 1000;
  for (const [name, params] of cases) {
    const ms = [];
    for (let i = 0; i < N + 1; i++) {
      const c = frame.slice();
      const outH = name === 'resize' ? params.height : name === 'rotate' ? W : H;
      const r = await lumen.call(port, lumen.job(++id, name, params, c, W, H, outH), [c.buffer]);
      if (r.error) throw new Error(name + ': ' + r.error);
      ms.push(r.returnValue.computeMs);
    }
    out.kernels[name + (params.sigma_px !== undefined ? `_sigma${params.sigma_px}` : '') + (params.method ? `_${params.method}` : '')] = median(ms.slice(1));
  }
  // 3. Pool: N workers, N bands, in parallel, vs one worker on the frame.
  const n = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));
  const pool = [port];
  while (pool.length < n) pool.push((await lumen.spawn()).port);
  const speed = {};
  for (const [name, params] of [['gamma', { gamma: 1.8 }], ['hsl', { hue_deg: 30, saturation: 0.2, lightness: 0.1 }], ['grayscale', {}]]) {
    const one = [], many = [];
    for (let i = 0; i < N + 1; i++) {
      let c = frame.slice();
      let t = performance.now();
      await lumen.call(port, lumen.job(++id, name, params, c, W, H), [c.buffer]);
      one.push(performance.now() - t);
      const rows = Math.ceil(H / n);
      const parts = pool.map((p, k) => {
        const y0 = k * rows, y1 = Math.min(H, y0 + rows);
        const band = frame.slice(y0 * W * 4, y1 * W * 4);
        const msg = { id: ++id, funcName: name, bufferKeys: ['src'],
          args: { params, src: band, width: W, height: H, y0, outStart: y0, outEnd: y1 } };
        return lumen.call(p, msg, [band.buffer]);
      });
      t = performance.now();
      await Promise.all(parts);
      many.push(performance.now() - t);
    }
    speed[name] = median(one.slice(1)) / median(many.slice(1));
  }
  out.workers = n;
  out.poolSpeedup = speed;
  return out;
}, CASES);
await browser.close();

const f = (x) => x.toFixed(2);
result.cases = CASES.map(([name, params]) => ({ key: key(name, params), name, params }));
if (process.env.LUMEN_BENCH_JSON) writeFileSync(process.env.LUMEN_BENCH_JSON, JSON.stringify(result, null, 1));
console.log(`frame 3840x2160 RGBA, ${result.workers} workers (navigator.hardwareConcurrency)`);
console.log(`protocol round trip: ${f(result.tripMs)} ms = ${f(result.tripMs / result.copyMs)} frame copies`);
for (const [k, ms] of Object.entries(result.kernels)) console.log(`${k}: ${f(ms)} ms in one worker`);
for (const [k, v] of Object.entries(result.poolSpeedup)) console.log(`${k}: pool speedup ${f(v)}x`);
