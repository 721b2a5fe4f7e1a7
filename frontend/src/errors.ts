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
