// A cohort's dashboard: members' progress, the idle filter, reminders, CSV, per-question rates, adding members.
import { useState } from 'preact/hooks';
import { cohortCsvUrl, getCohortProgress, remindIdle, type RemindersSent } from '../../api/progress';
import { Alert, Status } from '../../components/forms';
import { BackLink, Page } from '../../components/Layout';
import { useApp } from '../../context';
import { describeError } from '../../errors';
import { LoadFailed, Loading, useLoad } from '../../pages/learn';
import { formatDay } from '../../pages/vocab';
import { AddMembers } from './AddMembers';
import { MemberTable } from './MemberTable';
import { QuestionRates } from './QuestionRates';
import { textAttrs } from '../../components/bidi';

const DEFAULT_IDLE_DAYS = 7;

export function CohortDashboard({ id }: { id: string }) {
  const { t, locale } = useApp();
  // The filter applied (null: every member) and the number being typed.
  const [idle, setIdle] = useState<number | null>(null);
  const [typed, setTyped] = useState(String(DEFAULT_IDLE_DAYS));
  const data = useLoad(() => getCohortProgress(id, idle ?? undefined), [id, idle, locale]);
  const back = { href: '/cohorts', label: t('cohort.listTitle') };
  if (data.error && !data.data) return <LoadFailed error={data.error} onRetry={data.reload} back={back} />;
  const d = data.data;
  if (!d) return <Loading />;
  const days = Math.min(365, Math.max(1, Math.trunc(Number(typed)) || DEFAULT_IDLE_DAYS));
  return (
    <Page title={d.cohort.title} titleAttrs={textAttrs(null)}>
      <BackLink href="/cohorts">{t('cohort.listTitle')}</BackLink>
      <p class="lead">
        {d.cohort.course_title} · {t('cohort.span', { from: formatDay(d.cohort.starts_on, locale), to: formatDay(d.cohort.ends_on, locale) })}
      </p>
      <form
        class="filter-row"
        onSubmit={(e) => {
          e.preventDefault();
          setTyped(String(days));
          setIdle(days);
        }}
      >
        <div class="field">
          <label for="idle-days">{t('cohort.idleFilter')}</label>
          <input id="idle-days" name="inactive_days" type="number" inputMode="numeric" min={1} max={365} value={typed} onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="button">
          {t('cohort.applyFilter')}
        </button>
        {idle !== null && (
          <button type="button" class="button" onClick={() => setIdle(null)}>
            {t('cohort.allMembers')}
          </button>
        )}
      </form>
      <MemberTable members={d.members} filtered={idle} />
      <p class="actions">
        <a class="button" href={cohortCsvUrl(id, idle ?? undefined)} download>
          {t('cohort.csv')}
        </a>
      </p>
      <Reminder id={id} days={days} />
      {d.pending_invitations.length > 0 && (
        <>
          <h2>{t('cohort.pending')}</h2>
          <ul class="plain-list" dir="ltr">
            {d.pending_invitations.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </>
      )}
      <QuestionRates questions={d.questions} members={d.members} />
      <AddMembers id={id} onAdded={data.reload} />
    </Page>
  );
}

/** One reminder e-mail to the members idle for `days` days (the server skips those reminded in the last 24 h). */
function Reminder({ id, days }: { id: string; days: number }) {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<RemindersSent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      setSent(await remindIdle(id, { inactive_days: days }));
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="remind" class="stack">
      <h2 id="remind">{t('cohort.remindTitle')}</h2>
      <p>{t('cohort.remindIntro', { n: days })}</p>
      <Alert message={error} />
      <Status message={sent ? t('cohort.remindResult', { reminded: sent.reminded, skipped: sent.skipped }) : null} />
      <p>
        <button type="button" class="button button--primary" disabled={busy} onClick={() => void send()}>
          {busy ? t('common.sending') : t('cohort.remind')}
        </button>
      </p>
    </section>
  );
}
