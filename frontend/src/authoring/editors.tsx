// Lesson, quiz and case-study editors.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  createCaseStudy,
  createLesson,
  createQuiz,
  previewMarkdown,
  saveCaseStudy,
  saveLesson,
  saveQuiz,
} from '../api/authoring';
import { ApiError } from '../api/client';
import {
  BANDS,
  QUESTION_KINDS,
  type CaseNodeInput,
  type CaseStudyInput,
  type ChoiceInput,
  type DraftCourse,
  type DraftItem,
  type EndingInput,
  type ItemKind,
  type LocalizedText,
  type QuestionInput,
  type QuestionKind,
  type QuizInput,
} from '../api/types';
import { Status, SubmitButton } from '../components/forms';
import type { Language } from '../api/authoring';
import { isolate, LOCALES } from '../i18n';
import { BackLink, Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import type { Translate } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import {
  asText,
  Input,
  isBlank,
  LocalizedFields,
  mainText,
  moved,
  Problems,
  Select,
  TextArea,
  toNumber,
  translationText,
  useAction,
  type Original,
} from './fields';
import { textAttrs } from '../components/bidi';

interface EditorProps {
  course: DraftCourse;
  moduleId: string;
  item: DraftItem | null;
  /** Translating: the item as written in the course's language, its texts shown above each field. */
  source?: DraftItem | null | undefined;
}

const KIND_SEGMENT: Record<ItemKind, string> = { lesson: 'lesson', quiz: 'quiz', case_study: 'case_study' };

/**
 * The language an item's texts are edited in (the course's own, or the one
 * asked for with `?language=`), and whether that makes it a translation: the
 * structure (parts, correct answers, points, where choices lead) is then locked.
 */
function editingOf(course: DraftCourse, item: DraftItem | null) {
  const lang = (item?.editing_language ?? course.language) as Language;
  const translating = lang !== course.language;
  return { lang, translating, saveIn: translating ? lang : undefined };
}

/** The course-language text shown above a field while translating (nothing otherwise). */
function originalOf(course: DraftCourse, translating: boolean) {
  return (text: string | null | undefined): Original | undefined => (translating ? { text, lang: course.language } : undefined);
}

/** The course's language first, then the others: each opens the item with its texts in that language. */
function LanguageSwitch({ course, item, editing, dirty }: { course: DraftCourse; item: DraftItem; editing: Language; dirty: boolean }) {
  const { t } = useApp();
  // Another language is another set of texts: unsaved edits of this one would be lost silently.
  const keepEdits = (e: MouseEvent) => {
    if (!dirty || !(e.target instanceof Element) || !e.target.closest('a')) return;
    if (!window.confirm(t('authoring.unsavedSwitch'))) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  const href = `/authoring/courses/${encodeURIComponent(course.slug)}/items/${item.id}`;
  const main = course.language as Language;
  const languages = [main, ...LOCALES.filter((l) => l !== main)];
  return (
    <nav class="edit-lang" aria-label={t('authoring.editingLanguage')} onClickCapture={keepEdits}>
      <p class="edit-lang__title" aria-hidden="true">
        {t('authoring.editingLanguage')}
      </p>
      <ul>
        {languages.map((l) => (
          <li key={l}>
            <Link href={l === main ? href : `${href}?language=${l}`} class="button button--small" aria-current={l === editing ? 'page' : undefined}>
              {l === main ? t('authoring.courseLanguageIs', { language: t(`authoring.language.${l}`) }) : t(`authoring.language.${l}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Title, minutes, save button and messages around the body of an item editor. */
function EditorShell({
  course,
  item,
  kind,
  title,
  setTitle,
  minutes,
  setMinutes,
  onSave,
  gaps = [],
  children,
}: EditorProps & {
  kind: ItemKind;
  title: LocalizedText;
  setTitle: (v: LocalizedText) => void;
  minutes: string;
  setMinutes: (v: string) => void;
  onSave: () => Promise<DraftItem>;
  /** What the item still lacks before publication, told with "saved" so a half-written draft never reads as done. */
  gaps?: string[];
  children: ComponentChildren;
}) {
  const { t } = useApp();
  const { query } = useLocation();
  const action = useAction();
  const [saved, setSaved] = useState(query.get('saved') === '1');
  const [missingTitle, setMissingTitle] = useState(false);
  /** Edits not saved yet (any field typed in since the last save). */
  const [dirty, setDirty] = useState(false);
  const { lang: editing, translating } = editingOf(course, item);
  /** What is written and missing in the language edited, told again after each save. */
  const [translation, setTranslation] = useState(() => item?.translations.find((x) => x.language === editing) ?? null);
  const base = `/authoring/courses/${encodeURIComponent(course.slug)}`;
  const heading = item ? t('authoring.editItem', { kind: t(`kind.${kind}`) }) : t('authoring.newItem', { kind: t(`kind.${kind}`) });

  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    if (isBlank(title)) {
      setMissingTitle(true);
      document.getElementById('f-item.title.fr')?.focus();
      return;
    }
    setMissingTitle(false);
    void action.run(async () => {
      const res = await onSave();
      setDirty(false);
      if (!item) navigate(`${base}/items/${res.id}?saved=1`, { replace: true });
      else {
        setTranslation(res.translations.find((x) => x.language === editing) ?? null);
        setSaved(true);
      }
    });
  };

  return (
    <Page title={heading}>
      <BackLink href={base}>
        <span {...textAttrs(mainText(course.title).lang)}>{mainText(course.title).text}</span>
      </BackLink>
      {item && (
        <p>
          <Link href={`/${kind === 'quiz' ? 'quizzes' : kind === 'case_study' ? 'case-studies' : 'lessons'}/${item.id}?preview=1`}>
            {t('authoring.previewItem')}
          </Link>
        </p>
      )}
      {item && <LanguageSwitch course={course} item={item} editing={editing} dirty={dirty} />}
      {translating && (
        <div class="notice translating">
          <p>{t(`authoring.translatingNotice.${editing}`)}</p>
          {translation && (
            <p>
              <span class={translation.missing ? 'badge badge--warn translation-status' : 'badge badge--ok translation-status'}>
                {translationText(t, translation)}
              </span>
            </p>
          )}
        </div>
      )}
      <form
        onSubmit={submit}
        onInput={() => setDirty(true)}
        onChange={() => setDirty(true)}
        noValidate
        class="stack editor"
        data-kind={KIND_SEGMENT[kind]}
        data-editing={editing}
      >
        <LocalizedFields
          name="item.title"
          label={t('authoring.itemTitle')}
          value={title}
          onValue={setTitle}
          errors={missingTitle ? { 'item.title.fr': t('authoring.oneLanguageNeeded') } : {}}
        />
        <Input
          name="item.minutes"
          type="number"
          min={0}
          label={t('authoring.minutes')}
          value={minutes}
          onValue={setMinutes}
          optional
          disabled={translating}
        />
        {children}
        <Problems error={action.error} />
        <Status
          message={
            saved
              ? translating && translation
                ? `${t('common.saved')} ${translationText(t, translation)}`
                : gaps.length
                  ? t('authoring.savedWithGaps')
                  : t('common.saved')
              : null
          }
        />
        {saved && gaps.length > 0 && (
          <ul class="gaps">
            {gaps.map((gap) => (
              <li key={gap}>{gap}</li>
            ))}
          </ul>
        )}
        <div class="toolbar sticky-save">
          <SubmitButton busy={action.busy} label={t('common.save')} pending={t('common.saving')} />
          <Link href={base} class="button">
            {t('authoring.backToCourse')}
          </Link>
        </div>
      </form>
    </Page>
  );
}

/** The server's rendering of a Markdown text, refreshed 400 ms after typing stops. */
function useMarkdownPreview(markdown: string) {
  const [html, setHtml] = useState('');
  const [state, setState] = useState<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!markdown.trim()) {
      setHtml('');
      setState('idle');
      return;
    }
    const ctrl = new AbortController();
    setState('loading');
    const timer = setTimeout(() => {
      previewMarkdown(markdown, ctrl.signal)
        .then((h) => {
          setHtml(h);
          setState('ready');
        })
        .catch((e: unknown) => {
          if (ctrl.signal.aborted) return;
          setError(e);
          setState('failed');
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [markdown]);
  return { html, state, error };
}

function MarkdownField({
  name,
  label,
  value,
  onValue,
  lang,
  rows = 14,
  preview = true,
  original,
}: {
  name: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  lang: string;
  rows?: number;
  preview?: boolean;
  original?: Original | undefined;
}) {
  const { t } = useApp();
  return (
    <div class={preview ? 'md-editor' : undefined}>
      <TextArea name={name} label={label} hint={t('authoring.markdownHint')} value={value} onValue={onValue} rows={rows} lang={lang} mono original={original} />
      {preview && <MarkdownPreview markdown={value} lang={lang} />}
    </div>
  );
}

function MarkdownPreview({ markdown, lang }: { markdown: string; lang: string }) {
  const { t } = useApp();
  const p = useMarkdownPreview(markdown);
  return (
    <section class="md-preview" aria-labelledby="md-preview-h">
      <h2 id="md-preview-h" class="md-preview__title">
        {t('authoring.livePreview')}
      </h2>
      <p class="hint" role="status">
        {p.state === 'loading' ? t('authoring.previewUpdating') : p.state === 'failed' ? describeError(p.error, t) : ''}
      </p>
      {p.html ? (
        <div class="prose" lang={lang} dir={lang === 'ar' ? 'rtl' : 'ltr'} dangerouslySetInnerHTML={{ __html: p.html }} />
      ) : (
        <p class="muted">{t('authoring.previewEmpty')}</p>
      )}
    </section>
  );
}

export function LessonEditor(props: EditorProps) {
  const { t } = useApp();
  const { item, moduleId, course, source } = props;
  const { lang, translating, saveIn } = editingOf(course, item);
  const original = originalOf(course, translating);
  const lesson = item?.lesson;
  const [title, setTitle] = useState<LocalizedText>(() => asText(lesson?.title ?? item?.title));
  const [minutes, setMinutes] = useState(String(lesson?.estimated_minutes ?? item?.estimated_minutes ?? ''));
  const [markdown, setMarkdown] = useState(lesson?.body ?? '');
  const onSave = () => {
    const m = toNumber(minutes);
    const body = { title, body: markdown, ...(m != null ? { estimated_minutes: m } : {}) };
    return item ? saveLesson(item.id, body, saveIn) : createLesson(moduleId, body);
  };
  return (
    <EditorShell {...props} kind="lesson" title={title} setTitle={setTitle} minutes={minutes} setMinutes={setMinutes} onSave={onSave}>
      <MarkdownField name="markdown" label={t('authoring.lessonText')} value={markdown} onValue={setMarkdown} lang={lang} original={original(source?.lesson?.body)} />
    </EditorShell>
  );
}

// ---------------------------------------------------------------- quiz

const TRUE_FALSE: Record<string, [string, string]> = { fr: ['Vrai', 'Faux'], ar: ['صحيح', 'خطأ'], en: ['True', 'False'] };

function trueFalseChoices(lang: string, previous: ChoiceInput[]): ChoiceInput[] {
  const [yes, no] = TRUE_FALSE[lang] ?? TRUE_FALSE.fr!;
  const correctIsTrue = previous.length ? previous[0]?.correct !== false : true;
  return [
    { id: previous[0]?.id ?? null, label: yes, correct: correctIsTrue, feedback: previous[0]?.feedback ?? '' },
    { id: previous[1]?.id ?? null, label: no, correct: !correctIsTrue, feedback: previous[1]?.feedback ?? '' },
  ];
}

interface Keyed<T> {
  key: number;
  value: T;
}
let seq = 0;
const keyed = <T,>(value: T): Keyed<T> => ({ key: ++seq, value });

function ItemButtons({
  index,
  count,
  what,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  what: string;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { t } = useApp();
  return (
    <div class="toolbar">
      <button type="button" class="button button--small" disabled={index === 0} aria-label={t('authoring.moveUp', { title: isolate(what) })} onClick={() => onMove(-1)}>
        <span aria-hidden="true">↑</span>
      </button>
      <button
        type="button"
        class="button button--small"
        disabled={index === count - 1}
        aria-label={t('authoring.moveDown', { title: isolate(what) })}
        onClick={() => onMove(1)}
      >
        <span aria-hidden="true">↓</span>
      </button>
      <button type="button" class="button button--small button--danger" aria-label={t('authoring.remove', { title: isolate(what) })} onClick={onRemove}>
        {t('authoring.delete')}
      </button>
    </div>
  );
}

function QuestionEditor({
  q,
  index,
  count,
  lang,
  locked,
  original,
  onChange,
  onMove,
  onRemove,
}: {
  q: QuestionInput;
  /** Translating: the question in the course's language (`lang`). */
  original?: (QuestionInput & { lang: string }) | undefined;
  index: number;
  count: number;
  lang: string;
  /** Translating: only the texts can change. */
  locked: boolean;
  onChange: (q: QuestionInput) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { t } = useApp();
  const p = `q${index}`;
  const what = t('quiz.question', { n: index + 1 });
  const sourceLang = original?.lang ?? lang;
  const setKind = (kind: QuestionKind) => {
    if (kind === 'true_false') onChange({ ...q, kind, choices: trueFalseChoices(lang, q.choices), answers: [] });
    else if (kind === 'short_text') onChange({ ...q, kind, choices: [], answers: q.answers.length ? q.answers : [''] });
    else {
      let choices = q.kind === 'true_false' || q.choices.length === 0 ? [blankChoice(true), blankChoice(false)] : q.choices;
      if (kind === 'single') {
        const first = choices.findIndex((c) => c.correct);
        choices = choices.map((c, i) => ({ ...c, correct: i === (first < 0 ? 0 : first) }));
      }
      onChange({ ...q, kind, choices, answers: [] });
    }
  };
  const setChoice = (i: number, c: ChoiceInput) => {
    let choices = q.choices.map((x, j) => (j === i ? c : x));
    if ((q.kind === 'single' || q.kind === 'true_false') && c.correct) choices = choices.map((x, j) => ({ ...x, correct: j === i }));
    onChange({ ...q, choices });
  };
  return (
    <fieldset class="panel editor-block">
      <legend>{what}</legend>
      {!locked && <ItemButtons index={index} count={count} what={what} onMove={onMove} onRemove={onRemove} />}
      <Select
        name={`${p}.kind`}
        label={t('authoring.questionKind')}
        value={q.kind}
        onValue={(v) => setKind(v as QuestionKind)}
        options={QUESTION_KINDS.map((k) => ({ value: k, label: t(`questionKind.${k}`) }))}
        disabled={locked}
      />
      <TextArea
        name={`${p}.prompt`}
        label={t('authoring.prompt')}
        value={q.prompt}
        onValue={(prompt) => onChange({ ...q, prompt })}
        rows={2}
        lang={lang}
        original={original && { text: original.prompt, lang: sourceLang }}
      />
      {q.kind === 'short_text' ? (
        <fieldset class="sub">
          <legend>{t('authoring.acceptedAnswers')}</legend>
          {q.answers.map((a, i) => (
            <div class="row" key={i}>
              <Input
                name={`${p}.answer${i}`}
                label={t('authoring.acceptedAnswer', { n: i + 1 })}
                value={a}
                lang={lang}
                onValue={(v) => onChange({ ...q, answers: q.answers.map((x, j) => (j === i ? v : x)) })}
              />
              <button
                type="button"
                class="button button--small button--danger"
                aria-label={t('authoring.remove', { title: t('authoring.acceptedAnswer', { n: i + 1 }) })}
                onClick={() => onChange({ ...q, answers: q.answers.filter((_, j) => j !== i) })}
              >
                {t('authoring.delete')}
              </button>
            </div>
          ))}
          <button type="button" class="button button--small" onClick={() => onChange({ ...q, answers: [...q.answers, ''] })}>
            + {t('authoring.addAnswer')}
          </button>
        </fieldset>
      ) : (
        <fieldset class="sub">
          <legend>{t('authoring.choices')}</legend>
          {q.choices.map((c, i) => {
            const cp = `${p}.c${i}`;
            const cwhat = t('authoring.choiceN', { n: i + 1 });
            const fixed = q.kind === 'true_false';
            return (
              <div class="choice-edit" key={i}>
                {fixed ? (
                  <p class="choice-edit__fixed" lang={lang}>
                    <strong>{c.label}</strong>
                  </p>
                ) : (
                  <Input
                    name={`${cp}.label`}
                    label={cwhat}
                    value={c.label}
                    lang={lang}
                    onValue={(label) => setChoice(i, { ...c, label })}
                    original={original && { text: original.choices[i]?.label, lang: sourceLang }}
                  />
                )}
                <div class="check">
                  <input
                    id={`${cp}.correct`}
                    type={q.kind === 'multiple' ? 'checkbox' : 'radio'}
                    name={`${p}.correct`}
                    checked={c.correct}
                    disabled={locked}
                    onChange={(e) => setChoice(i, { ...c, correct: (e.currentTarget as HTMLInputElement).checked })}
                  />
                  <label for={`${cp}.correct`}>{t('authoring.correctChoice', { label: isolate(c.label || cwhat) })}</label>
                </div>
                <Input
                  name={`${cp}.feedback`}
                  label={t('authoring.choiceFeedback', { label: isolate(c.label || cwhat) })}
                  value={c.feedback ?? ''}
                  lang={lang}
                  optional
                  onValue={(feedback) => setChoice(i, { ...c, feedback })}
                  original={original && { text: original.choices[i]?.feedback, lang: sourceLang }}
                />
                {!fixed && !locked && (
                  <ItemButtons
                    index={i}
                    count={q.choices.length}
                    what={cwhat}
                    onMove={(d) => onChange({ ...q, choices: moved(q.choices, i, d) })}
                    onRemove={() => onChange({ ...q, choices: q.choices.filter((_, j) => j !== i) })}
                  />
                )}
              </div>
            );
          })}
          {q.kind !== 'true_false' && !locked && (
            <button type="button" class="button button--small" onClick={() => onChange({ ...q, choices: [...q.choices, blankChoice(false)] })}>
              + {t('authoring.addChoice')}
            </button>
          )}
        </fieldset>
      )}
      <TextArea
        name={`${p}.explanation`}
        label={t('quiz.explanation')}
        value={q.explanation ?? ''}
        onValue={(explanation) => onChange({ ...q, explanation })}
        rows={2}
        lang={lang}
        optional
        original={original && { text: original.explanation, lang: sourceLang }}
      />
    </fieldset>
  );
}

/** The choices of a true/false question, their labels blank in a translation given in that language's words. */
function trueFalseLabels(lang: string, choices: ChoiceInput[]): ChoiceInput[] {
  const words = TRUE_FALSE[lang] ?? TRUE_FALSE.fr!;
  return choices.map((c, i) => (c.label.trim() ? c : { ...c, label: words[i] ?? c.label }));
}

function blankChoice(correct: boolean): ChoiceInput {
  return { id: null, label: '', correct, feedback: '' };
}

function blankQuestion(): QuestionInput {
  return { id: null, kind: 'single', prompt: '', explanation: '', choices: [blankChoice(true), blankChoice(false)], answers: [] };
}

/** What a quiz still lacks before it can be published, question by question. */
function quizGaps(questions: QuestionInput[], t: Translate): string[] {
  const gaps: string[] = [];
  if (questions.length === 0) gaps.push(t('authoring.gap.noQuestion'));
  questions.forEach((q, i) => {
    const n = i + 1;
    if (!q.prompt.trim()) gaps.push(t('authoring.gap.prompt', { n }));
    if (q.kind === 'short_text') {
      if (!q.answers.some((a) => a.trim())) gaps.push(t('authoring.gap.answers', { n }));
      return;
    }
    const unlabelled = q.choices.filter((c) => !c.label.trim()).length;
    if (unlabelled) gaps.push(t('authoring.gap.choiceLabels', { n, count: unlabelled }));
    if (!q.choices.some((c) => c.correct)) gaps.push(t('authoring.gap.correct', { n }));
  });
  return gaps;
}

export function QuizEditor(props: EditorProps) {
  const { t } = useApp();
  const { item, moduleId, course, source } = props;
  const { lang, translating, saveIn } = editingOf(course, item);
  const quiz = item?.quiz;
  const originals = translating ? source?.quiz?.questions : undefined;
  const [title, setTitle] = useState<LocalizedText>(() => asText(quiz?.title ?? item?.title));
  const [minutes, setMinutes] = useState(String(quiz?.estimated_minutes ?? ''));
  const [passMark, setPassMark] = useState(String(quiz?.pass_mark ?? 70));
  const [maxAttempts, setMaxAttempts] = useState(quiz?.max_attempts != null ? String(quiz.max_attempts) : '');
  const [shuffle, setShuffle] = useState(quiz?.shuffle ?? true);
  const [questions, setQuestions] = useState<Keyed<QuestionInput>[]>(() =>
    (quiz?.questions ?? [blankQuestion()])
      // A true/false question's two labels are the language's own words, never typed.
      .map((q) => (translating && q.kind === 'true_false' ? { ...q, choices: trueFalseLabels(lang, q.choices) } : q))
      .map(keyed),
  );

  const onSave = () => {
    const m = toNumber(minutes);
    const max = toNumber(maxAttempts);
    const body: QuizInput = {
      title,
      pass_mark: toNumber(passMark) ?? 0,
      shuffle,
      questions: questions.map(({ value: q }) => ({
        ...q,
        answers: q.kind === 'short_text' ? q.answers.map((a) => a.trim()).filter(Boolean) : [],
        choices: q.kind === 'short_text' ? [] : q.choices,
      })),
      ...(m != null ? { estimated_minutes: m } : {}),
      ...(max != null && max > 0 ? { max_attempts: max } : {}),
    };
    return item ? saveQuiz(item.id, body, saveIn) : createQuiz(moduleId, body);
  };

  return (
    <EditorShell
      {...props}
      kind="quiz"
      title={title}
      setTitle={setTitle}
      minutes={minutes}
      setMinutes={setMinutes}
      onSave={onSave}
      gaps={
        translating
          ? []
          : quizGaps(
              questions.map((q) => q.value),
              t,
            )
      }
    >
      <Input
        name="pass_mark"
        type="number"
        min={0}
        max={100}
        label={t('authoring.passMark')}
        value={passMark}
        onValue={setPassMark}
        disabled={translating}
      />
      <Input
        name="max_attempts"
        type="number"
        min={0}
        label={t('authoring.maxAttempts')}
        hint={t('authoring.maxAttemptsHint')}
        value={maxAttempts}
        onValue={setMaxAttempts}
        optional
        disabled={translating}
      />
      <div class="check">
        <input id="f-shuffle" type="checkbox" checked={shuffle} disabled={translating} onChange={(e) => setShuffle((e.currentTarget as HTMLInputElement).checked)} />
        <label for="f-shuffle">{t('authoring.shuffle')}</label>
      </div>
      {questions.map((q, i) => (
        <QuestionEditor
          key={q.key}
          q={q.value}
          index={i}
          count={questions.length}
          lang={lang}
          locked={translating}
          original={originals?.[i] && { ...originals[i], lang: course.language }}
          onChange={(value) => setQuestions((list) => list.map((x) => (x.key === q.key ? { key: x.key, value } : x)))}
          onMove={(d) => setQuestions((list) => moved(list, i, d))}
          onRemove={() => setQuestions((list) => list.filter((x) => x.key !== q.key))}
        />
      ))}
      {!translating && (
        <button type="button" class="button" onClick={() => setQuestions((list) => [...list, keyed(blankQuestion())])}>
          + {t('authoring.addQuestion')}
        </button>
      )}
    </EditorShell>
  );
}

// ---------------------------------------------------------------- case study

function blankNode(key: string): CaseNodeInput {
  return { id: null, key, body_markdown: '', choices: [{ id: null, label: '', next: '', points: 0, feedback_markdown: '' }] };
}
function blankEnding(key: string): EndingInput {
  return { id: null, key, title: '', band: 'good', debrief_markdown: '' };
}

export function CaseStudyEditor(props: EditorProps) {
  const { t } = useApp();
  const { item, moduleId, course } = props;
  const cs = item?.case_study;
  const { lang, translating, saveIn } = editingOf(course, item);
  const original = originalOf(course, translating);
  const src = translating ? props.source?.case_study : undefined;
  const [title, setTitle] = useState<LocalizedText>(() => asText(cs?.title ?? item?.title));
  const [minutes, setMinutes] = useState(String(cs?.estimated_minutes ?? ''));
  const [summary, setSummary] = useState(cs?.summary ?? '');
  const [start, setStart] = useState(cs?.start ?? 'debut');
  const [nodes, setNodes] = useState<Keyed<CaseNodeInput>[]>(() => (cs?.nodes ?? [blankNode('debut')]).map(keyed));
  const [endings, setEndings] = useState<Keyed<EndingInput>[]>(() => (cs?.endings ?? [blankEnding('fin')]).map(keyed));

  const nodeKeys = nodes.map((n) => n.value.key).filter(Boolean);
  const targets = [
    { value: '', label: t('authoring.chooseTarget') },
    ...nodeKeys.map((k) => ({ value: k, label: t('authoring.targetNode', { key: k }) })),
    ...endings.map((e) => e.value.key).filter(Boolean).map((k) => ({ value: k, label: t('authoring.targetEnding', { key: k }) })),
  ];
  const setNode = (key: number, value: CaseNodeInput) => setNodes((list) => list.map((x) => (x.key === key ? { key, value } : x)));
  const setEnding = (key: number, value: EndingInput) => setEndings((list) => list.map((x) => (x.key === key ? { key, value } : x)));

  const onSave = () => {
    const m = toNumber(minutes);
    const body: CaseStudyInput = {
      title,
      summary,
      start,
      nodes: nodes.map((n) => n.value),
      endings: endings.map((e) => e.value),
      ...(m != null ? { estimated_minutes: m } : {}),
    };
    return item ? saveCaseStudy(item.id, body, saveIn) : createCaseStudy(moduleId, body);
  };

  return (
    <EditorShell {...props} kind="case_study" title={title} setTitle={setTitle} minutes={minutes} setMinutes={setMinutes} onSave={onSave}>
      <TextArea
        name="summary"
        label={t('authoring.caseSummary')}
        value={summary}
        onValue={setSummary}
        rows={3}
        lang={lang}
        original={original(src?.summary)}
      />
      <Select
        name="start"
        label={t('authoring.startNode')}
        value={start}
        onValue={setStart}
        options={nodeKeys.length ? nodeKeys.map((k) => ({ value: k, label: k })) : [{ value: '', label: '—' }]}
        disabled={translating}
      />
      <h2>{t('authoring.nodes')}</h2>
      {nodes.map(({ key: k, value: n }, i) => (
        <NodeBlock
          key={k}
          node={n}
          index={i}
          count={nodes.length}
          lang={lang}
          locked={translating}
          original={src?.nodes[i]}
          sourceLang={course.language}
          targets={targets}
          onValue={(value) => setNode(k, value)}
          onMove={(d) => setNodes((list) => moved(list, i, d))}
          onRemove={() => setNodes((list) => list.filter((x) => x.key !== k))}
        />
      ))}
      {!translating && (
        <button type="button" class="button" onClick={() => setNodes((list) => [...list, keyed(blankNode(`etape-${list.length + 1}`))])}>
          + {t('authoring.addNode')}
        </button>
      )}
      <h2>{t('authoring.endings')}</h2>
      {endings.map(({ key: k, value: e }, i) => (
        <EndingBlock
          key={k}
          ending={e}
          index={i}
          count={endings.length}
          lang={lang}
          locked={translating}
          original={src?.endings[i]}
          sourceLang={course.language}
          onValue={(value) => setEnding(k, value)}
          onMove={(d) => setEndings((list) => moved(list, i, d))}
          onRemove={() => setEndings((list) => list.filter((x) => x.key !== k))}
        />
      ))}
      {!translating && (
        <button type="button" class="button" onClick={() => setEndings((list) => [...list, keyed(blankEnding(`fin-${list.length + 1}`))])}>
          + {t('authoring.addEnding')}
        </button>
      )}
    </EditorShell>
  );
}

/** What a block of a list editor gets: its value, its place in the list, and the list's actions on it. */
interface BlockProps<T> {
  index: number;
  count: number;
  lang: string;
  /** Translating: only the texts can change. */
  locked: boolean;
  /** Translating: the block in the course's language (`sourceLang`). */
  original?: T | undefined;
  sourceLang?: string;
  onValue: (value: T) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}

/** The frame of a block that has a key (a situation, an ending): its heading, its buttons and its key. */
function KeyedBlock<T extends { key: string }>({
  value,
  prefix,
  what,
  index,
  count,
  locked,
  onValue,
  onMove,
  onRemove,
  children,
}: Omit<BlockProps<T>, 'lang' | 'original' | 'sourceLang'> & { value: T; prefix: string; what: string; children: ComponentChildren }) {
  const { t } = useApp();
  return (
    <fieldset class="panel editor-block">
      <legend>{what}</legend>
      {!locked && <ItemButtons index={index} count={count} what={what} onMove={onMove} onRemove={onRemove} />}
      <Input
        name={`${prefix}.key`}
        label={t('authoring.key')}
        hint={t('authoring.keyHint')}
        value={value.key}
        onValue={(v) => onValue({ ...value, key: v.toLowerCase() })}
        disabled={locked}
      />
      {children}
    </fieldset>
  );
}

/** One situation of a case study, with its choices. */
function NodeBlock({ node: n, index: i, count, lang, locked, original, sourceLang = lang, targets, onValue, onMove, onRemove }: BlockProps<CaseNodeInput> & { node: CaseNodeInput; targets: Array<{ value: string; label: string }> }) {
  const { t } = useApp();
  const p = `n${i}`;
  const what = t('authoring.nodeN', { key: n.key || String(i + 1) });
  return (
    <KeyedBlock value={n} prefix={p} what={what} index={i} count={count} locked={locked} onValue={onValue} onMove={onMove} onRemove={onRemove}>
      <MarkdownField
        name={`${p}.body`}
        label={t('authoring.situation')}
        value={n.body_markdown}
        onValue={(body_markdown) => onValue({ ...n, body_markdown })}
        lang={lang}
        rows={6}
        preview={false}
        original={original && { text: original.body_markdown, lang: sourceLang }}
      />
      <fieldset class="sub">
        <legend>{t('authoring.choices')}</legend>
        {n.choices.map((c, j) => {
          const cp = `${p}.c${j}`;
          const cwhat = t('authoring.choiceN', { n: j + 1 });
          const setC = (value: typeof c) => onValue({ ...n, choices: n.choices.map((x, y) => (y === j ? value : x)) });
          return (
            <div class="choice-edit" key={j}>
              <Input
                name={`${cp}.label`}
                label={cwhat}
                value={c.label}
                lang={lang}
                onValue={(label) => setC({ ...c, label })}
                original={original && { text: original.choices[j]?.label, lang: sourceLang }}
              />
              <Select name={`${cp}.next`} label={t('authoring.next')} value={c.next} onValue={(next) => setC({ ...c, next })} options={targets} disabled={locked} />
              <Select
                name={`${cp}.points`}
                label={t('authoring.points')}
                value={String(c.points)}
                onValue={(v) => setC({ ...c, points: Number(v) })}
                options={[0, 1, 2, 3].map((x) => ({ value: String(x), label: String(x) }))}
                disabled={locked}
              />
              <TextArea
                name={`${cp}.feedback`}
                label={t('authoring.practitionerFeedback')}
                value={c.feedback_markdown ?? ''}
                onValue={(feedback_markdown) => setC({ ...c, feedback_markdown })}
                rows={3}
                lang={lang}
                mono
                original={original && { text: original.choices[j]?.feedback_markdown, lang: sourceLang }}
              />
              {!locked && (
                <ItemButtons
                  index={j}
                  count={n.choices.length}
                  what={cwhat}
                  onMove={(d) => onValue({ ...n, choices: moved(n.choices, j, d) })}
                  onRemove={() => onValue({ ...n, choices: n.choices.filter((_, y) => y !== j) })}
                />
              )}
            </div>
          );
        })}
        {!locked && (
          <button
            type="button"
            class="button button--small"
            onClick={() => onValue({ ...n, choices: [...n.choices, { id: null, label: '', next: '', points: 0, feedback_markdown: '' }] })}
          >
            + {t('authoring.addChoice')}
          </button>
        )}
      </fieldset>
    </KeyedBlock>
  );
}

/** One ending of a case study: its band and debrief. */
function EndingBlock({ ending: e, index: i, count, lang, locked, original, sourceLang = lang, onValue, onMove, onRemove }: BlockProps<EndingInput> & { ending: EndingInput }) {
  const { t } = useApp();
  const p = `e${i}`;
  const what = t('authoring.endingN', { key: e.key || String(i + 1) });
  return (
    <KeyedBlock value={e} prefix={p} what={what} index={i} count={count} locked={locked} onValue={onValue} onMove={onMove} onRemove={onRemove}>
      <Input
        name={`${p}.title`}
        label={t('authoring.endingTitle')}
        value={e.title}
        lang={lang}
        onValue={(v) => onValue({ ...e, title: v })}
        original={original && { text: original.title, lang: sourceLang }}
      />
      <Select
        name={`${p}.band`}
        label={t('authoring.band')}
        value={e.band}
        onValue={(band) => onValue({ ...e, band })}
        options={BANDS.map((b) => ({ value: b, label: t(`band.${b}`) }))}
        disabled={locked}
      />
      <TextArea
        name={`${p}.debrief`}
        label={t('case.debrief')}
        value={e.debrief_markdown}
        onValue={(debrief_markdown) => onValue({ ...e, debrief_markdown })}
        rows={5}
        lang={lang}
        mono
        original={original && { text: original.debrief_markdown, lang: sourceLang }}
      />
    </KeyedBlock>
  );
}

export function isValidationError(e: unknown): boolean {
  return e instanceof ApiError && e.status === 422;
}
