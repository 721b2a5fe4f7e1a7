// The SPA on a slow phone link (issue 9, item 17): Debian's Chromium driven by playwright-core,
// the network throttled through the DevTools protocol (400 kbit/s each way, 400 ms round trips,
// as the issue measured), against a running Sanad at $SANAD_URL (default http://127.0.0.1:8080).
// Prints, per screen and for a guest and a signed-in reader, the time to its heading (a lesson:
// to its text) and the bytes on the wire. Run: `node bench/slow-link.mjs` from the repository root
// after `make run` (or any server), with frontend/node_modules installed (`cd frontend && npm ci`).
// SANAD_LANG=ar (or en) reads as a reader of that language: the browser's, and the account's.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../frontend/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const base = process.env.SANAD_URL ?? 'http://127.0.0.1:8080';
const runs = Number(process.env.RUNS ?? 3);
const lang = process.env.SANAD_LANG ?? 'fr';
const browserLocale = { fr: 'fr-FR', ar: 'ar-MA', en: 'en-GB' }[lang];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });

async function slowPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 400,
    downloadThroughput: (400 * 1000) / 8,
    uploadThroughput: (400 * 1000) / 8,
  });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  return { page, bytes: () => bytes };
}

async function measure(context, path, selector) {
  const { page, bytes } = await slowPage(context);
  const start = Date.now();
  await page.goto(base + path, { waitUntil: 'commit' });
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: 60_000 });
  const ms = Date.now() - start;
  await page.waitForLoadState('networkidle');
  const kb = bytes() / 1024;
  await page.close();
  return { ms, kb };
}

const course = await (await fetch(`${base}/api/v1/courses/concepts?lang=fr`)).json();
const lesson = course.modules[0].items.find((i) => i.kind === 'lesson');
const screens = [
  ['home', '/', 'main h1'],
  ['catalogue', '/courses', '.course-card'],
  ['a lesson', `/lessons/${lesson.id}`, '.prose h2'],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const who of ['guest', 'signed-in']) {
  // No service worker: each load is a first visit's (the worker would answer from its caches).
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: browserLocale, serviceWorkers: 'block' });
  if (who === 'signed-in') {
    const page = await context.newPage();
    const email = `lent-${Date.now()}@example.ma`;
    const res = await page.request.post(`${base}/api/v1/auth/register`, { data: { email, password: 'protection-2024!', display_name: 'Lent', locale: lang } });
    if (!res.ok()) throw new Error(`register: ${res.status()} ${await res.text()}`);
    // A first visit at full speed: the app learns that this device has a session.
    await page.goto(base + '/');
    await page.waitForLoadState('networkidle');
    await page.close();
  }
  for (const [name, path, selector] of screens) {
    const got = [];
    for (let i = 0; i < runs; i += 1) got.push(await measure(context, path, selector));
    console.log(
      `${lang} ${who.padEnd(9)} ${name.padEnd(10)} content shown after ${median(got.map((g) => g.ms))} ms (median of ${runs}; ${got.map((g) => g.ms).join(', ')}), ${median(got.map((g) => g.kb)).toFixed(1)} KB on the wire`,
    );
  }
  await context.close();
}
await browser.close();
