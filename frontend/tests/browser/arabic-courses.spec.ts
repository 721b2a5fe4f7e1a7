// An Arabic reader takes the starter courses in Arabic (issue 9, items 1 and 3): lessons, quizzes and
// case studies read in Arabic, right to left, with nothing announced as being in another language;
// and the same screens in French stay French. At 360 px, axe clean.
import { expect, test } from '@playwright/test';
import { firstItem, registerViaApi, seriousViolations, switchLanguage } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });


/** The share of Arabic letters among the letters of a text. */
function arabicShare(text: string): number {
  const letters = [...text].filter((c) => /\p{L}/u.test(c));
  return letters.filter((c) => /[\u0600-\u06FF]/.test(c)).length / Math.max(1, letters.length);
}

for (const slug of ['prise-en-charge', 'concepts']) {
  test(`${slug} in Arabic: a lesson, the quiz and the case study to its ending (360 px)`, async ({ page }) => {
    await registerViaApi(page, 'Qaria Test');
    const lesson = await firstItem(page, slug, 'lesson');
    const quiz = await firstItem(page, slug, 'quiz');
    const cs = await firstItem(page, slug, 'case_study');
    await page.goto(`/lessons/${lesson.id}`);
    await switchLanguage(page, 'ar');
    const prose = page.locator('.prose');
    await expect(prose).toHaveAttribute('lang', 'ar');
    expect(arabicShare(await prose.innerText())).toBeGreaterThan(0.9);
    await expect(page.locator('.lang-note')).toHaveCount(0);
    expect(await seriousViolations(page), 'lesson').toEqual([]);
    await page.screenshot({ path: `test-results/ar-${slug}-lesson.png`, fullPage: false });

    await page.goto(`/quizzes/${quiz.id}`);
    const prompts = page.locator('fieldset.question .question__prompt');
    await expect(prompts.first()).toBeVisible();
    for (let i = 0; i < (await prompts.count()); i += 1) {
      await expect(prompts.nth(i)).toHaveAttribute('lang', 'ar');
      expect(arabicShare(await prompts.nth(i).innerText())).toBeGreaterThan(0.8);
    }
    await expect(page.locator('.lang-note')).toHaveCount(0);
    expect(await seriousViolations(page), 'quiz').toEqual([]);
    await page.screenshot({ path: `test-results/ar-${slug}-quiz.png`, fullPage: false });
    // Answer everything with the first choice (or a word), and read the feedback in Arabic.
    const questions = page.locator('fieldset.question');
    for (let i = 0; i < (await questions.count()); i += 1) {
      const q = questions.nth(i);
      if ((await q.locator('input[type="text"]').count()) > 0) await q.locator('input[type="text"]').fill('الإنصات');
      else await q.locator('input').first().check();
    }
    await page.locator('form.quiz-form button[type="submit"]').click();
    const feedback = page.locator('.feedback h3 .question__prompt');
    await expect(feedback.first()).toHaveAttribute('lang', 'ar');
    await expect(page.locator('.lang-note')).toHaveCount(0);

    await page.goto(`/case-studies/${cs.id}`);
    await expect(page.locator('.case__intro .lead')).toHaveAttribute('lang', 'ar');
    await page.locator('.case__intro button').click();
    for (let step = 0; step < 30; step += 1) {
      const ending = page.locator('.case__ending');
      const next = page.locator('.case__feedback button');
      const choice = page.locator('.case__choices button').first();
      await expect(ending.or(next).or(choice)).toBeVisible();
      if (await ending.isVisible()) break;
      if (await next.isVisible()) {
        await expect(page.locator('.case__feedback .prose')).toHaveAttribute('lang', 'ar');
        await next.click();
        await expect(page.locator('.case__feedback')).toHaveCount(0);
        continue;
      }
      await expect(page.locator('.case__node .prose')).toHaveAttribute('lang', 'ar');
      expect(arabicShare(await page.locator('.case__node .prose').innerText())).toBeGreaterThan(0.8);
      await expect(choice).toHaveAttribute('lang', 'ar');
      if (step === 0) {
        expect(await seriousViolations(page), 'case study').toEqual([]);
        await page.screenshot({ path: `test-results/ar-${slug}-case.png`, fullPage: false });
      }
      await choice.click();
      await expect(page.locator('#case-feedback')).toBeFocused();
    }
    await expect(page.locator('.case__ending h2')).toHaveAttribute('lang', 'ar');
    await expect(page.locator('.lang-note')).toHaveCount(0);
    expect(await seriousViolations(page), 'case ending').toEqual([]);
    await page.screenshot({ path: `test-results/ar-${slug}-ending.png`, fullPage: true });

    // The same lesson in French is French again.
    await switchLanguage(page, 'fr');
    await page.goto(`/lessons/${lesson.id}`);
    await expect(page.locator('.prose')).toHaveAttribute('lang', 'fr');
    expect(arabicShare(await page.locator('.prose').innerText())).toBeLessThan(0.1);
  });
}
