// Saved courses follow their republication: checked a few seconds after the app starts and each
// time the network comes back (a 304 each while unchanged); a course replaced by its new version
// is announced here, on whatever screen is open.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../context';
import { refreshSaved, SAVED_UPDATED, type SavedCourse } from './saved';

/** After the first screen, not competing with it on a slow link. */
const AFTER_START_MS = 3000;

export function SavedUpdates() {
  const { t } = useApp();
  const [updated, setUpdated] = useState<SavedCourse[]>([]);
  useEffect(() => {
    const check = () => void refreshSaved();
    const told = (e: Event) => {
      const course = (e as CustomEvent<SavedCourse>).detail;
      setUpdated((list) => [...list.filter((c) => c.slug !== course.slug || c.lang !== course.lang), course]);
    };
    const timer = setTimeout(() => navigator.onLine && check(), AFTER_START_MS);
    window.addEventListener('online', check);
    window.addEventListener(SAVED_UPDATED, told);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('online', check);
      window.removeEventListener(SAVED_UPDATED, told);
    };
  }, []);
  return (
    <div role="status">
      {updated.length > 0 && (
        <div class="notice">
          {updated.map((c) => (
            <p key={`${c.slug} ${c.lang}`}>{t('offline.updated', { title: c.title })}</p>
          ))}
          <button type="button" class="button" onClick={() => setUpdated([])}>
            {t('offline.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
