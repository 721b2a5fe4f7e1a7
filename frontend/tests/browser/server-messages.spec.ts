// Server messages in the reader's language (issue 9, item 7): a refusal and the problems that stop a
// publication arrive as stable reasons with their parameters; the app says them in the reader's
// language, never in the server's English, and a problem inside an item links to that item's editor.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, PASSWORD, registerViaApi, seriousViolations, switchLanguage, uniqueEmail } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });


/** Signs the page's cookie jar in through the API and gives the headers of a change. */
async function apiSignIn(page: Page, account: { email: string; password: string }) {
  const login = await page.request.post('/api/v1/auth/login', { data: account });
  expect(login.status(), await login.text()).toBe(200);
  const me = (await (await page.request.get('/api/v1/me')).json()) as { csrf_token: string };
  return { 'X-CSRF-Token': me.csrf_token };
}

/**
 * A trainer of this test only, whose account is in Arabic (the shared trainer's language must stay
 * French for the other specs): registered, then given the role by the admin through the API.
 */
async function arabicTrainer(browser: Browser) {
  const account = { email: uniqueEmail('mukawwina'), password: PASSWORD };
  const newcomer = await browser.newContext();
  const registered = await newcomer.request.post('/api/v1/auth/register', { data: { ...account, display_name: 'مكوّنة', locale: 'ar' } });
  expect(registered.status(), await registered.text()).toBe(201);
  await newcomer.close();
  const context = await browser.newContext();
  const admin = await context.newPage();
  const headers = await apiSignIn(admin, ADMIN);
  const found = (await (await admin.request.get(`/api/v1/admin/users?q=${encodeURIComponent(account.email)}`)).json()) as { items: Array<{ id: string }> };
  const promoted = await admin.request.patch(`/api/v1/admin/users/${found.items[0].id}`, { headers, data: { roles: ['trainer'] } });
  expect(promoted.status(), await promoted.text()).toBe(200);
  await context.close();
  return account;
}

/** A course whose case study has a choice leading nowhere: saved as a draft, refused at publication. */
async function courseWithABrokenCase(page: Page, trainer: { email: string; password: string }) {
  const headers = await apiSignIn(page, trainer);
  const slug = `cas-casse-${Date.now()}`;
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(path, { headers, data });
    expect(res.ok(), await res.text()).toBe(true);
    return (await res.json()) as { id: string };
  };
  await post('/api/v1/courses', { slug, title: { ar: 'الإنصات إلى الطفل' }, summary: { ar: 'تكوين قصير.' }, theme: 'pec', language: 'ar' });
  const module = await post(`/api/v1/courses/${slug}/modules`, { title: { ar: 'الاستقبال' } });
  const item = await post(`/api/v1/modules/${module.id}/case-studies`, {
    title: { ar: 'طفلة تتكلم' },
    summary: 'سلمى تبوح لك.',
    start: 'accueil',
    nodes: [
      {
        key: 'accueil',
        body_markdown: 'سلمى، عشر سنوات، تكلّمك.',
        choices: [
          { label: 'الإنصات', next: 'fin', points: 3 },
          { label: 'إحالتها', next: 'nulle-part', points: 0 },
        ],
      },
    ],
    endings: [{ key: 'fin', title: 'التوجيه', band: 'good', debrief_markdown: 'أحسنت.' }],
  });
  return { slug, itemId: item.id };
}

test('a publication refused in Arabic names each problem and where, and links to the item', async ({ page, browser }) => {
  const { slug, itemId } = await courseWithABrokenCase(page, await arabicTrainer(browser));
  await page.goto(`/authoring/courses/${slug}`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await page.getByRole('button', { name: 'نشر', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'nulle-part' });
  await expect(alert).toBeVisible();
  // The reason in Arabic, with its place in the course by the course's titles, the choice by its
  // label; every name isolated in its own direction (U+2068 … U+2069); no English sentence.
  const text = await alert.innerText();
  expect(text).toContain('\u2068nulle-part\u2069');
  const plain = text.replace(/[\u2068\u2069]/g, '');
  expect(plain).toContain('الوحدة «الاستقبال» › دراسة حالة «طفلة تتكلم» › المرحلة «accueil»');
  expect(plain).toContain('الاختيار «إحالتها» يؤدي إلى «nulle-part» وهي ليست مرحلة ولا نهاية');
  expect(plain).not.toMatch(/points to|neither a node/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('publish-refused-ar.png'), fullPage: true });
  await alert.getByRole('link', { name: 'افتحه للتصحيح' }).click();
  await expect(page).toHaveURL(new RegExp(`/authoring/courses/${slug}/items/${itemId}`));
});

test('a refusal reads in French and in Arabic: signing in to a disabled account', async ({ page, browser }) => {
  const email = await registerViaApi(page);
  await page.context().clearCookies();
  // An admin disables the account (through the API, in a context of their own).
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  const headers = await apiSignIn(admin, ADMIN);
  const found = (await (await admin.request.get(`/api/v1/admin/users?q=${encodeURIComponent(email)}`)).json()) as { items: Array<{ id: string }> };
  const disabled = await admin.request.patch(`/api/v1/admin/users/${found.items[0].id}`, { headers, data: { disabled: true } });
  expect(disabled.status(), await disabled.text()).toBe(200);
  await adminContext.close();

  await page.goto('/login');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill('protection-2024!');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toContainText('Ce compte est désactivé');
  await expect(page.getByRole('alert')).not.toContainText('You are not allowed');

  await switchLanguage(page, 'ar');
  await page.getByRole('button', { name: 'دخول' }).click();
  await expect(page.getByRole('alert')).toContainText('هذا الحساب معطَّل');
  await expect(page.getByRole('alert')).not.toContainText('disabled');
  expect(await seriousViolations(page)).toEqual([]);
});

test('names inside plain-string sentences keep their own direction in Arabic', async ({ page }) => {
  await page.goto('/search?q=prise%20en%20charge');
  await switchLanguage(page, 'ar');
  // The heading and the window's title are plain strings: the French query is isolated in them.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/\u2068prise en charge\u2069/);
  expect(await page.title()).toContain('\u2068prise en charge\u2069');
});
