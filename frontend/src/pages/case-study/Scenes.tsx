// The screens of a run: the introduction, the path so far, a situation, the feedback on a choice, the ending.
import type { RefObject } from 'preact';
import { isBand, type CaseStudyView, type EndingView, type NodeView, type RunStep } from '../../api/types';
import { Alert } from '../../components/forms';
import { useApp } from '../../context';
import { Link } from '../../router';
import { signInHref } from '../learn';
import { textAttrs } from '../../components/bidi';
import type { Outcome } from './useRun';

type FocusRef = RefObject<HTMLHeadingElement | null>;

/** Before the run: what the case is about and how many decisions it asks for. */
export function Intro({ cs, error, busy, onStart }: { cs: CaseStudyView; error: string | null; busy: boolean; onStart: () => void }) {
  const { t, me } = useApp();
  return (
    <section class="case__intro">
      <p class="lead" {...textAttrs(cs.content_language)}>
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
export function Path({ steps, lang }: { steps: RunStep[]; lang: string }) {
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
                <span {...textAttrs(lang)}>{s.choice_label}</span> <span class="badge">{t('case.points', { n: s.points })}</span>
              </summary>
              <div class="prose prose--small" {...textAttrs(lang)} dangerouslySetInnerHTML={{ __html: s.feedback_html }} />
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The feedback on the choice just made. */
export function Feedback({ outcome, lang, focusRef, onNext }: { outcome: Outcome; lang: string; focusRef: FocusRef; onNext: () => void }) {
  const { t } = useApp();
  return (
    <section class="case__feedback" aria-labelledby="case-feedback">
      <h2 id="case-feedback" tabIndex={-1} ref={focusRef}>
        {t('case.feedback')}
      </h2>
      <p class="case__chosen">
        {t('case.youChose')} <strong {...textAttrs(lang)}>{outcome.label}</strong> <span class="badge">{t('case.points', { n: outcome.points })}</span>
      </p>
      <div class="prose" {...textAttrs(lang)} dangerouslySetInnerHTML={{ __html: outcome.feedback_html }} />
      <button type="button" class="button button--primary" onClick={onNext}>
        {t('case.continue')}
      </button>
    </section>
  );
}

interface SceneProps {
  node: NodeView;
  number: number;
  lang: string;
  error: string | null;
  busy: boolean;
  focusRef: FocusRef;
  onChoose: (choiceId: string, label: string) => void;
}

/** A situation and the choices it offers. */
export function Scene({ node, number, lang, error, busy, focusRef, onChoose }: SceneProps) {
  const { t } = useApp();
  return (
    <section class="case__node" aria-labelledby="case-node">
      <h2 id="case-node" tabIndex={-1} ref={focusRef}>
        {t('case.situation', { n: number })}
      </h2>
      <div class="prose" {...textAttrs(lang)} dangerouslySetInnerHTML={{ __html: node.body_html }} />
      <Alert message={error} />
      <fieldset class="case__choices">
        <legend>{t('case.choose')}</legend>
        <ul>
          {node.choices.map((ch) => (
            <li key={ch.id}>
              <button type="button" class="button choice-button" disabled={busy} onClick={() => onChoose(ch.id, ch.label)} {...textAttrs(lang)}>
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
export function Ending({ ending, lang, busy, focusRef, onRestart }: { ending: EndingView; lang: string; busy: boolean; focusRef: FocusRef; onRestart: () => void }) {
  const { t } = useApp();
  return (
    <section class={`case__ending band--${ending.band}`} aria-labelledby="case-ending">
      <p class="reader__kicker">{t('case.ending')}</p>
      <h2 id="case-ending" tabIndex={-1} ref={focusRef} {...textAttrs(lang)}>
        {ending.title}
      </h2>
      <p class="band">
        <span aria-hidden="true">{ending.band === 'good' ? '★ ' : ending.band === 'partial' ? '◐ ' : '↻ '}</span>
        {isBand(ending.band) ? t(`band.${ending.band}`) : ending.band}
      </p>
      <p class="score__big">{t('case.score', { score: ending.score, max: ending.max_score })}</p>
      <h3>{t('case.debrief')}</h3>
      <div class="prose" {...textAttrs(lang)} dangerouslySetInnerHTML={{ __html: ending.debrief_html }} />
      <button type="button" class="button" onClick={onRestart} disabled={busy}>
        {t('case.restart')}
      </button>
    </section>
  );
}
