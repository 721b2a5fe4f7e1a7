// The library: search with facets, and a resource's page with its rating.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { fileUrl, getResource, rateResource, searchLibrary } from '../api/endpoints';
import type { Facets, LibraryQuery, RatingSummary, ResourceHit, ResourceView } from '../api/types';
import { Alert, FieldFrame, Form, Status, SubmitButton, useForm, type FieldErrors } from '../components/forms';
import { BackLink, Page } from '../components/Layout';
import { SearchBox } from '../components/search';
import { isAuthor, useApp } from '../context';
import { describeError } from '../errors';
import { Link, navigate, useLocation } from '../router';
import { LoadFailed, Loading, signInHref, useLoad, useTitle } from './learn';
import { textAttrs } from '../components/bidi';
import { FACET_VALUES, FACETS, formatAverage, formatSize, starsLabel, vocabLabel, type Facet } from './vocab';

const PAGE_SIZE = 20;

type Filters = Record<Facet, string>;

/** In the address, the reader's choice of every language over their own. */
const ANY_LANGUAGE = 'any';

/**
 * The filters in the address. The language is `null` while the reader has not
 * chosen one: browsing then shows resources in their own language first (see
 * `effective`), and a search looks in every language.
 */
function readFilters(query: URLSearchParams): { filters: Filters; language: string | null } {
  const filters = {} as Filters;
  for (const f of FACETS) filters[f] = query.get(f) ?? '';
  const language = query.get('language');
  filters.language = language === ANY_LANGUAGE ? '' : (language ?? '');
  return { filters, language: language === null ? null : filters.language };
}

/** The library's own languages: a reader of one of them browses it first. */
function readersLanguage(locale: string): string {
  return locale === 'fr' || locale === 'ar' ? locale : '';
}

/** The filters a request uses: the reader's language when browsing and no language was chosen. */
function effective(filters: Filters, chosen: string | null, search: string, locale: string): Filters {
  if (chosen !== null || search.trim()) return filters;
  return { ...filters, language: readersLanguage(locale) };
}

/** Keeps the search and the filters in the address without a navigation (no focus jump). */
function remember(q: string, filters: Filters, chosen: string | null) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  for (const f of FACETS) if (filters[f]) params.set(f, filters[f]);
  if (chosen === '') params.set('language', ANY_LANGUAGE);
  const qs = params.toString();
  history.replaceState(null, '', `/library${qs ? `?${qs}` : ''}`);
}

function toQuery(search: string, filters: Filters, cursor?: string): LibraryQuery {
  const query: LibraryQuery = { limit: PAGE_SIZE };
  if (search.trim()) query.q = search.trim();
  for (const f of FACETS) if (filters[f]) query[f] = filters[f];
  if (cursor) query.cursor = cursor;
  return query;
}

function FacetGroup({
  facet,
  counts,
  value,
  onPick,
}: {
  facet: Facet;
  counts: Record<string, number>;
  value: string;
  onPick: (value: string) => void;
}) {
  const { t } = useApp();
  const known = FACET_VALUES[facet];
  // Known values in the vocabulary's order, then any other the server counts.
  const values = [...known, ...Object.keys(counts).filter((v) => !known.includes(v))].filter(
    (v) => (counts[v] ?? 0) > 0 || v === value,
  );
  if (values.length === 0) return null;
  return (
    <fieldset class="chips facet" data-facet={facet}>
      <legend>{t(`library.facet.${facet}`)}</legend>
      {['', ...values].map((v) => (
        <label key={v || 'all'} class="chip">
          <input type="radio" name={`facet-${facet}`} value={v} checked={value === v} onChange={() => onPick(v)} />
          <span>{v ? `${vocabLabel(t, facet, v)} (${counts[v] ?? 0})` : t('library.all')}</span>
        </label>
      ))}
    </fieldset>
  );
}

function FacetPanel({ facets, filters, onPick }: { facets: Facets; filters: Filters; onPick: (f: Facet, v: string) => void }) {
  const { t } = useApp();
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    // Open on wide screens; on a phone the filters wait behind their summary.
    if (ref.current && window.matchMedia('(min-width: 48em)').matches) ref.current.open = true;
  }, []);
  const active = FACETS.filter((f) => filters[f]).length;
  return (
    <details class="facets" ref={ref}>
      <summary>
        {t('library.filters')}
        {active > 0 && <span class="badge">{t('library.activeFilters', { n: active })}</span>}
      </summary>
      <div class="facets__body">
        {FACETS.map((f) => (
          <FacetGroup key={f} facet={f} counts={facets[f]} value={filters[f]} onPick={(v) => onPick(f, v)} />
        ))}
        {active > 0 && (
          <button type="button" class="button button--small" onClick={() => FACETS.forEach((f) => filters[f] && onPick(f, ''))}>
            {t('library.clearFilters')}
          </button>
        )}
      </div>
    </details>
  );
}

function HitCard({ hit, focusRef }: { hit: ResourceHit; focusRef?: (el: HTMLAnchorElement | null) => void }) {
  const { t } = useApp();
  const attrs = textAttrs(hit.language);
  return (
    <li class="card resource-card">
      <h2 {...attrs}>
        <a
          href={`/library/${encodeURIComponent(hit.id)}`}
          ref={focusRef}
          onClick={(e) => {
            // Client-side navigation, as <Link> does.
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
            e.preventDefault();
            navigate(`/library/${encodeURIComponent(hit.id)}`);
          }}
        >
          {hit.title}
        </a>
      </h2>
      {/* Server-made: escaped text and <mark> only. */}
      <p class="snippet" {...attrs} dangerouslySetInnerHTML={{ __html: hit.snippet_html }} />
      <ul class="meta">
        <li class="badge">{vocabLabel(t, 'type', hit.type)}</li>
        {hit.audience.length > 0 && <li>{hit.audience.map((a) => vocabLabel(t, 'audience', a)).join(', ')}</li>}
        {hit.territory && <li>{vocabLabel(t, 'territory', hit.territory)}</li>}
        <li>{vocabLabel(t, 'language', hit.language)}</li>
        {hit.file_count > 0 && <li>{t('library.files', { n: hit.file_count })}</li>}
      </ul>
    </li>
  );
}

export function LibrarySearch() {
  const { t, me, locale } = useApp();
  const { query } = useLocation();
  const [q, setQ] = useState(query.get('q') ?? '');
  const [search, setSearch] = useState(q);
  const [initial] = useState(() => readFilters(query));
  const [chosen, setFilters] = useState<Filters>(initial.filters);
  // The language the reader picked (`''` for every language), or null.
  const [language, setLanguage] = useState<string | null>(initial.language);
  const filters = effective(chosen, language, search, locale);
  const key = JSON.stringify([search, filters]);
  const list = useLoad(() => searchLibrary(toQuery(search, filters)), [key]);
  // Pages added with "Voir plus", valid for the search they were fetched for.
  const [more, setMore] = useState<{ key: string; items: ResourceHit[]; cursor: string | null } | null>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const firstNew = useRef<HTMLAnchorElement | null>(null);
  const [focusTick, setFocusTick] = useState(0);
  useEffect(() => {
    if (focusTick) firstNew.current?.focus();
  }, [focusTick]);

  const pick = (facet: Facet, value: string) => {
    const nextLanguage = facet === 'language' ? value : language;
    if (facet === 'language') setLanguage(value);
    setFilters((prev) => {
      const next = { ...prev, [facet]: value };
      remember(search, next, nextLanguage);
      return next;
    });
  };
  const onSearch = (e: Event) => {
    e.preventDefault();
    setSearch(q);
    remember(q, chosen, language);
  };

  const current = more && more.key === key ? more : null;
  const items = [...(list.data?.items ?? []), ...(current?.items ?? [])];
  const cursor = current ? current.cursor : (list.data?.next_cursor ?? null);
  const firstCount = items.length - (current?.items.length ?? 0);

  const loadMore = async () => {
    if (!cursor || moreBusy) return;
    setMoreBusy(true);
    setMoreError(null);
    try {
      const page = await searchLibrary(toQuery(search, filters, cursor));
      const before = current?.items ?? [];
      setMore({ key, items: [...before, ...page.items], cursor: page.next_cursor ?? null });
      if (page.items.length) setFocusTick((n) => n + 1);
    } catch (e) {
      setMoreError(e);
    } finally {
      setMoreBusy(false);
    }
  };

  return (
    <Page title={t('library.title')}>
      <p class="lead">{t('library.intro')}</p>
      {isAuthor(me) && (
        <p class="actions">
          <Link href="/library/new" class="button">
            {t('library.add')}
          </Link>
          <Link href="/library/evaluation" class="button">
            {t('library.evaluationLink')}
          </Link>
        </p>
      )}
      <form class="search-row" role="search" onSubmit={onSearch}>
        <SearchBox id="library-q" label={t('library.search')} submit={t('library.searchSubmit')} value={q} onValue={setQ} />
      </form>
      {list.data && <FacetPanel facets={list.data.facets} filters={filters} onPick={pick} />}
      {list.error ? (
        <LoadFailed error={list.error} onRetry={list.reload} back={{ href: '/', label: t('common.backHome') }} />
      ) : list.loading && !list.data ? (
        <Loading />
      ) : (
        <>
          <p class="muted library-total" role="status">
            {list.loading ? t('app.loading') : list.data?.total ? t('library.total', { n: list.data.total }) : t('library.empty')}
          </p>
          <ul class="cards" aria-busy={list.loading ? 'true' : 'false'}>
            {items.map((hit, i) => (
              <HitCard
                key={hit.id}
                hit={hit}
                focusRef={
                  i === firstCount && current
                    ? (el) => {
                        firstNew.current = el;
                      }
                    : undefined
                }
              />
            ))}
          </ul>
          {moreError != null && <Alert message={describeError(moreError, t)} />}
          {cursor && (
            <button type="button" class="button" onClick={loadMore} disabled={moreBusy} aria-busy={moreBusy ? 'true' : 'false'}>
              {moreBusy ? t('app.loading') : t('library.more')}
            </button>
          )}
        </>
      )}
    </Page>
  );
}

function Stars({ value }: { value: number }) {
  const full = Math.round(value);
  return (
    <span class="stars-view" aria-hidden="true">
      {'★'.repeat(full)}
      <span class="stars-view__empty">{'★'.repeat(5 - full)}</span>
    </span>
  );
}

function RatingView({ rating }: { rating: RatingSummary }) {
  const { t, locale } = useApp();
  if (!rating.count || rating.average == null) return <p class="muted">{t('library.noRatings')}</p>;
  return (
    <p class="rating">
      <Stars value={rating.average} /> {t('library.ratingAverage', { avg: formatAverage(rating.average, locale), n: rating.count })}
    </p>
  );
}

function RatingForm({ resource, onRated }: { resource: ResourceView; onRated: (r: RatingSummary) => void }) {
  const { t } = useApp();
  const form = useForm();
  const [stars, setStars] = useState(resource.my_rating?.stars ?? 0);
  const [comment, setComment] = useState(resource.my_rating?.comment ?? '');
  const [done, setDone] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setDone(null);
    void form.run(
      (): FieldErrors => (stars >= 1 && stars <= 5 ? {} : { stars: t('library.chooseStars') }),
      async () => {
        const summary = await rateResource(resource.id, { stars, comment: comment.trim() || null });
        onRated(summary);
        setDone(t('library.rated'));
      },
    );
  };
  const starsError = form.errors.stars;
  return (
    <Form form={form} onSubmit={submit} class="stack rating-form">
      <fieldset class={starsError ? 'stars field--invalid' : 'stars'} aria-describedby={starsError ? 'stars-error' : undefined}>
        <legend>{t('library.yourRating')}</legend>
        <div class="stars__row">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} class={n <= stars ? 'star star--on' : 'star'}>
              <input
                type="radio"
                name="stars"
                value={String(n)}
                checked={stars === n}
                onChange={() => setStars(n)}
                aria-invalid={starsError && n === 1 ? 'true' : undefined}
              />
              <span aria-hidden="true">★</span>
              <span class="visually-hidden">{starsLabel(t, n)}</span>
            </label>
          ))}
          <span class="stars__value" aria-hidden="true">
            {stars ? starsLabel(t, stars) : ''}
          </span>
        </div>
        {starsError && (
          <p class="field-error" id="stars-error" role="alert">
            {starsError}
          </p>
        )}
      </fieldset>
      <FieldFrame name="comment" label={t('library.comment')} hint={t('library.commentHint')} error={form.errors.comment} optional>
        {(a11y) => (
          <textarea
            {...a11y}
            name="comment"
            rows={3}
            dir="auto"
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)}
          />
        )}
      </FieldFrame>
      <Status message={done} />
      <SubmitButton busy={form.busy} label={t('library.rate')} pending={t('common.saving')} />
    </Form>
  );
}

export function ResourcePage({ id }: { id: string }) {
  const { t, me, locale } = useApp();
  const res = useLoad(() => getResource(id), [id]);
  const [rating, setRating] = useState<RatingSummary | null>(null);
  const r = res.data;
  useTitle(r?.title);
  if (res.error) {
    const back = { href: '/library', label: t('library.back') };
    if (res.error instanceof ApiError && res.error.status === 400) return <LoadFailed error={new ApiError(404, '')} onRetry={res.reload} back={back} />;
    return <LoadFailed error={res.error} onRetry={res.reload} back={back} />;
  }
  if (!r) return <Loading />;
  const attrs = textAttrs(r.language);
  return (
    <article class="resource">
      <BackLink href="/library">
        {t('library.back')}
      </BackLink>
      <h1 tabIndex={-1} {...attrs}>
        {r.title}
      </h1>
      {r.review_due && (
        <p class="notice">
          <span class="badge badge--warn">{t('library.reviewDue')}</span> {t('library.reviewDueText')}
        </p>
      )}
      <dl class="facts resource__facts">
        <dt>{t('library.metaType')}</dt>
        <dd>
          <span class="badge">{vocabLabel(t, 'type', r.type)}</span>
        </dd>
        <dt>{t('library.metaAudience')}</dt>
        <dd>
          <ul class="tag-list">
            {r.audience.map((a) => (
              <li key={a} class="badge">
                {vocabLabel(t, 'audience', a)}
              </li>
            ))}
          </ul>
        </dd>
        {r.themes.length > 0 && (
          <>
            <dt>{t('library.metaThemes')}</dt>
            <dd>
              <ul class="tag-list">
                {r.themes.map((th) => (
                  <li key={th} class={`badge theme--${th}`}>
                    {vocabLabel(t, 'theme', th)}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {r.territory && (
          <>
            <dt>{t('library.metaTerritory')}</dt>
            <dd>
              <span class="badge">{vocabLabel(t, 'territory', r.territory)}</span>
            </dd>
          </>
        )}
        <dt>{t('library.metaLanguage')}</dt>
        <dd>{vocabLabel(t, 'language', r.language)}</dd>
      </dl>
      <h2>{t('library.description')}</h2>
      <p class="resource__description" {...attrs}>
        {r.description}
      </p>
      {r.tags.length > 0 && (
        <>
          <h2>{t('library.tags')}</h2>
          <ul class="tag-list" {...attrs}>
            {r.tags.map((tag) => (
              <li key={tag} class="badge">
                {tag}
              </li>
            ))}
          </ul>
        </>
      )}
      {r.links.length > 0 && (
        <>
          <h2>{t('library.links')}</h2>
          <ul class="link-list">
            {r.links.map((l) => (
              <li key={l.url}>
                <a href={l.url} target="_blank" rel="noopener noreferrer external" {...attrs}>
                  {l.label || l.url}
                </a>{' '}
                <span class="visually-hidden">{t('library.newTab')}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('library.filesTitle')}</h2>
      {r.files.length === 0 ? (
        <p class="muted">{t('library.noFiles')}</p>
      ) : (
        <ul class="file-list">
          {r.files.map((f) => (
            <li key={f.id} class="file-item">
              <div class="file-item__name">
                <span class="break" dir="auto">
                  {f.name}
                </span>{' '}
                <span class="muted">({formatSize(f.size, locale)})</span>
              </div>
              <a class="button" href={fileUrl(r.id, f.id)} download={f.name}>
                {t('library.download')}
                <span class="visually-hidden"> {f.name}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <section class="panel" aria-labelledby="rating-title">
        <h2 id="rating-title">{t('library.rating')}</h2>
        <RatingView rating={rating ?? r.rating} />
        {me ? (
          <RatingForm resource={r} onRated={setRating} />
        ) : (
          <p>
            <Link href={signInHref()}>{t('library.signInToRate')}</Link>
          </p>
        )}
      </section>
      {isAuthor(me) && (
        <p>
          <Link href={`/library/${encodeURIComponent(r.id)}/evaluation`} class="button">
            {t('library.seeEvaluation')}
          </Link>
        </p>
      )}
    </article>
  );
}
