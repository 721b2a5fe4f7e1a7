import { useEffect, useRef, useState } from 'preact/hooks';
import { chooseInRun, getCaseStudy, getRun, startRun } from '../api/endpoints';
import { isBand, type ChoiceOutcome, type NodeView, type RunStep } from '../api/types';
import { Alert } from '../components/forms';
import { useApp } from '../context';
import { describeError } from '../errors';
import { Link, useLocation } from '../router';
import { contentAttrs, Crumb, ItemNav, KindLabel, LoadFailed, Loading, PreviewBanner, signInHref, usePreview, useTitle, useLoad } from './learn';

/** Keeps the run in the address (?run=) so that a reload resumes it; no navigation, no focus jump. */
function rememberRun(runId: string | null) {
  const params = new URLSearchParams(location.search);
  if (runId) params.set('run', runId);
  else params.delete('run');
  const qs = params.toString();
  history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
}

export function CaseStudy({ id }: { id: string }) {
  const { t, locale, me } = useApp();
  const preview = usePreview();
  const { query } = useLocation();
  const cs = useLoad(() => getCaseStudy(id, locale, preview), [id, locale, preview]);
  const [runId, setRunId] = useState<string | null>(query.get('run'));
  const [steps, setSteps] = useState<RunStep[]>([]);
  const [node, setNode] = useState<NodeView | null>(null);
  const [outcome, setOutcome] = useState<(ChoiceOutcome & { label: string }) | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const focusRef = useRef<HTMLHeadingElement>(null);
  const [focusTick, setFocusTick] = useState(0);
  const c = cs.data;
  useTitle(c?.title);

  // Resume a run named in the address.
  useEffect(() => {
    const fromUrl = query.get('run');
    if (!fromUrl || !me || node) return;
    setBusy(true);
    getRun(fromUrl)
      .then((run) => {
        setRunId(run.run_id);
        setSteps(run.steps);
        setNode(run.node);
      })
      .catch((e: unknown) => {
        rememberRun(null);
        setRunId(null);
        setError(`${t('case.resumeFailed')} ${describeError(e, t)}`);
      })
      .finally(() => setBusy(false));
  }, [me]);

  useEffect(() => {
    if (focusTick) focusRef.current?.focus();
  }, [focusTick]);

  if (cs.error) return <LoadFailed error={cs.error} onRetry={cs.reload} />;
  if (!c) return <Loading />;
  const lang = c.content_language;

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const run = await startRun(c.id, preview);
      rememberRun(run.run_id);
      setRunId(run.run_id);
      setSteps([]);
      setOutcome(null);
      setNode(run.node);
      setFocusTick((n) => n + 1);
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  const choose = async (choiceId: string, label: string) => {
    if (!runId || busy) return;
    setBusy(true);
    setError(null);
    try {
      const out = await chooseInRun(runId, choiceId);
      setOutcome({ ...out, label });
      setFocusTick((n) => n + 1);
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  const next = () => {
    if (!outcome) return;
    setSteps((s) => [...s, { choice_label: outcome.label, feedback_html: outcome.feedback_html, points: outcome.points }]);
    setNode(outcome.node);
    setOutcome(null);
    setFocusTick((n) => n + 1);
  };

  const ending = !outcome && node?.ending ? node.ending : null;

  return (
    <article class="reader case">
      <PreviewBanner show={preview} />
      <Crumb slug={c.course_slug} title={c.course_title} language={c.language} preview={preview} />
      <p class="reader__kicker">
        <KindLabel kind="case_study" />
      </p>
      <h1 tabIndex={-1} {...contentAttrs(c.language)}>
        {c.title}
      </h1>
      {!node && (
        <section class="case__intro">
          <p class="lead" {...contentAttrs(lang)}>
            {c.summary}
          </p>
          <p class="muted">{t('case.decisions', { n: c.decision_points })}</p>
          <Alert message={error} />
          {me ? (
            <button type="button" class="button button--primary" onClick={start} disabled={busy}>
              {busy ? t('app.loading') : t('case.start')}
            </button>
          ) : (
            <p class="notice">
              {t('case.signIn')} <Link href={signInHref()}>{t('nav.login')}</Link>
            </p>
          )}
        </section>
      )}

      {steps.length > 0 && (
        <section class="case__path" aria-labelledby="case-path">
          <h2 id="case-path">{t('case.path')}</h2>
          <ol>
            {steps.map((s, i) => (
              <li key={i}>
                <details>
                  <summary>
                    <span {...contentAttrs(lang)}>{s.choice_label}</span> <span class="badge">{t('case.points', { n: s.points })}</span>
                  </summary>
                  <div class="prose prose--small" {...contentAttrs(lang)} dangerouslySetInnerHTML={{ __html: s.feedback_html }} />
                </details>
              </li>
            ))}
          </ol>
        </section>
      )}

      {node && outcome && (
        <section class="case__feedback" aria-labelledby="case-feedback">
          <h2 id="case-feedback" tabIndex={-1} ref={focusRef}>
            {t('case.feedback')}
          </h2>
          <p class="case__chosen">
            {t('case.youChose')} <strong {...contentAttrs(lang)}>{outcome.label}</strong>{' '}
            <span class="badge">{t('case.points', { n: outcome.points })}</span>
          </p>
          <div class="prose" {...contentAttrs(lang)} dangerouslySetInnerHTML={{ __html: outcome.feedback_html }} />
          <button type="button" class="button button--primary" onClick={next}>
            {t('case.continue')}
          </button>
        </section>
      )}

      {node && !outcome && !ending && (
        <section class="case__node" aria-labelledby="case-node">
          <h2 id="case-node" tabIndex={-1} ref={focusRef}>
            {t('case.situation', { n: steps.length + 1 })}
          </h2>
          <div class="prose" {...contentAttrs(lang)} dangerouslySetInnerHTML={{ __html: node.body_html }} />
          <Alert message={error} />
          <fieldset class="case__choices">
            <legend>{t('case.choose')}</legend>
            <ul>
              {node.choices.map((ch) => (
                <li key={ch.id}>
                  <button type="button" class="button choice-button" disabled={busy} onClick={() => choose(ch.id, ch.label)} {...contentAttrs(lang)}>
                    {ch.label}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        </section>
      )}

      {node && ending && (
        <section class={`case__ending band--${ending.band}`} aria-labelledby="case-ending">
          <p class="reader__kicker">{t('case.ending')}</p>
          <h2 id="case-ending" tabIndex={-1} ref={focusRef} {...contentAttrs(lang)}>
            {ending.title}
          </h2>
          <p class="band">
            <span aria-hidden="true">{ending.band === 'good' ? '★ ' : ending.band === 'partial' ? '◐ ' : '↻ '}</span>
            {isBand(ending.band) ? t(`band.${ending.band}`) : ending.band}
          </p>
          <p class="score__big">{t('case.score', { score: ending.score, max: ending.max_score })}</p>
          <h3>{t('case.debrief')}</h3>
          <div class="prose" {...contentAttrs(lang)} dangerouslySetInnerHTML={{ __html: ending.debrief_html }} />
          <button type="button" class="button" onClick={start} disabled={busy}>
            {t('case.restart')}
          </button>
        </section>
      )}
      {node && !ending && busy && <Loading />}
      <ItemNav previous={c.previous_item} next={c.next_item} language={c.language} preview={preview} />
    </article>
  );
}
