// The course page's "Save for offline reading" box: saves the whole course on the device with its
// progress, says how much room it takes, and removes it.
import { useEffect, useState } from 'preact/hooks';
import { Alert } from '../components/forms';
import { useApp } from '../context';
import { formatSize } from '../pages/vocab';
import { canSave, removeCourse, saveCourse, SAVED_UPDATED, SaveFailed, savedCourse, storageEstimate, type SavedCourse } from './saved';

type State =
  | { step: 'idle' }
  | { step: 'saving'; done: number; total: number }
  | { step: 'failed'; full: boolean };

export function OfflineSave({ slug }: { slug: string }) {
  const { t, locale } = useApp();
  const [saved, setSaved] = useState<SavedCourse | null>(null);
  const [state, setState] = useState<State>({ step: 'idle' });
  const [room, setRoom] = useState<{ usage: number; quota: number } | null>(null);
  const [said, setSaid] = useState<string | null>(null);

  const look = () => {
    void savedCourse(slug, locale).then(setSaved, () => setSaved(null));
    void storageEstimate().then(setRoom);
  };
  useEffect(() => {
    look();
    // A copy replaced by its new version while the page is open.
    const updated = (e: Event) => {
      const detail = (e as CustomEvent<SavedCourse>).detail;
      if (detail.slug === slug && detail.lang === locale) look();
    };
    window.addEventListener(SAVED_UPDATED, updated);
    return () => window.removeEventListener(SAVED_UPDATED, updated);
  }, [slug, locale]);

  if (!canSave()) return null;
  const size = (n: number) => formatSize(n, locale);

  const save = async () => {
    setSaid(null);
    setState({ step: 'saving', done: 0, total: 1 });
    try {
      const { saved: s } = await saveCourse(slug, locale, (done, total) => setState({ step: 'saving', done, total }));
      setSaved(s);
      setState({ step: 'idle' });
      setSaid(null);
      setRoom(await storageEstimate());
    } catch (e) {
      setState({ step: 'failed', full: e instanceof SaveFailed && e.status === 507 });
    }
  };
  const remove = async () => {
    await removeCourse(slug, locale);
    setSaved(null);
    setSaid(t('offline.removed'));
    setRoom(await storageEstimate());
  };

  return (
    <section class="offline-save" aria-labelledby="offline-save-title">
      <h2 id="offline-save-title">{t('offline.title')}</h2>
      {/* What is saved, announced when it changes (saved, updated, removed). */}
      <div role="status">
        {saved ? <p>{t('offline.saved', { version: saved.version, size: size(saved.bytes) })}</p> : said && <p class="alert alert--ok">{said}</p>}
      </div>
      {!saved && <p class="muted">{t('offline.saveHint')}</p>}
      {room && saved && <p class="muted">{t('offline.usage', { used: size(room.usage), free: size(Math.max(0, room.quota - room.usage)) })}</p>}
      {state.step === 'saving' && (
        <p>
          <progress max={state.total} value={state.done} aria-label={t('offline.progress')} />{' '}
          <span>{t('offline.saving', { done: state.done, total: state.total })}</span>
        </p>
      )}
      {state.step === 'failed' && <Alert message={t(state.full ? 'offline.full' : 'offline.failed')} />}
      <div class="actions">
        {!saved && (
          <button type="button" class="button" onClick={save} disabled={state.step === 'saving'}>
            {t('offline.save')}
          </button>
        )}
        {saved && (
          <button type="button" class="button" onClick={remove}>
            {t('offline.remove')}
          </button>
        )}
      </div>
    </section>
  );
}
