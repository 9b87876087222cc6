// Drives the web console in a real headless Chromium: sign in with the key from the environment, find the runtime,
// invoke it in the playground and watch the answer stream, see its session and log, stop it. Prints one line per
// check and "console: N passed, M failed"; screenshots go to $HEARTH_SCREENSHOTS.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const endpoint = process.env.HEARTH_ENDPOINT;
const runtimeId = process.env.HEARTH_RUNTIME_ID;
const shots = process.env.HEARTH_SCREENSHOTS;
const browserPath = process.env.HEARTH_CHROMIUM || '/usr/bin/chromium';
mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
async function check(name, action) {
  try {
    await action();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
    throw e;
  }
}

const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] });
const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

  await check('the console loads unsigned and asks for a key', async () => {
    const response = await page.goto(`${endpoint}/console`);
    if (response.status() !== 200) throw new Error(`status ${response.status()}`);
    if (!page.url().endsWith('/console/')) throw new Error(`not redirected to /console/: ${page.url()}`);
    await page.locator('#sign-in-form').waitFor();
  });

  await check('an unsigned API call from the page is refused', async () => {
    const refused = await page.evaluate(async () => {
      const r = await fetch('/runtimes/', { method: 'POST', body: '{}' });
      return { status: r.status, type: r.headers.get('x-amzn-ErrorType'), body: await r.text() };
    });
    if (refused.status !== 403 || !refused.type) throw new Error(JSON.stringify(refused));
  });

  await check('a wrong key shows the server\'s error', async () => {
    await page.fill('#access-key-id', process.env.AWS_ACCESS_KEY_ID);
    await page.fill('#secret-access-key', 'not-the-secret');
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#sign-in-error').filter({ hasText: /signature/i }).waitFor({ timeout: 10_000 });
    await shot(page, '01-wrong-key');
  });

  await check('signing in with the root key lists the runtime', async () => {
    await page.fill('#secret-access-key', process.env.AWS_SECRET_ACCESS_KEY);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator(`#runtimes tr[data-runtime-id="${runtimeId}"]`).waitFor({ timeout: 15_000 });
    const stored = await page.evaluate(() => Object.keys(localStorage).length);
    if (stored !== 0) throw new Error('something went to localStorage');
  });

  const sessionId = `console-browser-test-${Date.now()}-000000000000000`;
  await check('the playground streams the answer in more than one step', async () => {
    await page.selectOption('#pg-runtime', runtimeId);
    await page.fill('#pg-session', sessionId);
    await page.fill('#pg-payload', '{"stream": 5, "delayMs": 500}');
    await page.click('#pg-invoke');
    // The first event is on screen while the invocation still streams, and the last one arrives later.
    await page.waitForFunction(() => document.getElementById('pg-answer').textContent.includes('"index": 0')
      && document.getElementById('pg-status').dataset.state === 'streaming', null, { timeout: 60_000 });
    const early = await page.textContent('#pg-answer');
    if (early.includes('"index": 4')) throw new Error(`everything arrived at once: ${early}`);
    await shot(page, '02-streaming');
    await page.waitForFunction(() => document.getElementById('pg-status').dataset.state === 'done', null, { timeout: 30_000 });
    const answer = await page.textContent('#pg-answer');
    if (!answer.includes('"index": 4')) throw new Error(`incomplete answer: ${answer}`);
    const chunks = Number(await page.getAttribute('#pg-answer', 'data-chunks'));
    if (chunks < 2) throw new Error(`${chunks} chunk(s)`);
  });

  await check('the session is listed with its state and limits', async () => {
    const row = page.locator(`#sessions tr[data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 15_000 });
    await page.locator(`#sessions tr[data-session-id="${sessionId}"]:not([data-state="TERMINATED"]) td:nth-child(5)`)
      .filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
    const isolation = await page.textContent(`#sessions tr[data-session-id="${sessionId}"] td:nth-child(6)`);
    if (isolation.trim() !== 'process') {
      // Sandboxes with cgroups report their resource use.
      await page.locator(`#sessions tr[data-session-id="${sessionId}"] td.usage`).filter({ hasText: /MiB/ })
        .waitFor({ timeout: 10_000 });
    }
  });

  await check('the session log shows a line in the logs pane', async () => {
    await page.locator('#pg-log').filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
  });

  await check('the charts draw from the metrics', async () => {
    // The invocation shows as a rise above the chart's baseline (SVG's y grows downwards).
    await page.waitForFunction(() => {
      const line = document.querySelector('#chart-invocations polyline');
      const ys = line ? line.getAttribute('points').split(' ').map((p) => Number(p.split(',')[1])) : [];
      return ys.length > 1 && Math.min(...ys) < Math.max(...ys);
    }, null, { timeout: 15_000 });
    await shot(page, '03-session-live');
  });

  await check('the session\'s trace shows the invocation as a waterfall', async () => {
    await page.click(`#sessions tr[data-session-id="${sessionId}"] button.trace`);
    await page.locator('#traces .trace tr[data-span="invoke"]').first().waitFor({ timeout: 15_000 });
    for (const span of ['session.open', 'agent.call']) {
      if (await page.locator(`#traces .trace tr[data-span="${span}"]`).count() === 0) throw new Error(`no ${span} span`);
    }
    await shot(page, '03b-session-trace');
  });

  await check('Stop ends the session', async () => {
    await page.click(`#sessions tr[data-session-id="${sessionId}"] button.stop`);
    await page.locator(`#sessions tr[data-session-id="${sessionId}"][data-state="TERMINATED"]`).waitFor({ timeout: 15_000 });
    const state = await page.textContent(`#sessions tr[data-session-id="${sessionId}"] .state`);
    if (!/ended/.test(state)) throw new Error(state);
    await shot(page, '04-session-stopped');
  });

  await check('the page raised no script error', async () => {
    // The refused calls above log resource errors by design; anything else is a bug.
    const unexpected = pageErrors.filter((e) => !/Failed to load resource/.test(e));
    if (unexpected.length) throw new Error(unexpected.join(' | '));
  });
} catch {
  // reported by check
} finally {
  await browser.close();
  console.log(`console: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
