// The canvas tools in the browser, by touch: `R` starts the crop tool, a
// finger drags the rectangle's top-left handle inwards, Enter applies it,
// and the download has the cropped size. Touches go in through the
// DevTools protocol as a touch screen sends them (touchStart, touchMove,
// touchEnd), not as mouse events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, downloadExport, launch, logWaiter } from './browser.mjs';

const dir = mkdtempSync(join(tmpdir(), 'lumen-tools-'));
let browser;
let page;
let cdp;
const logs = [];
const waitForLog = logWaiter(logs);

// Where the photo is on the page: the bounding box of what differs from
// the canvas's background (ImageMagick's trim box, `%@`, of the untrimmed
// crop), left of the side panel and between the menu and status bars.
function imageBox(png) {
  const box = execFileSync('convert', [png, '-crop', '860x720+0+30', '+repage', '-fuzz', '6%', '-format', '%@', 'info:'])
    .toString().match(/^(\d+)x(\d+)\+(\d+)\+(\d+)$/);
  assert.ok(box, 'the photo is on the canvas');
  const [w, h, x, y] = box.slice(1).map(Number);
  return { x, y: y + 30, w, h };
}

async function touchDrag(from, to, steps = 12) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from.x, y: from.y }] });
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    const x = from.x + (to.x - from.x) * t;
    const y = from.y + (to.y - from.y) * t;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
    await page.waitForTimeout(16);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('page error: ' + e.message));
  cdp = await browser.context.newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
});

after(async () => {
  await browser?.close();
});

test('R, a touch drag of the crop handle and Enter crop the photo', async () => {
  await page.goto(BASE + 'index.html');
  await waitForLog(/lumen: rendered 0 steps/);
  await page.waitForFunction(() => !document.getElementById('loading'));
  const shot = join(dir, 'before.png');
  await page.screenshot({ path: shot });
  const box = imageBox(shot);
  assert.ok(box.w > 300 && box.h > 300, `the photo's box ${JSON.stringify(box)}`);

  await page.keyboard.press('r');
  await page.waitForTimeout(500);
  // The top-left handle sits on the photo's corner; a quarter inwards.
  await touchDrag({ x: box.x + 1, y: box.y + 1 }, { x: box.x + box.w / 4, y: box.y + box.h / 4 });
  await page.waitForTimeout(300);
  const mark = logs.length;
  await page.keyboard.press('Enter');
  await waitForLog(/lumen: rendered 1 step/, mark);

  const file = join(dir, 'cropped.png');
  await downloadExport(page, logs, waitForLog, file);
  const [w, h] = execFileSync('identify', ['-format', '%w %h', file]).toString().split(' ').map(Number);
  // The sample is 512x512; a quarter of the shown box off two sides.
  for (const side of [w, h]) {
    assert.ok(Math.abs(side - 384) <= 12, `cropped to ${w}x${h}, not about 384x384`);
  }
  assert.ok(!logs.some((l) => l.startsWith('page error')), logs.join('\n'));
});
