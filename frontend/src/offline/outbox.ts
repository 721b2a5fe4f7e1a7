// The outbox: lesson completions made without a network, kept in IndexedDB and sent when it
// returns (issue 10). Each carries an idempotency key chosen here and the time it was made, so a
// completion sent twice (the answer to the first lost on a weak link, two tabs replaying at once)
// counts once on the server, at the time the learner finished the lesson. They are sent in the
// order they were made, one after the other; one is removed only after the server took it (2xx)
// or refused it for good (a 4xx that no later sending can change), and kept on a network error.
// Quiz attempts and case-study choices are not queued yet.
import { ApiError } from '../api/client';
import { completeLessonLate } from '../api/progress';

/** Told (on window) whenever the outbox changes: a completion queued, sent or dropped. */
export const OUTBOX_CHANGED = 'sanad:outbox-changed';

const DB = 'sanad-outbox';
const STORE = 'completions';

/** A lesson completion waiting to be sent. */
export interface QueuedCompletion {
  /** Order of queuing (the store's key). */
  seq?: number;
  /** Who completed it: only their session sends it. */
  user: string;
  lesson: string;
  /** The idempotency key, the same at every sending. */
  key: string;
  /** RFC 3339. */
  completedAt: string;
}

/** Whether this browser can keep an outbox. */
export const canQueue = (): boolean => typeof indexedDB !== 'undefined' && typeof crypto?.randomUUID === 'function';

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB'));
  });
}

let opened: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opened ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB'));
  }).catch((e: unknown) => {
    opened = null;
    throw e;
  });
  return opened;
}

async function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await open()).transaction(STORE, mode).objectStore(STORE);
}

const changed = () => window.dispatchEvent(new Event(OUTBOX_CHANGED));

/** Queues the completion of `lesson` by `user`, made now. */
export async function queueCompletion(user: string, lesson: string): Promise<void> {
  const entry: QueuedCompletion = { user, lesson, key: crypto.randomUUID(), completedAt: new Date().toISOString() };
  await done((await store('readwrite')).add(entry));
  changed();
}

/** What `user` has waiting, oldest first. */
export async function queued(user: string): Promise<QueuedCompletion[]> {
  if (!canQueue()) return [];
  const all = (await done((await store('readonly')).getAll())) as QueuedCompletion[];
  return all.filter((q) => q.user === user);
}

/** Refusals no later sending can change: the entry is dropped (the lesson is gone, the time too old...). */
const FINAL = new Set([400, 404, 410, 413, 415, 422]);

let sending: Promise<void> | null = null;

/**
 * Sends what `user` has waiting, in order, each once; stops at the first that cannot be sent now
 * (no network, signed out, locked...) so that the rest keep their order. One replay at a time.
 */
export function replay(user: string): Promise<void> {
  if (!canQueue()) return Promise.resolve();
  sending ??= (async () => {
    try {
      for (const q of await queued(user)) {
        try {
          await completeLessonLate(q.lesson, { idempotency_key: q.key, completed_at: q.completedAt });
        } catch (e) {
          if (!(e instanceof ApiError) || !FINAL.has(e.status)) return;
        }
        await done((await store('readwrite')).delete(q.seq!));
        changed();
      }
    } finally {
      sending = null;
    }
  })();
  return sending;
}
