// The practice community through the SPA: a topic and a reply, a held post and
// what its author is told, anonymous posting in the wellbeing category, a
// moderator redacting a held post, notifications and mail preferences; in
// French and in Arabic, with axe on every screen.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, loginAs, MODERATOR, registerViaApi, seriousViolations, switchLanguage } from './helpers';

// The in-memory stand-in has no forum: these run against the real server only.
test.skip(process.env.SANAD_BROWSER_MOCK === '1', 'the forum is not in mock-server.mjs');


async function axe(page: Page, what: string) {
  expect(await seriousViolations(page), what).toEqual([]);
}

/** A member of their own in a fresh browser context (their own cookies), in `locale`. */
async function member(browser: Browser, name: string, locale: 'fr' | 'ar') {
  const context = await browser.newContext();
  const page = await context.newPage();
  await registerViaApi(page, name);
  await page.goto('/forum');
  await expect(page.locator('main h1')).toBeVisible();
  if (locale !== 'fr') await switchLanguage(page, locale);
  return page;
}

interface Submission {
  topic_id: string;
  post_id: string;
  status: string;
}

/** A topic made through the API (setup for the screens under test). */
async function topicViaApi(page: Page, category: string, title: string, body: string, anonymous = false): Promise<Submission> {
  const res = await page.request.post('/api/v1/forum/topics', { data: { category, title, body, anonymous }, headers: await csrf(page) });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as Submission;
}

async function csrf(page: Page): Promise<Record<string, string>> {
  const me = await page.request.get('/api/v1/me');
  const token = ((await me.json()) as { csrf_token?: string }).csrf_token;
  return token ? { 'X-CSRF-Token': token } : {};
}

async function replyViaApi(page: Page, topicId: string, body: string): Promise<Submission> {
  const res = await page.request.post(`/api/v1/forum/topics/${topicId}/posts`, { data: { body }, headers: await csrf(page) });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as Submission;
}

const T = {
  fr: {
    community: 'Communauté',
    newTopic: 'Nouveau sujet',
    publishTopic: 'Publier le sujet',
    sendReply: 'Publier la réponse',
    held: 'Votre message est retenu avant publication',
    phone: 'Numéro de téléphone',
    thanks: 'Merci',
    quote: 'Citer',
    fix: 'Corriger mon message',
    sendFixed: 'Envoyer la version corrigée',
    pseudonym: 'pseudonyme',
    replyPublished: 'Réponse publiée.',
    notifications: 'Notifications',
    markAll: 'Tout marquer comme lu',
    weekly: 'Un résumé par semaine',
    jump: 'Aller au premier message non lu',
    flag: 'Signaler',
    flagReason: 'Publicité ou hors sujet',
    flagSend: 'Envoyer le signalement',
    flagSent: 'Signalement envoyé aux modérateurs. Merci.',
    edit: 'Modifier',
    sendEdit: 'Enregistrer la modification',
    edited: 'modifié',
    history: 'Historique',
    redactVersion: 'Caviarder cette version',
    versionRedacted: 'Version caviardée.',
    removedText: '(texte retiré)',
    yourTopic: 'votre sujet',
    editTopicTitle: 'Modifier le titre',
    topicTitle: 'Titre du sujet',
    saveTopicTitle: 'Enregistrer le titre',
    titleSaved: 'Titre modifié.',
  },
  ar: {
    community: 'المجتمع المهني',
    newTopic: 'موضوع جديد',
    publishTopic: 'نشر الموضوع',
    sendReply: 'نشر الرد',
    held: 'رسالتك محجوزة قبل النشر',
    phone: 'رقم هاتف',
    thanks: 'شكرا',
    quote: 'اقتباس',
    fix: 'تصحيح رسالتي',
    sendFixed: 'إرسال النسخة المصححة',
    pseudonym: 'اسم مستعار',
    replyPublished: 'تم نشر الرد.',
    notifications: 'الإشعارات',
    markAll: 'تحديد الكل كمقروء',
    weekly: 'ملخص أسبوعي',
    jump: 'الانتقال إلى أول رسالة غير مقروءة',
    flag: 'إبلاغ',
    flagReason: 'إشهار أو خارج الموضوع',
    flagSend: 'إرسال البلاغ',
    flagSent: 'تم إرسال البلاغ إلى المشرفين. شكرا.',
    edit: 'تعديل',
    sendEdit: 'حفظ التعديل',
    edited: 'معدّل',
    history: 'سجل التعديلات',
    redactVersion: 'تنقيح هذه النسخة',
    versionRedacted: 'تم تنقيح النسخة.',
    removedText: '(نص محذوف)',
    yourTopic: 'موضوعك',
    editTopicTitle: 'تعديل العنوان',
    topicTitle: 'عنوان الموضوع',
    saveTopicTitle: 'حفظ العنوان',
    titleSaved: 'تم تعديل العنوان.',
  },
} as const;

for (const locale of ['fr', 'ar'] as const) {
  const L = T[locale];

  test(`a topic and a reply, reactions and a quote (${locale})`, async ({ browser }) => {
    const page = await member(browser, 'Leila Auteure', locale);
    await page.goto('/');
    await page.getByRole('link', { name: L.community, exact: true }).click();
    await expect(page.locator('.forum-category').first()).toBeVisible();
    await axe(page, `categories (${locale})`);

    await page.locator('a[href="/forum/c/prevention"]').click();
    await expect(page.getByRole('link', { name: L.newTopic })).toBeVisible();
    await axe(page, `category (${locale})`);
    await page.getByRole('link', { name: L.newTopic }).click();
    const title = `Ateliers parents ${locale} ${Date.now()}`;
    await page.locator('input[name="title"]').fill(title);
    await page.locator('textarea[name="body"]').fill('Comment organisez-vous les **ateliers** avec les parents au collège ?');
    // A member's preview renders the Markdown as the post will be stored.
    await page.locator('form.composer .actions button[type="button"]').click();
    await expect(page.locator('form.composer .md-preview strong')).toHaveText('ateliers');
    await axe(page, `new topic (${locale})`);
    await page.getByRole('button', { name: L.publishTopic }).click();
    await expect(page).toHaveURL(/\/forum\/t\//);
    await expect(page.locator('main h1')).toHaveText(title);
    await expect(page.locator('.post__body strong')).toHaveText('ateliers');

    // A reply from someone else, a reaction, and a quote.
    const other = await member(browser, 'Omar Répondant', locale);
    await other.goto(page.url());
    await expect(other.locator('main h1')).toHaveText(title);
    await other.locator('.post').first().getByRole('button', { name: L.thanks }).click();
    await expect(other.locator('.post').first().getByRole('button', { name: L.thanks })).toHaveAttribute('aria-pressed', 'true');
    await expect(other.locator('.post').first().locator('.reaction[aria-pressed="true"] .reaction__count')).toHaveText('1');
    await other.locator('.post').first().getByRole('button', { name: L.quote }).click();
    await expect(other.locator('textarea[name="reply"]')).toBeFocused();
    await expect(other.locator('textarea[name="reply"]')).toHaveValue(/^> Comment organisez-vous/);
    await other.locator('textarea[name="reply"]').press('End');
    await other.locator('textarea[name="reply"]').pressSequentially(' Nous les faisons le samedi matin.');
    await other.getByRole('button', { name: L.sendReply }).click();
    await expect(other.getByRole('status').filter({ hasText: L.replyPublished })).toBeVisible();
    await expect(other.locator('.post')).toHaveCount(2);
    await expect(other.locator('.post').nth(1).locator('blockquote')).toContainText('Comment organisez-vous');
    await axe(other, `topic (${locale})`);

    // The forum's search finds the topic by a word of its first post.
    await other.goto('/forum');
    await other.locator('#forum-q').fill('ateliers');
    await other.locator('#forum-q').press('Enter');
    await expect(other).toHaveURL(/\/forum\/search\?q=ateliers/);
    // The index is fed in the background: look again until the topic is in it.
    await expect(async () => {
      await other.reload();
      await expect(other.locator('.topic-row', { hasText: title }).first()).toBeVisible({ timeout: 1000 });
    }).toPass();
    await expect(other.locator('.topic-row', { hasText: title }).first().locator('mark').first()).toBeVisible();
    await axe(other, `forum search (${locale})`);

    // The topic's author is told (header count and the notifications page) and reads it.
    await page.goto('/notifications');
    await expect(page.locator('.notif--unread')).toHaveCount(1);
    await expect(page.locator('.site-nav .count-badge').first()).toContainText('1');
    await axe(page, `notifications (${locale})`);
    await page.getByRole('button', { name: L.markAll }).click();
    await expect(page.locator('.notif--unread')).toHaveCount(0);
    await expect(page.locator('.site-nav .count-badge')).toHaveCount(0);

    // Mail preferences.
    await page.getByLabel(L.weekly).check();
    await page.locator('section[aria-labelledby="mail-h"] button[type="submit"]').click();
    await expect(page.locator('section[aria-labelledby="mail-h"] [role="status"]')).not.toBeEmpty();
    await page.reload();
    await expect(page.getByLabel(L.weekly)).toBeChecked();
    await page.context().close();
    await other.context().close();
  });

  test(`jump to the first unread post, and flag a post (${locale})`, async ({ browser }) => {
    const page = await member(browser, 'Amina Lectrice', locale);
    const other = await member(browser, 'Driss Bavard', locale);
    const title = `Réseau ${locale} ${Date.now()}`;
    const sent = await topicViaApi(page, 'echanges-territoires', title, 'Qui connaît le réseau de Kénitra ?');
    // Her own topic is not news to her; the replies to it are.
    const row = page.locator('.topic-row').filter({ hasText: title });
    await page.goto('/forum/c/echanges-territoires');
    await expect(row).toBeVisible();
    await expect(row).not.toHaveClass(/topic-row--unread/);
    await page.goto(`/forum/t/${sent.topic_id}`);
    await expect(page.locator('.post')).toHaveCount(1);
    await expect(page.getByRole('button', { name: L.jump })).toHaveCount(0);
    await replyViaApi(other, sent.topic_id, 'Oui, la coordination se réunit chaque mois.');
    await replyViaApi(other, sent.topic_id, 'Et la cellule de l’hôpital aussi.');
    await page.goto('/forum/c/echanges-territoires');
    await expect(row).toHaveClass(/topic-row--unread/);

    await page.goto(`/forum/t/${sent.topic_id}`);
    await page.getByRole('button', { name: L.jump }).click();
    const second = page.locator('.post').nth(1);
    await expect(second).toBeFocused();
    await expect(page.locator('.unread-divider')).toBeVisible();

    // The second reply is flagged as off-topic, through the dialog.
    await page.locator('.post').nth(2).getByRole('button', { name: L.flag }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await dialog.locator('button[type="submit"]').click();
    await expect(dialog.locator('.field-error')).toBeVisible();
    await axe(page, `flag dialog (${locale})`);
    await dialog.getByLabel(L.flagReason).check();
    await dialog.locator('textarea[name="note"]').fill('Sans rapport avec la question.');
    await dialog.getByRole('button', { name: L.flagSend }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: L.flagSent })).toBeVisible();
    await expect(page.locator('.post').nth(2).getByRole('button', { name: L.flag })).toBeFocused();
    await page.context().close();
    await other.context().close();
  });

  test(`a held post: what was found, how to anonymise, correcting it (${locale})`, async ({ browser }) => {
    const page = await member(browser, 'Karim Prudent', locale);
    await page.goto('/forum/c/prise-en-charge/new');
    await page.locator('input[name="title"]').fill(`Orientation ${locale} ${Date.now()}`);
    await page.locator('textarea[name="body"]').fill('La mère m’a laissé son numéro, 06 12 34 56 78, pour le suivi.');
    await page.getByRole('button', { name: L.publishTopic }).click();
    const held = page.locator('.held');
    await expect(held.getByRole('heading', { name: L.held })).toBeFocused();
    await expect(held.locator('.reasons li')).toContainText(L.phone);
    await expect(held.locator('.reasons mark')).toContainText('06 12 34 56 78');
    await axe(page, `held explanation (${locale})`);

    // The author corrects it: still a number, held again; then without, published.
    await held.getByRole('button', { name: L.fix }).click();
    await expect(page.locator('textarea[name="body"]')).toBeFocused();
    await expect(page.locator('textarea[name="body"]')).toHaveValue(/06 12 34 56 78/);
    await page.locator('textarea[name="body"]').fill('La mère m’a laissé son numéro, 0612345678.');
    await page.getByRole('button', { name: L.sendFixed }).click();
    await expect(held.locator('.reasons li')).toContainText(L.phone);
    await page.locator('textarea[name="body"]').fill('La mère a laissé ses coordonnées au service, pour le suivi.');
    await page.getByRole('button', { name: L.sendFixed }).click();
    await expect(page).toHaveURL(/\/forum\/t\//);
    await expect(page.locator('.post__body')).toContainText('ses coordonnées au service');

    // A held reply: told in the reply box, shown to its author with the reasons, corrected there.
    await page.locator('textarea[name="reply"]').fill('Son école : collège Ibn Khaldoun, elle a 12 ans, elle s’appelle Salma Bennani, tél. 0698765432.');
    await page.locator('.reply-box button[type="submit"]').click();
    await expect(page.locator('.reply-box .held .reasons')).toContainText(L.phone);
    await expect(page.locator('.post').nth(1).locator('.notice .reasons')).toContainText(L.phone);
    await axe(page, `held reply (${locale})`);
    await page.locator('textarea[name="reply"]').fill('Une élève du collège, suivie par le service.');
    await page.locator('.reply-box button[type="submit"]').click();
    await expect(page.getByRole('status').filter({ hasText: L.replyPublished })).toBeVisible();
    await expect(page.locator('.post').nth(1).locator('.notice')).toHaveCount(0);
    await page.context().close();
  });

  test(`a member edits their own post; a moderator reads its history and redacts a version (${locale})`, async ({ browser, page }) => {
    const author = await member(browser, 'Soukaina Relit', locale);
    const sent = await topicViaApi(author, 'concepts', `Relecture ${locale} ${Date.now()}`, 'Première **version** du message.');
    await author.goto(`/forum/t/${sent.topic_id}`);
    await author.locator('.post').first().getByRole('button', { name: L.edit, exact: true }).click();
    const box = author.locator('textarea[name="reply"]');
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('Première **version** du message.');
    await axe(author, `editing own post (${locale})`);

    // An edit is screened like a new post: held, explained, corrected.
    await box.fill('Deuxième version, appelez le 0612345678.');
    await author.getByRole('button', { name: L.sendEdit }).click();
    await expect(author.locator('.reply-box .held .reasons')).toContainText(L.phone);
    await box.fill('Deuxième *version*, sans numéro.');
    await author.getByRole('button', { name: L.sendFixed }).click();
    await expect(author.locator('.post__body').first()).toContainText('Deuxième version, sans numéro');
    await expect(author.locator('.post').first().locator('.post__head')).toContainText(L.edited);
    await expect(author.getByRole('button', { name: L.history })).toHaveCount(0);

    // A moderator reads the earlier versions and redacts the one with the number.
    await loginAs(page, MODERATOR);
    if (locale !== 'fr') await switchLanguage(page, locale);
    await page.goto(`/forum/t/${sent.topic_id}`);
    await page.locator('.post').first().getByRole('button', { name: L.history }).click();
    const versions = page.locator('.revision');
    await expect(versions).toHaveCount(2);
    await expect(versions.first().locator('.revision__body')).toHaveText('Première **version** du message.');
    await expect(versions.nth(1).locator('.revision__body')).toContainText('0612345678');
    await expect(versions.first()).toContainText('Soukaina Relit');
    await axe(page, `post history (${locale})`);
    // The history reads at phone width too.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await versions.nth(1).getByRole('button', { name: L.redactVersion }).click();
    await versions.nth(1).locator('textarea[name="note"]').fill('Numéro retiré de l’historique.');
    await axe(page, `redacting a version (${locale})`);
    await versions.nth(1).locator('button[type="submit"]').click();
    await expect(page.getByRole('status').filter({ hasText: L.versionRedacted })).toBeVisible();
    await expect(versions.nth(1).locator('.revision__body')).toHaveText(L.removedText);
    await expect(versions.nth(1).locator('.notice')).toContainText('Numéro retiré');
    await expect(page.locator('main')).not.toContainText('0612345678');
    // The moderator's account keeps its language: the next test signs in through the French form.
    if (locale !== 'fr') await switchLanguage(page, 'fr');
    await author.context().close();
  });

  test(`the author of an anonymous topic recognizes it and edits its title (${locale})`, async ({ browser }) => {
    const author = await member(browser, 'Hind Retitre', locale);
    const title = `Soirées ${locale} ${Date.now()}`;
    const sent = await topicViaApi(author, 'bien-etre', title, 'Les soirées sont longues.', true);
    await author.goto(`/forum/t/${sent.topic_id}`);
    await expect(author.locator('main h1')).toHaveText(title);
    await expect(author.locator('.meta-line')).toContainText(L.yourTopic);
    await author.getByRole('button', { name: L.editTopicTitle }).click();
    const input = author.getByLabel(L.topicTitle);
    await expect(input).toBeFocused();
    await expect(input).toHaveValue(title);
    await axe(author, `editing a topic's title (${locale})`);
    await input.fill(`${title} (suite)`);
    await author.getByRole('button', { name: L.saveTopicTitle }).click();
    await expect(author.getByRole('status').filter({ hasText: L.titleSaved })).toBeVisible();
    await expect(author.locator('main h1')).toHaveText(`${title} (suite)`);

    // Another member reads the new title, and neither the mark nor the button.
    const other = await member(browser, 'Rachid Lecteur', locale);
    await other.goto(`/forum/t/${sent.topic_id}`);
    await expect(other.locator('main h1')).toHaveText(`${title} (suite)`);
    await expect(other.locator('.meta-line')).not.toContainText(L.yourTopic);
    await expect(other.getByRole('button', { name: L.editTopicTitle })).toHaveCount(0);
    await expect(other.locator('main')).not.toContainText('Hind Retitre');
    await author.context().close();
    await other.context().close();
  });

  test(`anonymous posting in the wellbeing category shows a pseudonym (${locale})`, async ({ browser }) => {
    const page = await member(browser, 'Nawal Anonyme', locale);
    await page.goto('/forum/c/bien-etre/new');
    await expect(page.locator('input[name="anonymous"]')).toBeVisible();
    await axe(page, `wellbeing composer (${locale})`);
    const title = `Fatigue ${locale} ${Date.now()}`;
    await page.locator('input[name="title"]').fill(title);
    await page.locator('textarea[name="body"]').fill('Je me sens épuisée après les signalements de la semaine.');
    await page.locator('input[name="anonymous"]').check();
    await page.getByRole('button', { name: L.publishTopic }).click();
    await expect(page).toHaveURL(/\/forum\/t\//);
    await expect(page.locator('.post').first().locator('.author--pseudonym')).toContainText(L.pseudonym);
    await expect(page.locator('main')).not.toContainText('Nawal Anonyme');

    // Another member sees the pseudonym in the list and in the topic, never the name.
    const other = await member(browser, 'Yassine Lecteur', locale);
    await other.goto('/forum/c/bien-etre');
    const row = other.locator('.topic-row', { hasText: title });
    await expect(row.locator('.author--pseudonym')).toBeVisible();
    await expect(other.locator('main')).not.toContainText('Nawal Anonyme');
    await row.getByRole('link').click();
    await expect(other.locator('.post').first().locator('.author--pseudonym')).toBeVisible();
    await expect(other.locator('main')).not.toContainText('Nawal Anonyme');
    await axe(other, `anonymous topic (${locale})`);

    // A category elsewhere offers no anonymous choice.
    await other.goto('/forum/c/concepts/new');
    await expect(other.locator('textarea[name="body"]')).toBeVisible();
    await expect(other.locator('input[name="anonymous"]')).toHaveCount(0);
    await page.context().close();
    await other.context().close();
  });

  test(`a moderator redacts a held post and looks up an anonymous author (${locale})`, async ({ browser, page }) => {
    const author = await member(browser, 'Hamid Pressé', locale);
    const title = `Signalement ${locale} ${Date.now()}`;
    const sent = await topicViaApi(author, 'bien-etre', title, 'Appelez le père au 0661-22-33-44 pour le dossier.', true);
    expect(sent.status).toBe('held');

    await loginAs(page, MODERATOR);
    if (locale !== 'fr') await switchLanguage(page, locale);
    await page.goto('/moderation');
    const card = page.locator('.queue-item', { hasText: title });
    await expect(card.locator('.reasons')).toContainText(T[locale].phone);
    await axe(page, `moderation queue (${locale})`);

    // The audited look-up: a warning first, then the name.
    await card.locator('.author--pseudonym').isVisible();
    await card.getByRole('button', { name: locale === 'fr' ? 'Voir l’auteur réel' : 'عرض الكاتب الحقيقي' }).click();
    await expect(card.locator('.alert--warn')).toContainText(locale === 'fr' ? 'journal d’audit' : 'سجل التدقيق');
    await axe(page, `look-up warning (${locale})`);
    await card.getByRole('button', { name: locale === 'fr' ? 'Consulter (enregistré)' : 'اطلاع (مسجَّل)' }).click();
    await expect(card.locator('.notice')).toContainText('Hamid Pressé');

    // Redact: the number taken out, a note kept.
    await card.getByRole('button', { name: locale === 'fr' ? 'Caviarder' : 'تنقيح', exact: true }).click();
    const body = card.locator('textarea').first();
    await expect(body).toHaveValue(/0661-22-33-44/);
    await body.fill('Appelez le père (numéro retiré par la modération) pour le dossier.');
    await card.locator('textarea[name="note"]').fill('Numéro de téléphone retiré.');
    await axe(page, `redaction form (${locale})`);
    await card.locator('button[type="submit"]').click();
    await expect(page.locator('.queue-item', { hasText: title })).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: locale === 'fr' ? 'Message caviardé et publié.' : 'تم تنقيح الرسالة ونشرها.' })).toBeVisible();

    // Published, redacted, still under the pseudonym.
    const reader = await member(browser, 'Imane Lectrice', locale);
    await reader.goto(`/forum/t/${sent.topic_id}`);
    await expect(reader.locator('.post__body').first()).toContainText('numéro retiré par la modération');
    await expect(reader.locator('main')).not.toContainText('0661');
    await expect(reader.locator('.post').first().locator('.author--pseudonym')).toBeVisible();
    await author.context().close();
    await reader.context().close();
  });
}

test('a topic open in one browser shows the replies written in another, live; a watched category (fr, 360 px)', async ({ browser }) => {
  // The reader on a phone; the writer in another browser context (its own session).
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await registerViaApi(page, 'Latifa Direct');
  const other = await member(browser, 'Mehdi Direct', 'fr');
  const sent = await topicViaApi(page, 'prevention', `Direct ${Date.now()}`, 'Qui anime des ateliers ce mois-ci ?');
  await page.goto(`/forum/t/${sent.topic_id}`);
  await expect(page.locator('.post')).toHaveCount(1);
  await expect(page.locator('.site-nav .count-badge')).toHaveCount(0);

  // Without a reload: the reply appears at the end, and the header counts the notification.
  await replyViaApi(other, sent.topic_id, 'Moi, **samedi** au centre social.');
  await expect(page.locator('.post')).toHaveCount(2);
  await expect(page.locator('.post').nth(1).locator('.post__body strong')).toHaveText('samedi');
  await expect(page.locator('.post').nth(1)).toContainText('Mehdi Direct');
  await expect(page.locator('.site-nav .count-badge').first()).toContainText('1');
  await expect(page.getByRole('status').filter({ hasText: 'Nouveau message n° 2' })).toBeAttached();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await axe(page, 'topic with a live post at 360 px');

  // Watching a category from its page: its next topic is told, live in the header.
  await page.goto('/forum/c/prevention');
  await page.getByRole('button', { name: 'Suivre cette catégorie' }).click();
  await expect(page.getByRole('button', { name: 'Ne plus suivre cette catégorie' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'chaque nouveau sujet' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await axe(page, 'watched category at 360 px');
  await topicViaApi(other, 'prevention', `Nouveau sujet ${Date.now()}`, 'Un autre atelier, à Salé.');
  await expect(page.locator('.site-nav .count-badge').first()).toContainText('2');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Ne plus suivre cette catégorie' })).toBeVisible();
  await page.goto('/notifications');
  await expect(page.locator('.notif').first()).toContainText('a ouvert un sujet dans une catégorie que vous suivez');
  await axe(page, 'notifications with a new topic at 360 px');
  await context.close();
  await other.context().close();
});

test('the administrator reads the audit log (fr)', async ({ browser, page }) => {
  const author = await member(browser, 'Rachid Audité', 'fr');
  const sent = await topicViaApi(author, 'bien-etre', `Audit ${Date.now()}`, 'Une semaine difficile, besoin d’en parler.', true);
  await loginAs(page, ADMIN);
  const look = await page.request.get(`/api/v1/moderation/posts/${sent.post_id}/author`);
  expect(look.ok()).toBe(true);
  await page.goto('/moderation');
  await page.getByRole('link', { name: 'Journal d’audit' }).click();
  await expect(page.locator('tbody tr').first()).toContainText('Consultation de l’auteur réel');
  await axe(page, 'audit log (fr)');
  await author.context().close();
});

test('the forum at phone width: the menu holds Communauté and the topic reads (fr)', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await registerViaApi(page, 'Sara Mobile');
  const sent = await topicViaApi(page, 'concepts', `Mobile ${Date.now()}`, 'Un message **court** pour le téléphone.');
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Communauté' })).toBeHidden();
  await page.getByRole('button', { name: /Menu/ }).click();
  await page.getByRole('link', { name: 'Communauté' }).click();
  await expect(page.locator('.forum-category').first()).toBeVisible();
  await page.goto(`/forum/t/${sent.topic_id}`);
  await expect(page.locator('.post__body strong')).toHaveText('court');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await axe(page, 'topic at 360 px');
  await page.goto('/notifications');
  await expect(page.locator('section[aria-labelledby="mail-h"] input[type="radio"]').first()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  const held = await topicViaApi(page, 'concepts', `Mobile retenu ${Date.now()}`, 'Appelez la mère au 0612345678, elle attend.');
  expect(held.status).toBe('held');
  await context.close();

  // The moderation queue at the same width.
  // Signed in through the API: the Arabic tests left this account in Arabic.
  const modContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const mod = await modContext.newPage();
  const login = await mod.request.post('/api/v1/auth/login', { data: MODERATOR });
  expect(login.ok(), await login.text()).toBe(true);
  await mod.goto('/moderation');
  await expect(mod.locator('main h1')).toBeVisible();
  await expect(mod.locator('.queue-item').first()).toBeVisible();
  expect(await mod.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await axe(mod, 'moderation at 360 px');
  await modContext.close();
});
