import { expect, test, type Page } from '@playwright/test';
import { loginAs, registerViaApi, switchLanguage, TRAINER } from './helpers';

async function searchFor(page: Page, words: string) {
  const box = page.getByLabel('Rechercher une ressource');
  await box.fill(words);
  await box.press('Enter');
}

/** A one-page PDF whose text is `text` (valid cross-reference table, Helvetica). */
function makePdf(text: string): Buffer {
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A word no starter resource contains (letters only). */
function uniqueWord(): string {
  const letters = 'bcdfghjklmnpqrstvwxz';
  let n = Date.now();
  let word = 'kestro';
  while (n > 0) {
    word += letters[n % letters.length];
    n = Math.floor(n / letters.length);
  }
  return word;
}

test('search "violences" highlights matches, and a type facet narrows the results', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Bibliothèque' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bibliothèque de ressources' })).toBeVisible();
  await searchFor(page, 'violences');
  await expect(page).toHaveURL(/\/library\?q=violences/);
  await expect(page.locator('.resource-card .snippet mark').first()).toBeVisible();
  const total = page.locator('.library-total');
  await expect(total).toHaveText(/^\d+ ressource\(s\)$/);
  const before = Number((await total.textContent())?.match(/\d+/)?.[0]);

  // Facets show counts; picking one narrows the results to that many.
  const chip = page.locator('[data-facet="type"] label.chip', { hasText: /^Circuit de prise en charge \(\d+\)$/ });
  const radio = chip.getByRole('radio');
  const label = (await chip.textContent()) ?? '';
  const count = Number(/\((\d+)\)/.exec(label)?.[1]);
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(before);
  await radio.check();
  await expect(page).toHaveURL(/type=pathway/);
  await expect(total).toHaveText(`${count} ressource(s)`);
  await expect(page.locator('.resource-card')).toHaveCount(Math.min(count, 20));
  for (const badge of await page.locator('.resource-card .meta .badge').allTextContents()) {
    expect(badge).toBe('Circuit de prise en charge');
  }

  // The filters live in the address: a reload keeps them.
  await page.reload();
  await expect(page.getByLabel('Rechercher une ressource')).toHaveValue('violences');
  await expect(total).toHaveText(`${count} ressource(s)`);
  await expect(page.locator('[data-facet="type"]').getByRole('radio', { name: /^Circuit de prise en charge/ })).toBeChecked();
});

test('an Arabic query finds Arabic resources; titles keep their own direction in the Arabic UI', async ({ page }) => {
  await page.goto('/library');
  await searchFor(page, 'العنف');
  const cards = page.locator('.resource-card');
  await expect(cards.first()).toBeVisible();
  await expect(cards.first().locator('.snippet mark').first()).toBeVisible();
  await expect(cards.first().locator('h2')).toHaveAttribute('dir', 'rtl');
  await expect(cards.first().locator('h2')).toHaveAttribute('lang', 'ar');

  await switchLanguage(page, 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.goto('/library?q=violences');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  const french = page.locator('.resource-card h2[lang="fr"]').first();
  await expect(french).toBeVisible();
  await expect(french).toHaveAttribute('dir', 'ltr');
});

test('a signed-in professional rates a resource 4 stars with a comment, and the rating is kept', async ({ page }) => {
  await registerViaApi(page);
  await page.goto('/library?q=marionnettes');
  await page.locator('.resource-card h2 a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('marionnettes');
  await expect(page.getByRole('heading', { level: 2, name: 'Fichiers' })).toBeVisible();

  const group = page.getByRole('group', { name: 'Votre note' });
  await group.getByRole('radio', { name: '4 étoiles' }).check();
  await page.getByLabel(/^Commentaire/).fill('Très utile pour les séances avec les 8-12 ans.');
  await page.getByRole('button', { name: 'Enregistrer mon avis' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Merci, votre avis est enregistré.' })).toBeVisible();
  await expect(page.locator('.rating')).toContainText('sur 5');

  await page.reload();
  await expect(page.getByRole('group', { name: 'Votre note' }).getByRole('radio', { name: '4 étoiles' })).toBeChecked();
  await expect(page.getByLabel(/^Commentaire/)).toHaveValue('Très utile pour les séances avec les 8-12 ans.');
  await expect(page.locator('.rating')).toContainText('(1 avis)');
});

test('a trainer uploads a PDF and finds it by a word of its text', async ({ page }) => {
  const word = uniqueWord();
  await loginAs(page, TRAINER);
  await page.goto('/library');
  await page.getByRole('link', { name: 'Ajouter une ressource' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ajouter une ressource' })).toBeVisible();

  // Nothing filled: the form says what is missing.
  await page.getByRole('button', { name: 'Publier la ressource' }).click();
  await expect(page.getByText('Le formulaire contient des erreurs.')).toBeVisible();
  await expect(page.getByLabel('Titre')).toBeFocused();

  await page.getByLabel('Titre').fill('Fiche test : repérer les signes');
  await page.getByLabel('Description').fill('Une fiche courte pour repérer les signes de violence chez un enfant.');
  await page.getByLabel('Type de ressource').selectOption('practice_sheet');
  await page.getByRole('group', { name: 'Public' }).getByLabel('Professionnels').check();
  await page.getByRole('group', { name: 'Public' }).getByLabel('Parents').check();
  await page.getByLabel('Territoire').selectOption('sale');
  await page.getByRole('group', { name: 'Thèmes' }).getByLabel('Prise en charge').check();
  await page.getByLabel(/^Mots-clés/).fill('repérage, signes');
  await page.getByLabel(/^À revoir avant le/).fill('2030-06-30');
  await page.getByRole('button', { name: 'Ajouter un lien' }).click();
  await page.getByLabel('Intitulé du lien 1').fill('Version en ligne');
  await page.getByLabel('Adresse du lien 1').fill('https://example.org/fiche');
  await page.getByLabel(/^Fichiers/).setInputFiles({
    name: 'fiche-signes.pdf',
    mimeType: 'application/pdf',
    buffer: makePdf(`Signes a reperer ${word} chez un enfant`),
  });
  await expect(page.getByText('1 fichier(s) choisi(s)')).toBeVisible();
  await page.getByRole('button', { name: 'Publier la ressource' }).click();

  await expect(page).toHaveURL(/\/library\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Fiche test : repérer les signes' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Télécharger fiche-signes\.pdf/ })).toHaveAttribute('href', /\/files\//);
  const external = page.getByRole('link', { name: 'Version en ligne' });
  await expect(external).toHaveAttribute('rel', /noopener/);

  // The server indexes within about a second.
  await expect(async () => {
    await page.goto(`/library?q=${word}`);
    await expect(page.locator('.resource-card')).toHaveCount(1, { timeout: 1500 });
  }).toPass({ timeout: 10_000 });
  await expect(page.locator('.resource-card h2')).toHaveText('Fiche test : repérer les signes');
  await expect(page.locator('.resource-card .snippet mark')).toHaveText(word);
});

test('an upload of a file type the server refuses says so', async ({ page }) => {
  await loginAs(page, TRAINER);
  await page.goto('/library/new');
  await page.getByLabel('Titre').fill('Essai de fichier refusé');
  await page.getByLabel('Description').fill('Un fichier qui n’est pas un document.');
  await page.getByLabel('Type de ressource').selectOption('guide');
  await page.getByRole('group', { name: 'Public' }).getByLabel('Parents').check();
  await page.getByLabel(/^Fichiers/).setInputFiles({
    name: 'programme.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]),
  });
  await page.getByRole('button', { name: 'Publier la ressource' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Type de fichier non accepté' })).toBeVisible();
  await expect(page).toHaveURL(/\/library\/new$/);
});

test('a trainer sees the tool evaluation and the resources due for review', async ({ page }) => {
  await loginAs(page, TRAINER);
  await page.goto('/library');
  await page.getByRole('link', { name: 'Évaluation des outils' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Évaluation des outils' })).toBeVisible();
  await expect(page.getByRole('link', { name: /CSV/ })).toHaveAttribute('href', '/api/v1/library/evaluation.csv');
  await expect(page.locator('.review-due .card').first()).toBeVisible();

  await page.locator('.review-due .card h3 a').first().click();
  await expect(page.locator('.notice .badge')).toHaveText('Révision à faire');
  await page.getByRole('link', { name: 'Voir l’évaluation de cet outil' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Évaluation de l’outil' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Répartition des notes' }).getByRole('listitem')).toHaveCount(5);
  await expect(page.locator('.stat-grid')).toContainText('Consultations');
});

test('learners cannot open the trainer screens', async ({ page }) => {
  await registerViaApi(page);
  await page.goto('/library/new');
  await expect(page.getByText('Vous n’avez pas accès à cette page.')).toBeVisible();
  await page.goto('/library');
  await expect(page.getByRole('link', { name: 'Ajouter une ressource' })).toHaveCount(0);
});

test('browsing opens on the reader’s language; every language is one choice away and kept', async ({ page }) => {
  await page.goto('/library');
  const language = page.locator('[data-facet="language"]');
  await expect(language.getByRole('radio', { name: /^Français/ })).toBeChecked();
  await expect(page.locator('.resource-card').first()).toBeVisible();
  await expect(page.locator('.resource-card h2[lang="ar"]')).toHaveCount(0);
  const total = page.locator('.library-total');
  await expect(total).toHaveText(/^\d+ ressource\(s\)$/);
  const own = Number((await total.textContent())?.match(/\d+/)?.[0]);

  await language.getByRole('radio', { name: 'Tous' }).check();
  await expect(page).toHaveURL(/language=any/);
  // The count goes through a loading state: wait for a number again, then compare.
  const count = async () => Number((await total.textContent())?.match(/^(\d+) ressource/)?.[1] ?? NaN);
  await expect.poll(count).toBeGreaterThan(own);
  const all = await count();
  await page.reload();
  await expect(language.getByRole('radio', { name: 'Tous' })).toBeChecked();
  await expect(total).toHaveText(`${all} ressource(s)`);

  // An Arabic reader browses Arabic resources first.
  await switchLanguage(page, 'ar');
  await page.goto('/library');
  await expect(page.locator('.resource-card').first()).toBeVisible();
  await expect(page.locator('.resource-card h2[lang="fr"]')).toHaveCount(0);
  await expect(page.locator('.resource-card h2[lang="ar"]').first()).toBeVisible();
});
