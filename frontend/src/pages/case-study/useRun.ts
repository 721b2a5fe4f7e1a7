// The state of one run through a case study: where the learner stands, the path so far, the last choice's feedback.
// Without a network, a case study saved with its course is played on the device from its saved
// copy (offline/saved.ts): the run and each decision wait in the outbox (offline/outbox.ts) and
// reach the server, in order, when the network returns. Such a run stays on the device until it ends.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { chooseInRun, getRun, startRun } from '../../api/endpoints';
import type { ChoiceOutcome, NodeView, RunStep } from '../../api/types';
import { useApp } from '../../context';
import { describeError } from '../../errors';
import { canQueue, networkFailed, newSending, queueChoice, queueRun, type Sending } from '../../offline/outbox';
import { savedPlay, type SavedPlay } from '../../offline/saved';
import { useLocation } from '../../router';

/** A run played on the device: its id (the outbox sends it with it), the case study whole, the score so far. */
interface DeviceRun {
  id: string;
  saved: SavedPlay;
  score: number;
}

/** The node `id` of a saved case study, an ending carrying the run's `score`. */
function nodeOf(saved: SavedPlay, id: string, score: number): NodeView | null {
  const node = saved.play.nodes.find((n) => n.id === id);
  if (!node) return null;
  return node.ending ? { ...node, ending: { ...node.ending, score } } : node;
}

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
  /** Played on the device, to be sent when the network returns. */
  onDevice: boolean;
  /** The heading of whatever the run shows now; it takes the focus after each step. */
  focusRef: RefObject<HTMLHeadingElement | null>;
  start: (caseStudyId: string) => Promise<void>;
  choose: (choiceId: string, label: string, labelLanguage: RunStep['language']) => Promise<void>;
  /** From the feedback on to the next situation (or the ending). */
  next: () => void;
}

export function useRun(preview: boolean): Run {
  const { t, me, locale } = useApp();
  const { query } = useLocation();
  const [runId, setRunId] = useState<string | null>(query.get('run'));
  const [steps, setSteps] = useState<RunStep[]>([]);
  const [node, setNode] = useState<NodeView | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [device, setDevice] = useState<DeviceRun | null>(null);
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

  /** Starts a run on the device from the saved case study; false when none is saved or nothing can be queued. */
  const startOnDevice = async (caseStudyId: string, sending: Sending): Promise<boolean> => {
    const saved = me && !preview ? await savedPlay(caseStudyId, locale) : null;
    const first = saved && nodeOf(saved, saved.play.start, 0);
    if (!me || !saved || !first) return false;
    const id = await queueRun(me.id, caseStudyId, saved.version, sending);
    setDevice({ id, saved, score: 0 });
    rememberRun(null);
    setRunId(null);
    setSteps([]);
    setOutcome(null);
    setNode(first);
    return true;
  };

  const start = (caseStudyId: string) =>
    step(async () => {
      // The run's id chosen here, before the first sending: a run started on the server although
      // the answer was lost is the one the outbox sends again, not a second one.
      const sending = canQueue() && !preview ? newSending() : null;
      let run;
      try {
        run = await startRun(caseStudyId, preview, sending?.key);
      } catch (e) {
        if (sending && networkFailed(e) && (await startOnDevice(caseStudyId, sending))) return;
        throw e;
      }
      setDevice(null);
      rememberRun(run.run_id);
      setRunId(run.run_id);
      setSteps([]);
      setOutcome(null);
      setNode(run.node);
    });

  /** A decision in a run on the device: the saved outcome now, the decision queued. */
  const chooseOnDevice = async (run: DeviceRun, choiceId: string): Promise<ChoiceOutcome> => {
    const found = run.saved.play.outcomes.find((o) => o.choice_id === choiceId);
    const score = run.score + (found?.points ?? 0);
    const next = found && nodeOf(run.saved, found.next, score);
    if (!me || !found || !next) throw new Error(t('case.resumeFailed'));
    await queueChoice(me.id, run.id, choiceId);
    setDevice({ ...run, score });
    return { feedback_html: found.feedback_html, feedback_language: found.feedback_language, points: found.points, node: next };
  };

  const choose = async (choiceId: string, label: string, labelLanguage: RunStep['language']) => {
    if (busy) return;
    if (device) {
      await step(async () => setOutcome({ ...(await chooseOnDevice(device, choiceId)), label, labelLanguage }));
      return;
    }
    if (!runId) return;
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

  return { steps, node, outcome, busy, error, onDevice: device != null, focusRef, start, choose, next };
}
