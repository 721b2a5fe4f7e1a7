// Sends the signed-in learner's queued completions (offline/outbox.ts) when the app starts and
// each time the network comes back. Shows nothing: the lessons themselves say what is pending.
import { useEffect } from 'preact/hooks';
import { useApp } from '../context';
import { replay } from './outbox';

export function OutboxReplay() {
  const { me } = useApp();
  const user = me?.id;
  useEffect(() => {
    if (!user) return;
    const send = () => void replay(user).catch(() => undefined);
    if (navigator.onLine) send();
    window.addEventListener('online', send);
    return () => window.removeEventListener('online', send);
  }, [user]);
  return null;
}
