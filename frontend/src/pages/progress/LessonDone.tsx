// "I have read this lesson": marks it done (POST /lessons/{id}/completion), then offers the next item.
// Without a network the completion waits in the device's outbox (offline/outbox.ts) and the lesson
// says so until it has been sent.
import { useEffect, useRef, useState } from 'preact/hooks';
import { canQueue, networkFailed, newSending, OUTBOX_CHANGED, queueCompletion, queued } from '../../offline/outbox';
import { completeLesson, getCourseProgress } from '../../api/progress';
import { itemHref, type ItemRef } from '../../api/types';
import { Alert } from '../../components/forms';
import { useApp } from '../../context';
import { describeError } from '../../errors';
import { Link } from '../../router';
import { signInHref, useLoad } from '../learn';
import { Sentence } from '../../components/bidi';

export function LessonDone({ id, slug, next }: { id: string; slug: string; next: ItemRef | null | undefined }) {
  const { t, me } = useApp();
  const known = useLoad(() => (me ? getCourseProgress(slug) : Promise.resolve(null)), [slug, me?.id]);
  const [marked, setMarked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const wasPending = useRef(false);
  const user = me?.id;
  useEffect(() => {
    if (!user || !canQueue()) return;
    let live = true;
    const check = () =>
      void queued(user)
        .then((q) => {
          if (!live) return;
          const now = q.some((c) => c.kind === 'completion' && c.item === id);
          // Gone from the outbox: sent (a completion refused for good is rare: a lesson removed).
          if (wasPending.current && !now) setMarked(true);
          wasPending.current = now;
          setPending(now);
        })
        .catch(() => undefined);
    check();
    window.addEventListener(OUTBOX_CHANGED, check);
    return () => {
      live = false;
      window.removeEventListener(OUTBOX_CHANGED, check);
    };
  }, [id, user]);
  if (!me) {
    return (
      <p class="notice lesson-done">
        <Link href={signInHref()}>{t('progress.signInToTrack')}</Link>
      </p>
    );
  }
  const done = marked || !!known.data?.completed_item_ids.includes(id);
  const mark = async () => {
    setBusy(true);
    setError(null);
    // Its key before the first sending (see Quiz.tsx): sent again from the outbox, it counts once.
    const sending = canQueue() ? newSending() : null;
    try {
      await completeLesson(id, sending?.key);
      setMarked(true);
    } catch (e) {
      if (!sending || !networkFailed(e)) {
        setError(e);
        return;
      }
      try {
        await queueCompletion(me.id, id, sending);
      } catch {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="lesson-done" aria-label={t('progress.lessonStatus')}>
      {error !== null && <Alert message={describeError(error, t)} />}
      {done ? (
        <div class="alert alert--ok" role="status">
          <span aria-hidden="true">✓</span> {t('progress.lessonRead')}
        </div>
      ) : pending ? (
        <div class="alert alert--warn" role="status">
          <span aria-hidden="true">↻</span> {t('outbox.pending')}
        </div>
      ) : (
        <button type="button" class="button button--primary" disabled={busy} onClick={mark}>
          {busy ? t('common.sending') : t('progress.markRead')}
        </button>
      )}
      {(done || pending) && next && (
        <p class="actions">
          <Link href={itemHref(next)} class="button button--primary">
            <Sentence text={t('progress.nextItem')} parts={{ title: next.title }} />
          </Link>
        </p>
      )}
      {(done || pending) && !next && (
        <p class="actions">
          <Link href={`/courses/${encodeURIComponent(slug)}`} class="button">
            {t('learn.backToCourse')}
          </Link>
        </p>
      )}
    </section>
  );
}
