import { fr, type Dict, type Key } from './fr';

export type { Key };
export type Locale = 'fr' | 'ar' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'ar', 'en'];
export type Translate = (key: Key, vars?: Record<string, string | number>) => string;

/**
 * The words of each language loaded so far. French comes with the first script (it is the
 * fallback, and the type of every key); Arabic and English each come in a chunk of their own,
 * fetched before the first screen in that language: a reader's first visit carries one language,
 * not three (a phone on prepaid data, a weak link).
 */
const dicts: Partial<Record<Locale, Dict>> = { fr };

/** Whether the words of `locale` are here (see `loadLocale`). */
export function hasWords(locale: Locale): boolean {
  return dicts[locale] != null;
}

/** Loads the words of `locale` if they are not here yet. */
export async function loadLocale(locale: Locale): Promise<void> {
  if (dicts[locale]) return;
  dicts[locale] = locale === 'ar' ? (await import('./ar')).ar : (await import('./en')).en;
}
const STORAGE_KEY = 'sanad.locale';

export function isLocale(value: unknown): value is Locale {
  return value === 'fr' || value === 'ar' || value === 'en';
}

/**
 * A value isolated from the sentence around it (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL
 * ISOLATE): a French title or a Latin key inside an Arabic sentence keeps its own direction, and
 * the sentence's punctuation stays on its side. The plain-string form of `<bdi>`, for texts that
 * are not elements (alerts built as strings, `aria-label`s, confirmations).
 */
export function isolate(value: string): string {
  return `\u2068${value}\u2069`;
}

/** Whether `key` is one of the dictionary's keys (for keys made from what the server sends). */
export function hasKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(fr, key);
}

export function translator(locale: Locale): Translate {
  const dict = dicts[locale] ?? fr;
  return (key, vars) => {
    let text = dict[key] ?? fr[key] ?? key;
    if (vars) {
      for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  };
}

/** The saved choice, else the browser's language, else French. */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    /* storage unavailable (private mode) */
  }
  const nav = (navigator.language || 'fr').slice(0, 2);
  return isLocale(nav) ? nav : 'fr';
}

/** Sets <html lang dir> and remembers the choice. */
export function applyLocale(locale: Locale): void {
  const root = document.documentElement;
  root.lang = locale;
  root.dir = locale === 'ar' ? 'rtl' : 'ltr';
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* ignore */
  }
}

const PENDING_KEY = 'sanad.locale.pending';

/**
 * A signed-in reader's choice not yet saved on their account (the request was
 * still in flight, or the device was offline). On the next start the device's
 * choice wins over the account's older one and is sent again, so a reload
 * right after switching never flips the screens back. Kept per account: a
 * shared phone never hands one person's choice to the next.
 */
export function pendingLocale(userId: string): Locale | null {
  try {
    const [owner, pending] = (localStorage.getItem(PENDING_KEY) ?? '').split(' ');
    return owner === userId && isLocale(pending) ? pending : null;
  } catch {
    return null;
  }
}

/** The owner of a choice made before signing in: it is saved to the account at the next sign-in. */
export const GUEST = 'guest';

/** Remembers (or, with `null`, forgets) a choice still to be saved on the account. */
export function setPendingLocale(userId: string, locale: Locale | null): void {
  try {
    if (locale) localStorage.setItem(PENDING_KEY, `${userId} ${locale}`);
    else if (localStorage.getItem(PENDING_KEY)?.startsWith(`${userId} `)) localStorage.removeItem(PENDING_KEY);
  } catch {
    /* ignore */
  }
}

export function formatDate(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-MA' : locale === 'fr' ? 'fr-MA' : 'en-GB', {
    dateStyle: 'medium',
  }).format(d);
}
