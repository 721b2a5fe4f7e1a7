import { expect, type Page } from '@playwright/test';

let counter = 0;

export function uniqueEmail(prefix = 'ts'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${counter}@example.ma`;
}

export const PASSWORD = 'protection-2024!';

/** Registers through the API (shares the page's cookie jar) and opens the app. */
export async function registerViaApi(page: Page, displayName = 'Salma Test'): Promise<string> {
  const email = uniqueEmail();
  const res = await page.request.post('/api/v1/auth/register', {
    data: { email, password: PASSWORD, display_name: displayName, locale: 'fr' },
  });
  expect(res.status(), await res.text()).toBe(201);
  return email;
}

/** Clicks a language in the header and waits for <html lang>. */
export async function switchLanguage(page: Page, locale: 'fr' | 'ar' | 'en'): Promise<void> {
  const names = { fr: 'Français', ar: 'العربية', en: 'English' } as const;
  await page.getByRole('button', { name: names[locale], exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
}

/** Created by serve.mjs (and mock-server.mjs) before the server starts. */
export const ADMIN = { email: 'admin@example.ma', password: 'admin-password-2024' };
