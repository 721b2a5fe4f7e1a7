import { ApiError } from './api/client';
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
 * The server's field messages are English sentences; the common ones are shown
 * in the person's language instead, the rest as the server wrote them.
 */
export function localizeFieldMessage(field: string, message: string, t: Translate): string {
  const m = message.toLowerCase();
  if (/password/.test(field) && /at least \d+ char/.test(m)) return t('common.passwordTooShort');
  if (/email/.test(field) && /not a valid|invalid/.test(m)) return t('common.invalidEmail');
  if (/must not be empty|is required|required/.test(m)) return t('common.required');
  return message;
}
