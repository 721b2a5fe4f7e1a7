// Names of the library's and directory's vocabularies, in the UI language.
import {
  AUDIENCES,
  CONTENT_LANGUAGES,
  isLevel,
  isOneOf,
  LIBRARY_THEMES,
  RESOURCE_TYPES,
  SERVICE_KINDS,
  TERRITORIES,
} from '../api/types';
import { FIELD_AUDIENCES } from '../api/progress';
import type { Translate } from '../i18n';

export type Facet = 'type' | 'audience' | 'language' | 'territory' | 'theme';
export const FACETS: readonly Facet[] = ['type', 'audience', 'language', 'territory', 'theme'];

/** Every value of a facet, in the order the UI lists them. */
export const FACET_VALUES: Record<Facet, readonly string[]> = {
  type: RESOURCE_TYPES,
  audience: AUDIENCES,
  language: CONTENT_LANGUAGES,
  territory: TERRITORIES,
  theme: LIBRARY_THEMES,
};

/** The translated name of a value (an unknown value is shown as it is). */
export function vocabLabel(t: Translate, facet: Facet, value: string): string {
  switch (facet) {
    case 'type':
      return isOneOf(RESOURCE_TYPES, value) ? t(`resourceType.${value}`) : value;
    case 'audience':
      return isOneOf(AUDIENCES, value) ? t(`audience.${value}`) : value;
    case 'language':
      return isOneOf(CONTENT_LANGUAGES, value) ? t(`lang.${value}`) : value;
    case 'territory':
      return territoryLabel(t, value);
    case 'theme':
      return isOneOf(LIBRARY_THEMES, value) ? t(`theme.${value}`) : value;
  }
}

export function territoryLabel(t: Translate, value: string): string {
  return isOneOf(TERRITORIES, value) ? t(`territory.${value}`) : value;
}

/** A course's level, in the UI language. */
export function levelLabel(t: Translate, value: string): string {
  return isLevel(value) ? t(`level.${value}`) : value;
}

export function kindLabel(t: Translate, value: string): string {
  return isOneOf(SERVICE_KINDS, value) ? t(`serviceKind.${value}`) : value;
}

/** A file size in the person's language (1 Ko = 1024 octets). */
export function formatSize(bytes: number, locale: string): string {
  const units = locale === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : locale === 'ar' ? ['بايت', 'ك.ب', 'م.ب', 'ج.ب'] : ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u += 1;
  }
  const num = new Intl.NumberFormat(locale === 'ar' ? 'ar-MA' : locale, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(n);
  return `${num} ${units[u]}`;
}

export function formatAverage(avg: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'ar' ? 'ar-MA' : locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(avg);
}

/** "1 étoile", "4 étoiles". */
export function starsLabel(t: Translate, n: number): string {
  return n === 1 ? t('library.star1') : t('library.starsN', { n });
}

/** A calendar day (`YYYY-MM-DD`) in the person's language, without time-zone shifts. */
export function formatDay(day: string | null | undefined, locale: string): string {
  if (!day) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-MA' : locale === 'fr' ? 'fr-MA' : 'en-GB', { dateStyle: 'medium' }).format(d);
}

/** The audience of a field session, in the UI language. */
export function fieldAudienceLabel(t: Translate, value: string): string {
  return isOneOf(FIELD_AUDIENCES, value) ? t(`fieldAudience.${value}`) : value;
}

/** A count in the person's language (Arabic digits stay Western, as in Moroccan use). */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'ar' ? 'ar-MA' : locale).format(n);
}
