import { ApiError, type FieldProblem } from './api/client';
import type { Key, Translate } from './i18n';

/** Per-status messages a screen knows better than the server's title. */
export type Overrides = Partial<Record<number, Key>>;

/** A sentence for the person, in their language, from any failure. */
export function describeError(error: unknown, t: Translate, overrides: Overrides = {}): string {
  if (!(error instanceof ApiError)) return t('error.server');
  const { status } = error;
  if (status === 0) return t('error.network');
  const override = overrides[status];
  if (override) return t(override);
  if (status === 429) {
    const wait = error.retryAfter;
    if (wait == null) return t('error.tooManyLater');
    if (wait >= 120) return t('error.tooManyMinutes', { n: Math.ceil(wait / 60) });
    return t('error.tooManySeconds', { n: Math.max(1, wait) });
  }
  if (status >= 500) return t('error.server');
  if (status === 403 && !error.detail) return t('error.forbidden');
  return error.detail ? `${error.title} — ${error.detail}` : error.title;
}

/**
 * A field error in the person's language, from its stable code; the server's
 * English words stay only where they carry the detail (`invalid_content`, the
 * author-facing description of what is wrong in a course) or when no code is known.
 */
export function localizeFieldError(problem: FieldProblem, t: Translate): string {
  const { field, code, message } = problem;
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
