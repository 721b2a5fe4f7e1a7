// Field sessions (lazy chunk, see chunks.tsx): the sessions a professional ran after a training.
import { listMyFieldSessions, type FieldSessionView } from '../api/progress';
import { Page } from '../components/Layout';
import { useApp } from '../context';
import { LoadFailed, Loading, useLoad } from '../pages/learn';
import { fieldAudienceLabel, formatDay, territoryLabel } from '../pages/vocab';
import { SessionForm } from './SessionForm';
import { Sentence } from '../components/bidi';
import { Fragment } from 'preact';

export function FieldSessionsScreen() {
  const { t, locale } = useApp();
  const mine = useLoad(listMyFieldSessions, []);
  return (
    <Page title={t('field.title')}>
      <p class="lead">{t('field.intro')}</p>
      <h2>{t('field.newSession')}</h2>
      <SessionForm onRecorded={mine.reload} />
      <h2>{t('field.mine')}</h2>
      {mine.error ? (
        <LoadFailed error={mine.error} onRetry={mine.reload} back={{ href: '/learning', label: t('nav.learning') }} />
      ) : !mine.data ? (
        <Loading />
      ) : mine.data.items.length === 0 ? (
        <p class="muted">{t('field.none')}</p>
      ) : (
        <ul class="cards">
          {mine.data.items.map((s) => (
            <Session key={s.id} s={s} locale={locale} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function Session({ s, locale }: { s: FieldSessionView; locale: string }) {
  const { t } = useApp();
  return (
    <li class="card">
      <h3>
        {formatDay(s.held_on, locale)} · {territoryLabel(t, s.territory)}
      </h3>
      <p>
        {fieldAudienceLabel(t, s.audience)} · {t('field.participantsN', { n: s.participants })}
      </p>
      {s.resources.length > 0 && (
        <p class="muted">
          <Sentence
            text={t('field.usedResources')}
            parts={{
              list: s.resources.map((r, i) => (
                <Fragment key={r.id}>
                  {i > 0 && ' ; '}
                  <bdi>{r.title}</bdi>
                </Fragment>
              )),
            }}
          />
        </p>
      )}
      {s.notes && (
        <p dir="auto" class="pre-line">
          {s.notes}
        </p>
      )}
    </li>
  );
}
