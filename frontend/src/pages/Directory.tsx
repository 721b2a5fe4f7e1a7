// The directory of services (annuaire): who to call in each territory.
import { useState } from 'preact/hooks';
import { listServices } from '../api/endpoints';
import { isOneOf, SERVICE_KINDS, TERRITORIES, type DirectoryService } from '../api/types';
import { textAttrs } from '../components/bidi';
import { Alert } from '../components/forms';
import { Page } from '../components/Layout';
import { FilterSelect, SearchBox } from '../components/search';
import { isAuthor, useApp } from '../context';
import { describeError } from '../errors';
import { useLocation } from '../router';
import { DirectoryTools, ServiceActions } from '../chunks';
import { LoadFailed, Loading, useLoad } from './learn';
import { formatDay, kindLabel, territoryLabel } from './vocab';

const PAGE_SIZE = 30;

interface Filters {
  territory: string;
  kind: string;
  q: string;
}

/** Keeps the filters in the address (an explicit "all territories" is kept as `territory=`). */
function remember(f: Filters) {
  const params = new URLSearchParams();
  params.set('territory', f.territory);
  if (f.kind) params.set('kind', f.kind);
  if (f.q) params.set('q', f.q);
  history.replaceState(null, '', `/annuaire?${params.toString()}`);
}

function toQuery(f: Filters, cursor?: string) {
  return {
    limit: PAGE_SIZE,
    ...(f.territory ? { territory: f.territory } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

/** The first number is the one `phone_uri` calls; the others stay as text. */
function CallLink({ service }: { service: DirectoryService }) {
  const { t } = useApp();
  if (!service.phone) return <p class="muted">{t('directory.noPhone')}</p>;
  const [first, ...others] = service.phone.split('/').map((p) => p.trim());
  if (!service.phone_uri) {
    return (
      <p dir="ltr" class="phone-text">
        {service.phone}
      </p>
    );
  }
  return (
    <p class="call-row">
      <a class="call" href={service.phone_uri}>
        <svg class="call__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M6.62 10.79a15.1 15.1 0 0 0 6.59 6.59l2.2-2.2a1 1 0 0 1 1.02-.24c1.12.37 2.33.57 3.57.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1.02l-2.2 2.2z"
          />
        </svg>
        <span class="visually-hidden">{t('directory.call')} </span>
        <span dir="ltr">{first}</span>
      </a>
      {others.length > 0 && (
        <span class="muted" dir="ltr">
          {' / '}
          {others.join(' / ')}
        </span>
      )}
    </p>
  );
}

function ServiceCard({
  service,
  showTerritory,
  canEdit,
  onUpdated,
  onDeleted,
}: {
  service: DirectoryService;
  showTerritory: boolean;
  canEdit: boolean;
  onUpdated: (s: DirectoryService) => void;
  onDeleted: () => void;
}) {
  const { t, locale } = useApp();
  const s = service;
  // Each text in the language the server says it is in (Arabic to an Arabic reader when the entry has it).
  const text = (field: keyof NonNullable<DirectoryService['text_languages']>) => textAttrs(s.text_languages?.[field]);
  return (
    <li class="card service-card" data-territory={s.territory}>
      <h2 {...text('name')}>{s.name}</h2>
      <ul class="meta">
        <li class="badge">{kindLabel(t, s.kind)}</li>
        {showTerritory && <li>{territoryLabel(t, s.territory)}</li>}
        {s.stale && <li class="badge badge--warn stale-badge">{t('directory.stale')}</li>}
      </ul>
      <CallLink service={s} />
      <dl class="facts">
        {s.address && (
          <>
            <dt>{t('directory.address')}</dt>
            <dd {...text('address')}>{s.address}</dd>
          </>
        )}
        {s.hours && (
          <>
            <dt>{t('directory.hours')}</dt>
            <dd {...text('hours')}>{s.hours}</dd>
          </>
        )}
        {s.services.length > 0 && (
          <>
            <dt>{t('directory.services')}</dt>
            <dd>
              <ul class="tag-list" {...text('services')}>
                {s.services.map((x) => (
                  <li key={x} class="badge">
                    {x}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {s.notes && (
          <>
            <dt>{t('directory.notes')}</dt>
            <dd {...text('notes')}>{s.notes}</dd>
          </>
        )}
      </dl>
      <p class={s.stale ? 'verified verified--stale' : 'verified muted'}>
        {t('directory.verifiedOn', { date: formatDay(s.verified_at, locale) })}
        {s.stale && (
          <>
            {' — '}
            {t('directory.staleHint')}
          </>
        )}
      </p>
      {canEdit && <ServiceActions service={s} onUpdated={onUpdated} onDeleted={onDeleted} />}
    </li>
  );
}

export function Directory() {
  const { t, me, locale } = useApp();
  const { query } = useLocation();
  const [filters, setFilters] = useState<Filters>(() => {
    // The profile's territory is the default, unless the address says otherwise.
    const fromUrl = query.get('territory');
    const territory = fromUrl ?? me?.territory ?? '';
    const kind = query.get('kind') ?? '';
    return {
      territory: isOneOf(TERRITORIES, territory) ? territory : '',
      kind: isOneOf(SERVICE_KINDS, kind) ? kind : '',
      q: query.get('q') ?? '',
    };
  });
  const [q, setQ] = useState(filters.q);
  const [tick, setTick] = useState(0);
  // The texts come in the interface's language: another language is another list.
  const key = JSON.stringify([filters, tick, locale]);
  const list = useLoad(() => listServices(toQuery(filters)), [key]);
  const [more, setMore] = useState<{ key: string; items: DirectoryService[]; cursor: string | null } | null>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  // Local changes made by a trainer (null: deleted), for the list on screen.
  const [changed, setChanged] = useState<Record<string, DirectoryService | null>>({});
  const canEdit = isAuthor(me);

  const apply = (next: Filters) => {
    setFilters(next);
    remember(next);
  };
  const current = more && more.key === key ? more : null;
  const all = [...(list.data?.items ?? []), ...(current?.items ?? [])];
  const items = all.flatMap((s) => {
    const c = changed[s.id];
    return c === null ? [] : [c ?? s];
  });
  const cursor = current ? current.cursor : (list.data?.next_cursor ?? null);

  const loadMore = async () => {
    if (!cursor || moreBusy) return;
    setMoreBusy(true);
    setMoreError(null);
    try {
      const page = await listServices(toQuery(filters, cursor));
      setMore({ key, items: [...(current?.items ?? []), ...page.items], cursor: page.next_cursor ?? null });
    } catch (e) {
      setMoreError(e);
    } finally {
      setMoreBusy(false);
    }
  };

  return (
    <Page title={t('directory.title')}>
      <p class="lead">{t('directory.intro')}</p>
      <form
        class="filters"
        role="search"
        aria-label={t('directory.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          apply({ ...filters, q });
        }}
      >
        <FilterSelect
          id="dir-territory"
          name="territory"
          label={t('directory.territory')}
          value={filters.territory}
          onValue={(territory) => apply({ ...filters, q, territory })}
          all={t('directory.allTerritories')}
          options={TERRITORIES.map((code) => ({ value: code, label: territoryLabel(t, code) }))}
        />
        <FilterSelect
          id="dir-kind"
          name="kind"
          label={t('directory.kind')}
          value={filters.kind}
          onValue={(kind) => apply({ ...filters, q, kind })}
          all={t('directory.allKinds')}
          options={SERVICE_KINDS.map((k) => ({ value: k, label: kindLabel(t, k) }))}
        />
        <div class="search-row">
          <SearchBox id="dir-q" label={t('directory.search')} submit={t('directory.searchSubmit')} value={q} onValue={setQ} />
        </div>
      </form>
      {list.error ? (
        <LoadFailed error={list.error} onRetry={list.reload} back={{ href: '/', label: t('common.backHome') }} />
      ) : list.loading && !list.data ? (
        <Loading />
      ) : (
        <>
          <p class="muted directory-count" role="status">
            {list.loading ? t('app.loading') : items.length ? t('directory.count', { n: items.length }) : t('directory.empty')}
          </p>
          <ul class="cards" aria-busy={list.loading ? 'true' : 'false'}>
            {items.map((s) => (
              <ServiceCard
                key={s.id}
                service={s}
                showTerritory={!filters.territory}
                canEdit={canEdit}
                onUpdated={(u) => setChanged((c) => ({ ...c, [u.id]: u }))}
                onDeleted={() => setChanged((c) => ({ ...c, [s.id]: null }))}
              />
            ))}
          </ul>
          {moreError != null && <Alert message={describeError(moreError, t)} />}
          {cursor && (
            <button type="button" class="button" onClick={loadMore} disabled={moreBusy}>
              {moreBusy ? t('app.loading') : t('directory.more')}
            </button>
          )}
        </>
      )}
      {canEdit && (
        <DirectoryTools
          territory={filters.territory}
          onChanged={() => {
            setChanged({});
            setTick((n) => n + 1);
          }}
        />
      )}
    </Page>
  );
}
