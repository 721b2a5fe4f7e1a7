// "I have read this lesson": marks it done (POST /lessons/{id}/completion), then offers the next item.
import { useState } from 'preact/hooks';
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
    try {
      await completeLesson(id);
      setMarked(true);
    } catch (e) {
      setError(e);
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
      ) : (
        <button type="button" class="button button--primary" disabled={busy} onClick={mark}>
          {busy ? t('common.sending') : t('progress.markRead')}
        </button>
      )}
      {done && next && (
        <p class="actions">
          <Link href={itemHref(next)} class="button button--primary">
            <Sentence text={t('progress.nextItem')} parts={{ title: next.title }} />
          </Link>
        </p>
      )}
      {done && !next && (
        <p class="actions">
          <Link href={`/courses/${encodeURIComponent(slug)}`} class="button">
            {t('learn.backToCourse')}
          </Link>
        </p>
      )}
    </section>
  );
}
