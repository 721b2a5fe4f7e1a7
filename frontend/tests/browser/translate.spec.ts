// Translating a course one language at a time (issue 9, item 1): on the course page each item tells
// what is missing in each other language, with a link that opens it in that language; there only the
// texts can change, in fields marked with the language typed; the learner then reads the translation.
import { expect, test, type Page } from '@playwright/test';
import { registerViaApi, seriousViolations, switchLanguage, TRAINER } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });


async function csrf(page: Page): Promise<string> {
  const me = (await (await page.request.get('/api/v1/me')).json()) as { csrf_token: string };
  return me.csrf_token;
}

interface Draft {
  modules: Array<{
    items: Array<{
      id: string;
      translations: Array<{ language: string; texts: number; missing: number }>;
      quiz?: { questions: Array<{ prompt: string; choices: Array<{ label: string }> }> } | null;
    }>;
  }>;
}

/** A French course with a lesson and a one-question quiz, made through the API. */
async function frenchCourse(page: Page) {
  const headers = { 'X-CSRF-Token': await csrf(page) };
  const slug = `traduire-${Date.now()}`;
  const made = await page.request.post('/api/v1/courses', {
    headers,
    data: { slug, title: 'Recueillir la parole', summary: 'Écouter un enfant sans l’interroger.', theme: 'pec', language: 'fr' },
  });
  expect(made.status(), await made.text()).toBe(201);
  const module = await page.request.post(`/api/v1/courses/${slug}/modules`, { headers, data: { title: 'Écouter' } });
  expect(module.status(), await module.text()).toBe(201);
  const moduleId = ((await module.json()) as { id: string }).id;
  const lesson = await page.request.post(`/api/v1/modules/${moduleId}/lessons`, {
    headers,
    data: { title: 'Accueillir la parole', body: '## Écouter sans juger\n\nReformulez ce que l’enfant dit, avec ses mots.' },
  });
  expect(lesson.status(), await lesson.text()).toBe(201);
  const quiz = await page.request.post(`/api/v1/modules/${moduleId}/quizzes`, {
    headers,
    data: {
      title: { fr: 'Vérifier ses repères', ar: 'التحقق من المكتسبات', en: null },
      pass_mark: 50,
      shuffle: false,
      questions: [
        {
          id: null,
          kind: 'single',
          prompt: 'Un enfant se confie : que faites-vous d’abord ?',
          explanation: 'L’écoute vient avant toute question.',
          choices: [
            { id: null, label: 'Je l’écoute sans l’interrompre', correct: true, feedback: '' },
            { id: null, label: 'Je lui pose des questions précises', correct: false, feedback: '' },
          ],
          answers: [],
        },
      ],
    },
  });
  expect(quiz.status(), await quiz.text()).toBe(201);
  const study = await page.request.post(`/api/v1/modules/${moduleId}/case-studies`, {
    headers,
    data: {
      title: 'Une confidence à la récréation',
      summary: 'Amine se confie à vous pendant la récréation.',
      start: 'debut',
      nodes: [
        {
          id: null,
          key: 'debut',
          body_markdown: 'Amine vous dit qu’il ne veut plus rentrer chez lui.',
          choices: [{ id: null, label: 'Je l’écoute', next: 'fin', points: 2, feedback_markdown: 'Écouter d’abord.' }],
        },
      ],
      endings: [{ id: null, key: 'fin', title: 'Une écoute posée', band: 'good', debrief_markdown: 'Vous avez écouté.' }],
    },
  });
  expect(study.status(), await study.text()).toBe(201);
  return { slug, quizId: ((await quiz.json()) as { id: string }).id, caseId: ((await study.json()) as { id: string }).id };
}

async function draftItem(page: Page, slug: string, id: string, language?: string) {
  const res = await page.request.get(`/api/v1/courses/${slug}/draft${language ? `?language=${language}` : ''}`);
  expect(res.ok()).toBe(true);
  const item = ((await res.json()) as Draft).modules.flatMap((m) => m.items).find((i) => i.id === id);
  if (!item) throw new Error(`no item ${id}`);
  return item;
}

const UI = {
  fr: {
    missing: (n: number) => `Arabe : ${n} textes à traduire`,
    done: 'Arabe : traduit',
    notice: 'Vous traduisez en arabe : seuls les textes sont enregistrés. Ajoutez ou retirez des questions dans la langue du cours.',
    main: 'Français (langue du cours)',
  },
  ar: {
    missing: (n: number) => `العربية: نصوص بحاجة إلى ترجمة (${n})`,
    done: 'العربية: مترجَم بالكامل',
    notice: 'أنتم تترجمون إلى العربية: تُحفظ النصوص وحدها. أضيفوا الأسئلة أو احذفوها بلغة التكوين.',
    main: 'الفرنسية (لغة التكوين)',
  },
} as const;

const PROMPT_AR = 'طفل يبوح لك بسرّ: ماذا تفعل أولًا؟';
const LABELS_AR = ['أستمع إليه دون مقاطعته', 'أطرح عليه أسئلة دقيقة'];

for (const locale of ['fr', 'ar'] as const) {
  test(`a trainer translates a quiz into Arabic from its badge; a learner reads it in Arabic (${locale} UI, 360 px)`, async ({ page, browser }) => {
    const ui = UI[locale];
    // Signed in through the API: at 360 px the header's links are behind its menu.
    const login = await page.request.post('/api/v1/auth/login', { data: TRAINER });
    expect(login.ok(), await login.text()).toBe(true);
    // The account's saved language wins on load: another test may have left it in Arabic.
    const saved = await page.request.patch('/api/v1/me', { headers: { 'X-CSRF-Token': await csrf(page) }, data: { locale: 'fr' } });
    expect(saved.ok(), await saved.text()).toBe(true);
    const { slug, quizId, caseId } = await frenchCourse(page);
    try {
      const before = (await draftItem(page, slug, quizId)).translations.find((x) => x.language === 'ar')!;
      expect(before.missing).toBe(3);
      // The course page: every item tells what each other language lacks.
      await page.goto(`/authoring/courses/${slug}`);
      await expect(page.locator('main h1')).toBeVisible();
      if (locale === 'ar') await switchLanguage(page, 'ar');
      const badge = page.locator(`a.translation-badge[href$="/items/${quizId}?language=ar"]`);
      await expect(badge).toContainText(ui.missing(before.missing));
      await expect(page.locator('a.translation-badge')).toHaveCount(6);
      if (locale === 'ar') await page.screenshot({ path: test.info().outputPath('course-ar-360.png') });
      expect(await seriousViolations(page), `course editor (${locale})`).toEqual([]);

      // The badge opens the quiz in Arabic: the notice, the switch, the fields in Arabic, the structure locked.
      await badge.click();
      await expect(page).toHaveURL(new RegExp(`/items/${quizId}\\?language=ar$`));
      await expect(page.locator('.notice.translating')).toContainText(ui.notice);
      const form = page.locator('form.editor[data-editing="ar"]');
      await expect(form).toBeVisible();
      const switcher = page.locator('nav.edit-lang');
      await expect(switcher.locator('a[aria-current="page"]')).toHaveAttribute('href', new RegExp(`\\?language=ar$`));
      await expect(switcher.locator('a').first()).toHaveText(ui.main);
      const prompt = form.locator('textarea[name="q0.prompt"]');
      await expect(prompt).toHaveValue('');
      await expect(prompt).toHaveAttribute('lang', 'ar');
      await expect(prompt).toHaveAttribute('dir', 'rtl');
      for (const field of await form.locator('textarea[name^="q0."], input[type="text"][name^="q0."]').all()) {
        await expect(field).toHaveAttribute('lang', 'ar');
        await expect(field).toHaveAttribute('dir', 'rtl');
      }
      // Above each field, the course's own text, marked French, and told to screen readers with the field.
      const original = form.locator('p.original', { has: page.locator('[lang="fr"]', { hasText: 'Un enfant se confie' }) });
      await expect(original).toBeVisible();
      await expect(prompt).toHaveAttribute('aria-describedby', new RegExp(`(^| )${await original.getAttribute('id')}($| )`));
      await expect(form.locator('p.original .original__text[lang="fr"]', { hasText: 'Je l’écoute sans l’interrompre' })).toHaveAttribute('dir', 'ltr');
      await expect(form.locator('select[name="q0.kind"]')).toBeDisabled();
      await expect(form.locator('input[name="q0.correct"]').first()).toBeDisabled();
      await expect(form.locator('input[name="pass_mark"]')).toBeDisabled();
      // No adding, removing or moving questions or choices.
      await expect(form.locator('button[type="button"]')).toHaveCount(0);

      await prompt.fill(PROMPT_AR);
      await form.locator('input[name="q0.c0.label"]').fill(LABELS_AR[0]!);
      await form.locator('input[name="q0.c1.label"]').fill(LABELS_AR[1]!);
      await form.locator('textarea[name="q0.explanation"]').fill('الإنصات يسبق أي سؤال.');
      if (locale === 'ar') {
        await page.screenshot({ path: test.info().outputPath('translate-ar-360.png'), fullPage: true });
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: test.info().outputPath('translate-ar-360-top.png') });
        await form.locator('fieldset.editor-block').first().screenshot({ path: test.info().outputPath('translate-ar-360-question.png') });
      }
      expect(await seriousViolations(page), `item editor, translating (${locale})`).toEqual([]);
      // Unsaved edits: switching language asks first; declining keeps the page and what was typed.
      const asked: string[] = [];
      page.once('dialog', (d) => {
        asked.push(d.message());
        void d.dismiss();
      });
      await switcher.locator('a').first().click();
      expect(asked, 'a confirmation before leaving unsaved edits').toHaveLength(1);
      await expect(page).toHaveURL(new RegExp(`/items/${quizId}\\?language=ar$`));
      await expect(prompt).toHaveValue(PROMPT_AR);
      await form.locator('button[type="submit"]').click();
      await expect(page.locator('.translation-status')).toHaveText(ui.done);
      await expect(page.getByRole('status').filter({ hasText: ui.done })).toBeVisible();

      // Saved as the translation: the French texts and the structure stay.
      const main = await draftItem(page, slug, quizId);
      expect(main.quiz!.questions[0]!.prompt).toBe('Un enfant se confie : que faites-vous d’abord ?');
      expect(main.translations.find((x) => x.language === 'ar')!.missing).toBe(0);
      expect((await draftItem(page, slug, quizId, 'ar')).quiz!.questions[0]!.choices.map((c) => c.label)).toEqual(LABELS_AR);

      // Back on the course page, the count is at 0.
      await page.locator('form.editor').getByRole('link').last().click();
      await expect(badge).toContainText(ui.done);
      await expect(badge).toHaveClass(/badge--ok/);

      if (locale === 'fr') {
        // A case study in English: its keys, where choices lead, points and bands are locked too.
        await page.locator(`a.translation-badge[href$="/items/${caseId}?language=en"]`).click();
        const study = page.locator('form.editor[data-editing="en"]');
        await expect(study).toBeVisible();
        await expect(study.locator('textarea[name="summary"]')).toHaveAttribute('lang', 'en');
        for (const name of ['start', 'n0.key', 'n0.c0.next', 'n0.c0.points', 'e0.key', 'e0.band']) {
          await expect(study.locator(`[name="${name}"]`)).toBeDisabled();
        }
        await expect(study.locator('button[type="button"]')).toHaveCount(0);
        await expect(page.locator('.translation-status')).toHaveText('Anglais : 4 textes à traduire');
        await study.locator('textarea[name="summary"]').fill('Amine confides in you at break time.');
        await study.locator('button[type="submit"]').click();
        // The summary was one of the four texts (summary, step, choice, ending).
        await expect(page.getByRole('status').filter({ hasText: 'Modifications enregistrées. Anglais : 3 textes à traduire' })).toBeVisible();
        await expect(page.locator('.translation-status')).toHaveText('Anglais : 3 textes à traduire');
        expect(await seriousViolations(page), 'case study editor, translating').toEqual([]);
        await page.locator('form.editor').getByRole('link').last().click();
        await expect(page.locator(`a.translation-badge[href$="/items/${caseId}?language=en"]`)).toContainText('Anglais : 3 textes à traduire');
      }

      const published = await page.request.post(`/api/v1/courses/${slug}/publish`, { headers: { 'X-CSRF-Token': await csrf(page) } });
      expect(published.status(), await published.text()).toBe(200);

      // A learner reading in Arabic gets the Arabic question.
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
      const learner = await context.newPage();
      await registerViaApi(learner, 'Hind Lectrice');
      await learner.goto(`/quizzes/${quizId}`);
      await expect(learner.locator('fieldset.question').first()).toBeVisible();
      await switchLanguage(learner, 'ar');
      const shown = learner.locator('fieldset.question .question__prompt').first();
      await expect(shown).toHaveText(PROMPT_AR);
      await expect(shown).toHaveAttribute('lang', 'ar');
      await expect(learner.locator('fieldset.question .check').first()).toContainText(LABELS_AR[0]!);
      expect(await seriousViolations(learner), `learner quiz (${locale})`).toEqual([]);
      await context.close();
    } finally {
      // The shared trainer account goes back to French for the tests that follow.
      if (locale !== 'fr') {
        const res = await page.request.patch('/api/v1/me', { headers: { 'X-CSRF-Token': await csrf(page) }, data: { locale: 'fr' } });
        expect(res.status()).toBe(200);
      }
    }
  });
}
