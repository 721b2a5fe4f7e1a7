import { expect, test } from '@playwright/test';
import { PASSWORD, switchLanguage, uniqueEmail } from './helpers';

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
