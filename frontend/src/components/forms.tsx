import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type FieldErrors } from '../api/client';
import { useApp } from '../context';
import { describeError, localizeFieldError, problemPlace, type Overrides } from '../errors';
import type { Translate } from '../i18n';
import { navigate } from '../router';

export type { FieldErrors };

function describedBy(...ids: Array<string | false | undefined>): string | undefined {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

interface FieldFrameProps {
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  optional?: boolean;
  children: (a11y: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: 'true' }) => ComponentChildren;
}

/** Label, hint and error around one control, linked for assistive technology. */
export function FieldFrame({ name, label, error, hint, optional, children }: FieldFrameProps) {
  const { t } = useApp();
  const id = `f-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div class={error ? 'field field--invalid' : 'field'}>
      <label for={id}>
        {label}
        {optional && <span class="optional"> ({t('common.optional')})</span>}
      </label>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({
        id,
        'aria-describedby': describedBy(hintId, errorId),
        ...(error ? { 'aria-invalid': 'true' as const } : {}),
      })}
      {error && (
        <p class="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface InputProps {
  name: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'search';
  autoComplete?: string;
  inputMode?: 'text' | 'email';
  dir?: 'ltr' | 'rtl' | 'auto';
  minLength?: number;
  error?: string | undefined;
  hint?: string | undefined;
  optional?: boolean;
}

export function TextField(props: InputProps) {
  const { name, label, value, onValue, error, hint, optional, type = 'text', autoComplete, inputMode, dir, minLength } = props;
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint} optional={optional}>
      {(a11y) => (
        <input
          {...a11y}
          // Preact 11 types each input type separately; the union is valid at run time.
          type={type as 'text'}
          autoComplete={autoComplete}
          inputMode={inputMode}
          dir={dir}
          minLength={minLength}
          name={name}
          value={value}
          aria-required={optional ? undefined : 'true'}
          onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </FieldFrame>
  );
}

interface SelectProps {
  name: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  options: Array<{ value: string; label: string; lang?: string }>;
  error?: string | undefined;
  hint?: string | undefined;
  optional?: boolean;
}

export function SelectField({ name, label, value, onValue, options, error, hint, optional }: SelectProps) {
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint} optional={optional}>
      {(a11y) => (
        <select {...a11y} name={name} value={value} onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value} lang={o.lang}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

export interface VocabSelectProps extends Omit<SelectProps, 'options'> {
  /** The vocabulary's values, in the order shown. */
  values: readonly string[];
  /** A value's name in the UI language. */
  nameOf: (value: string) => string;
  /** Each option is marked as being in the language it names (a list of languages). */
  lang?: boolean;
  /** A first option that picks no value ("Choose…", "All territories"). */
  blank?: string;
}

/** A select over a vocabulary: the options are made from its values, not written out by each form. */
export function VocabSelect({ values, nameOf, lang, blank, ...field }: VocabSelectProps) {
  const options = values.map((v) => ({ value: v, label: nameOf(v), ...(lang ? { lang: v } : {}) }));
  return <SelectField {...field} options={blank === undefined ? options : [{ value: '', label: blank }, ...options]} />;
}

/** What a form says of each of its vocabulary selects, by field name: the rest comes from the form's state. */
export type VocabFields<K extends string> = Record<K, Omit<VocabSelectProps, 'name' | 'value' | 'onValue' | 'error'>>;

/** A form's vocabulary selects, drawn by field name (`select('type')`) and bound to its values, setter and errors. */
export function vocabSelects<K extends string>(
  fields: VocabFields<K>,
  values: Record<NoInfer<K>, string>,
  set: (field: NoInfer<K>) => (value: string) => void,
  errors: FieldErrors,
) {
  return (field: K) => <VocabSelect key={field} name={field} {...fields[field]} value={values[field]} onValue={set(field)} error={errors[field]} />;
}

/** A calendar day (`YYYY-MM-DD`), with the browser's date picker. */
export function DateField({ name, label, value, onValue, error, hint, optional, max }: Omit<InputProps, 'type'> & { max?: string }) {
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint} optional={optional}>
      {(a11y) => (
        <input
          {...a11y}
          type="date"
          name={name}
          max={max}
          value={value}
          aria-required={optional ? undefined : 'true'}
          onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </FieldFrame>
  );
}

/** Several lines of text; `frame` names the field's ids when one page holds several such forms. */
export function TextAreaField({
  name,
  frame = name,
  label,
  value,
  onValue,
  rows,
  error,
  hint,
  optional,
}: Omit<InputProps, 'type'> & { frame?: string; rows: number }) {
  return (
    <FieldFrame name={frame} label={label} error={error} hint={hint} optional={optional}>
      {(a11y) => (
        <textarea
          {...a11y}
          name={name}
          rows={rows}
          dir="auto"
          value={value}
          aria-required={optional ? undefined : 'true'}
          onInput={(e) => onValue((e.currentTarget as HTMLTextAreaElement).value)}
        />
      )}
    </FieldFrame>
  );
}

/** A form-level error, announced as soon as it appears. */
export function Alert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div class="alert alert--error" role="alert">
      {message}
    </div>
  );
}

/** A success or progress message, announced politely. */
export function Status({ message }: { message: string | null }) {
  return (
    <div class={message ? 'alert alert--ok' : 'visually-hidden'} role="status">
      {message}
    </div>
  );
}

export interface FormState {
  formRef: RefObject<HTMLFormElement | null>;
  busy: boolean;
  errors: FieldErrors;
  formError: string | null;
  setFormError: (message: string | null) => void;
  /** Validates locally, then runs the action and maps any API failure onto the form. */
  run: (validate: () => FieldErrors, action: () => Promise<void>, overrides?: Overrides) => Promise<void>;
}

export function useForm(): FormState {
  const { t, me, setMe } = useApp();
  const formRef = useRef<HTMLFormElement>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [focusTick, setFocusTick] = useState(0);

  useEffect(() => {
    if (!focusTick) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    invalid?.focus();
  }, [focusTick]);

  async function run(validate: () => FieldErrors, action: () => Promise<void>, overrides: Overrides = {}) {
    if (busy) return;
    const local = validate();
    if (Object.keys(local).length > 0) {
      setErrors(local);
      setFormError(t('common.formInvalid'));
      setFocusTick((n) => n + 1);
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && me) {
        setMe(null);
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
        return;
      }
      const problems = e instanceof ApiError ? e.problems : [];
      const form = formRef.current;
      const shown: FieldErrors = {};
      const elsewhere: string[] = [];
      for (const problem of problems) {
        const message = localizeFieldError(problem, t);
        if (form?.elements.namedItem(problem.field)) {
          if (!(problem.field in shown)) shown[problem.field] = message;
        } else {
          const place = problem.reason ? problemPlace(problem.params, t) : problem.code === 'invalid_content' ? problem.field : null;
          elsewhere.push(place ? `${place}${t('common.colon')}${message}` : message);
        }
      }
      setErrors(shown);
      const hasShown = Object.keys(shown).length > 0;
      const base = hasShown && e instanceof ApiError && e.status === 422 ? t('common.formInvalid') : describeError(e, t, overrides);
      setFormError([base, ...elsewhere].join(' '));
      if (hasShown) setFocusTick((n) => n + 1);
    } finally {
      setBusy(false);
    }
  }

  return { formRef, busy, errors, formError, setFormError, run };
}

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 10;

/** A form's values in one state: `set('name')` is the `onValue` of that field; `reset` starts over. */
export function useFields<T extends object>(initial: T | (() => T)) {
  const [values, setValues] = useState<T>(initial);
  const set =
    <K extends keyof T>(field: K) =>
    (value: T[K]) =>
      setValues((v) => ({ ...v, [field]: value }));
  return { values, set, reset: setValues };
}

/** A form run by `useForm()`: the form-level alert first, then the fields. */
export function Form({ form, onSubmit, class: className = 'stack', children }: { form: FormState; onSubmit: (e: Event) => void; class?: string; children: ComponentChildren }) {
  return (
    <form ref={form.formRef} onSubmit={onSubmit} noValidate class={className}>
      <Alert message={form.formError} />
      {children}
    </form>
  );
}

/** The primary button of a form; while the form is busy it is disabled and says so (`pending`, "Sending…" by default). */
export function SubmitButton({ busy, label, pending }: { busy: boolean; label: string; pending?: string }) {
  const { t } = useApp();
  return (
    <button type="submit" class="button button--primary" disabled={busy}>
      {busy ? (pending ?? t('common.sending')) : label}
    </button>
  );
}

type ValueProps = { value: string; onValue: (value: string) => void; error?: string | undefined };

/** The e-mail address of an account (always written left to right). */
export function EmailField(props: ValueProps) {
  const { t } = useApp();
  return <TextField name="email" type="email" label={t('login.email')} autoComplete="email" inputMode="email" dir="ltr" {...props} />;
}

/** A password: the current one (logging in), or a new one with the rules as its hint. */
export function PasswordField({
  name = 'password',
  fresh,
  ...props
}: ValueProps & { name?: string; label: string; fresh?: boolean; hint?: string; minLength?: number }) {
  return <TextField name={name} type="password" autoComplete={fresh ? 'new-password' : 'current-password'} {...props} />;
}

/** The name others see (an account's display name). */
export function DisplayNameField(props: ValueProps & { label: string }) {
  const { t } = useApp();
  return <TextField name="display_name" hint={t('register.displayNameHint')} autoComplete="name" dir="auto" {...props} />;
}

/** The local check of an e-mail address, or undefined when it may be sent. */
export function emailProblem(email: string, t: Translate): string | undefined {
  if (!email.trim()) return t('common.required');
  if (!EMAIL_RE.test(email.trim())) return t('common.invalidEmail');
  return undefined;
}

/** The local check of a new password, or undefined when it may be sent. */
export function newPasswordProblem(password: string, t: Translate): string | undefined {
  if (!password) return t('common.required');
  if (password.length < MIN_PASSWORD) return t('common.passwordTooShort');
  return undefined;
}

/** Field errors without the fields that have none. */
export function fieldErrors(entries: Record<string, string | undefined>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, message] of Object.entries(entries)) if (message) errors[field] = message;
  return errors;
}
