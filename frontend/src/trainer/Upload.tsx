// Upload of a resource to the library: its metadata, links and files.
import { uploadResource } from '../api/trainer';
import { AUDIENCES, CONTENT_LANGUAGES, LIBRARY_THEMES, RESOURCE_TYPES, TERRITORIES, type ResourceMetadata } from '../api/types';
import { CheckGroup } from '../components/facets';
import { FieldFrame, Form, SubmitButton, TextField, useFields, useForm, vocabSelects, type FieldErrors } from '../components/forms';
import { BackLink, Page } from '../components/Layout';
import { useApp } from '../context';
import type { Translate } from '../i18n';
import { navigate } from '../router';
import { TextArea, Input } from '../authoring/fields';
import { formatSize, territoryLabel, vocabLabel } from '../pages/vocab';
import { renameFields } from './problems';

interface LinkRow {
  label: string;
  url: string;
}

/** What the form holds, as typed (trimmed and split on the way out, by `toMetadata`). */
interface UploadValue {
  title: string;
  description: string;
  type: string;
  audience: string[];
  language: string;
  territory: string;
  themes: string[];
  tags: string;
  reviewBy: string;
  links: LinkRow[];
  files: File[];
}

function emptyUpload(language: string): UploadValue {
  return { title: '', description: '', type: '', audience: [], language, territory: '', themes: [], tags: '', reviewBy: '', links: [], files: [] };
}

function validate(v: UploadValue, t: Translate): FieldErrors {
  const errors: FieldErrors = {};
  if (!v.title.trim()) errors.title = t('common.required');
  if (!v.description.trim()) errors.description = t('common.required');
  if (!v.type) errors.type = t('common.required');
  if (v.audience.length === 0) errors.audience = t('upload.pickOne');
  v.links.forEach((l, i) => {
    if (!l.url.trim() && l.label.trim()) errors[`links[${i}].url`] = t('common.required');
    else if (l.url.trim() && !/^https?:\/\/\S+$/i.test(l.url.trim())) errors[`links[${i}].url`] = t('fieldError.invalid_format');
  });
  return errors;
}

function toMetadata(v: UploadValue): ResourceMetadata {
  return {
    title: v.title.trim(),
    description: v.description.trim(),
    type: v.type,
    audience: v.audience,
    language: v.language,
    themes: v.themes,
    tags: v.tags
      .split(/[,،]/)
      .map((s) => s.trim())
      .filter(Boolean),
    links: v.links.filter((l) => l.url.trim()).map((l) => ({ label: l.label.trim() || l.url.trim(), url: l.url.trim() })),
    ...(v.territory ? { territory: v.territory } : {}),
    ...(v.reviewBy ? { review_by: v.reviewBy } : {}),
  };
}

export function UploadScreen() {
  const { t, locale } = useApp();
  const form = useForm();
  const { values: v, set } = useFields(() => emptyUpload(locale));
  const e = form.errors;
  const select = vocabSelects(
    {
      type: { label: t('upload.type'), values: RESOURCE_TYPES, nameOf: (x) => vocabLabel(t, 'type', x), blank: t('upload.choose') },
      language: { label: t('upload.language'), values: CONTENT_LANGUAGES, nameOf: (x) => vocabLabel(t, 'language', x), lang: true },
      territory: { label: t('upload.territory'), values: TERRITORIES, nameOf: (x) => territoryLabel(t, x), blank: t('upload.allTerritories'), optional: true },
    },
    v,
    set,
    e,
  );

  const submit = (ev: Event) => {
    ev.preventDefault();
    void form.run(
      () => validate(v, t),
      async () => {
        try {
          const created = await uploadResource(toMetadata(v), v.files);
          navigate(`/library/${encodeURIComponent(created.id)}`);
        } catch (err) {
          throw renameFields(err, (p) => {
            const list = /^(audience|themes|tags)\[\d+\]$/.exec(p.field);
            if (list) return { ...p, field: list[1] as string };
            if (p.field === 'metadata') return { field: p.field, code: '', message: t('upload.badMetadata') };
            return p;
          });
        }
      },
      { 413: 'upload.tooLarge', 415: 'upload.badType' },
    );
  };

  return (
    <Page title={t('upload.title')}>
      <BackLink href="/library">{t('library.back')}</BackLink>
      <p class="lead">{t('upload.intro')}</p>
      <Form form={form} onSubmit={submit} class="stack upload-form">
        <TextField name="title" label={t('upload.titleField')} value={v.title} onValue={set('title')} error={e.title} dir="auto" />
        <TextArea name="description" label={t('upload.description')} value={v.description} onValue={set('description')} error={e.description} rows={5} />
        {select('type')}
        <CheckGroup name="audience" legend={t('upload.audience')} facet="audience" values={AUDIENCES} selected={v.audience} onValue={set('audience')} error={e.audience} />
        {select('language')}
        {select('territory')}
        <CheckGroup name="themes" legend={t('upload.themes')} facet="theme" values={LIBRARY_THEMES} selected={v.themes} onValue={set('themes')} error={e.themes} />
        <TextField name="tags" label={t('upload.tags')} hint={t('upload.tagsHint')} value={v.tags} onValue={set('tags')} error={e.tags} optional dir="auto" />
        <FieldFrame name="review_by" label={t('upload.reviewBy')} hint={t('upload.reviewByHint')} error={e.review_by} optional>
          {(a11y) => (
            <input {...a11y} type="date" name="review_by" value={v.reviewBy} onInput={(ev) => set('reviewBy')((ev.currentTarget as HTMLInputElement).value)} />
          )}
        </FieldFrame>
        <LinkRows links={v.links} onLinks={set('links')} errors={e} />
        <FieldFrame name="files" label={t('upload.files')} hint={t('upload.filesHint')} error={e.files} optional>
          {(a11y) => (
            <input
              {...a11y}
              type="file"
              name="files"
              multiple
              onChange={(ev) => set('files')(Array.from((ev.currentTarget as HTMLInputElement).files ?? []))}
            />
          )}
        </FieldFrame>
        <ChosenFiles files={v.files} />
        <SubmitButton busy={form.busy} label={t('upload.submit')} />
      </Form>
    </Page>
  );
}

/** The resource's links: a label and a URL a row, added and removed at will. */
function LinkRows({ links, onLinks, errors: e }: { links: LinkRow[]; onLinks: (links: LinkRow[]) => void; errors: FieldErrors }) {
  const { t } = useApp();
  const setLink = (i: number, patch: Partial<LinkRow>) => onLinks(links.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <fieldset class="link-rows">
      <legend>
        {t('upload.links')} <span class="optional">({t('common.optional')})</span>
      </legend>
      {links.map((l, i) => (
        <div key={i} class="link-row">
          <Input name={`links[${i}].label`} label={t('upload.linkLabel', { n: i + 1 })} value={l.label} onValue={(v) => setLink(i, { label: v })} error={e[`links[${i}].label`]} />
          <FieldFrame name={`links[${i}].url`} label={t('upload.linkUrl', { n: i + 1 })} error={e[`links[${i}].url`]}>
            {(a11y) => (
              <input
                {...a11y}
                type="url"
                dir="ltr"
                inputMode="url"
                name={`links[${i}].url`}
                value={l.url}
                placeholder="https://"
                onInput={(ev) => setLink(i, { url: (ev.currentTarget as HTMLInputElement).value })}
              />
            )}
          </FieldFrame>
          <button type="button" class="button button--small button--danger" onClick={() => onLinks(links.filter((_, j) => j !== i))}>
            {t('upload.removeLink', { n: i + 1 })}
          </button>
        </div>
      ))}
      <button type="button" class="button button--small" onClick={() => onLinks([...links, { label: '', url: '' }])}>
        {t('upload.addLink')}
      </button>
    </fieldset>
  );
}

/** The files picked for upload, with their sizes. */
function ChosenFiles({ files }: { files: File[] }) {
  const { t, locale } = useApp();
  if (files.length === 0) return null;
  return (
    <div class="chosen-files">
      <p class="muted">{t('upload.selected', { n: files.length })}</p>
      <ul>
        {files.map((f, i) => (
          <li key={i}>
            <span class="break" dir="auto">
              {f.name}
            </span>{' '}
            <span class="muted">({formatSize(f.size, locale)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
