// Trainer screens: my courses, the course editor and the item editors (lazy chunk).
import { useState } from 'preact/hooks';
import {
  addModule,
  createCourse,
  deleteItem,
  deleteModule,
  exportUrl,
  getDraft,
  importCourse,
  listAuthoredCourses,
  moveItem,
  publishCourse,
  renameModule,
  updateCourse,
} from '../api/authoring';
import { Prerequisites } from './Prerequisites';
import { isTheme, LEVELS, THEMES, type DraftCourse, type DraftModule, type LocalizedText } from '../api/types';
import { Alert, Form, Status, SubmitButton, TextField, useForm, vocabSelects, type FieldErrors } from '../components/forms';
import { BackLink, Page } from '../components/Layout';
import { useApp } from '../context';
import { formatDate, isLocale, isolate, LOCALES } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { KindLabel, LoadFailed, Loading, useLoad } from '../pages/learn';
import { levelLabel, vocabLabel } from '../pages/vocab';
import { CaseStudyEditor, LessonEditor, QuizEditor } from './editors';
import { asText, DeleteButton, emptyText, Input, isBlank, LocalizedFields, mainText, Problems, toNumber, translationText, useAction } from './fields';
import { textAttrs } from '../components/bidi';
import type { AuthoringRoute } from '../chunks';

export function AuthoringScreen({ route }: { route: AuthoringRoute }) {
  switch (route.screen) {
    case 'list':
      return <MyCourses />;
    case 'course':
      return <CourseEditor key={route.slug} slug={route.slug} />;
    case 'item':
      return <ItemScreen key={route.itemId} slug={route.slug} itemId={route.itemId} />;
    case 'new':
      return <NewItemScreen key={`${route.moduleId}-${route.kind}`} slug={route.slug} moduleId={route.moduleId} kind={route.kind} />;
  }
}

const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function CourseFields({
  value,
  onValue,
  errors,
}: {
  value: CourseFieldsValue;
  onValue: (v: CourseFieldsValue) => void;
  errors: FieldErrors;
}) {
  const { t } = useApp();
  const set =
    <K extends keyof CourseFieldsValue>(field: K) =>
    (v: CourseFieldsValue[K]) =>
      onValue({ ...value, [field]: v });
  const select = vocabSelects(
    {
      theme: { label: t('catalogue.theme'), values: THEMES, nameOf: (v) => vocabLabel(t, 'theme', v) },
      level: { label: t('course.level'), values: LEVELS, nameOf: (v) => levelLabel(t, v) },
      language: { label: t('authoring.contentLanguage'), hint: t('authoring.contentLanguageHint'), values: LOCALES, nameOf: (v) => vocabLabel(t, 'language', v), lang: true },
    },
    value,
    set,
    errors,
  );
  return (
    <>
      <LocalizedFields name="title" label={t('authoring.courseTitle')} value={value.title} onValue={set('title')} errors={errors} />
      <LocalizedFields
        name="summary"
        label={t('authoring.courseSummary')}
        multiline
        value={value.summary}
        onValue={set('summary')}
        errors={errors}
      />
      {select('theme')}
      {select('level')}
      {select('language')}
      <Input
        name="estimated_minutes"
        type="number"
        min={0}
        label={t('authoring.minutes')}
        value={value.minutes}
        onValue={set('minutes')}
        error={errors.estimated_minutes}
        optional
      />
    </>
  );
}

interface CourseFieldsValue {
  title: LocalizedText;
  summary: LocalizedText;
  theme: string;
  level: string;
  language: string;
  minutes: string;
}

/** The course's details as the API takes them, on creation and on update (the minutes only when given). */
function courseDetails(v: CourseFieldsValue) {
  const minutes = toNumber(v.minutes);
  return {
    title: v.title,
    summary: v.summary,
    theme: v.theme,
    level: v.level,
    language: v.language,
    ...(minutes != null ? { estimated_minutes: minutes } : {}),
  };
}

function validateCourse(v: CourseFieldsValue, t: ReturnType<typeof useApp>['t']): FieldErrors {
  const errors: FieldErrors = {};
  if (isBlank(v.title)) errors['title.fr'] = t('authoring.oneLanguageNeeded');
  if (isBlank(v.summary)) errors['summary.fr'] = t('authoring.oneLanguageNeeded');
  return errors;
}

function MyCourses() {
  const { t, locale } = useApp();
  const list = useLoad(listAuthoredCourses, []);
  const form = useForm();
  const [slug, setSlug] = useState('');
  const [fields, setFields] = useState<CourseFieldsValue>({
    title: emptyText(),
    summary: emptyText(),
    theme: 'concepts',
    level: 'beginner',
    language: 'fr',
    minutes: '30',
  });
  const [file, setFile] = useState<File | null>(null);
  const importer = useAction();
  const [imported, setImported] = useState<string | null>(null);

  const onCreate = (e: Event) => {
    e.preventDefault();
    void form.run(
      () => {
        const errors = validateCourse(fields, t);
        if (!SLUG_RE.test(slug)) errors.slug = t('authoring.slugInvalid');
        return errors;
      },
      async () => {
        const draft = await createCourse({ slug, ...courseDetails(fields) });
        navigate(`/authoring/courses/${encodeURIComponent(draft.slug)}`);
      },
    );
  };

  const onImport = (e: Event) => {
    e.preventDefault();
    setImported(null);
    if (!file) {
      importer.setError(new Error('no file'));
      return;
    }
    void importer.run(async () => {
      const res = await importCourse(file);
      setImported(res.slug);
      list.reload();
    });
  };

  return (
    <Page title={t('authoring.title')}>
      <section class="panel" aria-labelledby="my-courses">
        <h2 id="my-courses">{t('authoring.myCourses')}</h2>
        {list.error ? (
          <LoadFailed error={list.error} onRetry={list.reload} />
        ) : !list.data ? (
          <Loading />
        ) : list.data.length === 0 ? (
          <p class="muted">{t('authoring.none')}</p>
        ) : (
          <ul class="cards">
            {list.data.map((c) => (
              <li class="card" key={c.id}>
                <h3>
                  <Link href={`/authoring/courses/${encodeURIComponent(c.slug)}`}>{c.title}</Link>
                </h3>
                <p class="meta-line">
                  <span class="badge">{isTheme(c.theme) ? t(`theme.${c.theme}`) : c.theme}</span>{' '}
                  {c.published_version != null ? (
                    <span class="badge badge--ok">{t('authoring.publishedVersion', { n: c.published_version })}</span>
                  ) : (
                    <span class="badge">{t('authoring.neverPublished')}</span>
                  )}{' '}
                  {c.has_unpublished_changes && <span class="badge badge--warn">{t('authoring.unpublishedChanges')}</span>}
                </p>
                <p class="muted">{t('authoring.updatedAt', { date: formatDate(c.updated_at, locale) })}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="new-course">
        <h2 id="new-course">{t('authoring.newCourse')}</h2>
        <Form form={form} onSubmit={onCreate}>
          <TextField
            name="slug"
            label={t('authoring.slug')}
            hint={t('authoring.slugHint')}
            dir="ltr"
            value={slug}
            onValue={(v) => setSlug(v.toLowerCase())}
            error={form.errors.slug}
          />
          <CourseFields value={fields} onValue={setFields} errors={form.errors} />
          <SubmitButton busy={form.busy} label={t('authoring.create')} pending={t('common.saving')} />
        </Form>
      </section>

      <section class="panel" aria-labelledby="import-course">
        <h2 id="import-course">{t('authoring.import')}</h2>
        <p class="hint">{t('authoring.importHint')}</p>
        <form onSubmit={onImport} class="stack">
          <div class="field">
            <label for="import-file">{t('authoring.importFile')}</label>
            <input
              id="import-file"
              type="file"
              accept=".zip,application/zip"
              onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
            />
          </div>
          {importer.error instanceof Error && importer.error.message === 'no file' ? (
            <Alert message={t('authoring.importChoose')} />
          ) : (
            <Problems error={importer.error} />
          )}
          <Status message={imported ? t('authoring.imported', { slug: imported }) : null} />
          {imported && (
            <p>
              <Link href={`/authoring/courses/${encodeURIComponent(imported)}`}>{t('authoring.openImported')}</Link>
            </p>
          )}
          <button type="submit" class="button" disabled={importer.busy}>
            {importer.busy ? t('common.sending') : t('authoring.importSubmit')}
          </button>
        </form>
      </section>
    </Page>
  );
}

function CourseDetailsForm({ draft, onSaved }: { draft: DraftCourse; onSaved: (d: DraftCourse) => void }) {
  const { t } = useApp();
  const form = useForm();
  const [saved, setSaved] = useState(false);
  const [fields, setFields] = useState<CourseFieldsValue>({
    title: asText(draft.title),
    summary: asText(draft.summary),
    theme: draft.theme,
    level: draft.level,
    language: draft.language,
    minutes: String(draft.estimated_minutes),
  });
  const onSubmit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void form.run(
      () => validateCourse(fields, t),
      async () => {
        onSaved(await updateCourse(draft.slug, courseDetails(fields)));
        setSaved(true);
      },
    );
  };
  return (
    <details class="panel">
      <summary>
        <h2 class="summary-heading">{t('authoring.courseDetails')}</h2>
      </summary>
      <Form form={form} onSubmit={onSubmit}>
        <CourseFields value={fields} onValue={setFields} errors={form.errors} />
        <Status message={saved ? t('common.saved') : null} />
        <SubmitButton busy={form.busy} label={t('common.save')} pending={t('common.saving')} />
      </Form>
    </details>
  );
}

function ModuleTitleForm({
  initial,
  submitLabel,
  idPrefix,
  onSubmit,
}: {
  initial: LocalizedText;
  submitLabel: string;
  idPrefix: string;
  onSubmit: (title: LocalizedText) => Promise<void>;
}) {
  const { t } = useApp();
  const [title, setTitle] = useState(initial);
  const action = useAction();
  const [missing, setMissing] = useState(false);
  return (
    <form
      class="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (isBlank(title)) {
          setMissing(true);
          return;
        }
        setMissing(false);
        void action.run(() => onSubmit(title));
      }}
    >
      <LocalizedFields
        name={`${idPrefix}.title`}
        label={t('authoring.moduleTitle')}
        value={title}
        onValue={setTitle}
        errors={missing ? { [`${idPrefix}.title.fr`]: t('authoring.oneLanguageNeeded') } : {}}
      />
      <Problems error={action.error} />
      <button type="submit" class="button" disabled={action.busy}>
        {action.busy ? t('common.saving') : submitLabel}
      </button>
    </form>
  );
}

function ModulePanel({
  draft,
  module: m,
  index,
  onChange,
}: {
  draft: DraftCourse;
  module: DraftModule;
  index: number;
  onChange: () => void;
}) {
  const { t } = useApp();
  const action = useAction();
  const [renaming, setRenaming] = useState(false);
  const base = `/authoring/courses/${encodeURIComponent(draft.slug)}`;
  const headingId = `module-${m.id}`;
  /** A change to the course, then the course read again. */
  const edit = (change: () => Promise<unknown>) => async () => {
    await change();
    onChange();
  };
  return (
    <section class="panel module" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <span class="outline__num">{t('course.module', { n: index + 1 })}</span> <span {...textAttrs(mainText(m.title).lang)}>{mainText(m.title).text}</span>
      </h2>
      <div class="toolbar">
        <button type="button" class="button button--small" aria-expanded={renaming} onClick={() => setRenaming(!renaming)}>
          {t('authoring.renameModule')}
        </button>
        <DeleteButton
          action={action}
          question={t('authoring.deleteModuleConfirm', { title: isolate(mainText(m.title).text) })}
          act={edit(() => deleteModule(m.id))}
        >
          {t('authoring.deleteModule')}
        </DeleteButton>
      </div>
      {renaming && (
        <ModuleTitleForm
          initial={asText(m.title)}
          idPrefix={`m-${m.id}`}
          submitLabel={t('common.save')}
          onSubmit={async (title) => {
            await renameModule(m.id, { title });
            setRenaming(false);
            onChange();
          }}
        />
      )}
      <Prerequisites draft={draft} module={m} index={index} onChange={onChange} />
      <Problems error={action.error} />
      {m.items.length === 0 ? (
        <p class="muted">{t('authoring.noItems')}</p>
      ) : (
        <ol class="item-list">
          {m.items.map((item, i) => (
            <li key={item.id} class="item-row">
              <div class="item-row__main">
                <KindLabel kind={item.kind} />
                <Link href={`${base}/items/${item.id}`}>
                  <span {...textAttrs(mainText(item.title).lang)}>{mainText(item.title).text}</span>
                  <span class="visually-hidden"> ({t('authoring.edit')})</span>
                </Link>
                {item.translations.length > 0 && (
                  <ul class="translations" aria-label={t('authoring.translationsOf', { title: isolate(mainText(item.title).text) })}>
                    {item.translations.map((tr) => (
                      <li key={tr.language}>
                        <Link
                          href={`${base}/items/${item.id}?language=${tr.language}`}
                          class={tr.missing ? 'badge badge--warn translation-badge' : 'badge badge--ok translation-badge'}
                        >
                          {translationText(t, tr)}
                          <span class="visually-hidden"> ({t('authoring.translateItem', { title: isolate(mainText(item.title).text) })})</span>
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div class="toolbar">
                {[
                  { to: i - 1, arrow: '↑', label: t('authoring.moveUp', { title: isolate(mainText(item.title).text) }) },
                  { to: i + 1, arrow: '↓', label: t('authoring.moveDown', { title: isolate(mainText(item.title).text) }) },
                ].map(({ to, arrow, label }) => (
                  <button
                    key={arrow}
                    type="button"
                    class="button button--small"
                    disabled={to < 0 || to >= m.items.length || action.busy}
                    aria-label={label}
                    onClick={() => void action.run(edit(() => moveItem(item.id, to)))}
                  >
                    <span aria-hidden="true">{arrow}</span>
                  </button>
                ))}
                <DeleteButton
                  action={action}
                  label={t('authoring.deleteItem', { title: isolate(mainText(item.title).text) })}
                  question={t('authoring.deleteItemConfirm', { title: isolate(mainText(item.title).text) })}
                  act={edit(() => deleteItem(item.id))}
                >
                  {t('authoring.delete')}
                </DeleteButton>
              </div>
            </li>
          ))}
        </ol>
      )}
      <div class="toolbar">
        <Link href={`${base}/new/${m.id}/lesson`} class="button button--small">
          + {t('authoring.addLesson')}
        </Link>
        <Link href={`${base}/new/${m.id}/quiz`} class="button button--small">
          + {t('authoring.addQuiz')}
        </Link>
        <Link href={`${base}/new/${m.id}/case_study`} class="button button--small">
          + {t('authoring.addCase')}
        </Link>
      </div>
    </section>
  );
}

function CourseEditor({ slug }: { slug: string }) {
  const { t, locale } = useApp();
  const loaded = useLoad(() => getDraft(slug), [slug]);
  const [draft, setDraft] = useState<DraftCourse | null>(null);
  const publisher = useAction();
  const [published, setPublished] = useState<number | null>(null);
  const d = draft ?? loaded.data;
  if (loaded.error) return <LoadFailed error={loaded.error} onRetry={loaded.reload} />;
  if (!d) return <Loading />;

  const refresh = async () => {
    setDraft(await getDraft(slug));
  };

  const publish = () => {
    setPublished(null);
    void publisher.run(async () => {
      const res = await publishCourse(slug);
      setPublished(res.version);
      await refresh();
    });
  };

  return (
    <Page title={mainText(d.title).text} titleAttrs={textAttrs(mainText(d.title).lang)}>
      <BackLink href="/authoring">
        {t('authoring.title')}
      </BackLink>
      <p class="meta-line">
        {d.published_version != null ? (
          <span class="badge badge--ok">
            {t('authoring.publishedVersion', { n: d.published_version })}
            {d.published_at ? ` · ${formatDate(d.published_at, locale)}` : ''}
          </span>
        ) : (
          <span class="badge">{t('authoring.neverPublished')}</span>
        )}{' '}
        {d.has_unpublished_changes && <span class="badge badge--warn">{t('authoring.unpublishedChanges')}</span>}
      </p>
      <div class="actions">
        <button type="button" class="button button--primary" onClick={publish} disabled={publisher.busy}>
          {publisher.busy ? t('authoring.publishing') : t('authoring.publish')}
        </button>
        <Link href={`/courses/${encodeURIComponent(d.slug)}?preview=1`} class="button">
          {t('authoring.preview')}
        </Link>
        <a href={exportUrl(d.slug)} download={`${d.slug}.zip`} class="button">
          {t('authoring.export')}
        </a>
      </div>
      <Status message={published != null ? t('authoring.published', { n: published }) : null} />
      <Problems error={publisher.error} slug={d.slug} />

      <CourseDetailsForm key={d.revision} draft={d} onSaved={setDraft} />

      {d.modules.map((m, i) => (
        <ModulePanel key={m.id} draft={d} module={m} index={i} onChange={() => void refresh()} />
      ))}

      <section class="panel" aria-labelledby="add-module">
        <h2 id="add-module">{t('authoring.addModule')}</h2>
        <ModuleTitleForm
          key={d.modules.length}
          initial={emptyText()}
          idPrefix="new-module"
          submitLabel={t('authoring.addModule')}
          onSubmit={async (title) => {
            await addModule(slug, { title });
            await refresh();
          }}
        />
      </section>
    </Page>
  );
}

function ItemScreen({ slug, itemId }: { slug: string; itemId: string }) {
  // `?language=ar`: the item's texts in Arabic, to translate them (the course's own language edits the item itself).
  const asked = useLocation().query.get('language');
  const language = isLocale(asked) ? asked : undefined;
  const loaded = useLoad(() => getDraft(slug, language), [slug, language]);
  // Translating: the course's own texts too, shown above each field.
  const source = useLoad(() => (language ? getDraft(slug) : Promise.resolve(null)), [slug, language]);
  const { t } = useApp();
  if (loaded.error) return <LoadFailed error={loaded.error} onRetry={loaded.reload} />;
  const d = loaded.data;
  if (!d || (language && source.loading)) return <Loading />;
  const module = d.modules.find((m) => m.items.some((i) => i.id === itemId));
  const item = module?.items.find((i) => i.id === itemId);
  if (!module || !item)
    return (
      <Page title={t('notFound.title')}>
        <p>{t('learn.notFound')}</p>
        <Link href={`/authoring/courses/${encodeURIComponent(slug)}`}>{t('authoring.backToCourse')}</Link>
      </Page>
    );
  // A new language read gives new texts: the editor starts again from them.
  const original = source.data?.modules.flatMap((m) => m.items).find((i) => i.id === itemId) ?? null;
  const common = { course: d, moduleId: module.id, item, source: original, key: `${item.id}:${item.editing_language}` };
  if (item.kind === 'quiz') return <QuizEditor {...common} />;
  if (item.kind === 'case_study') return <CaseStudyEditor {...common} />;
  return <LessonEditor {...common} />;
}

function NewItemScreen({ slug, moduleId, kind }: { slug: string; moduleId: string; kind: 'lesson' | 'quiz' | 'case_study' }) {
  const loaded = useLoad(() => getDraft(slug), [slug]);
  if (loaded.error) return <LoadFailed error={loaded.error} onRetry={loaded.reload} />;
  const d = loaded.data;
  if (!d) return <Loading />;
  const common = { course: d, moduleId, item: null };
  if (kind === 'quiz') return <QuizEditor {...common} />;
  if (kind === 'case_study') return <CaseStudyEditor {...common} />;
  return <LessonEditor {...common} />;
}

