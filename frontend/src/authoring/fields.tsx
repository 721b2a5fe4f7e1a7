// Form pieces of the authoring screens.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { LocalizedText } from '../api/types';
import { FieldFrame } from '../components/forms';
import { useApp } from '../context';
import { describeError, localizeFieldError, problemPlace } from '../errors';
import { LOCALES, type Translate } from '../i18n';
import { Link } from '../router';

/** What every text field of the authoring forms takes, whatever its control. */
interface TextField {
  name: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string | undefined;
  error?: string | undefined;
  optional?: boolean;
  lang?: string | undefined;
  disabled?: boolean | undefined;
  /** Translating: the text in the course's language, shown above the field. */
  original?: Original | undefined;
}

/** The attributes a text control gets from its frame. */
interface ControlAttrs {
  id: string;
  'aria-describedby'?: string | undefined;
  'aria-invalid'?: 'true';
  name: string;
  disabled: boolean | undefined;
  lang: string | undefined;
  value: string;
}

/** A text field's label, hint, error and original text around its control. */
function TextFrame({ field, control }: { field: TextField; control: (attrs: ControlAttrs) => ComponentChildren }) {
  const { name, label, hint, error, optional, original, disabled, lang, value } = field;
  return (
    <FieldFrame name={name} label={label} hint={hint} error={error} optional={optional}>
      {(a11y) => (
        <>
          <OriginalText id={a11y.id} original={original} />
          {control({ ...a11y, 'aria-describedby': withOriginal(a11y, original), name, disabled, lang, value })}
        </>
      )}
    </FieldFrame>
  );
}

/** The direction of text in a stated language; `undefined` when none is stated. */
const direction = (lang: string | undefined) => (lang ? (lang === 'ar' ? 'rtl' : 'ltr') : undefined);

export function TextArea(field: TextField & { rows?: number; mono?: boolean }) {
  const { rows = 4, mono, lang, onValue } = field;
  return (
    <TextFrame
      field={field}
      control={(attrs) => (
        <textarea
          {...attrs}
          rows={rows}
          class={mono ? 'mono' : undefined}
          dir={direction(lang) ?? 'auto'}
          onInput={(e) => onValue((e.currentTarget as HTMLTextAreaElement).value)}
        />
      )}
    />
  );
}

export function Input(field: TextField & { type?: 'text' | 'number'; min?: number; max?: number }) {
  const { type = 'text', min, max, lang, onValue } = field;
  return (
    <TextFrame
      field={field}
      control={(attrs) => (
        <input
          {...attrs}
          type={type as 'text'}
          inputMode={type === 'number' ? 'numeric' : undefined}
          min={min}
          max={max}
          dir={direction(lang)}
          onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    />
  );
}

/** A text in the course's language, beside the field that translates it. */
export interface Original {
  text: string | null | undefined;
  lang: string;
}

const hasText = (o: Original | undefined): o is Original & { text: string } => !!o?.text?.trim();

/** The field's description ids, with its original text's when it has one. */
function withOriginal(a11y: { id: string; 'aria-describedby'?: string }, original: Original | undefined): string | undefined {
  const ids = [a11y['aria-describedby'], hasText(original) ? `${a11y.id}-original` : undefined].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** "Course text (French): …", the text marked with its language and direction. */
function OriginalText({ id, original }: { id: string; original: Original | undefined }) {
  const { t } = useApp();
  if (!hasText(original)) return null;
  const language = isLanguage(original.lang) ? t(`authoring.language.${original.lang}`) : original.lang;
  return (
    <p class="original" id={`${id}-original`}>
      <span class="original__label">{t('authoring.original', { language })}</span>
      <span class="original__text" lang={original.lang} dir={original.lang === 'ar' ? 'rtl' : 'ltr'}>
        {original.text}
      </span>
    </p>
  );
}

const isLanguage = (l: string): l is 'fr' | 'ar' | 'en' => (LOCALES as readonly string[]).includes(l);

/** A select that can be shown locked (`disabled`): the structure of an item while it is being translated. */
export function Select({
  name,
  label,
  value,
  onValue,
  options,
  disabled,
}: {
  name: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  options: Array<{ value: string; label: string }>;
  disabled?: boolean | undefined;
}) {
  return (
    <FieldFrame name={name} label={label}>
      {(a11y) => (
        <select {...a11y} name={name} value={value} disabled={disabled} onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

/** A text in French (required) with optional Arabic and English versions. */
export function LocalizedFields({
  name,
  label,
  value,
  onValue,
  multiline,
  errors = {},
}: {
  name: string;
  label: string;
  value: LocalizedText;
  onValue: (v: LocalizedText) => void;
  multiline?: boolean;
  errors?: Record<string, string>;
}) {
  const { t } = useApp();
  return (
    <fieldset class="localized">
      <legend>{label}</legend>
      <p class="hint">{t('authoring.oneLanguageEnough')}</p>
      {LOCALES.map((l) => {
        const props = {
          name: `${name}.${l}`,
          label: t(`lang.${l}`),
          value: value[l] ?? '',
          onValue: (v: string) => onValue({ ...value, [l]: l === 'fr' ? v : v || null }),
          lang: l,
          error: errors[`${name}.${l}`],
        };
        return multiline ? <TextArea key={l} {...props} rows={3} /> : <Input key={l} {...props} />;
      })}
    </fieldset>
  );
}

/**
 * Every problem of a failed save, in the person's language where it has a
 * reason or a code. A problem inside a course's item names where it is in the
 * reader's words and, given the course's `slug`, links to that item's editor.
 */
export function Problems({ error, slug }: { error: unknown; slug?: string }) {
  const { t } = useApp();
  if (!error) return null;
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <div class="alert alert--error" role="alert">
      <p>{problems.length ? t('authoring.problems', { n: problems.length }) : describeError(error, t)}</p>
      {problems.length > 0 && (
        <ul class="problems">
          {problems.map((p, i) => {
            const message = localizeFieldError(p, t);
            const place = p.reason ? problemPlace(p.params, t) : null;
            const itemId = p.params?.item_id;
            if (p.reason) {
              return (
                <li key={i}>
                  {place && (
                    <>
                      <strong>
                        <bdi>{place}</bdi>
                      </strong>
                      {t('common.colon')}
                    </>
                  )}
                  {message}
                  {slug && itemId && (
                    <>
                      {' '}
                      <Link href={`/authoring/courses/${encodeURIComponent(slug)}/items/${encodeURIComponent(itemId)}`}>{t('problem.fix')}</Link>
                    </>
                  )}
                </li>
              );
            }
            return (
              <li key={i}>
                {message.startsWith(p.field) ? (
                  message
                ) : (
                  <>
                    <strong class="break" dir="ltr">
                      {p.field}
                    </strong>{' '}
                    : {message}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** A button's pending state and the error of its last run. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** A small red button that asks first (`question`), then runs `act` as `action`. */
export function DeleteButton({
  action,
  question,
  act,
  label,
  children,
}: {
  action: ReturnType<typeof useAction>;
  question: string;
  act: () => Promise<void>;
  /** The accessible name, when the visible text (`children`) does not say what goes. */
  label?: string;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class="button button--small button--danger"
      disabled={action.busy}
      aria-label={label}
      onClick={() => {
        if (window.confirm(question)) void action.run(act);
      }}
    >
      {children}
    </button>
  );
}

export function Toolbar({ children }: { children: ComponentChildren }) {
  return <div class="toolbar">{children}</div>;
}

/** Moves element i of a list by delta, returning a new list. */
export function moved<T>(list: T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (j < 0 || j >= list.length) return list;
  const copy = list.slice();
  const [x] = copy.splice(i, 1);
  copy.splice(j, 0, x as T);
  return copy;
}

/**
 * A title or summary in the first language it is written in (French, Arabic,
 * English) and that language, as the server serves it when the reader's own
 * is missing: any one language is enough for a course.
 */
export function mainText(v: LocalizedText): { text: string; lang: 'fr' | 'ar' | 'en' } {
  for (const lang of ['fr', 'ar', 'en'] as const) {
    const text = v[lang];
    if (text && text.trim()) return { text, lang };
  }
  return { text: '', lang: 'fr' };
}

/** True when no language has the text. */
export function isBlank(v: LocalizedText): boolean {
  return !mainText(v).text;
}

export function emptyText(): LocalizedText {
  return { fr: '', ar: null, en: null };
}

export function toNumber(value: string): number | null {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

/** A title as the draft gives it (a plain string or the three languages) as the three languages. */
export function asText(value: string | LocalizedText | null | undefined): LocalizedText {
  if (value == null) return emptyText();
  if (typeof value === 'string') return { fr: value, ar: null, en: null };
  return { fr: value.fr, ar: value.ar ?? null, en: value.en ?? null };
}

/** What an item still lacks in a language other than the course's: "Arabe : 3 textes à traduire", "Arabe : traduit". */
export function translationText(t: Translate, status: { language: string; missing: number }): string {
  const language = isLanguage(status.language) ? t(`authoring.language.${status.language}`) : status.language;
  if (status.missing === 0) return t('authoring.translationDone', { language });
  return t(status.missing === 1 ? 'authoring.translationMissingOne' : 'authoring.translationMissing', { language, n: status.missing });
}
