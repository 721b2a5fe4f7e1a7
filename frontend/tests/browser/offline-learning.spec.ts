// A quiz answered and a case study played offline (issue 10) at 360 px, in French and in Arabic.
// The course is saved for offline reading; with no network the learner answers the quiz (the page
// says the answers are kept on the device, to be graded when the connection returns) and plays
// the case study to an ending from its saved copy (the page says the choices will be sent). Another
// device sees nothing of it; once the network returns both reach the server, once, and the quiz's
// page shows the grade its answers got on arrival. A reader who switches language offline still
// reads the course in the language it was saved in. axe on each screen; screenshots in test-results/.
import { expect, test } from '@playwright/test';
import { PASSWORD, registerViaApi, seriousViolations, setOffline } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, serviceWorkers: 'allow' });

interface Bundle {
  quizzes: Array<{ id: string; title: string; questions: Array<{ id: string; kind: string }> }>;
  plays: Array<{ case_study_id: string }>;
}


const WORDS = {
  fr: {
    slug: 'prise-en-charge',
    save: 'Enregistrer pour lire hors ligne',
    saved: /Enregistré sur cet appareil/,
    submit: 'Valider mes réponses',
    pendingTitle: 'Réponses gardées sur cet appareil',
    start: 'Commencer la mise en situation',
    onDevice: /vous jouez l’étude de cas enregistrée sur cet appareil/,
    next: 'Continuer',
    ending: 'Fin de la mise en situation',
    graded: /ont été corrigées à leur arrivée/,
    result: 'Votre résultat',
  },
  ar: {
    slug: 'concepts',
    save: 'حفظ للقراءة دون اتصال',
    saved: /محفوظ على هذا الجهاز/,
    submit: 'تأكيد أجوبتي',
    pendingTitle: 'أجوبة محفوظة على هذا الجهاز',
    start: 'ابدأ الوضعية',
    onDevice: /أنت تتابع دراسة الحالة المحفوظة على هذا الجهاز/,
    next: 'متابعة',
    ending: 'نهاية الوضعية',
    graded: /صُحِّحت عند وصولها/,
    result: 'نتيجتك',
  },
} as const;

for (const lang of ['fr', 'ar'] as const) {
  test(`a quiz answered and a case study played offline reach the server when the network returns (${lang}, 360 px)`, async ({
    page,
    context,
    browser,
  }) => {
    const w = WORDS[lang];
    await page.addInitScript((l) => localStorage.setItem('sanad.locale', l), lang);
    const email = await registerViaApi(page, 'Salma Test', lang, 'offline-learning');
    // What the learner may open now: a quiz and a case study of the open modules.
    const res = await page.request.get(`/api/v1/courses/${w.slug}/offline?lang=${lang}`);
    expect(res.ok()).toBe(true);
    const bundle = (await res.json()) as Bundle;
    const quiz = bundle.quizzes[0];
    const caseStudy = bundle.plays[0]?.case_study_id;
    expect(quiz && caseStudy, 'a quiz and a case study open in the course').toBeTruthy();

    await page.goto(`/courses/${w.slug}`);
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);
    await page.getByRole('button', { name: w.save }).click();
    await expect(page.getByText(w.saved).first()).toBeVisible();

    // The quiz, answered with no network: kept on the device, pending.
    await page.goto(`/quizzes/${quiz.id}`);
    await expect(page.locator('main h1')).toHaveText(quiz.title);
    await setOffline(context, page, true);
    for (const q of quiz.questions) {
      const question = page.locator(`#q-${q.id}`);
      if (q.kind === 'short_text') await question.getByRole('textbox').fill('protéger');
      else await question.locator('input').first().check();
    }
    await page.getByRole('button', { name: w.submit }).click();
    await expect(page.getByRole('heading', { name: w.pendingTitle })).toBeVisible();
    await expect(page.getByRole('heading', { name: w.result })).toHaveCount(0);
    expect(await seriousViolations(page), 'quiz pending').toEqual([]);
    await page.screenshot({ path: `test-results/offline-quiz-${lang}-pending.png` });

    // The case study, played to an ending from its saved copy.
    await page.goto(`/case-studies/${caseStudy}`);
    await page.getByRole('button', { name: w.start }).click();
    await expect(page.getByText(w.onDevice)).toBeVisible();
    for (let step = 0; step < 40; step++) {
      if (await page.getByText(w.ending).isVisible()) break;
      await page.locator('.choice-button').first().click();
      await page.getByRole('button', { name: w.next }).click();
    }
    await expect(page.getByText(w.ending)).toBeVisible();
    expect(await seriousViolations(page), 'case study ended on the device').toEqual([]);
    await page.screenshot({ path: `test-results/offline-case-${lang}-ended.png` });

    // Still offline, the reader switches language: the course saved in the other one still opens.
    const [other, back] = lang === 'fr' ? ['العربية', 'Français'] : ['Français', 'العربية'];
    await page.getByRole('button', { name: other, exact: true }).click();
    await page.goto(`/quizzes/${quiz.id}`);
    await expect(page.locator('main h1')).toHaveText(quiz.title);
    await page.getByRole('button', { name: back, exact: true }).click();
    await expect(page.getByRole('heading', { name: w.pendingTitle })).toBeVisible();

    // Another device, the same learner: nothing has reached the server yet.
    const device = await browser.newContext();
    const login = await device.request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
    expect(login.status(), await login.text()).toBe(200);
    const attempts = async () => ((await (await device.request.get(`/api/v1/quizzes/${quiz.id}`)).json()) as { attempts_used: number }).attempts_used;
    const completed = async () => {
      const progress = await device.request.get(`/api/v1/courses/${w.slug}/progress`);
      expect(progress.ok()).toBe(true);
      return ((await progress.json()) as { completed_item_ids: string[] }).completed_item_ids;
    };
    expect(await attempts()).toBe(0);
    expect(await completed()).not.toContain(caseStudy);

    // The network returns: the attempt and the run (its decisions in order) are sent, once.
    await setOffline(context, page, false);
    await expect.poll(completed, { timeout: 15_000 }).toContain(caseStudy);
    await expect.poll(attempts, { timeout: 15_000 }).toBe(1);

    // The quiz's page, open meanwhile, shows the grade its answers got on arrival.
    await expect(page.getByRole('heading', { name: w.result })).toBeVisible();
    await expect(page.getByRole('region', { name: w.result }).getByText(w.graded)).toBeVisible();
    // Said by the live region too: it came while the learner was elsewhere on the page.
    await expect(page.getByRole('status').filter({ hasText: w.graded })).toHaveCount(1);
    expect(await seriousViolations(page), 'quiz graded').toEqual([]);
    await page.screenshot({ path: `test-results/offline-quiz-${lang}-graded.png` });
    expect(await attempts(), 'counted once').toBe(1);
    await device.close();
  });
}
