// Slow links (issue 9, item 17): a guest's first screen does not wait for the session check, a
// signed-in reader's lesson is asked for together with it (one round trip, not two), and the first
// visit stays under 80 KB on the wire.
import { expect, test } from '@playwright/test';
import { firstItem, registerViaApi } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

const SESSION_DELAY_MS = 1500;

test('a guest sees the home page before the session check answers', async ({ page }) => {
  let sessionAnsweredAt = Number.POSITIVE_INFINITY;
  await page.route('**/api/v1/session', async (route) => {
    await new Promise((r) => setTimeout(r, SESSION_DELAY_MS));
    sessionAnsweredAt = Date.now();
    await route.continue();
  });
  await page.goto('/');
  await expect(page.locator('main h1')).toBeVisible();
  expect(Date.now(), 'the heading is shown while the session check is still out').toBeLessThan(sessionAnsweredAt);
});

test('a signed-in reader’s lesson is asked for with the session check, once', async ({ page }) => {
  await registerViaApi(page, 'Lent Réseau');
  const lesson = await firstItem(page, 'concepts', 'lesson');
  // A first visit: the app learns that this device has a session.
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => localStorage.getItem('sanad.signedIn'))).toBe('1');

  let sessionAnsweredAt = Number.POSITIVE_INFINITY;
  await page.route('**/api/v1/session', async (route) => {
    await new Promise((r) => setTimeout(r, SESSION_DELAY_MS));
    sessionAnsweredAt = Date.now();
    await route.continue();
  });
  const lessonRequests: number[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === `/api/v1/lessons/${lesson.id}`) lessonRequests.push(Date.now());
  });
  await page.goto(`/lessons/${lesson.id}`);
  await expect(page.locator('.prose h2').first()).toBeVisible();
  expect(lessonRequests.length, 'the early read is the screen’s read: one request').toBe(1);
  expect(lessonRequests[0], 'the lesson is asked for before the session check answers').toBeLessThan(sessionAnsweredAt);
  // The screen waited for the session: it knows who reads (no guest's view shown first).
  expect(Date.now()).toBeGreaterThanOrEqual(sessionAnsweredAt);
  expect(await page.evaluate(() => localStorage.getItem('sanad.signedIn'))).toBe('1');
});

test('a first visit of the home page is under 80 KB on the wire', async ({ page }) => {
  const sizes: Array<[string, number]> = [];
  page.on('requestfinished', async (request) => {
    const s = await request.sizes();
    sizes.push([new URL(request.url()).pathname, s.responseBodySize + s.responseHeadersSize]);
  });
  await page.goto('/');
  await expect(page.locator('main h1')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const total = sizes.reduce((n, [, b]) => n + b, 0);
  console.log(`first visit: ${(total / 1024).toFixed(1)} KB in ${sizes.length} responses`, sizes.map(([p, b]) => `${p} ${(b / 1024).toFixed(1)}`).join(', '));
  expect(total, sizes.map(([p, b]) => `${p} ${b}`).join('\n')).toBeLessThan(80 * 1024);
});
