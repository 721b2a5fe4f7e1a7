import { ApiError, type FieldProblem } from './api/client';
import type { components } from '../generated/schema';
import { hasKey, isolate, type Key, type Translate } from './i18n';

/** The key of each reason the server may give; the type check fails if French lacks one. */
type ReasonKey = `reason.${components['schemas']['ReasonCode']}`;
const everyReasonIsTranslated: ReasonKey extends Key ? true : never = true;
void everyReasonIsTranslated;

/** Vocabularies a reason's parameters may hold, by the prefix of their keys. */
const VOCABULARIES: Record<string, readonly string[]> = {
  roles: ['role'],
  kind: ['kind', 'serviceKind'],
  item_kind: ['kind'],
  territory: ['territory'],
  theme: ['theme'],
  themes: ['theme'],
  level: ['level'],
  levels: ['level'],
  band: ['band'],
  bands: ['band'],
  language: ['lang'],
};


/** A parameter in the reader's words: vocabulary values translated, lists joined; anything else isolated. */
function localParam(name: string, value: string, t: Translate): string {
  const prefixes = VOCABULARIES[name];
  if (!prefixes) return isolate(value);
  const one = (v: string) => {
    for (const prefix of prefixes) {
      const key = `${prefix}.${v}`;
      if (hasKey(key)) return t(key);
    }
    return v;
  };
  return value
    .split(/,\s*/)
    .map((v) => one(v.trim()))
    .join(t('common.listSeparator'));
}

/** A reason the server gave, in the reader's language; null when this build does not know it. */
export function reasonText(reason: string | undefined, params: Record<string, string> | undefined, t: Translate): string | null {
  if (!reason) return null;
  const key = `reason.${reason}`;
  if (!hasKey(key)) return null;
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) vars[name] = localParam(name, value, t);
  // Authors know a choice by its label; its key only when it has none.
  if (params?.choice_label) vars.choice = isolate(params.choice_label);
  return t(key, vars);
}

/**
 * Where in a course a content problem is, in the reader's words, by titles where the course has
 * them (`Module « Accueillir » › Quiz « Repères » › Question 2`), or null for the course itself.
 */
export function problemPlace(params: Record<string, string> | undefined, t: Translate): string | null {
  if (!params) return null;
  const parts: string[] = [];
  const at = (what: string, name: string) => t('problem.at', { what, key: isolate(name) });
  if (params.module) parts.push(at(t('problem.module'), params.module_title || params.module));
  if (params.item && params.item_kind) parts.push(at(localParam('item_kind', params.item_kind, t), params.item_title || params.item));
  if (params.question_number) parts.push(t('problem.questionN', { n: params.question_number }));
  else if (params.question) parts.push(at(t('problem.question'), params.question));
  if (params.node) parts.push(at(t('problem.node'), params.node));
  if (params.ending) parts.push(at(t('problem.ending'), params.ending));
  return parts.length ? parts.join(' › ') : null;
}

/** Per-status messages a screen knows better than the server's title. */
export type Overrides = Partial<Record<number, Key>>;

/** A sentence for the person, in their language, from any failure. */
export function describeError(error: unknown, t: Translate, overrides: Overrides = {}): string {
  if (!(error instanceof ApiError)) return t('error.server');
  const { status } = error;
  if (status === 0) return t('error.network');
  const override = overrides[status];
  if (override) return t(override);
  const reason = reasonText(error.reason, error.params, t);
  if (reason) return reason;
  if (status === 429) {
    const wait = error.retryAfter;
    if (wait == null) return t('error.tooManyLater');
    if (wait >= 120) return t('error.tooManyMinutes', { n: Math.ceil(wait / 60) });
    return t('error.tooManySeconds', { n: Math.max(1, wait) });
  }
  // The database out of reach for a moment (a restart): worth trying again soon.
  if (status === 503) return t('error.unavailable');
  if (status >= 500) return t('error.server');
  // No reason this build knows: a sentence for the status, never the server's English.
  switch (status) {
    case 401:
      return t('error.sessionExpired');
    case 403:
      return error.detail ? t('error.notAllowed') : t('error.forbidden');
    case 404:
      return t('error.notFound');
    case 409:
      return t('error.conflict');
    case 410:
      return t('error.tokenInvalid');
    case 413:
      return t('error.tooLarge');
    case 415:
      return t('error.unsupported');
    case 422:
      return t('common.formInvalid');
    default:
      return t('error.badRequest');
  }
}

/**
 * A field error in the person's language, from its reason (what is wrong in a
 * course) or its stable code; the server's English words stay only for an
 * import error naming a file and line, or a code this build does not know.
 */
export function localizeFieldError(problem: FieldProblem, t: Translate): string {
  const { field, code, message } = problem;
  const reason = reasonText(problem.reason, problem.params, t);
  if (reason) return reason;
  switch (code) {
    case 'required':
      return t('common.required');
    case 'too_short':
      return /password/.test(field) ? t('common.passwordTooShort') : t('fieldError.too_short');
    case 'too_long':
      return t('fieldError.too_long');
    case 'invalid_format':
      return /email/.test(field) ? t('common.invalidEmail') : t('fieldError.invalid_format');
    case 'unknown_value':
      return t('fieldError.unknown_value');
    case 'out_of_range':
      return t('fieldError.out_of_range');
    case 'control_characters':
      return t('fieldError.control_characters');
    case 'too_weak':
      return t('fieldError.too_weak');
    case 'mismatch':
      return field === 'current_password' ? t('fieldError.currentPassword') : t('fieldError.mismatch');
    case 'invalid_value':
      return t('fieldError.invalid_value');
    default:
      // invalid_content and unknown codes: the server's own words.
      return message;
  }
}
