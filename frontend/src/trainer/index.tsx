// Trainer screens of the library (upload, tool evaluation) and the directory's upkeep (lazy chunk).
import { useState } from 'preact/hooks';
import { ApiError, type FieldProblem } from '../api/client';
import { directoryExportUrl } from '../api/endpoints';
import {
  createService,
  deleteService,
  EVALUATION_CSV_URL,
  getEvaluation,
  importServices,
  listReviewDue,
  updateService,
  uploadResource,
  verifyService,
} from '../api/trainer';
import {
  AUDIENCES,
  CONTENT_LANGUAGES,
  LIBRARY_THEMES,
  RESOURCE_TYPES,
  SERVICE_KINDS,
  TERRITORIES,
  type DirectoryService,
  type ImportReport,
  type ResourceMetadata,
} from '../api/types';
import { Alert, FieldFrame, Form, SelectField, Status, SubmitButton, TextField, useForm, type FieldErrors } from '../components/forms';
import { BackLink, Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import { Link, navigate } from '../router';
import { TextArea, Problems, useAction, Input } from '../authoring/fields';
import { LoadFailed, Loading, useLoad } from '../pages/learn';
import { formatAverage, formatDay, formatSize, kindLabel, starsLabel, territoryLabel, vocabLabel, type Facet } from '../pages/vocab';
import { formatDate } from '../i18n';
import type { TrainerRoute } from '../chunks';

export function TrainerScreen({ route }: { route: TrainerRoute }) {
  switch (route.screen) {
    case 'upload':
      return <UploadScreen />;
    case 'evaluation':
      return <EvaluationScreen key={route.id} id={route.id} />;
    case 'overview':
      return <EvaluationOverview />;
  }
}

/** The same failure with its problems' fields renamed (`audience[0]` → `audience`...). */
function renameFields(e: unknown, rename: (p: FieldProblem) => FieldProblem): unknown {
  if (!(e instanceof ApiError) || e.problems.length === 0) return e;
  return new ApiError(e.status, e.title, e.detail, e.problems.map(rename), e.retryAfter);
}

// ---------------------------------------------------------------- Upload

function CheckGroup({
  name,
  legend,
  facet,
  values,
  selected,
  onValue,
  error,
}: {
  name: string;
  legend: string;
  facet: Facet;
  values: readonly string[];
  selected: string[];
  onValue: (v: string[]) => void;
  error?: string | undefined;
}) {
  const { t } = useApp();
  const errorId = `f-${name}-error`;
  return (
    <fieldset name={name} class={error ? 'field--invalid' : undefined} aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {values.map((v, i) => (
        <div key={v} class="check">
          <input
            type="checkbox"
            id={`f-${name}-${v}`}
            name={name}
            value={v}
            checked={selected.includes(v)}
            aria-invalid={error && i === 0 ? 'true' : undefined}
            onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              onValue(on ? values.filter((x) => x === v || selected.includes(x)) : selected.filter((x) => x !== v));
            }}
          />
          <label for={`f-${name}-${v}`}>{vocabLabel(t, facet, v)}</label>
        </div>
      ))}
      {error && (
        <p class="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

interface LinkRow {
  label: string;
  url: string;
}

function UploadScreen() {
  const { t, locale } = useApp();
  const form = useForm();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState('');
  const [audience, setAudience] = useState<string[]>([]);
  const [language, setLanguage] = useState<string>(locale);
  const [territory, setTerritory] = useState('');
  const [themes, setThemes] = useState<string[]>([]);
  const [tags, setTags] = useState('');
  const [reviewBy, setReviewBy] = useState('');
  const [links, setLinks] = useState<LinkRow[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const e = form.errors;

  const validate = (): FieldErrors => {
    const errors: FieldErrors = {};
    if (!title.trim()) errors.title = t('common.required');
    if (!description.trim()) errors.description = t('common.required');
    if (!type) errors.type = t('common.required');
    if (audience.length === 0) errors.audience = t('upload.pickOne');
    links.forEach((l, i) => {
      if (!l.url.trim() && l.label.trim()) errors[`links[${i}].url`] = t('common.required');
      else if (l.url.trim() && !/^https?:\/\/\S+$/i.test(l.url.trim())) errors[`links[${i}].url`] = t('fieldError.invalid_format');
    });
    return errors;
  };

  const submit = (ev: Event) => {
    ev.preventDefault();
    void form.run(
      validate,
      async () => {
        const metadata: ResourceMetadata = {
          title: title.trim(),
          description: description.trim(),
          type,
          audience,
          language,
          themes,
          tags: tags
            .split(/[,،]/)
            .map((s) => s.trim())
            .filter(Boolean),
          links: links.filter((l) => l.url.trim()).map((l) => ({ label: l.label.trim() || l.url.trim(), url: l.url.trim() })),
          ...(territory ? { territory } : {}),
          ...(reviewBy ? { review_by: reviewBy } : {}),
        };
        try {
          const created = await uploadResource(metadata, files);
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

  const setLink = (i: number, patch: Partial<LinkRow>) => setLinks(links.map((l, j) => (j === i ? { ...l, ...patch } : l)));

  return (
    <Page title={t('upload.title')}>
      <BackLink href="/library">
        {t('library.back')}
      </BackLink>
      <p class="lead">{t('upload.intro')}</p>
      <Form form={form} onSubmit={submit} class="stack upload-form">
        <TextField name="title" label={t('upload.titleField')} value={title} onValue={setTitle} error={e.title} dir="auto" />
        <TextArea name="description" label={t('upload.description')} value={description} onValue={setDescription} error={e.description} rows={5} />
        <SelectField
          name="type"
          label={t('upload.type')}
          value={type}
          onValue={setType}
          error={e.type}
          options={[{ value: '', label: t('upload.choose') }, ...RESOURCE_TYPES.map((v) => ({ value: v, label: vocabLabel(t, 'type', v) }))]}
        />
        <CheckGroup name="audience" legend={t('upload.audience')} facet="audience" values={AUDIENCES} selected={audience} onValue={setAudience} error={e.audience} />
        <SelectField
          name="language"
          label={t('upload.language')}
          value={language}
          onValue={setLanguage}
          error={e.language}
          options={CONTENT_LANGUAGES.map((v) => ({ value: v, label: vocabLabel(t, 'language', v), lang: v }))}
        />
        <SelectField
          name="territory"
          label={t('upload.territory')}
          value={territory}
          onValue={setTerritory}
          error={e.territory}
          optional
          options={[{ value: '', label: t('upload.allTerritories') }, ...TERRITORIES.map((v) => ({ value: v, label: territoryLabel(t, v) }))]}
        />
        <CheckGroup name="themes" legend={t('upload.themes')} facet="theme" values={LIBRARY_THEMES} selected={themes} onValue={setThemes} error={e.themes} />
        <TextField name="tags" label={t('upload.tags')} hint={t('upload.tagsHint')} value={tags} onValue={setTags} error={e.tags} optional dir="auto" />
        <FieldFrame name="review_by" label={t('upload.reviewBy')} hint={t('upload.reviewByHint')} error={e.review_by} optional>
          {(a11y) => (
            <input {...a11y} type="date" name="review_by" value={reviewBy} onInput={(ev) => setReviewBy((ev.currentTarget as HTMLInputElement).value)} />
          )}
        </FieldFrame>
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
              <button type="button" class="button button--small button--danger" onClick={() => setLinks(links.filter((_, j) => j !== i))}>
                {t('upload.removeLink', { n: i + 1 })}
              </button>
            </div>
          ))}
          <button type="button" class="button button--small" onClick={() => setLinks([...links, { label: '', url: '' }])}>
            {t('upload.addLink')}
          </button>
        </fieldset>
        <FieldFrame name="files" label={t('upload.files')} hint={t('upload.filesHint')} error={e.files} optional>
          {(a11y) => (
            <input
              {...a11y}
              type="file"
              name="files"
              multiple
              onChange={(ev) => setFiles(Array.from((ev.currentTarget as HTMLInputElement).files ?? []))}
            />
          )}
        </FieldFrame>
        {files.length > 0 && (
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
        )}
        <SubmitButton busy={form.busy} label={t('upload.submit')} />
      </Form>
    </Page>
  );
}

// ---------------------------------------------------------------- Tool evaluation

function EvaluationScreen({ id }: { id: string }) {
  const { t, locale } = useApp();
  const ev = useLoad(() => getEvaluation(id), [id]);
  if (ev.error) return <LoadFailed error={ev.error} onRetry={ev.reload} back={{ href: '/library/evaluation', label: t('library.evaluationLink') }} />;
  const data = ev.data;
  if (!data) return <Loading />;
  const max = Math.max(1, ...data.distribution);
  return (
    <Page title={t('evaluation.title')}>
      <BackLink href={`/library/${encodeURIComponent(id)}`}>
        {t('evaluation.back')}
      </BackLink>
      <p class="lead" dir="auto">
        {data.title}
      </p>
      <h2>{t('evaluation.usage')}</h2>
      <dl class="stat-grid">
        <div>
          <dt>{t('evaluation.views')}</dt>
          <dd>{data.views}</dd>
        </div>
        <div>
          <dt>{t('evaluation.downloads')}</dt>
          <dd>{data.downloads}</dd>
        </div>
        <div>
          <dt>{t('evaluation.average')}</dt>
          <dd>{data.rating.average != null ? `${formatAverage(data.rating.average, locale)} / 5` : t('evaluation.none')}</dd>
        </div>
        <div>
          <dt>{t('evaluation.ratings')}</dt>
          <dd>{data.rating.count}</dd>
        </div>
      </dl>
      <h2 id="distribution">{t('evaluation.distribution')}</h2>
      <ul class="bars" aria-labelledby="distribution">
        {[1, 2, 3, 4, 5].map((n) => {
          const count = data.distribution[n - 1] ?? 0;
          return (
            <li key={n} class="bars__row">
              <span class="bars__label">{starsLabel(t, n)}</span>
              <span class="bars__track" aria-hidden="true">
                <span class="bars__fill" style={{ inlineSize: `${Math.round((count / max) * 100)}%` }} />
              </span>
              <span class="bars__count">{t('evaluation.barCount', { n: count })}</span>
            </li>
          );
        })}
      </ul>
      <h2>{t('evaluation.comments')}</h2>
      {data.comments.length === 0 ? (
        <p class="muted">{t('evaluation.noComments')}</p>
      ) : (
        <ul class="cards comments">
          {data.comments.map((c, i) => (
            <li key={i} class="card">
              <p class="muted">
                {starsLabel(t, c.stars)} · {formatDate(c.updated_at, locale)}
              </p>
              <p dir="auto">{c.comment}</p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

function EvaluationOverview() {
  const { t, locale } = useApp();
  const due = useLoad(() => listReviewDue(), []);
  return (
    <Page title={t('evaluation.overviewTitle')}>
      <p class="lead">{t('evaluation.overviewIntro')}</p>
      <p class="actions">
        <a class="button button--primary" href={EVALUATION_CSV_URL} download>
          {t('evaluation.csv')}
        </a>
        <Link href="/library" class="button">
          {t('library.back')}
        </Link>
      </p>
      <h2>{t('evaluation.reviewDueTitle')}</h2>
      <p>{t('evaluation.reviewDueIntro')}</p>
      {due.error ? (
        <>
          <Alert message={describeError(due.error, t)} />
          <button type="button" class="button" onClick={due.reload}>
            {t('common.retry')}
          </button>
        </>
      ) : !due.data ? (
        <Loading />
      ) : due.data.length === 0 ? (
        <p class="muted">{t('evaluation.reviewDueNone')}</p>
      ) : (
        <ul class="cards review-due">
          {due.data.map((r) => (
            <li key={r.id} class="card">
              <h3 dir="auto">
                <Link href={`/library/${encodeURIComponent(r.id)}`}>{r.title}</Link>
              </h3>
              <ul class="meta">
                <li class="badge">{vocabLabel(t, 'type', r.type)}</li>
                <li class="badge badge--warn">{t('evaluation.reviewBy', { date: formatDay(r.review_by, locale) })}</li>
                <li>
                  <Link href={`/library/${encodeURIComponent(r.id)}/evaluation`}>{t('evaluation.title')}</Link>
                </li>
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

// ---------------------------------------------------------------- Directory upkeep

interface ServiceValue {
  territory: string;
  kind: string;
  name: string;
  address: string;
  phone: string;
  hours: string;
  services: string;
  notes: string;
  verified_at: string;
}

const SERVICE_FIELDS: Array<keyof ServiceValue> = ['territory', 'kind', 'name', 'address', 'phone', 'hours', 'services', 'notes', 'verified_at'];

function toValue(s: DirectoryService | null, territory: string): ServiceValue {
  return {
    territory: s?.territory ?? territory,
    kind: s?.kind ?? '',
    name: s?.name ?? '',
    address: s?.address ?? '',
    phone: s?.phone ?? '',
    hours: s?.hours ?? '',
    services: s?.services.join('\n') ?? '',
    notes: s?.notes ?? '',
    verified_at: s?.verified_at ?? '',
  };
}

/** Adds a service (no `service`) or edits one. Field names carry a prefix so that several forms can be open. */
function ServiceForm({
  service,
  territory,
  onSaved,
  onCancel,
}: {
  service: DirectoryService | null;
  territory: string;
  onSaved: (s: DirectoryService) => void;
  onCancel?: () => void;
}) {
  const { t } = useApp();
  const form = useForm();
  const [v, setV] = useState<ServiceValue>(() => toValue(service, territory));
  const [done, setDone] = useState<string | null>(null);
  const p = `svc-${service?.id ?? 'new'}`;
  const n = (field: keyof ServiceValue) => `${p}-${field}`;
  const e = form.errors;
  const set = (field: keyof ServiceValue) => (value: string) => setV({ ...v, [field]: value });

  const submit = (ev: Event) => {
    ev.preventDefault();
    setDone(null);
    void form.run(
      () => {
        const errors: FieldErrors = {};
        if (!v.territory) errors[n('territory')] = t('common.required');
        if (!v.kind) errors[n('kind')] = t('common.required');
        if (!v.name.trim()) errors[n('name')] = t('common.required');
        return errors;
      },
      async () => {
        const services = v.services
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
        const text = (s: string) => s.trim();
        try {
          let saved: DirectoryService;
          if (service) {
            // Empty optional fields are cleared (null); the others are sent as they are.
            saved = await updateService(service.id, {
              territory: v.territory,
              kind: v.kind,
              name: text(v.name),
              address: text(v.address) || null,
              phone: text(v.phone) || null,
              hours: text(v.hours) || null,
              services,
              notes: text(v.notes) || null,
              ...(v.verified_at && v.verified_at !== service.verified_at ? { verified_at: v.verified_at } : {}),
            });
          } else {
            saved = await createService({
              territory: v.territory,
              kind: v.kind,
              name: text(v.name),
              ...(text(v.address) ? { address: text(v.address) } : {}),
              ...(text(v.phone) ? { phone: text(v.phone) } : {}),
              ...(text(v.hours) ? { hours: text(v.hours) } : {}),
              ...(services.length ? { services } : {}),
              ...(text(v.notes) ? { notes: text(v.notes) } : {}),
              ...(v.verified_at ? { verified_at: v.verified_at } : {}),
            });
            setV(toValue(null, v.territory));
          }
          setDone(t('directory.saved'));
          onSaved(saved);
        } catch (err) {
          throw renameFields(err, (pr) => (SERVICE_FIELDS.includes(pr.field as keyof ServiceValue) ? { ...pr, field: n(pr.field as keyof ServiceValue) } : pr));
        }
      },
    );
  };

  return (
    <Form form={form} onSubmit={submit} class="stack service-form">
      <SelectField
        name={n('territory')}
        label={t('directory.territory')}
        value={v.territory}
        onValue={set('territory')}
        error={e[n('territory')]}
        options={[{ value: '', label: t('upload.choose') }, ...TERRITORIES.map((x) => ({ value: x, label: territoryLabel(t, x) }))]}
      />
      <SelectField
        name={n('kind')}
        label={t('directory.kind')}
        value={v.kind}
        onValue={set('kind')}
        error={e[n('kind')]}
        options={[{ value: '', label: t('upload.choose') }, ...SERVICE_KINDS.map((x) => ({ value: x, label: kindLabel(t, x) }))]}
      />
      <TextField name={n('name')} label={t('directory.name')} value={v.name} onValue={set('name')} error={e[n('name')]} dir="auto" />
      <TextField name={n('address')} label={t('directory.address')} value={v.address} onValue={set('address')} error={e[n('address')]} optional dir="auto" />
      <FieldFrame name={n('phone')} label={t('directory.phone')} hint={t('directory.phoneHint')} error={e[n('phone')]} optional>
        {(a11y) => (
          <input {...a11y} type="tel" dir="ltr" name={n('phone')} value={v.phone} onInput={(ev) => set('phone')((ev.currentTarget as HTMLInputElement).value)} />
        )}
      </FieldFrame>
      <TextField name={n('hours')} label={t('directory.hours')} value={v.hours} onValue={set('hours')} error={e[n('hours')]} optional dir="auto" />
      <TextArea
        name={n('services')}
        label={t('directory.services')}
        hint={t('directory.servicesHint')}
        value={v.services}
        onValue={set('services')}
        error={e[n('services')]}
        optional
        rows={3}
      />
      <TextArea name={n('notes')} label={t('directory.notes')} value={v.notes} onValue={set('notes')} error={e[n('notes')]} optional rows={3} />
      <FieldFrame name={n('verified_at')} label={t('directory.verifiedAt')} hint={t('directory.verifiedAtHint')} error={e[n('verified_at')]} optional>
        {(a11y) => (
          <input {...a11y} type="date" name={n('verified_at')} value={v.verified_at} onInput={(ev) => set('verified_at')((ev.currentTarget as HTMLInputElement).value)} />
        )}
      </FieldFrame>
      <Status message={done} />
      <div class="actions">
        <SubmitButton busy={form.busy} label={t('common.save')} pending={t('common.saving')} />
        {onCancel && (
          <button type="button" class="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </Form>
  );
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const { t } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    setReport(null);
    setError(null);
    if (!file) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      const text = await file.text();
      setReport(await importServices(text));
      onImported();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <form class="stack import-form" onSubmit={submit} noValidate>
      <FieldFrame name="directory-csv" label={t('directory.import')} hint={t('directory.importHint')} error={missing ? t('directory.importPick') : undefined}>
        {(a11y) => (
          <input
            {...a11y}
            type="file"
            name="directory-csv"
            accept=".csv,text/csv"
            onChange={(ev) => setFile((ev.currentTarget as HTMLInputElement).files?.[0] ?? null)}
          />
        )}
      </FieldFrame>
      {error != null &&
        (problems.length > 0 ? (
          <div class="alert alert--error import-errors" role="alert">
            <p>{t('directory.importFailed', { n: problems.length })}</p>
            <ul class="problems">
              {/* The server's words: they name the line and the column. */}
              {problems.map((pr, i) => (
                <li key={i} lang="en" dir="ltr">
                  {pr.message}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <Alert message={describeError(error, t)} />
        ))}
      <Status
        message={report ? t('directory.importDone', { created: report.created, updated: report.updated, unchanged: report.unchanged }) : null}
      />
      <button type="submit" class="button" disabled={busy}>
        {busy ? t('common.sending') : t('directory.importSubmit')}
      </button>
    </form>
  );
}

export function DirectoryTools({ territory, onChanged }: { territory: string; onChanged: () => void }) {
  const { t } = useApp();
  return (
    <section class="panel directory-tools" aria-labelledby="directory-tools">
      <h2 id="directory-tools">{t('directory.tools')}</h2>
      <p>
        <a class="button" href={directoryExportUrl(territory)} download>
          {t('directory.export')}
          {territory && ` — ${territoryLabel(t, territory)}`}
        </a>
      </p>
      <details class="disclosure">
        <summary>{t('directory.addTitle')}</summary>
        <ServiceForm service={null} territory={territory} onSaved={onChanged} />
      </details>
      <details class="disclosure">
        <summary>{t('directory.import')}</summary>
        <ImportForm onImported={onChanged} />
      </details>
    </section>
  );
}

export function ServiceActions({
  service,
  onUpdated,
  onDeleted,
}: {
  service: DirectoryService;
  onUpdated: (s: DirectoryService) => void;
  onDeleted: () => void;
}) {
  const { t } = useApp();
  const action = useAction();
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const formId = `edit-${service.id}`;
  return (
    <div class="service-actions">
      <div class="toolbar">
        <button
          type="button"
          class="button button--small"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              setMessage(null);
              const updated = await verifyService(service.id);
              onUpdated(updated);
              setMessage(t('directory.verified', { name: updated.name }));
            })
          }
        >
          {t('directory.verify')}
        </button>
        <button type="button" class="button button--small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {t('directory.edit')}
        </button>
        <button
          type="button"
          class="button button--small button--danger"
          disabled={action.busy}
          onClick={() => {
            if (!window.confirm(t('directory.deleteConfirm', { name: service.name }))) return;
            void action.run(async () => {
              await deleteService(service.id);
              onDeleted();
            });
          }}
        >
          {t('directory.delete')}
        </button>
      </div>
      <Status message={message} />
      <Problems error={action.error} />
      {editing && (
        <div id={formId} class="service-edit">
          <h3>{t('directory.editTitle', { name: service.name })}</h3>
          <ServiceForm
            service={service}
            territory={service.territory}
            onSaved={(s) => {
              onUpdated(s);
              setEditing(false);
              setMessage(t('directory.saved'));
            }}
            onCancel={() => setEditing(false)}
          />
        </div>
      )}
    </div>
  );
}
