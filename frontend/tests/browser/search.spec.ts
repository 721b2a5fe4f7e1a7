import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { switchLanguage } from './helpers';

// The one search box in the header finds lessons and resources together,
// with the words a newcomer types (not the indexed spelling).
test('the header search finds lessons and resources for "prise en charge", with a typo too', async ({ page }) => {
  await page.goto('/');
  const box = page.getByRole('banner').getByLabel('Rechercher dans les formations et la bibliothèque');
  await box.fill('prise en charge');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=prise/);
  const hits = page.locator('#main .cards > li');
  await expect(hits.first()).toBeVisible();
  await expect(page.locator('#main .badge', { hasText: 'Leçon' }).first()).toBeVisible();
  await expect(page.locator('#main .badge', { hasText: 'Ressource' }).first()).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  await box.fill('signalment');
  await box.press('Enter');
  await expect(hits.first()).toBeVisible();
});

test('the header search in Arabic finds Arabic resources whatever the spelling of the taa marbuta', async ({ page }) => {
  await page.goto('/');
  await switchLanguage(page, 'ar');
  const box = page.getByRole('banner').getByLabel('البحث في الدورات والمكتبة');
  await box.fill('الحمايه');
  await box.press('Enter');
  const hits = page.locator('#main .cards > li');
  await expect(hits.first()).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
});
