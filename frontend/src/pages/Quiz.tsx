import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { getQuiz, submitAttempt } from '../api/endpoints';
import type { AnswerInput, AttemptResult, QuestionView } from '../api/types';
import { Alert, SubmitButton } from '../components/forms';
import { useApp } from '../context';
import { describeError } from '../errors';
import { formatDate } from '../i18n';
import { canQueue, gradedOffline, networkFailed, newSending, OUTBOX_CHANGED, queueAttempt, queued, seenGraded } from '../offline/outbox';
import { Link } from '../router';
import { Crumb, InOtherLanguage, ItemNav, KindLabel, LoadFailed, Loading, PreviewBanner, signInHref, usePreview, useTitle, useLoad } from './learn';
import { textAttrs } from '../components/bidi';

interface Answer {
  choices: string[];
  text: string;
}
type Answers = Record<string, Answer>;

function answered(q: QuestionView, a: Answer | undefined): boolean {
  if (!a) return false;
  return q.kind === 'short_text' ? a.text.trim() !== '' : a.choices.length > 0;
}

function Question({
  q,
  n,
  answer,
  onAnswer,
  marked,
  invalid,
}: {
  q: QuestionView;
  n: number;
  answer: Answer;
  onAnswer: (a: Answer) => void;
  /** Whether to say here that the question is in another language (not said once for the whole quiz). */
  marked: boolean;
  invalid: boolean;
}) {
  const { t } = useApp();
  const name = `q-${q.id}`;
  const errId = `${name}-error`;
  return (
    <fieldset class={invalid ? 'question question--invalid' : 'question'} id={name} aria-describedby={invalid ? errId : undefined}>
      <legend>
        <span class="question__num">{t('quiz.question', { n })}</span>{' '}
        {/* A block of its own language: aligned at its own start, like the choices and the explanation. */}
        <span class="question__prompt" {...textAttrs(q.language)}>
          {q.prompt}
        </span>
        {q.kind === 'multiple' && <span class="hint question__hint">{t('quiz.multipleHint')}</span>}
      </legend>
      {marked && <InOtherLanguage language={q.language} />}
      {q.kind === 'short_text' ? (
        <div class="field">
          <label for={`${name}-text`}>{t('quiz.yourAnswer')}</label>
          <input
            id={`${name}-text`}
            type="text"
            // The learner answers in whichever language they write: accepted in every language written.
            dir="auto"
            value={answer.text}
            onInput={(e) => onAnswer({ ...answer, text: (e.currentTarget as HTMLInputElement).value })}
          />
        </div>
      ) : (
        q.choices.map((c) => {
          const id = `${name}-${c.id}`;
          const multiple = q.kind === 'multiple';
          return (
            // The whole row in the content's direction: the box sits next to the start of its text.
            <div class="check" key={c.id} {...textAttrs(c.language)}>
              <input
                id={id}
                type={multiple ? 'checkbox' : 'radio'}
                name={name}
                value={c.id}
                checked={answer.choices.includes(c.id)}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  const choices = multiple
                    ? on
                      ? [...answer.choices, c.id]
                      : answer.choices.filter((x) => x !== c.id)
                    : [c.id];
                  onAnswer({ ...answer, choices });
                }}
              />
              <label for={id}>{c.label}</label>
            </div>
          );
        })
      )}
      {invalid && (
        <p class="field-error" id={errId}>
          {t('quiz.answerThis')}
        </p>
      )}
    </fieldset>
  );
}

function Feedback({ result }: { result: AttemptResult }) {
  const { t } = useApp();
  return (
    <ol class="feedback-list">
      {result.feedback.map((f, i) => (
        <li key={f.question_id} class={f.correct ? 'feedback feedback--ok' : 'feedback feedback--ko'}>
          <h3>
            <span class="question__num">{t('quiz.question', { n: i + 1 })}</span>{' '}
            <span class="question__prompt" {...textAttrs(f.language)}>
              {f.prompt}
            </span>
          </h3>
          <InOtherLanguage language={f.language} />
          <p class={f.correct ? 'verdict verdict--ok' : 'verdict verdict--ko'}>
            <span aria-hidden="true">{f.correct ? '✓ ' : '✗ '}</span>
            {f.correct ? t('quiz.correct') : t('quiz.incorrect')}
          </p>
          {f.choices.length > 0 && (
            <ul class="choice-feedback">
              {f.choices.map((c) => (
                <li key={c.id} class={c.correct ? 'choice-feedback__item is-correct' : 'choice-feedback__item'}>
                  <p class="choice-feedback__label" {...textAttrs(c.language)}>
                    <span aria-hidden="true" class="choice-feedback__mark">
                      {/* `correct` is null while the answers are not revealed: mark only the learner's pick. */}
                      {c.correct === true ? '✓' : c.selected ? (c.correct === false ? '✗' : '•') : '·'}
                    </span>
                    <span>{c.label}</span>
                  </p>
                  <p class="choice-feedback__tags">
                    {c.correct && <span class="badge badge--ok">{t('quiz.rightChoice')}</span>}{' '}
                    {c.selected && <span class="badge badge--pick">{t('quiz.yourChoice')}</span>}
                  </p>
                  {c.feedback && (
                    <p class="choice-feedback__text" {...textAttrs(c.language)}>
                      {c.feedback}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
          {f.choices.length === 0 && (
            <p>
              {t('quiz.given')} <strong dir="auto">{f.given_text?.trim() || t('quiz.nothing')}</strong>
            </p>
          )}
          {f.accepted_answers.length > 0 && (
            <p>
              {t('quiz.accepted')} <span {...textAttrs(f.language)}>{f.accepted_answers.join(' · ')}</span>
            </p>
          )}
          {f.explanation && (
            <div class="explanation">
              <p class="explanation__title">{t('quiz.explanation')}</p>
              <p class="explanation__text" {...textAttrs(f.language)}>
                {f.explanation}
              </p>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

export function Quiz({ id }: { id: string }) {
  const { t, locale, me } = useApp();
  const preview = usePreview();
  const quiz = useLoad(() => getQuiz(id, locale, preview), [id, locale, preview]);
  const [answers, setAnswers] = useState<Answers>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<AttemptResult | null>(null);
  const [exhausted, setExhausted] = useState(false);
  /** When the answers waiting in the outbox were given (answered offline, not graded yet). */
  const [pendingSince, setPendingSince] = useState<string | null>(null);
  /** When the answers graded on arrival were given offline (the result shown is theirs). */
  const [answeredOffline, setAnsweredOffline] = useState<string | null>(null);
  const resultRef = useRef<HTMLHeadingElement>(null);
  const q = quiz.data;
  useTitle(q?.title);
  const user = me?.id;

  /** Set when the learner submits: the result (or the pending answers) takes the focus then, not when a grade comes in the background. */
  const submitted = useRef(false);
  /** Said by the live region that stays on the page: a grade come in the background. */
  const [arrived, setArrived] = useState<string | null>(null);
  useEffect(() => {
    if ((result || pendingSince) && submitted.current) {
      submitted.current = false;
      resultRef.current?.focus();
    }
  }, [result, pendingSince]);

  // Answers given offline: pending while in the outbox, then their grade, shown once.
  useEffect(() => {
    if (!user || !canQueue() || preview) return;
    let live = true;
    const check = async () => {
      const waiting = (await queued(user)).find((e) => e.kind === 'attempt' && e.item === id);
      const graded = waiting ? null : await gradedOffline(user, id);
      if (!live) return;
      setPendingSince(waiting?.at ?? null);
      if (!graded) return;
      if (graded.result) {
        setResult(graded.result);
        setAnsweredOffline(graded.at);
        setArrived(t('outbox.quizGraded', { date: formatDate(graded.at, locale) }));
      } else if (graded.refused) {
        const { status, reason, params } = graded.refused;
        setError(`${t('outbox.quizRefused', { date: formatDate(graded.at, locale) })} ${describeError(new ApiError(status, '', undefined, [], null, '', reason, params), t)}`);
      }
      await seenGraded(user, id);
    };
    const run = () => void check().catch(() => undefined);
    run();
    window.addEventListener(OUTBOX_CHANGED, run);
    return () => {
      live = false;
      window.removeEventListener(OUTBOX_CHANGED, run);
    };
  }, [id, user, preview]);

  if (quiz.error) return <LoadFailed error={quiz.error} onRetry={quiz.reload} />;
  if (!q) return <Loading />;

  const used = result ? result.attempts_used : q.attempts_used;
  const left = result ? result.attempts_left : q.max_attempts != null ? Math.max(0, q.max_attempts - q.attempts_used) : null;
  const noneLeft = exhausted || (left != null && left <= 0);

  const get = (qid: string): Answer => answers[qid] ?? { choices: [], text: '' };
  // The questions the last try left blank and that are still blank: the
  // warning counts down as they are answered, and goes once none is left.
  const stillMissing = q.questions.filter((x) => missing.includes(x.id) && !answered(x, answers[x.id])).length;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const unanswered = q.questions.filter((x) => !answered(x, answers[x.id])).map((x) => x.id);
    setMissing(unanswered);
    if (unanswered.length) {
      setError(null);
      document.getElementById(`q-${unanswered[0]}`)?.querySelector<HTMLElement>('input')?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    submitted.current = true;
    const body: AnswerInput[] = q.questions.map((x) => {
      const a = get(x.id);
      return x.kind === 'short_text' ? { question_id: x.id, text: a.text.trim() } : { question_id: x.id, choice_ids: a.choices };
    });
    // Its key before the first sending: answers that reached the server although the answer was
    // lost are not counted a second time when the outbox sends them again.
    const sending = canQueue() ? newSending() : null;
    try {
      setAnsweredOffline(null);
      setResult(await submitAttempt(q.id, { answers: body, ...(sending ? { idempotency_key: sending.key } : {}) }, preview));
    } catch (err) {
      if (networkFailed(err) && me && !preview && sending) {
        // Kept on the device and graded when it reaches the server.
        try {
          setPendingSince((await queueAttempt(me.id, q.id, body, sending)).at);
          setAnswers({});
          return;
        } catch {
          /* the device cannot keep it: say the network failed */
        }
      }
      if (err instanceof ApiError && err.status === 409) {
        setExhausted(true);
        setError(t('quiz.noAttemptsLeft'));
      } else setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  const retry = () => {
    setResult(null);
    setAnsweredOffline(null);
    setAnswers({});
    setMissing([]);
    quiz.reload();
  };

  // A quiz not translated at all is said to be in its language once, at the top; one translated in
  // part says it at each question left in another language.
  const languages = new Set(q.questions.map((x) => x.language));
  const oneLanguage = languages.size === 1 ? [...languages][0] : null;

  const attemptsText =
    q.max_attempts != null ? t('quiz.attempts', { used, max: q.max_attempts }) : t('quiz.attemptsUnlimited', { used });

  return (
    <article class="reader">
      <PreviewBanner show={preview} />
      <Crumb slug={q.course_slug} title={q.course_title} language={q.language} preview={preview} />
      <p class="reader__kicker">
        <KindLabel kind="quiz" />
      </p>
      <h1 tabIndex={-1} {...textAttrs(q.language)}>
        {q.title}
      </h1>
      <ul class="meta">
        <li>{t('quiz.passMark', { n: q.pass_mark })}</li>
        {/* Once graded, the result box says the attempts (used and left) instead. */}
        {me && !result && <li>{attemptsText}</li>}
      </ul>

      <p class="visually-hidden" role="status">
        {arrived}
      </p>
      {pendingSince && !result ? (
        <section aria-labelledby="quiz-pending" class="result">
          <h2 id="quiz-pending" tabIndex={-1} ref={resultRef}>
            {t('outbox.quizPendingTitle')}
          </h2>
          <p class="alert alert--warn">
            <span aria-hidden="true">↻</span> {t('outbox.quizPending', { date: formatDate(pendingSince, locale) })}
          </p>
        </section>
      ) : result ? (
        <section aria-labelledby="quiz-result" class="result">
          <h2 id="quiz-result" tabIndex={-1} ref={resultRef}>
            {t('quiz.resultTitle')}
          </h2>
          {answeredOffline && <p class="notice">{t('outbox.quizGraded', { date: formatDate(answeredOffline, locale) })}</p>}
          <div class={result.passed ? 'score score--ok' : 'score score--ko'}>
            <p class="score__big">{t('quiz.score', { score: result.score, max: result.max_score, percent: result.percent })}</p>
            <p>{result.passed ? t('quiz.passed', { n: result.pass_mark }) : t('quiz.failed', { n: result.pass_mark })}</p>
            <p>
              {result.attempts_left == null
                ? t('quiz.attemptsUnlimited', { used: result.attempts_used })
                : result.attempts_left > 0
                  ? t('quiz.attemptsLeft', { used: result.attempts_used, n: result.attempts_left })
                  : t('quiz.noAttemptsLeft')}
            </p>
          </div>
          {(result.attempts_left == null || result.attempts_left > 0) && (
            <button type="button" class="button" onClick={retry}>
              {t('quiz.retry')}
            </button>
          )}
          <h2 class="feedback-title">{t('quiz.feedbackTitle')}</h2>
          {!result.answers_revealed && <p class="notice">{t('quiz.answersHidden')}</p>}
          <Feedback result={result} />
        </section>
      ) : (
        <form onSubmit={onSubmit} noValidate class="quiz-form">
          {oneLanguage && <InOtherLanguage language={oneLanguage} />}
          {q.questions.map((x, i) => (
            <Question
              key={x.id}
              q={x}
              n={i + 1}
              answer={get(x.id)}
              marked={!oneLanguage}
              invalid={missing.includes(x.id) && !answered(x, answers[x.id])}
              onAnswer={(a) => setAnswers((prev) => ({ ...prev, [x.id]: a }))}
            />
          ))}
          <Alert message={stillMissing > 0 ? t('quiz.unanswered', { n: stillMissing }) : error} />
          {!me ? (
            <p class="notice">
              {t('quiz.signIn')}{' '}
              <Link href={signInHref()}>{t('nav.login')}</Link>
            </p>
          ) : noneLeft ? (
            <p class="notice">{t('quiz.noAttemptsLeft')}</p>
          ) : (
            <SubmitButton busy={busy} label={t('quiz.submit')} />
          )}
        </form>
      )}
      <ItemNav previous={q.previous_item} next={q.next_item} language={q.language} preview={preview} />
    </article>
  );
}
