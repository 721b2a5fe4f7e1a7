import { expect, test } from '@playwright/test';
import { firstItem, registerViaApi, seriousViolations, switchLanguage } from './helpers';


for (const locale of ['fr', 'ar'] as const) {
  test(`axe: register and login pages (${locale})`, async ({ page }) => {
    for (const path of ['/register', '/login']) {
      await page.goto(path);
      await expect(page.locator('main h1')).toBeVisible();
      if (locale !== 'fr') await switchLanguage(page, locale);
      expect(await seriousViolations(page), `${path} (${locale})`).toEqual([]);

      // With errors shown, too.
      await page.locator('main form button[type="submit"]').click();
      await expect(page.locator('main [aria-invalid="true"]').first()).toBeVisible();
      expect(await seriousViolations(page), `${path} with errors (${locale})`).toEqual([]);
    }
  });

  test(`axe: profile page (${locale})`, async ({ page }) => {
    await registerViaApi(page);
    await page.goto('/profile');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    if (locale !== 'fr') await switchLanguage(page, locale);
    await expect(page.locator('select[name="territory"] option')).not.toHaveCount(1);
    expect(await seriousViolations(page), `profile (${locale})`).toEqual([]);
  });
}

for (const locale of ['fr', 'ar'] as const) {
  test(`axe: catalogue, lesson, quiz and case study (${locale})`, async ({ page }) => {
    await registerViaApi(page);
    const lesson = await firstItem(page, 'concepts', 'lesson');
    const quiz = await firstItem(page, 'concepts', 'quiz');
    const cs = await firstItem(page, 'concepts', 'case_study');
    await page.goto('/courses');
    await expect(page.locator('.course-card').first()).toBeVisible();
    if (locale !== 'fr') await switchLanguage(page, locale);
    await expect(page.locator('.course-card').first()).toBeVisible();
    expect(await seriousViolations(page), `catalogue (${locale})`).toEqual([]);

    await page.goto('/courses/concepts');
    await expect(page.locator('.outline')).toBeVisible();
    expect(await seriousViolations(page), `course (${locale})`).toEqual([]);

    await page.goto(`/lessons/${lesson.id}`);
    await expect(page.locator('.prose')).toBeVisible();
    expect(await seriousViolations(page), `lesson (${locale})`).toEqual([]);

    await page.goto(`/quizzes/${quiz.id}`);
    await expect(page.locator('fieldset.question').first()).toBeVisible();
    expect(await seriousViolations(page), `quiz (${locale})`).toEqual([]);
    await page.locator('form.quiz-form button[type="submit"]').click();
    await expect(page.locator('fieldset.question--invalid').first()).toBeVisible();
    expect(await seriousViolations(page), `quiz with errors (${locale})`).toEqual([]);

    await page.goto(`/case-studies/${cs.id}`);
    await expect(page.locator('.case__intro')).toBeVisible();
    expect(await seriousViolations(page), `case study (${locale})`).toEqual([]);
    await page.locator('.case__intro button').click();
    await expect(page.locator('.case__choices button').first()).toBeVisible();
    expect(await seriousViolations(page), `case study node (${locale})`).toEqual([]);
    await page.locator('.case__choices button').first().click();
    await expect(page.locator('.case__feedback')).toBeVisible();
    expect(await seriousViolations(page), `case study feedback (${locale})`).toEqual([]);
  });
}

for (const locale of ['fr', 'ar'] as const) {
  test(`axe: library search, resource page and directory (${locale})`, async ({ page }) => {
    await registerViaApi(page);
    await page.goto('/library?q=violences');
    await expect(page.locator('.resource-card mark').first()).toBeVisible();
    if (locale !== 'fr') await switchLanguage(page, locale);
    await expect(page.locator('.facets [data-facet="type"]')).toBeVisible();
    expect(await seriousViolations(page), `library search (${locale})`).toEqual([]);

    await page.locator('.resource-card h2 a').first().click();
    await expect(page.locator('.rating-form')).toBeVisible();
    expect(await seriousViolations(page), `resource page (${locale})`).toEqual([]);
    // With the rating form's error shown, too.
    await page.locator('.rating-form button[type="submit"]').click();
    await expect(page.locator('.rating-form .field-error')).toBeVisible();
    expect(await seriousViolations(page), `resource page with errors (${locale})`).toEqual([]);

    await page.goto('/annuaire');
    await expect(page.locator('.service-card').first()).toBeVisible();
    expect(await seriousViolations(page), `directory (${locale})`).toEqual([]);
  });
}
