// One search over published lessons and library resources (the header's search box).
import { useState } from 'preact/hooks';
import { isolate } from '../i18n';
import { searchAll } from '../api/endpoints';
import type { SearchHit } from '../api/types';
import { Alert } from '../components/forms';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import { Link, useLocation } from '../router';
import { LoadFailed, Loading, useLoad } from './learn';
import { Sentence, textAttrs } from '../components/bidi';

function hitHref(hit: SearchHit): string {
  const id = encodeURIComponent(hit.id);
  return hit.kind === 'lesson' ? `/lessons/${id}` : `/library/${id}`;
}

function Hit({ hit }: { hit: SearchHit }) {
  const { t } = useApp();
  const attrs = textAttrs(hit.language);
  return (
    <li class="card resource-card">
      <h2 {...attrs}>
        <Link href={hitHref(hit)}>{hit.title}</Link>
      </h2>
      {/* Server-made: escaped text and <mark> only. */}
      <p class="snippet" {...attrs} dangerouslySetInnerHTML={{ __html: hit.snippet_html }} />
      <ul class="meta">
        <li class="badge">{hit.kind === 'lesson' ? t('search.kind.lesson') : t('search.kind.resource')}</li>
        {hit.course_title && (
          <li>
            <Sentence text={t('search.inCourse')} parts={{ title: <span {...attrs}>{hit.course_title}</span> }} />
          </li>
        )}
      </ul>
    </li>
  );
}

export function SearchPage() {
  const { t } = useApp();
  const q = useLocation().query.get('q') ?? '';
  const first = useLoad(() => searchAll(q), [q]);
  const [more, setMore] = useState<{ q: string; items: SearchHit[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const extra = more && more.q === q ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const cursor = extra ? extra.cursor : (first.data?.next_cursor ?? null);
  const loadMore = async () => {
    setMoreError(null);
    try {
      const page = await searchAll(q, cursor);
      setMore({ q, items: [...(extra?.items ?? []), ...page.items], cursor: page.next_cursor ?? null });
    } catch (e) {
      setMoreError(e);
    }
  };
  return (
    <Page title={q ? t('search.titleFor', { q: isolate(q) }) : t('search.title')}>
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <LoadFailed error={first.error} onRetry={first.reload} back={{ href: '/', label: t('nav.home') }} />
      ) : items.length === 0 ? (
        <p role="status">{t('search.empty')}</p>
      ) : (
        <>
          <ul class="cards">
            {items.map((hit) => (
              <Hit key={`${hit.kind}-${hit.id}`} hit={hit} />
            ))}
          </ul>
          {moreError != null && <Alert message={describeError(moreError, t)} />}
          {cursor && (
            <button type="button" class="button" onClick={() => void loadMore()}>
              {t('search.more')}
            </button>
          )}
        </>
      )}
    </Page>
  );
}
