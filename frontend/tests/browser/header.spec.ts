import { expect, test } from '@playwright/test';
import { registerViaApi, seriousViolations, switchLanguage } from './helpers';

// The phone header (issue 9, item 10): a compact bar whose links sit behind a menu button,
// so the first screen shows the page, in French and in Arabic, for guests and members.


const MENU = { fr: 'Menu', ar: 'القائمة' } as const;
const COURSES = { fr: 'Formations', ar: 'التكوينات' } as const;

test.describe('at 360 x 740', () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  for (const who of ['guest', 'learner'] as const) {
    test(`the header is short and its menu works by keyboard, fr and ar (${who})`, async ({ page }) => {
      if (who === 'learner') await registerViaApi(page);
      await page.goto('/library');
      await expect(page.locator('main h1').first()).toBeVisible();
      for (const locale of ['fr', 'ar'] as const) {
        if (locale === 'ar') await switchLanguage(page, 'ar');
        const header = await page.locator('header.site-header').boundingBox();
        expect(header, `header in ${locale}`).not.toBeNull();
        expect(header!.height, `header height in ${locale}`).toBeLessThanOrEqual(740 * 0.25);
        // The page's heading shows on the first screen.
        const h1 = await page.locator('main h1').first().boundingBox();
        expect(h1!.y + h1!.height, `h1 on the first screen in ${locale}`).toBeLessThanOrEqual(740);

        const nav = page.getByRole('navigation', { name: locale === 'fr' ? 'Navigation principale' : 'القائمة الرئيسية' });
        await expect(nav).toBeHidden();
        const button = page.getByRole('button', { name: MENU[locale], exact: true });
        await expect(button).toHaveAttribute('aria-expanded', 'false');
        await expect(button).toHaveAttribute('aria-controls', 'site-menu');

        // Keyboard only: focus the button, open with Enter, Tab into the links.
        await button.focus();
        await page.keyboard.press('Enter');
        await expect(button).toHaveAttribute('aria-expanded', 'true');
        await expect(nav).toBeVisible();
        await expect(nav.getByRole('link', { name: COURSES[locale] })).toBeVisible();
        if (who === 'learner') await expect(nav.getByRole('link', { name: locale === 'fr' ? 'Se déconnecter' : 'تسجيل الخروج' })).toBeVisible();
        else await expect(nav.getByRole('link', { name: locale === 'fr' ? 'Se connecter' : 'تسجيل الدخول' })).toBeVisible();
        expect(await seriousViolations(page), `menu open (${locale}, ${who})`).toEqual([]);

        let reached = false;
        for (let i = 0; i < 6 && !reached; i += 1) {
          await page.keyboard.press('Tab');
          reached = await nav.getByRole('link', { name: COURSES[locale] }).evaluate((el) => el === document.activeElement);
        }
        expect(reached, `the courses link is reached with Tab in ${locale}`).toBe(true);
        // The focus ring shows on the link (keyboard focus).
        const outline = await nav.getByRole('link', { name: COURSES[locale] }).evaluate((el) => getComputedStyle(el).outlineStyle);
        expect(outline).toBe('solid');

        // In Arabic the menu button sits on the left (the end of a right-to-left line), the brand on the right.
        const buttonBox = (await button.boundingBox())!;
        const brandBox = (await page.locator('header .brand').boundingBox())!;
        if (locale === 'ar') expect(buttonBox.x).toBeLessThan(brandBox.x);
        else expect(buttonBox.x).toBeGreaterThan(brandBox.x);

        // Escape closes the menu and gives the focus back to the button.
        await page.keyboard.press('Escape');
        await expect(button).toHaveAttribute('aria-expanded', 'false');
        await expect(nav).toBeHidden();
        await expect(button).toBeFocused();

        // A link followed from the menu closes it.
        await page.keyboard.press('Enter');
        await nav.getByRole('link', { name: COURSES[locale] }).click();
        await expect(button).toHaveAttribute('aria-expanded', 'false');
        expect(await seriousViolations(page), `menu closed (${locale}, ${who})`).toEqual([]);
      }
      await switchLanguage(page, 'fr');
    });
  }
});

test('at desktop width the navigation shows without the menu button', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/library');
  await expect(page.locator('main h1').first()).toBeVisible();
  for (const locale of ['fr', 'ar'] as const) {
    if (locale === 'ar') await switchLanguage(page, 'ar');
    await expect(page.getByRole('navigation', { name: locale === 'fr' ? 'Navigation principale' : 'القائمة الرئيسية' }).getByRole('link', { name: COURSES[locale] })).toBeVisible();
    await expect(page.getByRole('button', { name: MENU[locale], exact: true })).toBeHidden();
    await expect(page.locator('header').getByRole('search')).toBeVisible();
  }
});
