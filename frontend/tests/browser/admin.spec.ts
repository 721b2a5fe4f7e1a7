import { expect, test } from '@playwright/test';
import { ADMIN, registerViaApi } from './helpers';

test('admin lists users, gives a role and disables an account', async ({ page, browser }) => {
  // A learner to manage, registered in a separate context.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const email = await registerViaApi(otherPage, 'Youssef Formateur');
  await other.close();

  await page.goto('/login');
  await page.getByLabel('Adresse e-mail').fill(ADMIN.email);
  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Utilisateurs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Utilisateurs' })).toBeVisible();

  await page.getByLabel('Rechercher par nom ou e-mail').fill(email);
  await page.getByRole('main').getByRole('button', { name: 'Rechercher' }).click();
  const card = page.locator('.user-card', { hasText: email });
  await expect(card).toHaveCount(1);
  await expect(card.locator('.badge', { hasText: 'E-mail non confirmé' })).toBeVisible();
  await card.locator('summary').click();
  await card.getByLabel('Formateur·rice').check();
  await card.getByLabel('Compte désactivé').check();
  await card.getByRole('button', { name: /^Enregistrer pour/ }).click();
  await expect(card.getByRole('status')).toHaveText('Modifications enregistrées pour \u2068Youssef Formateur\u2069.');

  await page.reload();
  await page.getByLabel('Rechercher par nom ou e-mail').fill(email);
  await page.getByRole('main').getByRole('button', { name: 'Rechercher' }).click();
  await expect(card.locator('.user-card__roles')).toContainText('Formateur·rice');
  await expect(card.locator('.badge', { hasText: 'Désactivé' })).toBeVisible();
  await card.locator('summary').click();
  await expect(card.getByLabel('Formateur·rice')).toBeChecked();
  await expect(card.getByLabel('Compte désactivé')).toBeChecked();

  // Narrowed by role and state: a disabled trainer is among the disabled, not the active.
  await page.getByLabel('Rôle', { exact: true }).selectOption('trainer');
  await page.getByLabel('État du compte').selectOption('disabled');
  await page.getByRole('main').getByRole('button', { name: 'Rechercher' }).click();
  await expect(card).toHaveCount(1);
  await page.getByLabel('État du compte').selectOption('active');
  await page.getByRole('main').getByRole('button', { name: 'Rechercher' }).click();
  // Other live regions (the offline notices) share the page: find the list's own words.
  await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Aucun utilisateur trouvé.' })).toBeVisible();
  await expect(card).toHaveCount(0);
});

test('the admin page is refused to a learner', async ({ page }) => {
  await registerViaApi(page);
  await page.goto('/admin/users');
  await expect(page.getByRole('alert')).toHaveText('Vous n’avez pas accès à cette page.');
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Utilisateurs' })).toHaveCount(0);
});
