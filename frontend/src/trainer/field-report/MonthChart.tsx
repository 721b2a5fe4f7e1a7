// Sessions by month as a hand-drawn SVG bar chart: one summary for screen readers (role="img"),
// the same numbers in a table behind a disclosure, time running right to left in Arabic.
import { useApp } from '../../context';
import { formatCount } from '../../pages/vocab';

const W = 320;
const H = 170;
const TOP = 18;
const BOTTOM = 24;

/** "2025-03" -> "mars 2025" (or the short form "mars 25" under the bars). */
export function monthName(month: string, locale: string, short = false): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, 1);
  const tag = locale === 'ar' ? 'ar-MA' : locale === 'fr' ? 'fr-MA' : 'en-GB';
  return new Intl.DateTimeFormat(tag, short ? { month: 'short', year: '2-digit' } : { month: 'long', year: 'numeric' }).format(date);
}

export function MonthChart({ byMonth }: { byMonth: Record<string, number> }) {
  const { t, locale } = useApp();
  const months = Object.keys(byMonth).sort();
  if (months.length === 0) return null;
  const values = months.map((m) => byMonth[m] ?? 0);
  const max = Math.max(1, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const peak = months[values.indexOf(Math.max(...values))] ?? months[0];
  const rtl = locale === 'ar';
  const slot = W / months.length;
  const bar = Math.max(2, slot * 0.7);
  // About six labels fit under the bars at phone width; the others are in the table.
  const every = Math.ceil(months.length / 6);
  const summary = t('report.chartSummary', {
    from: monthName(months[0] ?? '', locale),
    to: monthName(months[months.length - 1] ?? '', locale),
    total: formatCount(total, locale),
    peak: monthName(peak ?? '', locale),
    max: formatCount(Math.max(...values), locale),
  });
  return (
    <figure class="chart" aria-labelledby="chart-title">
      <figcaption id="chart-title">{t('report.byMonth')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} class="chart__svg" preserveAspectRatio="xMidYMid meet">
        <line x1="0" x2={W} y1={H - BOTTOM} y2={H - BOTTOM} class="chart__axis" />
        {months.map((m, i) => {
          const v = values[i] ?? 0;
          const h = ((H - TOP - BOTTOM) * v) / max;
          const slotStart = rtl ? W - (i + 1) * slot : i * slot;
          const x = slotStart + (slot - bar) / 2;
          const mid = slotStart + slot / 2;
          return (
            <g key={m}>
              <rect x={x} y={H - BOTTOM - h} width={bar} height={h} class="chart__bar" />
              {months.length <= 12 && v > 0 && (
                <text x={mid} y={H - BOTTOM - h - 4} text-anchor="middle" class="chart__value">
                  {formatCount(v, locale)}
                </text>
              )}
              {i % every === 0 && (
                <text x={mid} y={H - 6} text-anchor="middle" class="chart__label">
                  {monthName(m, locale, true)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details class="chart__data">
        <summary>{t('report.chartTable')}</summary>
        <table>
          <caption class="visually-hidden">{t('report.byMonth')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('report.month')}</th>
              <th scope="col">{t('report.sessions')}</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m, i) => (
              <tr key={m}>
                <th scope="row">{monthName(m, locale)}</th>
                <td>{formatCount(values[i] ?? 0, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
