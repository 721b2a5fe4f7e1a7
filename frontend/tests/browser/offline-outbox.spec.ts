// Lessons completed offline (issue 10, the queued-events journey) at 360 px, in French and in
// Arabic: a learner marks two lessons read with no network, each says it is done on this device
// and will be sent; when the network returns both are sent (once each, in order) and the lesson
// says it is read; another device signed in as the same learner sees both completed.
// The course is saved for offline reading first, so that the second lesson opens offline.
import { expect, test } from '@playwright/test';
import { PASSWORD, registerViaApi, seriousViolations, setOffline } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

interface Outline {
  modules: Array<{ items: Array<{ id: string; kind: string; title: string }> }>;
}


const escape = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

const WORDS = {
  fr: {
    slug: 'prise-en-charge',
    save: 'Enregistrer pour lire hors ligne',
    saved: /Enregistré sur cet appareil/,
    markRead: 'J’ai lu cette leçon',
    pending: 'Leçon faite sur cet appareil : elle sera envoyée dès votre retour en ligne.',
    read: 'Leçon lue : elle compte dans votre progression.',
  },
  ar: {
    slug: 'concepts',
    save: 'حفظ للقراءة دون اتصال',
    saved: /محفوظ على هذا الجهاز/,
    markRead: 'قرأتُ هذا الدرس',
    pending: 'أُنجز على هذا الجهاز: سيُرسَل عند عودة الاتصال.',
    read: 'تمّت قراءة الدرس: احتُسب في تقدّمك.',
  },
} as const;

for (const lang of ['fr', 'ar'] as const) {
  test(`two lessons completed offline are sent when the network returns (${lang}, 360 px)`, async ({ page, context, browser }) => {
    const w = WORDS[lang];
    await page.addInitScript((l) => localStorage.setItem('sanad.locale', l), lang);
    // Signed up in the test's language: the account's language is the app's.
    const email = await registerViaApi(page, 'Salma Test', lang, 'outbox');
    const res = await page.request.get(`/api/v1/courses/${w.slug}?lang=${lang}`);
    expect(res.ok()).toBe(true);
    const items = ((await res.json()) as Outline).modules.flatMap((m) => m.items);
    // Two lessons one after the other: the second is the first's "next".
    const at = items.findIndex((item, i) => item.kind === 'lesson' && items[i + 1]?.kind === 'lesson');
    expect(at, 'two lessons in a row').toBeGreaterThanOrEqual(0);
    const [first, second] = [items[at], items[at + 1]];

    await page.goto(`/courses/${w.slug}`);
    await page.getByRole('button', { name: w.save }).click();
    await expect(page.getByText(w.saved).first()).toBeVisible();
    await page.goto(`/lessons/${first.id}`);
    await expect(page.locator('main h1')).toHaveText(first.title);

    await setOffline(context, page, true);
    await page.getByRole('button', { name: w.markRead }).click();
    await expect(page.getByText(w.pending)).toBeVisible();
    await page.getByRole('link', { name: escape(second.title) }).last().click();
    await expect(page.locator('main h1')).toHaveText(second.title);
    await page.getByRole('button', { name: w.markRead }).click();
    await expect(page.getByText(w.pending)).toBeVisible();
    expect(await seriousViolations(page), 'lesson pending').toEqual([]);
    await page.screenshot({ path: `test-results/outbox-${lang}-pending.png` });

    // Another device, the same learner: nothing has reached the server yet.
    const other = await browser.newContext();
    const login = await other.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
    expect(login.status(), await login.text()).toBe(200);
    const completed = async () => {
      const progress = await other.request.get(`/api/v1/courses/${w.slug}/progress`);
      expect(progress.ok()).toBe(true);
      return ((await progress.json()) as { completed_item_ids: string[] }).completed_item_ids;
    };
    expect(await completed()).toEqual([]);

    await setOffline(context, page, false);
    await expect(page.getByText(w.read)).toBeVisible();
    await expect(page.getByText(w.pending)).toHaveCount(0);
    await page.screenshot({ path: `test-results/outbox-${lang}-sent.png` });

    // Both sent (the second's "read" shows once the whole outbox is through).
    await expect.poll(completed).toEqual([first.id, second.id]);
    await other.close();
  });
}

test('a completion the previous version of the app queued (its outbox, version 1) is still sent', async ({ page }) => {
  await registerViaApi(page, 'Salma Test', 'fr', 'outbox-v1');
  const me = (await (await page.request.get('/api/v1/me')).json()) as { id: string };
  const res = await page.request.get('/api/v1/courses/prise-en-charge?lang=fr');
  const lesson = ((await res.json()) as Outline).modules.flatMap((m) => m.items).find((i) => i.kind === 'lesson')!;
  // Written as version 1 wrote it, from a page of the site where the app does not run.
  await page.goto('/favicon.svg');
  await page.evaluate(
    ({ user, lesson }) =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('sanad-outbox', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('completions', { keyPath: 'seq', autoIncrement: true });
        req.onerror = () => reject(req.error ?? new Error('IndexedDB'));
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction('completions', 'readwrite');
          tx.objectStore('completions').add({ user, lesson, key: crypto.randomUUID(), completedAt: new Date(Date.now() - 3_600_000).toISOString() });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error ?? new Error('IndexedDB'));
        };
      }),
    { user: me.id, lesson: lesson.id },
  );
  // This version opens the outbox as version 2, keeps what it held, and sends it.
  await page.goto('/');
  await expect
    .poll(async () => ((await (await page.request.get('/api/v1/courses/prise-en-charge/progress')).json()) as { completed_item_ids: string[] }).completed_item_ids)
    .toEqual([lesson.id]);
});
