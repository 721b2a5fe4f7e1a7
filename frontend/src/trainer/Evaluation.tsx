// Tool evaluation: one resource's use and ratings, and the overview of all (CSV, reviews due).
import { EVALUATION_CSV_URL, getEvaluation, listReviewDue } from '../api/trainer';
import { Alert } from '../components/forms';
import { BackLink, Page } from '../components/Layout';
import { useApp } from '../context';
import { describeError } from '../errors';
import { formatDate } from '../i18n';
import { Link } from '../router';
import { LoadFailed, Loading, useLoad } from '../pages/learn';
import { BarList } from './BarList';
import { formatAverage, formatDay, starsLabel, vocabLabel } from '../pages/vocab';

export function EvaluationScreen({ id }: { id: string }) {
  const { t, locale } = useApp();
  const ev = useLoad(() => getEvaluation(id), [id]);
  if (ev.error) return <LoadFailed error={ev.error} onRetry={ev.reload} back={{ href: '/library/evaluation', label: t('library.evaluationLink') }} />;
  const data = ev.data;
  if (!data) return <Loading />;
  return (
    <Page title={t('evaluation.title')}>
      <BackLink href={`/library/${encodeURIComponent(id)}`}>
        {t('evaluation.back')}
      </BackLink>
      <p class="lead" dir="auto">
        {data.title}
      </p>
      <h2>{t('evaluation.usage')}</h2>
      <dl class="stat-grid">
        <div>
          <dt>{t('evaluation.views')}</dt>
          <dd>{data.views}</dd>
        </div>
        <div>
          <dt>{t('evaluation.downloads')}</dt>
          <dd>{data.downloads}</dd>
        </div>
        <div>
          <dt>{t('evaluation.average')}</dt>
          <dd>{data.rating.average != null ? `${formatAverage(data.rating.average, locale)} / 5` : t('evaluation.none')}</dd>
        </div>
        <div>
          <dt>{t('evaluation.ratings')}</dt>
          <dd>{data.rating.count}</dd>
        </div>
      </dl>
      <h2 id="distribution">{t('evaluation.distribution')}</h2>
      <BarList
        labelledBy="distribution"
        bars={[1, 2, 3, 4, 5].map((n) => {
          const count = data.distribution[n - 1] ?? 0;
          return { key: String(n), label: starsLabel(t, n), count, text: t('evaluation.barCount', { n: count }) };
        })}
      />
      <h2>{t('evaluation.comments')}</h2>
      {data.comments.length === 0 ? (
        <p class="muted">{t('evaluation.noComments')}</p>
      ) : (
        <ul class="cards comments">
          {data.comments.map((c, i) => (
            <li key={i} class="card">
              <p class="muted">
                {starsLabel(t, c.stars)} · {formatDate(c.updated_at, locale)}
              </p>
              <p dir="auto">{c.comment}</p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

export function EvaluationOverview() {
  const { t, locale } = useApp();
  const due = useLoad(() => listReviewDue(), []);
  return (
    <Page title={t('evaluation.overviewTitle')}>
      <p class="lead">{t('evaluation.overviewIntro')}</p>
      <p class="actions">
        <a class="button button--primary" href={EVALUATION_CSV_URL} download>
          {t('evaluation.csv')}
        </a>
        <Link href="/library" class="button">
          {t('library.back')}
        </Link>
      </p>
      <h2>{t('evaluation.reviewDueTitle')}</h2>
      <p>{t('evaluation.reviewDueIntro')}</p>
      {due.error ? (
        <>
          <Alert message={describeError(due.error, t)} />
          <button type="button" class="button" onClick={due.reload}>
            {t('common.retry')}
          </button>
        </>
      ) : !due.data ? (
        <Loading />
      ) : due.data.length === 0 ? (
        <p class="muted">{t('evaluation.reviewDueNone')}</p>
      ) : (
        <ul class="cards review-due">
          {due.data.map((r) => (
            <li key={r.id} class="card">
              <h3 dir="auto">
                <Link href={`/library/${encodeURIComponent(r.id)}`}>{r.title}</Link>
              </h3>
              <ul class="meta">
                <li class="badge">{vocabLabel(t, 'type', r.type)}</li>
                <li class="badge badge--warn">{t('evaluation.reviewBy', { date: formatDay(r.review_by, locale) })}</li>
                <li>
                  <Link href={`/library/${encodeURIComponent(r.id)}/evaluation`}>{t('evaluation.title')}</Link>
                </li>
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
