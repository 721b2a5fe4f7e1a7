// The field-sessions report for trainers: filters, totals, sessions by month (chart), by territory,
// audience and resource, and the same totals as CSV.
import { useState } from 'preact/hooks';
import { fieldReportCsvUrl, getFieldReport, type FieldReport, type ReportFilter } from '../../api/progress';
import { DateField } from '../../components/forms';
import { Page } from '../../components/Layout';
import { FilterSelect } from '../../components/search';
import { useApp } from '../../context';
import { LoadFailed, Loading, useLoad } from '../../pages/learn';
import { useTerritoryOptions } from '../../pages/progress/territories';
import { fieldAudienceLabel, formatCount, territoryLabel } from '../../pages/vocab';
import { BarList, type Bar } from '../BarList';
import { MonthChart } from './MonthChart';

export function FieldReportScreen() {
  const { t } = useApp();
  const [filter, setFilter] = useState<ReportFilter>({ territory: '', from: '', to: '' });
  const [draft, setDraft] = useState<ReportFilter>(filter);
  const report = useLoad(() => getFieldReport(filter), [filter]);
  const territories = useTerritoryOptions();
  const edit = (k: keyof ReportFilter) => (value: string) => setDraft((d) => ({ ...d, [k]: value }));
  return (
    <Page title={t('report.title')}>
      <p class="lead">{t('report.intro')}</p>
      <form
        class="filter-row"
        aria-label={t('report.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft);
        }}
      >
        <FilterSelect id="report-territory" name="territory" label={t('field.territory')} all={t('upload.allTerritories')} value={draft.territory} onValue={edit('territory')} options={territories} />
        <DateField name="from" label={t('report.from')} optional value={draft.from} onValue={edit('from')} />
        <DateField name="to" label={t('report.to')} optional value={draft.to} onValue={edit('to')} />
        <button type="submit" class="button button--primary">
          {t('report.apply')}
        </button>
      </form>
      {report.error ? (
        <LoadFailed error={report.error} onRetry={report.reload} back={{ href: '/', label: t('common.backHome') }} />
      ) : !report.data ? (
        <Loading />
      ) : (
        <Totals r={report.data} />
      )}
      <p class="actions">
        <a class="button" href={fieldReportCsvUrl(filter)} download>
          {t('report.csv')}
        </a>
      </p>
    </Page>
  );
}

function Totals({ r }: { r: FieldReport }) {
  const { t, locale } = useApp();
  const bars = (counts: Record<string, number>, label: (k: string) => string): Bar[] =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => ({ key: k, label: label(k), count: n, text: t('report.sessionsN', { n: formatCount(n, locale) }) }));
  if (r.sessions === 0) return <p class="muted">{t('report.none')}</p>;
  return (
    <>
      <dl class="stat-grid">
        <div>
          <dt>{t('report.sessions')}</dt>
          <dd>{formatCount(r.sessions, locale)}</dd>
        </div>
        <div>
          <dt>{t('report.participants')}</dt>
          <dd>{formatCount(r.participants, locale)}</dd>
        </div>
      </dl>
      <MonthChart byMonth={r.by_month} />
      <h2 id="by-territory">{t('report.byTerritory')}</h2>
      <BarList labelledBy="by-territory" bars={bars(r.by_territory, (k) => territoryLabel(t, k))} />
      <h2 id="by-audience">{t('report.byAudience')}</h2>
      <BarList labelledBy="by-audience" bars={bars(r.by_audience, (k) => fieldAudienceLabel(t, k))} />
      <h2 id="by-resource">{t('report.byResource')}</h2>
      {r.by_resource.length === 0 ? (
        <p class="muted">{t('report.noResources')}</p>
      ) : (
        <BarList
          labelledBy="by-resource"
          bars={r.by_resource.map((u) => ({ key: u.resource_id, label: u.title, count: u.sessions, text: t('report.sessionsN', { n: formatCount(u.sessions, locale) }) }))}
        />
      )}
    </>
  );
}
