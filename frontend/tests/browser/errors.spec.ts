import { expect, test } from '@playwright/test';
import { problemAnswer, switchLanguage } from './helpers';

// Problem answers are simulated here so the display can be checked precisely.
test('server field errors sit next to their fields, linked and announced', async ({ page }) => {
  await page.route('**/api/v1/auth/register', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'urn:sanad:problem:validation',
        title: 'Some fields are not valid',
        status: 422,
        errors: [{ field: 'display_name', message: 'contains a phone number' }],
      }),
    }),
  );
  await page.goto('/register');
  await page.getByLabel('Adresse e-mail').fill('amal@example.ma');
  await page.getByLabel('Nom affiché').fill('Amal 0612345678');
  await page.getByLabel('Mot de passe').fill('long-enough-password');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();

  const input = page.getByLabel('Nom affiché');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toBeFocused();
  const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
  const error = page.locator('#f-display_name-error');
  await expect(error).toHaveText('contains a phone number');
  await expect(error).toHaveAttribute('role', 'alert');
  expect(describedBy.split(' ')).toContain('f-display_name-error');
});

test('429 shows how long to wait', async ({ page }) => {
  await page.route('**/api/v1/auth/login', (route) =>
    route.fulfill(problemAnswer(429, 'too-many-requests', 'Too many attempts', { 'Retry-After': '42' })),
  );
  await page.goto('/login');
  await page.getByLabel('Adresse e-mail').fill('amal@example.ma');
  await page.getByLabel('Mot de passe').fill('whatever-password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toHaveText('Trop de tentatives. Réessayez dans 42 secondes.');
});

test('503 says the service is briefly unavailable, in French and Arabic', async ({ page }) => {
  await page.route('**/api/v1/auth/login', (route) =>
    route.fulfill(problemAnswer(503, 'unavailable', 'Briefly unavailable; try again shortly', { 'Retry-After': '5' })),
  );
  const said = { fr: 'Le service est momentanément indisponible. Réessayez dans quelques secondes.', ar: 'الخدمة غير متاحة مؤقتًا. أعد المحاولة بعد بضع ثوانٍ.' };
  for (const locale of ['fr', 'ar'] as const) {
    await page.goto('/login');
    if (locale === 'ar') await switchLanguage(page, 'ar');
    await page.locator('main input[type=email]').fill('amal@example.ma');
    await page.locator('main input[type=password]').fill('whatever-password');
    await page.locator('main form button[type=submit]').click();
    await expect(page.getByRole('alert')).toHaveText(said[locale]);
  }
});

test('unknown paths fall back to the app, which says the page is missing', async ({ page }) => {
  await page.goto('/nowhere/at-all');
  await expect(page.getByRole('heading', { level: 1, name: 'Page introuvable' })).toBeVisible();
});

test('reset link without token, and an invalid one', async ({ page }) => {
  await page.goto('/reset-password');
  await expect(page.getByRole('alert')).toContainText('Le lien est incomplet');
  await page.goto('/reset-password?token=not-a-real-token');
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('a-new-password-1');
  await page.getByLabel('Confirmer le nouveau mot de passe').fill('a-new-password-1');
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(page.getByRole('alert')).toContainText('n’est plus valide');
  await page.goto('/verify-email?token=not-a-real-token');
  await expect(page.getByRole('alert')).toContainText('n’est plus valide');
});

test('field errors are translated from their stable code, not from the English words', async ({ page }) => {
  await page.route('**/api/v1/auth/register', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'urn:sanad:problem:validation',
        title: 'Some fields are not valid',
        status: 422,
        errors: [{ field: 'display_name', code: 'too_long', message: 'is longer than 80 characters' }],
      }),
    }),
  );
  await page.goto('/register');
  await page.getByLabel('Adresse e-mail').fill('amal@example.ma');
  await page.getByLabel('Nom affiché').fill('Amal');
  await page.getByLabel('Mot de passe').fill('long-enough-password');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.locator('#f-display_name-error')).toHaveText('Ce texte est trop long.');
});

test('a visitor meets no console error on the main pages, in French and Arabic; robots.txt is text', async ({ page }) => {
  const logged: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') logged.push(`${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => logged.push(`pageerror: ${e.message}`));
  for (const locale of ['fr', 'ar'] as const) {
    await page.goto('/');
    if (locale === 'ar') await switchLanguage(page, 'ar');
    for (const path of ['/', '/courses', '/library', '/directory', '/login', '/forum']) {
      await page.goto(path);
      await expect(page.locator('main h1')).toBeVisible();
    }
  }
  expect(logged).toEqual([]);
  const robots = await page.request.get('/robots.txt');
  expect(robots.headers()['content-type']).toContain('text/plain');
});
