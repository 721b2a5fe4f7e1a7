import AxeBuilder from '@axe-core/playwright';
import { expect, type BrowserContext, type Page } from '@playwright/test';

let counter = 0;

export function uniqueEmail(prefix = 'ts'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${counter}@example.ma`;
}

export const PASSWORD = 'protection-2024!';

/**
 * Registers through the API (shares the page's cookie jar), with `locale` as the account's
 * language (the app's once signed in); returns the address.
 */
export async function registerViaApi(page: Page, displayName = 'Salma Test', locale: 'fr' | 'ar' | 'en' = 'fr', prefix = 'ts'): Promise<string> {
  const email = uniqueEmail(prefix);
  const res = await page.request.post('/api/v1/auth/register', {
    data: { email, password: PASSWORD, display_name: displayName, locale },
  });
  expect(res.status(), await res.text()).toBe(201);
  return email;
}

/** Turns the network of `context` off (or back on) and waits until the page knows it. */
export async function setOffline(context: BrowserContext, page: Page, on: boolean): Promise<void> {
  await context.setOffline(on);
  await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(!on);
}

/** Clicks a language in the header and waits for <html lang>. */
export async function switchLanguage(page: Page, locale: 'fr' | 'ar' | 'en'): Promise<void> {
  const names = { fr: 'Français', ar: 'العربية', en: 'English' } as const;
  await page.getByRole('button', { name: names[locale], exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
}

/** A problem+json answer as the server writes one, for `route.fulfill`. */
export function problemAnswer(status: number, slug: string, title: string, headers: Record<string, string> = {}) {
  return { status, headers, contentType: 'application/problem+json', body: JSON.stringify({ type: `urn:sanad:problem:${slug}`, title, status }) };
}

/** Created by serve.mjs (and mock-server.mjs) before the server starts. */
export const ADMIN = { email: 'admin@example.ma', password: 'admin-password-2024' };
export const TRAINER = { email: 'formatrice@example.ma', password: 'trainer-password-2024' };
/** Created by serve.mjs only (the real server): the forum's moderation tests. */
export const MODERATOR = { email: 'moderatrice@example.ma', password: 'moderator-password-2024' };

/** Signs in through the login form. */
export async function loginAs(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Adresse e-mail').fill(account.email);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('link', { name: 'Se déconnecter' })).toBeVisible();
}

interface Outline {
  modules: Array<{ items: Array<{ id: string; kind: string; title: string }> }>;
}

/** The first item of a kind in a starter course (read through the API). */
export async function firstItem(page: Page, slug: string, kind: 'lesson' | 'quiz' | 'case_study') {
  const res = await page.request.get(`/api/v1/courses/${slug}?lang=fr`);
  expect(res.ok()).toBe(true);
  const course = (await res.json()) as Outline;
  const item = course.modules.flatMap((m) => m.items).find((i) => i.kind === kind);
  if (!item) throw new Error(`no ${kind} in ${slug}`);
  return item;
}

/** Plays the case study open on the page to an ending (the first choice each time). */
export async function playToTheEnd(page: Page) {
  await page.getByRole('button', { name: 'Commencer la mise en situation' }).click();
  await expect(page).toHaveURL(/\?run=/);
  for (let step = 0; step < 30; step += 1) {
    if (await page.locator('.case__ending').isVisible()) return;
    const cont = page.getByRole('button', { name: 'Continuer' });
    if (await cont.isVisible()) {
      await cont.click();
      continue;
    }
    const first = page.locator('.case__choices button').first();
    await expect(first.or(page.locator('.case__ending'))).toBeVisible();
    if (await page.locator('.case__ending').isVisible()) return;
    await first.click();
    await expect(page.getByRole('heading', { level: 2, name: 'Le regard d’un praticien' })).toBeFocused();
  }
  throw new Error('no ending reached');
}

/**
 * Publishes, as the shared trainer, a course written in French with no translation (a lesson and a
 * quiz), then signs out: the starter courses are all in Arabic too, so the French-in-an-Arabic-page
 * cases need one of their own. The page's cookies are the trainer's only while it runs.
 */
export async function publishFrenchOnlyCourse(page: Page): Promise<{ slug: string; lessonId: string; quizId: string }> {
  const login = await page.request.post('/api/v1/auth/login', { data: { email: TRAINER.email, password: TRAINER.password } });
  expect(login.status(), await login.text()).toBe(200);
  const me = (await (await page.request.get('/api/v1/me')).json()) as { csrf_token: string };
  const headers = { 'X-CSRF-Token': me.csrf_token };
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(path, { headers, data });
    expect(res.ok(), await res.text()).toBe(true);
    return (await res.json()) as { id: string };
  };
  const slug = `en-francais-${Date.now()}-${++counter}`;
  await post('/api/v1/courses', { slug, title: 'Écouter un enfant', summary: 'Un cours en français seulement.', theme: 'pec' });
  const module = await post(`/api/v1/courses/${slug}/modules`, { title: 'Accueillir' });
  const lesson = await post(`/api/v1/modules/${module.id}/lessons`, {
    title: 'Recueillir la parole',
    body: "## Écouter\n\nLe professionnel accueille la parole d'un enfant victime.\n\n« Je te crois », dit-elle à l'enfant.",
  });
  const quiz = await post(`/api/v1/modules/${module.id}/quizzes`, {
    title: 'Repères',
    pass_mark: 50,
    questions: [
      {
        kind: 'single',
        prompt: "Quand un enfant se confie, que fait d'abord le professionnel qui l'accueille dans son bureau ?",
        explanation: "Il écoute sans interroger : les questions viendront des personnes chargées de l'enquête.",
        choices: [
          { label: 'Il écoute sans interroger', correct: true, feedback: 'Oui.' },
          { label: "Il demande des détails sur l'auteur", correct: false, feedback: 'Non.' },
        ],
      },
      { kind: 'short_text', prompt: 'Le sigle de la Convention relative aux droits de l’enfant ?', answers: ['CIDE'] },
    ],
  });
  await post(`/api/v1/courses/${slug}/publish`, {});
  await page.request.post('/api/v1/auth/logout', { headers });
  return { slug, lessonId: lesson.id, quizId: quiz.id };
}

/** Serious and critical axe violations of the page (WCAG 2.1 A/AA and best practices), each with where. */
export async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
