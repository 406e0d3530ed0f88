// Drives Debian's firefox-esr over WebDriver BiDi (puppeteer-core, no browser download) for the Python
// tests: one JSON command a line on stdin, one JSON answer a line on stdout (tests/browsers.py speaks it).
//
//   {"id": 1, "cmd": "goto", "url": "http://127.0.0.1:8000/"}      -> {"id": 1, "ok": true, "value": null}
//   cmds: goto, click, click_at, press, wait_for_selector, wait_for_function, inner_text, evaluate, screenshot,
//   close
//   an error answers {"id": n, "ok": false, "error": "..."}; the first line out is {"ready": true, ...}.
//
// Options come as one JSON argument: {"executablePath", "prefs", "headless", "args"}. The environment is
// passed on to Firefox as it is (PULSE_SERVER picks its microphone). The page's console goes to stderr.
import puppeteer from 'puppeteer-core';
import readline from 'node:readline';

const opts = JSON.parse(process.argv[2] || '{}');
const prefs = {
  'media.navigator.permission.disabled': true,  // getUserMedia without a permission prompt
  'media.navigator.streams.fake': false,        // the real default source: PulseAudio's, in the tests
  ...(opts.prefs || {}),
};

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

let browser, page;
try {
  browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: opts.executablePath || '/usr/bin/firefox-esr',
    headless: opts.headless !== false,
    extraPrefsFirefox: prefs,
    args: opts.args || [],
    env: process.env,
    protocolTimeout: 120_000,
  });
  page = await browser.newPage();
  page.on('console', (m) => process.stderr.write(`[console.${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => process.stderr.write(`[pageerror] ${e.message}\n`));
  out({ready: true, version: await browser.version(), pid: browser.process()?.pid ?? null});
} catch (e) {
  out({ready: false, error: String(e && e.stack || e)});
  process.exit(1);
}

const commands = {
  goto: (c) => page.goto(c.url, {timeout: c.timeout ?? 60_000, waitUntil: 'load'}).then(() => null),
  // Through a locator: it waits until the element is visible, enabled and has stopped moving (as Playwright
  // does); a plain click at the element's point while Gradio was still laying out the page under load once
  // landed beside the Record button and was lost.
  click: (c) => page.locator(c.selector).setTimeout(c.timeout ?? 30_000).click(),
  // A point of the element, from its top left corner (a timeline clicked at one moment).
  click_at: (c) => page.click(c.selector, {offset: {x: c.x, y: c.y}}),
  press: (c) => page.keyboard.press(c.key),
  wait_for_selector: (c) => page.waitForSelector(c.selector, {timeout: c.timeout ?? 30_000}).then(() => null),
  wait_for_function: (c) => page.waitForFunction(c.expression, {timeout: c.timeout ?? 30_000,
    polling: c.polling ?? 100}).then((h) => h.jsonValue()),
  inner_text: (c) => page.$eval(c.selector, (e) => e.innerText),
  // A string is evaluated as an expression; a promise is awaited.
  evaluate: (c) => page.evaluate(c.expression),
  screenshot: (c) => page.screenshot({path: c.path, fullPage: !!c.full_page}).then(() => null),
  close: async () => { await browser.close(); return null; },
};

const rl = readline.createInterface({input: process.stdin});
let chain = Promise.resolve();
rl.on('line', (line) => {
  if (!line.trim()) return;
  chain = chain.then(async () => {
    let c;
    try {
      c = JSON.parse(line);
      const fn = commands[c.cmd];
      if (!fn) throw new Error(`unknown command ${c.cmd}`);
      const value = await fn(c);
      out({id: c.id, ok: true, value: value === undefined ? null : value});
      if (c.cmd === 'close') process.exit(0);
    } catch (e) {
      out({id: c && c.id, ok: false, error: String(e && e.message || e)});
    }
  });
});
rl.on('close', async () => { await chain; try { await browser.close(); } catch (e) {} process.exit(0); });
