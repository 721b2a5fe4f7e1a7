// The state of one run through a case study: where the learner stands, the path so far, the last choice's feedback.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { chooseInRun, getRun, startRun } from '../../api/endpoints';
import type { ChoiceOutcome, NodeView, RunStep } from '../../api/types';
import { useApp } from '../../context';
import { describeError } from '../../errors';
import { useLocation } from '../../router';

/** Keeps the run in the address (?run=) so that a reload resumes it; no navigation, no focus jump. */
function rememberRun(runId: string | null) {
  const params = new URLSearchParams(location.search);
  if (runId) params.set('run', runId);
  else params.delete('run');
  const qs = params.toString();
  history.replaceState(null, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
}

/** The feedback on a choice, shown before the next situation. */
export type Outcome = ChoiceOutcome & { label: string; labelLanguage: RunStep['language'] };

export interface Run {
  steps: RunStep[];
  node: NodeView | null;
  outcome: Outcome | null;
  busy: boolean;
  error: string | null;
  /** The heading of whatever the run shows now; it takes the focus after each step. */
  focusRef: RefObject<HTMLHeadingElement | null>;
  start: (caseStudyId: string) => Promise<void>;
  choose: (choiceId: string, label: string, labelLanguage: RunStep['language']) => Promise<void>;
  /** From the feedback on to the next situation (or the ending). */
  next: () => void;
}

export function useRun(preview: boolean): Run {
  const { t, me } = useApp();
  const { query } = useLocation();
  const [runId, setRunId] = useState<string | null>(query.get('run'));
  const [steps, setSteps] = useState<RunStep[]>([]);
  const [node, setNode] = useState<NodeView | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const focusRef = useRef<HTMLHeadingElement>(null);
  const [focusTick, setFocusTick] = useState(0);

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

  /** Runs one call to the server, busy meanwhile and its failure shown. */
  const step = async (call: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      setFocusTick((n) => n + 1);
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  const start = (caseStudyId: string) =>
    step(async () => {
      const run = await startRun(caseStudyId, preview);
      rememberRun(run.run_id);
      setRunId(run.run_id);
      setSteps([]);
      setOutcome(null);
      setNode(run.node);
    });

  const choose = async (choiceId: string, label: string, labelLanguage: RunStep['language']) => {
    if (!runId || busy) return;
    await step(async () => setOutcome({ ...(await chooseInRun(runId, choiceId)), label, labelLanguage }));
  };

  const next = () => {
    if (!outcome) return;
    setSteps((s) => [
      ...s,
      { choice_label: outcome.label, language: outcome.labelLanguage, feedback_html: outcome.feedback_html, points: outcome.points },
    ]);
    setNode(outcome.node);
    setOutcome(null);
    setFocusTick((n) => n + 1);
  };

  return { steps, node, outcome, busy, error, focusRef, start, choose, next };
}
