// Reading offline (issue 10) at 360 px, in French and in Arabic: a course saved on the course page
// opens without a network (its outline and a lesson never opened), a page never saved says it
// needs a connection with a retry that works once the network is back, and a course removed from
// the device no longer opens offline. axe on every screen shown; screenshots in test-results/.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { seriousViolations, setOffline, TRAINER } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, serviceWorkers: 'allow' });

interface Outline {
  title: string;
  modules: Array<{ items: Array<{ id: string; kind: string; title: string }> }>;
}

async function outline(page: Page, slug: string, lang: string): Promise<Outline> {
  const res = await page.request.get(`/api/v1/courses/${slug}?lang=${lang}`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as Outline;
}

/** Opens the course page and waits until the service worker controls it. */
async function openControlled(page: Page, slug: string) {
  await page.goto(`/courses/${slug}`);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);
}


const WORDS = {
  fr: {
    save: 'Enregistrer pour lire hors ligne',
    saved: /Enregistré sur cet appareil \(version \d+\) : [\d,]+ Ko\./,
    usage: /Sanad occupe .+ sur cet appareil/,
    remove: 'Retirer de cet appareil',
    removed: 'Le cours a été retiré de cet appareil.',
    unsaved: 'Pas de connexion',
    retry: 'Réessayer',
  },
  ar: {
    save: 'حفظ للقراءة دون اتصال',
    saved: /محفوظ على هذا الجهاز \(الإصدار .+\): .+\./,
    usage: /يشغل سند .+ على هذا الجهاز/,
    remove: 'إزالة من هذا الجهاز',
    removed: 'أُزيل التكوين من هذا الجهاز.',
    unsaved: 'لا يوجد اتصال',
    retry: 'إعادة المحاولة',
  },
} as const;

for (const lang of ['fr', 'ar'] as const) {
  test(`a saved course opens offline, a page never saved says so, removal (${lang}, 360 px)`, async ({ page, context }) => {
    const w = WORDS[lang];
    await page.addInitScript((l) => localStorage.setItem('sanad.locale', l), lang);
    const slug = lang === 'fr' ? 'prise-en-charge' : 'concepts';
    const course = await outline(page, slug, lang);
    const lessons = course.modules.flatMap((m) => m.items).filter((i) => i.kind === 'lesson');
    const last = lessons[lessons.length - 1];

    await openControlled(page, slug);
    await page.getByRole('button', { name: w.save }).click();
    await expect(page.getByText(w.saved).first()).toBeVisible();
    await expect(page.getByText(w.usage)).toBeVisible();
    await expect(page.getByRole('button', { name: w.remove })).toBeVisible();
    expect(await seriousViolations(page), 'course page, saved').toEqual([]);
    await page.screenshot({ path: `test-results/offline-${lang}-saved.png` });

    await setOffline(context, page, true);
    // A lesson never opened, from the saved copy; then the outline.
    await page.goto(`/lessons/${last.id}`);
    await expect(page.locator('main h1')).toHaveText(last.title);
    await expect(page.locator('.prose')).toHaveAttribute('lang', lang === 'ar' ? 'ar' : 'fr');
    await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr');
    expect(await seriousViolations(page), 'lesson offline').toEqual([]);
    await page.screenshot({ path: `test-results/offline-${lang}-lesson.png` });
    await page.goto(`/courses/${slug}`);
    await expect(page.locator('main h1')).toHaveText(course.title);
    await expect(page.getByRole('link', { name: new RegExp(lessons[0].title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeVisible();

    // Never saved: the app says it needs a connection (never the browser's error page), and retries.
    await page.goto('/library');
    await expect(page.getByRole('heading', { level: 1, name: w.unsaved })).toBeVisible();
    expect(await seriousViolations(page), 'page never saved').toEqual([]);
    await page.screenshot({ path: `test-results/offline-${lang}-unsaved.png` });
    await setOffline(context, page, false);
    await page.getByRole('button', { name: w.retry }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.unsaved })).toHaveCount(0);

    // Removed: the course's lessons no longer open offline.
    await page.goto(`/courses/${slug}`);
    await page.getByRole('button', { name: w.remove }).click();
    await expect(page.getByText(w.removed)).toBeVisible();
    await expect(page.getByRole('button', { name: w.save })).toBeVisible();
    await setOffline(context, page, true);
    await page.goto(`/lessons/${last.id}`);
    await expect(page.getByRole('heading', { level: 1, name: w.unsaved })).toBeVisible();
    await setOffline(context, page, false);
  });
}

/** A trainer's API calls, signed in with their own cookies and CSRF token. */
async function trainerApi(request: APIRequestContext) {
  const res = await request.post('/api/v1/auth/login', { data: TRAINER });
  expect(res.status(), await res.text()).toBe(200);
  const { csrf_token } = (await res.json()) as { csrf_token: string };
  return async (method: 'POST' | 'PUT', url: string, data: unknown) => {
    const r = await request.fetch(url, { method, data, headers: { 'X-CSRF-Token': csrf_token } });
    expect(r.ok(), await r.text()).toBe(true);
    return (await r.json().catch(() => ({}))) as { id: string };
  };
}

test('a saved course republished is updated on the next connection, and the reader is told (fr)', async ({ page, context, request }) => {
  const call = await trainerApi(request);
  const slug = `hors-ligne-${Date.now()}`;
  await call('POST', '/api/v1/courses', { slug, title: { fr: 'Cours à emporter' }, summary: { fr: 'Un module court.' }, theme: 'pec' });
  const module = await call('POST', `/api/v1/courses/${slug}/modules`, { title: { fr: 'Un' } });
  const lesson = await call('POST', `/api/v1/modules/${module.id}/lessons`, { title: { fr: 'Leçon' }, body: 'Première version du texte.' });
  await call('POST', `/api/v1/courses/${slug}/publish`, {});

  await page.addInitScript(() => localStorage.setItem('sanad.locale', 'fr'));
  await openControlled(page, slug);
  await page.getByRole('button', { name: WORDS.fr.save }).click();
  await expect(page.getByText(/Enregistré sur cet appareil \(version 1\)/)).toBeVisible();

  await call('PUT', `/api/v1/items/${lesson.id}/lesson`, { title: { fr: 'Leçon' }, body: 'Deuxième version du texte.' });
  await call('POST', `/api/v1/courses/${slug}/publish`, {});
  // The next connection: the copy is checked (its ETag no longer holds), replaced, and the reader told.
  await page.goto('/');
  await expect(page.getByText('Une nouvelle version de « Cours à emporter » a été publiée')).toBeVisible();
  expect(await seriousViolations(page), 'home with the notice').toEqual([]);
  await setOffline(context, page, true);
  await page.goto(`/lessons/${lesson.id}`);
  await expect(page.locator('.prose')).toContainText('Deuxième version du texte.');
  await page.goto(`/courses/${slug}`);
  await expect(page.getByText(/Enregistré sur cet appareil \(version 2\)/)).toBeVisible();
  await setOffline(context, page, false);
});
