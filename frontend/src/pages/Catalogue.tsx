import { useState } from 'preact/hooks';
import { listCourses } from '../api/endpoints';
import { isLevel, isTheme, THEMES, type CourseSummary } from '../api/types';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import type { Translate } from '../i18n';
import { Link, useLocation } from '../router';
import { LoadFailed, Loading, useLoad } from './learn';
import { textAttrs } from '../components/bidi';

export function formatMinutes(n: number, t: Translate): string {
  if (n < 60) return t('common.minutes', { n });
  const h = Math.floor(n / 60);
  const m = n % 60;
  return m ? t('common.hoursMinutes', { h, m: String(m).padStart(2, '0') }) : t('common.hours', { h });
}

export function CourseMeta({ theme, level, minutes, items }: { theme: string; level: string; minutes: number; items?: number }) {
  const { t } = useApp();
  return (
    <ul class="meta">
      <li class={`badge theme theme--${theme}`}>{isTheme(theme) ? t(`theme.${theme}`) : theme}</li>
      <li>
        <span class="visually-hidden">{t('course.level')} : </span>
        {isLevel(level) ? t(`level.${level}`) : level}
      </li>
      <li>
        <span class="visually-hidden">{t('course.duration')} : </span>
        {formatMinutes(minutes, t)}
      </li>
      {items != null && <li>{t('course.itemCount', { n: items })}</li>}
    </ul>
  );
}

function CourseCard({ course }: { course: CourseSummary }) {
  return (
    <li class="card course-card">
      {/* The title and summary in their language; the facts below in the reader's. */}
      <h2 {...textAttrs(course.language)}>
        <Link href={`/courses/${encodeURIComponent(course.slug)}`}>{course.title}</Link>
      </h2>
      <p {...textAttrs(course.language)}>{course.summary}</p>
      <CourseMeta theme={course.theme} level={course.level} minutes={course.estimated_minutes} items={course.item_count} />
    </li>
  );
}

/** Keeps the filters in the address without a navigation (no focus jump). */
function remember(theme: string, q: string) {
  const params = new URLSearchParams();
  if (theme) params.set('theme', theme);
  if (q) params.set('q', q);
  const qs = params.toString();
  history.replaceState(null, '', `/courses${qs ? `?${qs}` : ''}`);
}

export function Catalogue() {
  const { t, locale } = useApp();
  const { query } = useLocation();
  const [theme, setTheme] = useState(() => {
    const v = query.get('theme') ?? '';
    return isTheme(v) ? v : '';
  });
  const [q, setQ] = useState(query.get('q') ?? '');
  const [search, setSearch] = useState(q);
  const list = useLoad(
    () => listCourses({ lang: locale, ...(theme ? { theme } : {}), ...(search.trim() ? { q: search.trim() } : {}) }),
    [locale, theme, search],
  );

  const pickTheme = (value: string) => {
    setTheme(value);
    remember(value, search);
  };
  const onSearch = (e: Event) => {
    e.preventDefault();
    setSearch(q);
    remember(theme, q);
  };

  const items = list.data?.items ?? [];
  return (
    <Page title={t('catalogue.title')}>
      <p class="lead">{t('catalogue.intro')}</p>
      <form class="search-row" role="search" onSubmit={onSearch}>
        <div class="field">
          <label for="catalogue-q">{t('catalogue.search')}</label>
          <input id="catalogue-q" type="search" name="q" value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="button">
          {t('catalogue.searchSubmit')}
        </button>
      </form>
      <fieldset class="chips">
        <legend>{t('catalogue.theme')}</legend>
        {['', ...THEMES].map((value) => (
          <label key={value || 'all'} class="chip">
            <input type="radio" name="theme" value={value} checked={theme === value} onChange={() => pickTheme(value)} />
            <span>{value ? t(`theme.${value as (typeof THEMES)[number]}`) : t('catalogue.themeAll')}</span>
          </label>
        ))}
      </fieldset>
      {list.error ? (
        <LoadFailed error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.data ? (
        <Loading />
      ) : (
        <>
          <p class="muted" role="status">
            {list.loading ? t('app.loading') : items.length ? t('catalogue.count', { n: items.length }) : t('catalogue.empty')}
          </p>
          <ul class="cards" aria-busy={list.loading ? 'true' : 'false'}>
            {items.map((c) => (
              <CourseCard key={c.id} course={c} />
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
