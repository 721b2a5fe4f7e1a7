// The screens of a run: the introduction, the path so far, a situation, the feedback on a choice, the ending.
import type { RefObject } from 'preact';
import { isBand, type CaseStudyView, type EndingView, type NodeView, type RunStep } from '../../api/types';
import { Alert } from '../../components/forms';
import { useApp } from '../../context';
import { Link } from '../../router';
import { InOtherLanguage, signInHref } from '../learn';
import { textAttrs } from '../../components/bidi';
import type { Outcome } from './useRun';

type FocusRef = RefObject<HTMLHeadingElement | null>;

/** Before the run: what the case is about and how many decisions it asks for. */
export function Intro({ cs, error, busy, onStart }: { cs: CaseStudyView; error: string | null; busy: boolean; onStart: () => void }) {
  const { t, me } = useApp();
  return (
    <section class="case__intro">
      <InOtherLanguage language={cs.summary_language} />
      <p class="lead" {...textAttrs(cs.summary_language)}>
        {cs.summary}
      </p>
      {cs.decisions_most > 0 && (
        <p class="muted">
          {cs.decisions_fewest === cs.decisions_most
            ? t('case.decisions', { n: cs.decisions_most })
            : t('case.decisionsRange', { min: cs.decisions_fewest, max: cs.decisions_most })}
        </p>
      )}
      <Alert message={error} />
      {me ? (
        <button type="button" class="button button--primary" onClick={onStart} disabled={busy}>
          {busy ? t('app.loading') : t('case.start')}
        </button>
      ) : (
        <p class="notice">
          {t('case.signIn')} <Link href={signInHref()}>{t('nav.login')}</Link>
        </p>
      )}
    </section>
  );
}

/** The choices made so far, each with its feedback folded away. */
export function Path({ steps }: { steps: RunStep[] }) {
  const { t } = useApp();
  if (steps.length === 0) return null;
  return (
    <section class="case__path" aria-labelledby="case-path">
      <h2 id="case-path">{t('case.path')}</h2>
      <ol>
        {steps.map((s, i) => (
          <li key={i}>
            <details>
              <summary>
                <span {...textAttrs(s.language)}>{s.choice_label}</span> <span class="badge">{t('case.points', { n: s.points })}</span>
              </summary>
              <div class="prose prose--small" {...textAttrs(s.language)} dangerouslySetInnerHTML={{ __html: s.feedback_html }} />
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The feedback on the choice just made. */
export function Feedback({ outcome, focusRef, onNext }: { outcome: Outcome; focusRef: FocusRef; onNext: () => void }) {
  const { t } = useApp();
  return (
    <section class="case__feedback" aria-labelledby="case-feedback">
      <h2 id="case-feedback" tabIndex={-1} ref={focusRef}>
        {t('case.feedback')}
      </h2>
      <p class="case__chosen">
        {t('case.youChose')} <strong {...textAttrs(outcome.labelLanguage)}>{outcome.label}</strong> <span class="badge">{t('case.points', { n: outcome.points })}</span>
      </p>
      <InOtherLanguage language={outcome.feedback_language} />
      <div class="prose" {...textAttrs(outcome.feedback_language)} dangerouslySetInnerHTML={{ __html: outcome.feedback_html }} />
      <button type="button" class="button button--primary" onClick={onNext}>
        {t('case.continue')}
      </button>
    </section>
  );
}

interface SceneProps {
  node: NodeView;
  number: number;
  error: string | null;
  busy: boolean;
  focusRef: FocusRef;
  onChoose: (choiceId: string, label: string, labelLanguage: RunStep['language']) => void;
}

/** A situation and the choices it offers. */
export function Scene({ node, number, error, busy, focusRef, onChoose }: SceneProps) {
  const { t } = useApp();
  return (
    <section class="case__node" aria-labelledby="case-node">
      <h2 id="case-node" tabIndex={-1} ref={focusRef}>
        {t('case.situation', { n: number })}
      </h2>
      <InOtherLanguage language={node.language} />
      <div class="prose" {...textAttrs(node.language)} dangerouslySetInnerHTML={{ __html: node.body_html }} />
      <Alert message={error} />
      <fieldset class="case__choices">
        <legend>{t('case.choose')}</legend>
        <ul>
          {node.choices.map((ch) => (
            <li key={ch.id}>
              <button type="button" class="button choice-button" disabled={busy} onClick={() => onChoose(ch.id, ch.label, ch.language)} {...textAttrs(ch.language)}>
                {ch.label}
              </button>
            </li>
          ))}
        </ul>
      </fieldset>
    </section>
  );
}

/** The ending reached: its band, the score and the debrief. */
export function Ending({ ending, busy, focusRef, onRestart }: { ending: EndingView; busy: boolean; focusRef: FocusRef; onRestart: () => void }) {
  const { t } = useApp();
  return (
    <section class={`case__ending band--${ending.band}`} aria-labelledby="case-ending">
      <p class="reader__kicker">{t('case.ending')}</p>
      <h2 id="case-ending" tabIndex={-1} ref={focusRef} {...textAttrs(ending.language)}>
        {ending.title}
      </h2>
      <p class="band">
        <span aria-hidden="true">{ending.band === 'good' ? '★ ' : ending.band === 'partial' ? '◐ ' : '↻ '}</span>
        {isBand(ending.band) ? t(`band.${ending.band}`) : ending.band}
      </p>
      <p class="score__big">{t('case.score', { score: ending.score, max: ending.max_score })}</p>
      <h3>{t('case.debrief')}</h3>
      <InOtherLanguage language={ending.language} />
      <div class="prose" {...textAttrs(ending.language)} dangerouslySetInnerHTML={{ __html: ending.debrief_html }} />
      <button type="button" class="button" onClick={onRestart} disabled={busy}>
        {t('case.restart')}
      </button>
    </section>
  );
}
