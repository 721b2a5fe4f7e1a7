// Sends the signed-in learner's outbox (offline/outbox.ts: lessons read, quizzes answered, case
// studies played offline) when the app starts, each time the network comes back, and when something
// is queued while the network is there. When the
// service worker sent it on Background Sync instead, its message tells the pages to look again.
// Shows nothing: the lessons and quizzes themselves say what is pending.
import { useEffect } from 'preact/hooks';
import { useApp } from '../context';
import { OUTBOX_CHANGED, replay } from './outbox';

export function OutboxReplay() {
  const { me } = useApp();
  const user = me?.id;
  // Signed in from the device's memory while offline: nothing is sent before the session is checked.
  const checked = !!me?.csrf_token;
  useEffect(() => {
    if (!user || !checked) return;
    const send = () => void replay(user).catch(() => undefined);
    // Queued while the network is there after all (a case study begun offline goes on on the
    // device; a flaky link): tried at once rather than at the next start.
    const queuedNow = () => {
      if (navigator.onLine) send();
    };
    const fromWorker = (e: MessageEvent<{ type?: string }>) => {
      if (e.data?.type === OUTBOX_CHANGED) window.dispatchEvent(new Event(OUTBOX_CHANGED));
    };
    if (navigator.onLine) send();
    window.addEventListener('online', send);
    window.addEventListener(OUTBOX_CHANGED, queuedNow);
    navigator.serviceWorker?.addEventListener('message', fromWorker);
    return () => {
      window.removeEventListener('online', send);
      window.removeEventListener(OUTBOX_CHANGED, queuedNow);
      navigator.serviceWorker?.removeEventListener('message', fromWorker);
    };
  }, [user, checked]);
  return null;
}
