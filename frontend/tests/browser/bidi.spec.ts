// Mixed directions (issue 9, item 6): French content in an Arabic page keeps its own language and
// direction (punctuation on its side, a question aligned like its choices and its explanation), and
// people's words take the direction they are written in, paragraph by paragraph.
import { expect, test, type Locator } from '@playwright/test';
import { publishFrenchOnlyCourse, registerViaApi, seriousViolations, switchLanguage } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });


const direction = (l: Locator) => l.evaluate((el) => getComputedStyle(el).direction);

/**
 * How far each line of a text starts from the start of the block holding it (legend or heading),
 * for a left-to-right text: 0 everywhere when it is aligned at its own start.
 */
async function lineOffsets(text: Locator): Promise<number[]> {
  return text.evaluate((el) => {
    const block = el.closest('legend, h3') as HTMLElement;
    const left = block.getBoundingClientRect().left + parseFloat(getComputedStyle(block).paddingLeft);
    const range = document.createRange();
    range.selectNodeContents(el);
    return [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.left - left));
  });
}

test('a French course in an Arabic page: lesson and quiz read left to right, aligned alike (360 px)', async ({ page }) => {
  const course = await publishFrenchOnlyCourse(page);
  const lesson = { id: course.lessonId };
  const quiz = { id: course.quizId };
  await registerViaApi(page, 'Nadia Bidi');
  const served = (await (await page.request.get(`/api/v1/lessons/${lesson.id}?lang=ar`)).json()) as { language: string; body_language: string };
  expect(served.body_language, 'the course is written in French only').toBe('fr');

  await page.goto(`/lessons/${lesson.id}`);
  await expect(page.locator('.prose')).toBeVisible();
  await switchLanguage(page, 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  expect(await direction(page.locator('main'))).toBe('rtl');
  const prose = page.locator('.prose');
  await expect(prose).toHaveAttribute('lang', 'fr');
  expect(await direction(prose)).toBe('ltr');
  // The title in the language it is served in (Arabic where the course has one), and so its direction.
  const h1 = page.locator('main h1');
  await expect(h1).toHaveAttribute('lang', served.language);
  expect(await direction(h1)).toBe(served.language === 'ar' ? 'rtl' : 'ltr');
  // The interface around stays right to left, and says, in Arabic, that the lesson is in French.
  expect(await direction(page.locator('.reader__kicker'))).toBe('rtl');
  await expect(page.locator('.lang-note')).toHaveText('هذا الجزء باللغة الفرنسية.');
  expect(await seriousViolations(page), 'lesson').toEqual([]);

  await page.goto(`/quizzes/${quiz.id}`);
  const first = page.locator('fieldset.question').first();
  await expect(first).toBeVisible();
  const questions = await page.locator('fieldset.question').count();
  for (let i = 0; i < questions; i += 1) {
    const q = page.locator('fieldset.question').nth(i);
    const prompt = q.locator('legend [lang="fr"]');
    await expect(prompt).toHaveCount(1);
    expect(await direction(prompt)).toBe('ltr');
    // Every line of the question starts at the left edge, like a French paragraph.
    expect((await lineOffsets(prompt)).every((x) => Math.abs(x) <= 2), `question ${i + 1} aligned at its start: ${await lineOffsets(prompt)}`).toBe(true);
    // Its number and hint stay Arabic, right to left.
    expect(await direction(q.locator('.question__num'))).toBe('rtl');
    const choices = q.locator('.check');
    if ((await choices.count()) > 0) {
      const choice = choices.first();
      await expect(choice).toHaveAttribute('lang', 'fr');
      expect(await direction(choice)).toBe('ltr');
      // The box sits at the start of its French text (on the left), not across the line.
      const box = (await choice.locator('input').boundingBox())!;
      const label = (await choice.locator('label').boundingBox())!;
      expect(box.x).toBeLessThan(label.x);
      await choice.locator('input').check();
    } else {
      await q.locator('input[type="text"]').fill('signalement');
    }
  }
  expect(await seriousViolations(page), 'quiz').toEqual([]);

  await page.locator('form.quiz-form button[type="submit"]').click();
  await expect(page.locator('.feedback').first()).toBeVisible();
  const feedback = page.locator('.feedback');
  for (let i = 0; i < (await feedback.count()); i += 1) {
    const f = feedback.nth(i);
    const prompt = f.locator('h3 [lang="fr"]');
    expect(await direction(prompt)).toBe('ltr');
    expect((await lineOffsets(prompt)).every((x) => Math.abs(x) <= 2), `feedback ${i + 1}'s question at its start`).toBe(true);
    const explanation = f.locator('.explanation [lang="fr"]');
    if ((await explanation.count()) > 0) {
      expect(await direction(explanation)).toBe('ltr');
      // The question and its explanation start on the same side.
      const h3 = (await f.locator('h3').boundingBox())!;
      const ex = await explanation.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return range.getClientRects()[0].left;
      });
      const lines = await lineOffsets(prompt);
      expect(Math.abs(ex - (h3.x + lines[0])) <= 20, 'question and explanation aligned on one side').toBe(true);
    }
  }
  expect(await seriousViolations(page), 'quiz feedback').toEqual([]);
  await switchLanguage(page, 'fr');
});

test('a forum post in French and Arabic, read in Arabic: each paragraph in its own direction (360 px)', async ({ page }) => {
  test.skip(process.env.SANAD_BROWSER_MOCK === '1', 'the forum is not in mock-server.mjs');
  await registerViaApi(page, 'Karim Bidi');
  const me = (await (await page.request.get('/api/v1/me')).json()) as { csrf_token?: string };
  const title = `Accueil d’un enfant victime ${Date.now()}.`;
  const arabic = 'شكرا على هذا السؤال المهم حول مرافقة الطفل.';
  const french = 'Je cite la fiche : « Écouter d’abord l’enfant victime. »';
  const res = await page.request.post('/api/v1/forum/topics', {
    data: { category: 'concepts', title, body: `${arabic}\n\n${french}`, anonymous: false },
    headers: me.csrf_token ? { 'X-CSRF-Token': me.csrf_token } : {},
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  const sent = (await res.json()) as { topic_id: string; status: string };
  expect(sent.status).toBe('published');

  await page.goto(`/forum/t/${sent.topic_id}`);
  await expect(page.locator('.post__body').first()).toBeVisible();
  await switchLanguage(page, 'ar');
  expect(await direction(page.locator('main'))).toBe('rtl');
  // The French title reads left to right, its full stop at its end (on the right).
  expect(await direction(page.locator('main h1'))).toBe('ltr');
  const body = page.locator('.post__body').first();
  const fr = body.locator('p', { hasText: 'Je cite la fiche' });
  const ar = body.locator('p', { hasText: 'شكرا على هذا السؤال' });
  expect(await direction(fr)).toBe('ltr');
  expect(await direction(ar)).toBe('rtl');
  // Each aligned at its own start: the French one on the left, the Arabic one on the right.
  const postBox = (await body.boundingBox())!;
  const starts = async (p: Locator) =>
    p.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const r = range.getClientRects()[0];
      return { left: r.left, right: r.right };
    });
  expect((await starts(fr)).left - postBox.x).toBeLessThanOrEqual(2);
  expect(postBox.x + postBox.width - (await starts(ar)).right).toBeLessThanOrEqual(2);
  expect(await seriousViolations(page), 'topic').toEqual([]);
  await switchLanguage(page, 'fr');
});
