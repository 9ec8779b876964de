// Autosave and recovery in the browser: a file opened from disk is edited,
// its tab is closed without any clean-up (as a crash or a closed tab would
// leave it), and a new tab offers the session and restores it from the
// copy kept in the origin-private file system. A tab that is still open
// is never offered to another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, logWaiter, openFile } from './browser.mjs';

const CLI = process.env.LUMEN_CLI;
let browser;
const dir = mkdtempSync(join(tmpdir(), 'lumen-autosave-'));

async function newTab() {
  const logs = [];
  const page = await browser.context.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('page error: ' + e.message));
  await page.goto(BASE + 'index.html');
  return { page, logs, wait: logWaiter(logs) };
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('a closed tab with edits is offered in the next one and restored from browser storage', async () => {
  const recipeCrop = join(dir, 'crop.json');
  writeFileSync(recipeCrop, JSON.stringify({ lumen_recipe: 1, steps: [{ filter: 'crop', params: { x: 10, y: 20, width: 200, height: 150 } }] }));
  const input = join(dir, 'holiday.png');
  execFileSync(CLI, ['apply', '--recipe', recipeCrop, 'assets/sample.png', input]);

  const first = await newTab();
  await first.wait(/lumen: opened sample\.png/);
  await openFile(first.page, input);
  await first.wait(/lumen: opened holiday\.png/);
  const mark = first.logs.length;
  await first.page.mouse.click(500, 400);
  await first.page.keyboard.press('Control+k');
  await first.page.keyboard.type('invert');
  await first.page.keyboard.press('Enter');
  await first.wait(/lumen: rendered 1 step, 200x150/, mark);
  await first.wait(/lumen: autosaved session-\d+\.json/, mark);

  // A second tab while the first is open: nothing to restore.
  const second = await newTab();
  await second.wait(/lumen: rendered 0 steps/);
  // The scan for sessions is over once it says how many it found.
  await second.wait(/lumen: \d+ session\(s\) to restore/);
  assert.ok(second.logs.some((l) => /lumen: 0 session\(s\) to restore/.test(l)), `a live tab's session was offered:\n${second.logs.join('\n')}`);
  await second.page.close();

  await first.page.close({ runBeforeUnload: false });

  const third = await newTab();
  await third.wait(/lumen: 1 session\(s\) to restore/);
  await third.wait(/lumen: rendered 0 steps/);
  // The prompt's first button is Restore: focus it with Tab, press Enter.
  const restoreMark = third.logs.length;
  for (let i = 0; i < 6; i++) {
    await third.page.keyboard.press('Tab');
    await third.page.keyboard.press('Enter');
    if (await third.wait(/Restored/, restoreMark, 500).then(() => true, () => false)) break;
  }
  await third.wait(/lumen: Restored holiday\.png: 1 step\(s\), 1 edit\(s\)/, restoreMark);
  await third.wait(/lumen: rendered 1 step, 200x150/, restoreMark);
  assert.ok(!third.logs.some((l) => l.startsWith('page error')), third.logs.join('\n'));
  await third.page.close();
});
