// The web app in a real Chromium window under Xvfb, driven with real key
// presses and clicks from the X server (xdotool), as a person's keyboard
// sends them. Headless tests inject key events into the page itself, past
// the browser's own shortcuts, so they cannot show the browser taking a
// key the editor owns (Ctrl+K focusing the address bar) or a press that
// never reaches the editor (Ctrl+O right after loading). Each shortcut is
// pressed once, as a person would; nothing is retried.
//
// tests/web/run.sh starts the Xvfb ($DISPLAY); without one, or without
// xdotool, these tests are skipped and say so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BASE, chooserAfter, launch, logWaiter, watchChoosers } from './browser.mjs';

function hasXdotool() {
  try {
    execFileSync('xdotool', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = !process.env.DISPLAY ? 'no X display (run through tests/web/run.sh)'
  : !hasXdotool() ? 'xdotool is not installed' : false;

const xdo = (...args) => execFileSync('xdotool', args.map(String)).toString().trim();
let browser;
let page;
let window;
const logs = [];
const waitForLog = logWaiter(logs);

// The browser window's id, once it is mapped; it is given the X input
// focus (there is no window manager to do so).
function focusWindow() {
  const ids = xdo('search', '--sync', '--onlyvisible', '--name', 'Lumen').split('\n');
  window = ids[ids.length - 1];
  xdo('windowfocus', '--sync', window);
}

// A real click on the canvas (the page fills the window below the
// browser's toolbar, the photo in its middle).
function clickCanvas() {
  xdo('mousemove', '--sync', 640, 500);
  xdo('click', 1);
}

before(async () => {
  if (skip) return;
  browser = await launch([], { windowed: true });
  page = browser.context.pages()[0] ?? await browser.context.newPage();
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push('page error: ' + e.message));
  // Choosers are caught from now on (the browser's own would be a modal
  // window taking every later key).
  await watchChoosers(page);
});

after(async () => {
  await browser?.close();
});

test('Ctrl+O pressed once after the first render opens a file chooser, the click having come while the page loaded', { skip }, async () => {
  // As a person does: a click on the page while it loads (which also makes
  // the window the active one; there is no window manager here to do it),
  // then, once the photo is shown, the shortcut, once. The click is made
  // while the page loads; whether the browser hands it to the page before
  // the editor has started varies from run to run, and either way the one
  // press must open a chooser.
  await page.goto(BASE + 'index.html', { waitUntil: 'commit' });
  focusWindow();
  clickCanvas();
  await waitForLog(/lumen: rendered/);
  const seen = (await watchChoosers(page)).length;
  xdo('key', 'ctrl+o');
  const what = await chooserAfter(page, seen, 10000);
  assert.ok(what, `one Ctrl+O opened nothing in 10 s; the page logged:\n${logs.join('\n')}`);
  if (what !== 'prompt') {
    // The chooser is the browser's: give it the sample and see it open.
    const mark = logs.length;
    await what.setFiles('assets/sample.png');
    await waitForLog(/lumen: opened sample\.png/, mark);
  }
});

test('Ctrl+K opens the palette and the typed name goes to it, not to the address bar', { skip }, async () => {
  const url = page.url();
  // A real click on the canvas, then the shortcut, the name and Enter.
  clickCanvas();
  await page.waitForTimeout(300);
  const mark = logs.length;
  xdo('key', 'ctrl+k');
  await page.waitForTimeout(500);
  xdo('type', '--delay', 60, 'sharpen');
  await page.waitForTimeout(300);
  xdo('key', 'Return');
  await waitForLog(/lumen: rendered 1 step/, mark, 20000).catch((e) => {
    throw new Error(`the palette did not add a step (url now ${page.url()}): ${e.message}`);
  });
  assert.equal(page.url(), url, 'the browser navigated: the typed name went to the address bar');
  assert.ok(await page.evaluate(() => document.hasFocus()), 'the page lost the keyboard focus');
});
