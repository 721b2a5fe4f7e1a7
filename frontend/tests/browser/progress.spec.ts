// Progress through the SPA: a starter course followed to its end, "my learning", the attestation
// checked logged out, a trainer's cohort, a field session with a bad value, and the new screens in Arabic.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loginAs, playToTheEnd, registerViaApi, switchLanguage, TRAINER } from './helpers';

const COURSE = 'concepts';
const courses = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'courses');

interface Key {
  prompt: string;
  kind: string;
  correct: string[];
  answer: string;
}

/** The right answers of the starter course's quiz, read from its folder (a small reader for the keys used there). */
function quizKey(slug: string): Key[] {
  const dirs = readdirSync(join(courses, slug), { withFileTypes: true }).filter((d) => d.isDirectory());
  const file = dirs.flatMap((d) => readdirSync(join(courses, slug, d.name)).filter((f) => f.endsWith('.quiz.toml')).map((f) => join(courses, slug, d.name, f)))[0];
  if (!file) throw new Error(`no quiz in ${slug}`);
  const keys: Key[] = [];
  let label = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const value = (name: string) => (line.startsWith(`${name} = "`) ? JSON.parse(line.slice(name.length + 3)) as string : null);
    if (line.trim() === '[[questions]]') keys.push({ prompt: '', kind: '', correct: [], answer: '' });
    const q = keys[keys.length - 1];
    if (!q) continue;
    q.prompt = value('prompt') ?? q.prompt;
    q.kind = value('kind') ?? q.kind;
    label = value('label') ?? label;
    if (line.trim() === 'correct = true') q.correct.push(label);
    if (line.startsWith('answers = [')) q.answer = (JSON.parse(line.slice('answers = '.length)) as string[])[0] ?? '';
  }
  return keys;
}

async function passQuiz(page: Page) {
  const key = quizKey(COURSE);
  const questions = page.locator('fieldset.question');
  await expect(questions.first()).toBeVisible();
  const count = await questions.count();
  for (let i = 0; i < count; i += 1) {
    const q = questions.nth(i);
    const legend = (await q.locator('legend').innerText()).replace(/\s+/g, ' ');
    const k = key.find((x) => legend.includes(x.prompt.replace(/\s+/g, ' ')));
    if (!k) throw new Error(`no answer for: ${legend}`);
    if (k.kind === 'short_text') await q.locator('input[type="text"]').fill(k.answer);
    else for (const label of k.correct) await q.getByLabel(label, { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Valider mes réponses' }).click();
  await expect(page.locator('.score--ok')).toBeVisible();
}

async function axe(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')) }));
  expect(serious, where).toEqual([]);
}

test('a learner follows a starter course to its end, sees 100 % and the attestation, checked logged out', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await registerViaApi(page, 'Salma Bennani');
  await page.goto(`/courses/${COURSE}`);
  await expect(page.locator('.outline')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Votre progression' })).toBeVisible();

  // Every item of the outline, in order, through the SPA.
  const items = page.locator('.outline a.outline__item');
  const total = await items.count();
  expect(total).toBeGreaterThan(2);
  for (let i = 0; i < total; i += 1) {
    await page.goto(`/courses/${COURSE}`);
    const item = page.locator('.outline a.outline__item').nth(i);
    const href = (await item.getAttribute('href')) ?? '';
    await item.click();
    await expect(page.locator('main h1')).toBeVisible();
    if (href.startsWith('/lessons/')) {
      await page.getByRole('button', { name: 'J’ai lu cette leçon' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Leçon lue' })).toBeVisible();
    } else if (href.startsWith('/quizzes/')) {
      await passQuiz(page);
    } else {
      await playToTheEnd(page);
    }
  }

  await page.goto(`/courses/${COURSE}`);
  await expect(page.locator('.outline__done')).toHaveCount(total);
  await expect(page.locator('.standing__done')).toContainText('Terminé');

  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Mon apprentissage' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mon apprentissage' })).toBeVisible();
  const bar = page.locator('.followed').getByRole('progressbar');
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await expect(page.locator('.followed .progress__text')).toContainText(`${total} sur ${total} éléments`);
  await expect(page.getByRole('heading', { level: 2, name: 'Mes attestations' })).toBeVisible();
  const pdf = page.getByRole('link', { name: 'Télécharger l’attestation (PDF)' }).first();
  await expect(pdf).toHaveAttribute('href', /\/api\/v1\/certificates\/.+\/pdf$/);
  const href = (await page.getByRole('link', { name: 'Page de vérification' }).first().getAttribute('href')) ?? '';
  const code = decodeURIComponent(href.replace('/certificates/', ''));
  expect(code.length).toBeGreaterThanOrEqual(14);

  // Anyone checks it, without signing in; the code may be typed in lower case with spaces.
  const visitor = await browser.newPage();
  await visitor.goto(href);
  await expect(visitor.getByRole('heading', { level: 2, name: /Attestation valide/ })).toBeVisible();
  await expect(visitor.locator('.facts')).toContainText('Salma Bennani');
  const pdfRes = await visitor.request.get(`/api/v1/certificates/${encodeURIComponent(code)}/pdf`);
  expect(pdfRes.headers()['content-type']).toContain('application/pdf');
  await visitor.goto('/certificates');
  const spaced = code.toLowerCase().replace(/(.{4})/g, '$1 ');
  await visitor.getByLabel('Code de l’attestation').fill(spaced);
  await visitor.getByRole('button', { name: 'Vérifier' }).click();
  await expect(visitor.getByRole('heading', { level: 2, name: /Attestation valide/ })).toBeVisible();
  await visitor.goto('/certificates/ZZZZ-ZZZZ-ZZZZ-ZZZZ');
  await expect(visitor.getByRole('alert')).toContainText('Aucune attestation ne correspond à ce code');
  await visitor.close();
});

test('an anonymous reader is asked to sign in to track a lesson', async ({ page }) => {
  const res = await page.request.get(`/api/v1/courses/${COURSE}?lang=fr`);
  const first = ((await res.json()) as { modules: Array<{ items: Array<{ id: string; kind: string }> }> }).modules[0]?.items.find((i) => i.kind === 'lesson');
  await page.goto(`/lessons/${first?.id}`);
  await expect(page.getByRole('link', { name: 'Connectez-vous pour suivre votre progression.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'J’ai lu cette leçon' })).toHaveCount(0);
});

test('a trainer creates a cohort, adds members and sees the dashboard', async ({ page }) => {
  const learner = await registerViaApi(page, 'Youssef Alaoui');
  await page.context().clearCookies();
  await loginAs(page, TRAINER);
  await page.goto('/cohorts');
  await expect(page.getByRole('heading', { level: 1, name: 'Mes groupes' })).toBeVisible();
  const title = `TS Salé ${Date.now()}`;
  await page.getByLabel('Cours', { exact: true }).selectOption(COURSE);
  await page.getByLabel('Nom du groupe').fill(title);
  await page.getByLabel('Date de début').fill('2025-03-01');
  await page.getByLabel('Date de fin').fill('2025-06-30');
  await page.getByRole('button', { name: 'Créer le groupe' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  await page.getByLabel('Adresses e-mail').fill(`${learner}, nouvelle-${Date.now()}@example.ma\npas-une-adresse`);
  await page.getByRole('button', { name: 'Ajouter au groupe' }).click();
  await expect(page.getByRole('heading', { level: 3, name: 'Ajoutés : 1' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: /Invités par e-mail.*: 1/ })).toBeVisible();
  await expect(page.getByText('adresse non valide')).toBeVisible();
  const table = page.locator('table.stack-table').first();
  await expect(table.getByRole('rowheader', { name: 'Youssef Alaoui' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Télécharger le tableau (CSV)' })).toHaveAttribute('href', /\/progress\.csv/);

  await page.getByLabel('Inactifs depuis (jours)').fill('3');
  await page.getByRole('button', { name: 'Afficher les inactifs' }).click();
  await expect(page.getByRole('link', { name: 'Télécharger le tableau (CSV)' })).toHaveAttribute('href', /inactive_days=3/);
  await page.getByRole('button', { name: 'Envoyer un rappel aux inactifs' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'rappel(s) envoyé(s)' })).toBeVisible();
});

test('a field session with a bad value shows the error beside the field', async ({ page }) => {
  await registerViaApi(page);
  await page.goto('/field-sessions');
  await expect(page.getByRole('heading', { level: 1, name: 'Mes séances terrain' })).toBeVisible();
  await page.getByLabel('Territoire', { exact: true }).selectOption('sale');
  await page.getByLabel('Public', { exact: true }).selectOption('parents');
  await page.getByLabel('Nombre de participants').fill('0');
  await page.getByRole('button', { name: 'Enregistrer la séance' }).click();
  const participants = page.getByLabel('Nombre de participants');
  await expect(participants).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#f-participants-error')).toHaveText('Cette valeur est hors des limites permises.');

  await participants.fill('25');
  await page.getByRole('button', { name: 'Enregistrer la séance' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Séance enregistrée' })).toBeVisible();
  await expect(page.locator('.cards .card').first()).toContainText('25 participants');
});

test('the new screens in Arabic are right to left and pass axe', async ({ page }) => {
  await registerViaApi(page);
  await page.goto('/learning');
  await switchLanguage(page, 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  for (const path of ['/learning', '/certificates', '/certificates/ZZZZ-ZZZZ', '/field-sessions', `/courses/${COURSE}`]) {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    await expect(page.locator('.loading')).toHaveCount(0);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await axe(page, `${path} (ar)`);
  }
  await page.goto('/field-sessions');
  await page.locator('main form button[type="submit"]').click();
  await expect(page.locator('main [aria-invalid="true"]').first()).toBeVisible();
  await axe(page, 'field sessions with errors (ar)');
});

test('the trainers\' new screens in Arabic are right to left and pass axe', async ({ page }) => {
  await loginAs(page, TRAINER);
  await switchLanguage(page, 'ar');
  for (const path of ['/cohorts', '/reports/field-sessions']) {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    await expect(page.locator('.loading')).toHaveCount(0);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await axe(page, `${path} (ar)`);
  }
  // Back to French for the next tests' login form (the choice is kept in the browser and on the account).
  await switchLanguage(page, 'fr');
});
