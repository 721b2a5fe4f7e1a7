import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { loginAs, registerViaApi, switchLanguage, TRAINER } from './helpers';

test('the directory filtered by territory shows only that territory, with tap-to-call links and stale badges', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Annuaire' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Annuaire des services' })).toBeVisible();
  await expect(page.locator('.service-card').first()).toBeVisible();

  await page.getByLabel('Territoire').selectOption('kenitra');
  await expect(page).toHaveURL(/territory=kenitra/);
  const cards = page.locator('.service-card');
  await expect(cards.first()).toBeVisible();
  await expect(page.locator('.service-card:not([data-territory="kenitra"])')).toHaveCount(0);
  const n = await cards.count();
  expect(n).toBeGreaterThan(1);

  const call = cards.first().locator('a.call');
  await expect(call).toHaveAttribute('href', /^tel:\+?\d+$/);
  await expect(call).toHaveAccessibleName(/^Appeler /);

  const stale = page.locator('.service-card', { has: page.locator('.stale-badge') });
  await expect(stale.first()).toBeVisible();
  await expect(stale.first().locator('.stale-badge')).toHaveText('À vérifier');
  await expect(stale.first().locator('.verified')).toContainText('Vérifié le');

  // Kind filter and search combine with the territory.
  await page.getByLabel('Type de service').selectOption('police');
  await expect(cards).toHaveCount(1);
  await expect(cards.first().locator('.meta .badge').first()).toHaveText('Police et gendarmerie');
});

test('the profile territory is the default filter', async ({ page }) => {
  await registerViaApi(page);
  const res = await page.request.get('/api/v1/me');
  const { csrf_token } = (await res.json()) as { csrf_token: string };
  const patched = await page.request.patch('/api/v1/me', { data: { territory: 'sale' }, headers: { 'X-CSRF-Token': csrf_token } });
  expect(patched.ok(), await patched.text()).toBe(true);
  await page.goto('/annuaire');
  await expect(page.getByLabel('Territoire')).toHaveValue('sale');
  await expect(page.locator('.service-card').first()).toBeVisible();
  await expect(page.locator('.service-card:not([data-territory="sale"])')).toHaveCount(0);
  // An explicit choice wins over the profile.
  await page.getByLabel('Territoire').selectOption('');
  await expect(page.locator('.service-card[data-territory="rabat"]').first()).toBeVisible();
});

test('a trainer marks a stale service as checked, and sees every error of a bad CSV import', async ({ page }) => {
  await loginAs(page, TRAINER);
  await page.goto('/annuaire?territory=rabat');
  const stale = page.locator('.service-card', { has: page.locator('.stale-badge') }).first();
  await expect(stale).toBeVisible();
  const name = (await stale.locator('h2').textContent()) ?? '';
  await stale.getByRole('button', { name: 'Marquer comme vérifié' }).click();
  const card = page.locator('.service-card', { has: page.getByRole('heading', { name, exact: true }) });
  await expect(card.getByRole('status')).toContainText('vérifié aujourd’hui');
  await expect(card.locator('.stale-badge')).toHaveCount(0);

  await expect(page.getByRole('link', { name: /Exporter l’annuaire \(CSV\)/ })).toHaveAttribute(
    'href',
    '/api/v1/directory/services/export?territory=rabat',
  );
  await page.getByText('Importer un fichier CSV', { exact: true }).first().click();
  await page.getByLabel(/^Importer un fichier CSV/).setInputFiles({
    name: 'annuaire.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('territory,kind,name\nrabat,bogus,Service X\nmars,police,\n', 'utf8'),
  });
  await page.getByRole('button', { name: 'Importer', exact: true }).click();
  const errors = page.locator('.import-errors');
  await expect(errors).toBeVisible();
  await expect(errors.locator('li')).toHaveCount(3);
  await expect(errors).toContainText('line 2');
  await expect(errors).toContainText('line 3');
});

test('an Arabic reader searches the directory in Arabic and reads its entries in Arabic (360 px, axe)', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/annuaire?territory=sale');
  await switchLanguage(page, 'ar');
  await page.getByLabel('بحث (الاسم، الخدمة، العنوان)').fill('مستشفى');
  await page.getByRole('button', { name: 'بحث', exact: true }).click();
  const cards = page.locator('.service-card');
  await expect(cards.first()).toBeVisible();
  const name = cards.first().locator('h2');
  await expect(name).toHaveAttribute('lang', 'ar');
  await expect(name).toHaveText(/[\u0600-\u06FF]/);
  await expect(cards.first().locator('dd').first()).toHaveAttribute('dir', 'rtl');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  // The same entry in French for a French reader.
  await switchLanguage(page, 'fr');
  await expect(cards.first().locator('h2')).toHaveAttribute('lang', 'fr');
});
