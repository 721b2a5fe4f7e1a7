// How each quiz question went for the cohort (success rate and attempts), quiz by quiz.
import type { MemberProgress, QuestionRate } from '../../api/progress';
import { useApp } from '../../context';

export function QuestionRates({ questions, members }: { questions: QuestionRate[]; members: MemberProgress[] }) {
  const { t, locale } = useApp();
  if (questions.length === 0) return null;
  // The rates name quizzes by id: their titles come from the members' scores.
  const titles = new Map(members.flatMap((m) => m.best_quiz_scores.map((s) => [s.quiz_id, s.quiz_title] as const)));
  const quizzes = [...new Set(questions.map((q) => q.quiz_id))];
  const percent = new Intl.NumberFormat(locale === 'ar' ? 'ar-MA' : locale, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <section aria-labelledby="question-rates">
      <h2 id="question-rates">{t('cohort.questions')}</h2>
      {quizzes.map((quiz) => (
        <table key={quiz} class="stack-table">
          <caption>{titles.get(quiz) ?? t('kind.quiz')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cohort.question')}</th>
              <th scope="col">{t('cohort.successRate')}</th>
              <th scope="col">{t('cohort.attempts')}</th>
            </tr>
          </thead>
          <tbody>
            {questions
              .filter((q) => q.quiz_id === quiz)
              .map((q, i) => (
                <tr key={q.question_id} class={q.success_rate < 0.5 ? 'row--weak' : undefined}>
                  <th scope="row" data-label={t('cohort.question')}>
                    {t('quiz.question', { n: i + 1 })}
                  </th>
                  <td data-label={t('cohort.successRate')}>{percent.format(q.success_rate)}</td>
                  <td data-label={t('cohort.attempts')}>{q.attempts}</td>
                </tr>
              ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
