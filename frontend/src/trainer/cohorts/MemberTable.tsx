// The members' progress as a table; on a narrow screen each row becomes a card (see .stack-table in styles.css).
import type { MemberProgress } from '../../api/progress';
import { useApp } from '../../context';
import { formatDate } from '../../i18n';
import { ProgressBar } from '../../pages/progress/parts';

export function MemberTable({ members, filtered }: { members: MemberProgress[]; filtered: number | null }) {
  const { t, locale } = useApp();
  if (members.length === 0) return <p class="muted">{filtered !== null ? t('cohort.noIdle', { n: filtered }) : t('cohort.noMembers')}</p>;
  const cols = [t('cohort.member'), t('cohort.progress'), t('cohort.lastActivity'), t('cohort.bestScores')];
  return (
    <table class="stack-table">
      <caption>{filtered !== null ? t('cohort.idleCaption', { n: filtered, count: members.length }) : t('cohort.membersCaption', { count: members.length })}</caption>
      <thead>
        <tr>
          {cols.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr key={m.user_id}>
            <th scope="row" data-label={cols[0]} dir="auto">
              {m.display_name}
            </th>
            <td data-label={cols[1]}>
              <ProgressBar done={m.completed_items} total={m.total_items} percent={m.percent} label={m.display_name} />
            </td>
            <td data-label={cols[2]}>{m.last_activity_at ? formatDate(m.last_activity_at, locale) : t('cohort.never')}</td>
            <td data-label={cols[3]}>
              {m.best_quiz_scores.length === 0 ? (
                '—'
              ) : (
                <ul class="plain-list">
                  {m.best_quiz_scores.map((s) => (
                    <li key={s.quiz_id}>
                      <bdi>{s.quiz_title}</bdi> : {t('cohort.score', { score: s.best_score, max: s.max_score, n: s.attempts })}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
