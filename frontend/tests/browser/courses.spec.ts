import { expect, test, type Page } from '@playwright/test';
import { firstItem, loginAs, playToTheEnd, publishFrenchOnlyCourse, registerViaApi, switchLanguage, TRAINER } from './helpers';

const CONCEPTS = 'Comprendre les violences faites aux enfants';

test('a learner reads a lesson from the catalogue and goes to the next one', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('main').getByRole('link', { name: 'Voir les formations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Formations' })).toBeVisible();
  await page.getByRole('link', { name: CONCEPTS }).click();
  await expect(page.getByRole('heading', { level: 1, name: CONCEPTS })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Programme' })).toBeVisible();

  await page.getByRole('link', { name: /Reconnaître les formes de violence/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reconnaître les formes de violence' })).toBeVisible();
  const prose = page.locator('.prose');
  await expect(prose.locator('table')).toBeVisible();
  await expect(prose).toHaveAttribute('lang', 'fr');

  await page.getByRole('navigation', { name: 'Étapes du cours' }).getByRole('link', { name: /Suivant/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Les violences sexuelles/ })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Étapes du cours' }).getByRole('link', { name: /Précédent/ })).toBeVisible();
});

test('a learner takes a starter quiz and sees the score and the corrections', async ({ page }) => {
  await registerViaApi(page);
  const quiz = await firstItem(page, 'concepts', 'quiz');
  await page.goto('/courses/concepts');
  await page.getByRole('link', { name: quiz.title }).click();
  await expect(page.getByRole('heading', { level: 1, name: quiz.title })).toBeVisible();

  const questions = page.locator('fieldset.question');
  const count = await questions.count();
  expect(count).toBeGreaterThan(1);
  // Each question is written inside its box, never across its border.
  for (const box of await questions.all()) {
    const inside = await box.evaluate((fieldset) => {
      const legend = fieldset.querySelector('legend')!.getBoundingClientRect();
      const frame = fieldset.getBoundingClientRect();
      const border = parseFloat(getComputedStyle(fieldset).borderTopWidth);
      return legend.top >= frame.top + border && legend.right <= frame.right && legend.left >= frame.left;
    });
    expect(inside).toBe(true);
  }
  // Sent blank: the warning counts the questions left, counts down as they
  // are answered, and goes once none is left.
  await page.getByRole('button', { name: 'Valider mes réponses' }).click();
  const warning = page.locator('form.quiz-form .alert--error');
  await expect(warning).toHaveText(`Il reste ${count} question(s) sans réponse.`);
  for (let i = 0; i < count; i += 1) {
    const q = questions.nth(i);
    const text = q.locator('input[type="text"]');
    if ((await text.count()) > 0) await text.fill('CIDE');
    else await q.locator('input').first().check();
    if (i < count - 1) await expect(warning).toHaveText(`Il reste ${count - i - 1} question(s) sans réponse.`);
  }
  await expect(warning).toHaveCount(0);
  await page.getByRole('button', { name: 'Valider mes réponses' }).click();

  const result = page.getByRole('heading', { level: 2, name: 'Votre résultat' });
  await expect(result).toBeVisible();
  await expect(result).toBeFocused();
  await expect(page.locator('.score__big')).toHaveText(/\d+ sur \d+ \(\d+ %\)/);
  await expect(page.locator('.feedback')).toHaveCount(count);
  await expect(page.locator('.explanation').first()).toBeVisible();
  await expect(page.getByText('Votre choix').first()).toBeVisible();
  // The attempts are told once, in the result.
  await expect(page.getByText(/Tentatives/)).toHaveCount(1);
});

test('a learner plays a starter case study to its ending', async ({ page }) => {
  await registerViaApi(page);
  const cs = await firstItem(page, 'concepts', 'case_study');
  await page.goto('/courses/concepts');
  await page.getByRole('link', { name: cs.title }).click();
  await expect(page.getByRole('heading', { level: 1, name: cs.title })).toBeVisible();
  // The intro counts decisions on the ways through, not the study's steps.
  const view = (await (await page.request.get(`/api/v1/case-studies/${cs.id}`)).json()) as { decisions_fewest: number; decisions_most: number };
  expect(view.decisions_fewest).toBeGreaterThan(0);
  await expect(page.locator('.case__intro .muted')).toHaveText(
    view.decisions_fewest === view.decisions_most
      ? `Décisions à prendre : ${view.decisions_most}.`
      : `De ${view.decisions_fewest} à ${view.decisions_most} décisions à prendre, selon vos choix.`,
  );
  await playToTheEnd(page);
  await expect(page.getByRole('heading', { level: 3, name: 'Débriefing' })).toBeVisible();
  await expect(page.locator('.case__ending .band')).toHaveText(/Très bonne prise en charge|Prise en charge partielle|À retravailler/);
  await expect(page.locator('.case__ending .score__big')).toHaveText(/Score : \d+ sur \d+/);
  await expect(page.getByRole('heading', { level: 2, name: 'Votre parcours' })).toBeVisible();

  // A reload resumes the run from the address.
  await page.reload();
  await expect(page.getByRole('heading', { level: 3, name: 'Débriefing' })).toBeVisible();
});

test('a trainer creates a course with a lesson, previews it live and publishes it', async ({ page }) => {
  const slug = `cours-test-${Date.now()}`;
  const title = `Écoute active ${Date.now()}`;
  await loginAs(page, TRAINER);
  await page.getByRole('navigation').getByRole('link', { name: 'Mes cours' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mes cours' })).toBeVisible();

  const create = page.locator('section', { has: page.getByRole('heading', { name: 'Créer un cours' }) });
  await create.getByLabel('Adresse du cours').fill(slug);
  await create.locator('#f-title\\.fr').fill(title);
  await create.locator('#f-summary\\.fr').fill('Accueillir la parole d’un enfant sans la déformer.');
  await create.getByLabel('Thème').selectOption('pec');
  await create.getByRole('button', { name: 'Créer le cours' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByText('Jamais publié')).toBeVisible();

  // A module, then a lesson in it.
  const addModule = page.locator('section', { has: page.getByRole('heading', { name: 'Ajouter un module' }) });
  await addModule.locator('input[name="new-module.title.fr"]').fill('Premiers pas');
  await addModule.getByRole('button', { name: 'Ajouter un module' }).click();
  await expect(page.getByRole('heading', { level: 2, name: /Premiers pas/ })).toBeVisible();
  await page.getByRole('link', { name: '+ Leçon' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nouveau contenu : Leçon' })).toBeVisible();
  await page.locator('#f-item\\.title\\.fr').fill('Accueillir la parole');
  await page.getByLabel('Texte de la leçon (Markdown)').fill('## Écouter sans juger\n\n> [!TIP]\n> Reformulez.\n\n| Faire | Éviter |\n|---|---|\n| écouter | interroger |\n');
  const preview = page.locator('.md-preview .prose');
  await expect(preview.getByRole('heading', { level: 2, name: 'Écouter sans juger' })).toBeVisible();
  await expect(preview.locator('blockquote.markdown-alert-tip')).toBeVisible();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page).toHaveURL(/\/items\//);
  await expect(page.getByRole('status').filter({ hasText: 'Modifications enregistrées.' })).toBeVisible();

  await page.getByRole('link', { name: title }).click();
  await expect(page.getByText('Modifications non publiées')).toBeVisible();
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByText('Cours publié (version 1).')).toBeVisible();
  await expect(page.getByText('Modifications non publiées')).toHaveCount(0);

  await page.getByRole('navigation').getByRole('link', { name: 'Formations' }).click();
  await expect(page.getByRole('link', { name: title })).toBeVisible();
});

test('publishing an invalid draft lists every problem', async ({ page }) => {
  await loginAs(page, TRAINER);
  const slug = `brouillon-${Date.now()}`;
  const made = await page.request.post('/api/v1/courses', {
    headers: { 'X-CSRF-Token': await csrf(page) },
    data: { slug, title: 'Brouillon', summary: 'Un brouillon vide', theme: 'concepts' },
  });
  expect(made.status(), await made.text()).toBe(201);
  await page.goto(`/authoring/courses/${slug}`);
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByRole('alert')).toContainText('problème');
  await expect(page.getByRole('alert').locator('li')).not.toHaveCount(0);
});

test('a quiz saved half-written says what it lacks before publication', async ({ page }) => {
  await loginAs(page, TRAINER);
  const slug = `quiz-a-finir-${Date.now()}`;
  const headers = { 'X-CSRF-Token': await csrf(page) };
  const made = await page.request.post('/api/v1/courses', { headers, data: { slug, title: 'Quiz à finir', summary: 'Un brouillon', theme: 'concepts' } });
  expect(made.status(), await made.text()).toBe(201);
  const module = await page.request.post(`/api/v1/courses/${slug}/modules`, { headers, data: { title: 'Module 1' } });
  expect(module.status(), await module.text()).toBe(201);
  const moduleId = ((await module.json()) as { id: string }).id;

  await page.goto(`/authoring/courses/${slug}/new/${moduleId}/quiz`);
  await page.locator('input[name="item.title.fr"], #f-item\\.title\\.fr').first().fill('Quiz vide');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Brouillon enregistré' })).toHaveText('Brouillon enregistré. À compléter avant la publication :');
  const gaps = page.locator('ul.gaps li');
  await expect(gaps).toContainText(['question 1 : le texte de la question manque', 'question 1 : choix sans libellé (2)']);
  await expect(page.getByText('Modifications enregistrées.')).toHaveCount(0);
});

async function csrf(page: Page): Promise<string> {
  const me = (await (await page.request.get('/api/v1/me')).json()) as { csrf_token: string };
  return me.csrf_token;
}

test('the theme filter narrows the catalogue; an Arabic reader gets the lessons in Arabic, and French ones marked and left-to-right', async ({ page }) => {
  await page.goto('/courses');
  const cards = page.locator('.course-card');
  await expect(cards.first()).toBeVisible();
  const all = await cards.count();
  expect(all).toBeGreaterThanOrEqual(4);
  await page.getByRole('radio', { name: 'Prévention' }).check();
  await expect(page.getByRole('radio', { name: 'Prévention' })).toBeChecked();
  await expect(cards).toHaveCount(1);
  await expect(page).toHaveURL(/theme=prevention/);
  await page.getByRole('radio', { name: 'Tous les thèmes' }).check();
  await expect(cards).toHaveCount(all);

  const lesson = await firstItem(page, 'concepts', 'lesson');
  await switchLanguage(page, 'ar');
  await page.goto(`/lessons/${lesson.id}`);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  const prose = page.locator('.prose');
  await expect(prose).toBeVisible();
  // The starter courses are written in Arabic too: no French, and nothing to announce.
  await expect(prose).toHaveAttribute('dir', 'rtl');
  await expect(prose).toHaveAttribute('lang', 'ar');
  await expect(prose.locator('h2').first()).toHaveText(/[\u0600-\u06FF]/);
  await expect(page.locator('.lang-note')).toHaveCount(0);

  // A course written in French only: its lesson stays French, left to right, and is said to be.
  const french = await publishFrenchOnlyCourse(page);
  await page.goto(`/lessons/${french.lessonId}`);
  await expect(prose).toHaveAttribute('dir', 'ltr');
  await expect(prose).toHaveAttribute('lang', 'fr');
  const note = page.locator('.lang-note');
  await expect(note).toHaveText('هذا الجزء باللغة الفرنسية.');
  await switchLanguage(page, 'fr');
  await expect(note).toHaveCount(0);
});

test('icons are drawn, never emoji: course outline, a lesson callout, in French and Arabic', async ({ page }) => {
  const lesson = await firstItem(page, 'prevention', 'lesson');
  for (const locale of ['fr', 'ar'] as const) {
    await page.goto('/courses/prevention');
    if (locale === 'ar') await switchLanguage(page, 'ar');
    await expect(page.locator('.kind svg.icon').first()).toBeVisible();
    const emoji = await page.evaluate(() => (document.body.innerText.match(/\p{Extended_Pictographic}/gu) ?? []).filter((c) => !'©®™↔↩↪'.includes(c)));
    expect(emoji, `emoji on the course page (${locale})`).toEqual([]);

    await page.goto(`/lessons/${lesson.id}`);
    const callout = page.locator('.prose blockquote[class^="markdown-alert-"]').first();
    await expect(callout).toBeVisible();
    const before = await callout.evaluate((el) => {
      const s = getComputedStyle(el, '::before');
      return { content: s.content, mask: s.maskImage || s.webkitMaskImage };
    });
    expect(before.mask).toContain('data:image/svg+xml');
    expect(before.content).toBe('""');
  }
});

test('a trainer writes a course in Arabic only, from the Arabic screens', async ({ page }) => {
  const slug = `tawasol-${Date.now()}`;
  const title = `التواصل مع الطفل ${Date.now()}`;
  await loginAs(page, TRAINER);
  await switchLanguage(page, 'ar');
  await page.goto('/authoring');
  const create = page.locator('section', { has: page.locator('#new-course') });
  // The address and the title are told apart.
  const slugLabel = await create.locator('label[for="f-slug"]').textContent();
  const titleLegend = await create.locator('fieldset.localized legend').first().textContent();
  expect(slugLabel).not.toBe(titleLegend);
  await create.locator('#f-slug').fill(slug);
  await create.locator('#f-title\\.ar').fill(title);
  await create.locator('#f-summary\\.ar').fill('وحدة قصيرة عن الإنصات إلى الطفل.');
  await create.locator('form button[type="submit"]').click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  const addModule = page.locator('section', { has: page.locator('input[name="new-module.title.ar"]') });
  await addModule.locator('input[name="new-module.title.ar"]').fill('الإنصات');
  await addModule.locator('button[type="submit"]').click();
  await expect(page.getByRole('heading', { level: 2, name: /الإنصات/ })).toBeVisible();
  await expect(page.locator('h2 span[lang="ar"]', { hasText: 'الإنصات' })).toBeVisible();

  // The shared trainer account goes back to French for the tests that follow.
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  await switchLanguage(page, 'fr');
  expect((await saved).status()).toBe(200);
});
