import { expect, test, type Page } from '@playwright/test';
import { PASSWORD, problemAnswer, registerViaApi, switchLanguage, uniqueEmail } from './helpers';

test('a learner stays signed in when the server is briefly unavailable at start (503)', async ({ page }) => {
  await page.goto('/register');
  await page.getByLabel('Adresse e-mail').fill(uniqueEmail('unavailable'));
  await page.getByLabel('Nom affiché').fill('Salma Bennani');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bonjour Salma Bennani' })).toBeVisible();

  // The session check at start meets a server without its database: the learner is not shown as a
  // guest, and the session is checked again when the server said (Retry-After), so that what they
  // change next is sent with their session's token.
  let checks = 0;
  await page.route('**/api/v1/session', (route) => {
    checks += 1;
    return checks === 1
      ? route.fulfill(problemAnswer(503, 'unavailable', 'Briefly unavailable; try again shortly', { 'Retry-After': '1' }))
      : route.continue();
  });
  await page.reload();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Se déconnecter' })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Se connecter' })).toHaveCount(0);
  await expect.poll(() => checks).toBeGreaterThan(1);
  await page.getByRole('navigation').getByRole('link', { name: 'Mon profil' }).click();
  await page.getByRole('textbox', { name: /^Profession/ }).fill('Assistante sociale');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Modifications enregistrées.')).toBeVisible();
});

test('register, log out, log in, edit profile, reload, switch to Arabic', async ({ page }) => {
  const email = uniqueEmail('flow');

  await page.goto('/register');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1, name: 'Créer un compte' })).toBeVisible();
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Nom affiché').fill('Salma Bennani');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bonjour Salma Bennani' })).toBeVisible();

  // Log out from the navigation.
  await page.getByRole('navigation').getByRole('link', { name: 'Se déconnecter' }).click();
  await expect(page.getByText('Vous êtes déconnecté')).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Se connecter' })).toBeVisible();

  // A wrong password shows an error linked to the form.
  await page.getByRole('navigation').getByRole('link', { name: 'Se connecter' }).click();
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill('not-the-password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert').first()).toBeVisible();

  // Log in.
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bonjour Salma Bennani' })).toBeVisible();

  // Edit the profile.
  await page.getByRole('navigation').getByRole('link', { name: 'Mon profil' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mon profil' })).toBeVisible();
  const territory = page.getByLabel('Territoire');
  await expect(territory.locator('option')).not.toHaveCount(1); // the list has loaded
  await territory.selectOption({ index: 1 });
  const chosen = await territory.inputValue();
  expect(chosen).not.toBe('');
  await page.getByRole('textbox', { name: /^Profession/ }).fill('Assistante sociale');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Modifications enregistrées.')).toBeVisible();

  // Reload: the saved values come back from the server.
  await page.reload();
  await expect(page.getByRole('textbox', { name: /^Profession/ })).toHaveValue('Assistante sociale');
  await expect(page.getByLabel('Territoire')).toHaveValue(chosen);

  // Switch to Arabic: right-to-left, and kept on the account.
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  await switchLanguage(page, 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1, name: 'ملفي الشخصي' })).toBeVisible();
  expect((await saved).status()).toBe(200);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('textbox', { name: /^المهنة/ })).toHaveValue('Assistante sociale');
});

test('a language chosen while its save fails stays chosen after a reload, and is saved then', async ({ page }) => {
  await registerViaApi(page, 'Nadia Langue');
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');

  // The first save of the choice never reaches the server (a weak link).
  let dropped = 0;
  await page.route('**/api/v1/me', async (route) => {
    if (route.request().method() === 'PATCH' && dropped === 0) {
      dropped += 1;
      await route.abort('internetdisconnected');
    } else await route.continue();
  });
  const failed = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/api/v1/me') && r.method() === 'PATCH');
  await switchLanguage(page, 'ar');
  await failed;

  // The account still says French, but the device's newer choice wins and is sent again.
  const resent = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  await page.reload();
  expect((await resent).status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');

  // Saved on the account: a fresh device (no local choice) opens in Arabic.
  const me = (await (await page.request.get('/api/v1/me')).json()) as { locale: string };
  expect(me.locale).toBe('ar');
});

test('the language a guest picks before signing in is kept at sign-in and saved to the account', async ({ page }) => {
  const email = await registerViaApi(page, 'Karima Invitée'); // an account in French
  await page.request.post('/api/v1/auth/logout', { headers: await csrfHeader(page) });
  await page.goto('/login');
  await switchLanguage(page, 'ar');

  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  await page.locator('input[type="email"]').fill(email);
  await page.locator('input[type="password"]').fill(PASSWORD);
  await page.locator('main form button[type="submit"]').click();
  await expect(page.getByRole('link', { name: 'تسجيل الخروج' })).toBeVisible();
  expect((await saved).status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  const me = (await (await page.request.get('/api/v1/me')).json()) as { locale: string };
  expect(me.locale).toBe('ar');
});

test('a language picked while the session check is on its way is kept, and saved to the account', async ({ page }) => {
  await registerViaApi(page, 'Nadia Attente');
  // The session check answers only once the reader has picked Arabic.
  let answer: () => void = () => undefined;
  const picked = new Promise<void>((resolve) => (answer = resolve));
  await page.route('**/api/v1/session', async (route) => {
    await picked;
    await route.continue();
  });
  await page.goto('/profile');
  await switchLanguage(page, 'ar');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  answer();
  expect((await saved).status()).toBe(200);
  await expect(page.locator('details.advanced summary')).toHaveText('إعدادات متقدمة');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  const me = (await (await page.request.get('/api/v1/me')).json()) as { locale: string };
  expect(me.locale).toBe('ar');
});

async function csrfHeader(page: Page): Promise<Record<string, string>> {
  const me = (await (await page.request.get('/api/v1/me')).json()) as { csrf_token?: string };
  return me.csrf_token ? { 'X-CSRF-Token': me.csrf_token } : {};
}

for (const locale of ['fr', 'ar'] as const) {
  const L = {
    fr: { current: 'Mot de passe actuel', fresh: 'Nouveau mot de passe', confirm: 'Confirmer le nouveau mot de passe', submit: 'Changer le mot de passe', wrong: 'Ce n’est pas votre mot de passe actuel.', done: 'Mot de passe changé.', advanced: 'Paramètres avancés' },
    ar: { current: 'كلمة المرور الحالية', fresh: 'كلمة المرور الجديدة', confirm: 'تأكيد كلمة المرور الجديدة', submit: 'تغيير كلمة المرور', wrong: 'هذه ليست كلمة المرور الحالية.', done: 'تم تغيير كلمة المرور.', advanced: 'إعدادات متقدمة' },
  }[locale];

  test(`change the password from the profile, at 360 px (${locale})`, async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    const email = await registerViaApi(page, 'Samira Motdepasse');
    await page.goto('/profile');
    if (locale !== 'fr') await switchLanguage(page, locale);

    // A learner's script tokens wait behind "advanced settings".
    const advanced = page.locator('details.advanced');
    await expect(advanced.locator('summary')).toHaveText(L.advanced);
    await expect(advanced.locator('#tokens-h')).toBeHidden();

    // The wrong current password is named as such, on its field.
    await page.getByLabel(L.current, { exact: true }).fill('not-my-password-at-all');
    await page.getByLabel(L.fresh, { exact: true }).fill('a-new-password-2026');
    await page.getByLabel(L.confirm, { exact: true }).fill('a-new-password-2026');
    await page.getByRole('button', { name: L.submit }).click();
    await expect(page.locator('#f-current_password-error')).toHaveText(L.wrong);

    await page.getByLabel(L.current, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: L.submit }).click();
    await expect(page.getByRole('status').filter({ hasText: L.done })).toBeVisible();
    await expect(page.getByLabel(L.current, { exact: true })).toHaveValue('');
    // Still signed in here; the new password is the one that works.
    await expect(page.locator('#password-h')).toBeVisible();
    expect((await page.request.get('/api/v1/me')).status()).toBe(200);
    const context = await page.context().browser()!.newContext();
    const other = await context.request.post(`${test.info().project.use.baseURL}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
    expect(other.status()).toBe(401);
    const fresh = await context.request.post(`${test.info().project.use.baseURL}/api/v1/auth/login`, { data: { email, password: 'a-new-password-2026' } });
    expect(fresh.status()).toBe(200);
    await context.close();
  });
}

test('the home page asks to complete the profile only until it is complete', async ({ page }) => {
  await registerViaApi(page, 'Hanane Profil');
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Compléter mon profil' })).toBeVisible();
  const territories = ((await (await page.request.get('/api/v1/reference/territories')).json()) as { items: Array<{ code: string }> }).items;
  const res = await page.request.patch('/api/v1/me', {
    data: { organization: 'Association Amal', organization_kind: 'association', territory: territories[0].code, profession: 'Éducatrice' },
    headers: await csrfHeader(page),
  });
  expect(res.status(), await res.text()).toBe(200);
  await page.reload();
  await expect(page.getByRole('link', { name: 'Mon profil' }).last()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Compléter mon profil' })).toHaveCount(0);
});
