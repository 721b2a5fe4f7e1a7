// The outbox: what a learner does without a network (a lesson read, a quiz answered, a case study
// played), kept in IndexedDB and sent when the network returns (issue 10). Each entry carries an
// idempotency key chosen here and the time it was done, so an entry sent twice (the answer to the
// first lost on a weak link, two tabs or the service worker replaying at once) counts once on the
// server, at the time the learner did it. Entries are sent in the order they were made, one after
// the other (a run before its decisions); one is removed only after the server took it (2xx) or
// refused it for good (a 4xx that no later sending can change), and kept on a network error.
// A quiz answered offline is graded when it arrives: its result waits in the `graded` store until
// the learner has seen it on the quiz's page.
// The service worker (sw/sw.js) sends the same entries on Background Sync when no page is open:
// it reads this database as written here (names, version, shapes), so change both together.
import type { components } from '../../generated/schema';
import { ApiError, onServerClock, request, sessionUserId } from '../api/client';

type Schema = components['schemas'];

/** Told (on window) whenever the outbox changes: an entry queued, sent or dropped, a result seen. */
export const OUTBOX_CHANGED = 'sanad:outbox-changed';

const DB = 'sanad-outbox';
const VERSION = 2;
const EVENTS = 'events';
const GRADED = 'graded';
/** The Background Sync tag the service worker answers. */
const SYNC_TAG = 'sanad-outbox';
/** One replay at a time across tabs and the service worker (Web Locks, where the browser has them). */
const LOCK = 'sanad-outbox';

/** What an entry is. */
export type OutboxKind = 'completion' | 'attempt' | 'run' | 'choice';

/** The field of each kind's body that carries the time it was done. */
const TIME_FIELD: Record<OutboxKind, string> = { completion: 'completed_at', attempt: 'submitted_at', run: 'started_at', choice: 'chosen_at' };

/** Something done offline, waiting to be sent. */
export interface OutboxEntry {
  /** Order of queuing (the store's key). */
  seq?: number;
  /** Who did it: only their session sends it. */
  user: string;
  kind: OutboxKind;
  /** What it is about: the lesson, the quiz, the case study, or the run of a decision. */
  item: string;
  /** The idempotency key (a run's id), the same at every sending. */
  key: string;
  /** When it was done (RFC 3339). */
  at: string;
  /** Where it is sent (POST), and the JSON sent, which carries the key and the time. */
  path: string;
  body: unknown;
}

/** A quiz answered offline, as the server graded it on arrival, or why it refused it. */
export interface GradedOffline {
  user: string;
  quiz: string;
  /** When the learner answered it. */
  at: string;
  result?: Schema['AttemptResult'];
  refused?: { status: number; reason: string; params: Record<string, string> };
}

/** What version 1 of the database kept: lesson completions only. */
interface QueuedCompletionV1 {
  seq?: number;
  user: string;
  lesson: string;
  key: string;
  completedAt: string;
}

/** Whether `e` is the network failing (or the browser knowing it is offline), rather than the server refusing: what then goes to the outbox. */
export const networkFailed = (e: unknown): boolean => (e instanceof ApiError && e.status === 0) || !navigator.onLine;

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
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      const tx = req.transaction!;
      // Version 1 held lesson completions only, in 'completions': kept under the new name and
      // rewritten in the new shape, so that nothing reading the outbox needs to know the old one.
      if (db.objectStoreNames.contains('completions')) {
        const events = tx.objectStore('completions');
        events.name = EVENTS;
        events.openCursor().onsuccess = (e) => {
          const cursor = (e.target as IDBRequest<IDBCursorWithValue | null>).result;
          if (!cursor) return;
          const v1 = cursor.value as QueuedCompletionV1 & { kind?: OutboxKind };
          if (!v1.kind) cursor.update(completion(v1.user, v1.lesson, v1.key, v1.completedAt, v1.seq));
          cursor.continue();
        };
      } else if (!db.objectStoreNames.contains(EVENTS)) {
        db.createObjectStore(EVENTS, { keyPath: 'seq', autoIncrement: true });
      }
      if (!db.objectStoreNames.contains(GRADED)) db.createObjectStore(GRADED, { keyPath: ['user', 'quiz'] });
    };
    req.onsuccess = () => {
      const db = req.result;
      // A later version of the app, in another tab, may need to upgrade: this tab steps aside.
      db.onversionchange = () => {
        db.close();
        opened = null;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error ?? new Error('IndexedDB'));
    // An older tab still holds the database open: fail rather than hang (the work is not queued,
    // and the page says the network failed).
    req.onblocked = () => reject(new Error('IndexedDB blocked by another tab'));
  }).catch((e: unknown) => {
    opened = null;
    throw e;
  });
  return opened;
}

async function store(name: string, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await open()).transaction(name, mode).objectStore(name);
}

/** Other tabs of the app hear of each change too (a quiz open in one tab, its grade come in another). */
const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(OUTBOX_CHANGED);
tabs?.addEventListener('message', () => window.dispatchEvent(new Event(OUTBOX_CHANGED)));

const changed = () => {
  window.dispatchEvent(new Event(OUTBOX_CHANGED));
  tabs?.postMessage('changed');
};

function completion(user: string, lesson: string, key: string, at: string, seq?: number): OutboxEntry {
  const body: Schema['CompletionReceipt'] = { idempotency_key: key, completed_at: at };
  const entry: OutboxEntry = { user, kind: 'completion', item: lesson, key, at, path: `/api/v1/lessons/${encodeURIComponent(lesson)}/completion`, body };
  // A new entry has no `seq` at all (the store gives it one); an explicit undefined is refused.
  if (seq !== undefined) entry.seq = seq;
  return entry;
}

/** Asks the browser to wake the service worker when the network returns (Background Sync). */
function askForSync(): void {
  if (!('serviceWorker' in navigator)) return;
  void navigator.serviceWorker.ready
    .then((r) => (r as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync?.register(SYNC_TAG))
    .catch(() => undefined);
}

async function add(e: OutboxEntry): Promise<OutboxEntry> {
  e.seq = (await done((await store(EVENTS, 'readwrite')).add(e))) as number;
  changed();
  askForSync();
  return e;
}

/** A key and a time for something about to be sent: the same if it must wait in the outbox. */
export interface Sending {
  key: string;
  at: string;
}

/** A new key, and now. Made before the first sending, so that one answered after all (the answer lost) is not counted twice. */
export const newSending = (): Sending => ({ key: crypto.randomUUID(), at: new Date().toISOString() });

/** Queues the completion of `lesson` by `user`. */
export async function queueCompletion(user: string, lesson: string, sending: Sending = newSending()): Promise<void> {
  await add(completion(user, lesson, sending.key, sending.at));
}

/** Queues `user`'s answers to `quiz`: graded when they reach the server. */
export async function queueAttempt(user: string, quiz: string, answers: Schema['AnswerInput'][], sending: Sending = newSending()): Promise<OutboxEntry> {
  const { key, at } = sending;
  const body: Schema['AttemptRequest'] = { answers, idempotency_key: key, submitted_at: at };
  return add({ user, kind: 'attempt', item: quiz, key, at, path: `/api/v1/quizzes/${encodeURIComponent(quiz)}/attempts`, body });
}

/** Queues a run of `caseStudy` in its saved `version`, its id the sending's key. */
export async function queueRun(user: string, caseStudy: string, version: number, sending: Sending = newSending()): Promise<string> {
  const { key, at } = sending;
  const body: Schema['RunRequest'] = { run_id: key, started_at: at, version };
  await add({ user, kind: 'run', item: caseStudy, key, at, path: `/api/v1/case-studies/${encodeURIComponent(caseStudy)}/runs`, body });
  return key;
}

/** Queues the decision `choice` taken in the run `run` (started offline). */
export async function queueChoice(user: string, run: string, choice: string, sending: Sending = newSending()): Promise<void> {
  const { key, at } = sending;
  const body: Schema['ChoiceRequest'] = { choice_id: choice, idempotency_key: key, chosen_at: at };
  await add({ user, kind: 'choice', item: run, key, at, path: `/api/v1/case-study-runs/${encodeURIComponent(run)}/choices`, body });
}

/** What `user` has waiting, oldest first. */
export async function queued(user: string): Promise<OutboxEntry[]> {
  if (!canQueue()) return [];
  const all = (await done((await store(EVENTS, 'readonly')).getAll())) as OutboxEntry[];
  return all.filter((q) => q.user === user);
}

/** The result of `user`'s answers to `quiz` sent from the outbox, not yet seen. */
export async function gradedOffline(user: string, quiz: string): Promise<GradedOffline | null> {
  if (!canQueue()) return null;
  return ((await done((await store(GRADED, 'readonly')).get([user, quiz]))) as GradedOffline | undefined) ?? null;
}

/** Forgets that result once the learner has it on screen. */
export async function seenGraded(user: string, quiz: string): Promise<void> {
  await done((await store(GRADED, 'readwrite')).delete([user, quiz]));
}

/** Forgets every grade of `user` waiting to be seen (at logout: a shared phone keeps no scores). */
export async function forgetGraded(user: string): Promise<void> {
  if (!canQueue()) return;
  const graded = await store(GRADED, 'readwrite');
  await done(graded.delete(IDBKeyRange.bound([user], [user, []])));
}

/** Refusals no later sending can change: the entry is dropped (the item is gone, the time too old, no attempt left...). */
const FINAL = new Set([400, 404, 409, 410, 413, 415, 422]);

async function sent(e: OutboxEntry, answer: unknown, refused: ApiError | null): Promise<void> {
  if (e.kind === 'attempt') {
    const graded: GradedOffline = refused
      ? { user: e.user, quiz: e.item, at: e.at, refused: { status: refused.status, reason: refused.reason, params: refused.params } }
      : { user: e.user, quiz: e.item, at: e.at, result: answer as Schema['AttemptResult'] };
    await done((await store(GRADED, 'readwrite')).put(graded));
  }
  await done((await store(EVENTS, 'readwrite')).delete(e.seq!));
  changed();
}

/**
 * What an entry must wait for: the entries of the same run (the run, then its decisions), or of
 * the same item, go in order; one held back (a module locked since) holds back only those.
 */
const chain = (e: OutboxEntry) => (e.kind === 'run' ? `run ${e.key}` : e.kind === 'choice' ? `run ${e.item}` : `${e.kind} ${e.item}`);

/** One pass over what `user` has waiting; whether anything went (or was dropped). */
async function sendWaiting(user: string): Promise<boolean> {
  const held = new Set<string>();
  let moved = false;
  for (const e of await queued(user)) {
    if (held.has(chain(e))) continue;
    // Signed out, or another learner signed in meanwhile: theirs is not sent with this session.
    if (sessionUserId() !== user) return moved;
    let answer: unknown;
    try {
      // The time it was done, by the server's clock should this device's be off.
      const body = { ...(e.body as Record<string, unknown>), [TIME_FIELD[e.kind]]: onServerClock(e.at) };
      answer = await request('POST', e.path, body);
    } catch (err) {
      if (err instanceof ApiError && FINAL.has(err.status)) {
        await sent(e, undefined, err);
        moved = true;
        continue;
      }
      // Refused for now (a module locked): the rest of its run or item waits, the others go.
      if (err instanceof ApiError && err.status === 403) {
        held.add(chain(e));
        continue;
      }
      // No network, signed out, the server busy or down: everything waits, in order.
      return moved;
    }
    await sent(e, answer, null);
    moved = true;
  }
  return moved;
}

/** Passes until one moves nothing: what is queued during a pass (a case study played on) goes too. */
async function sendAll(user: string): Promise<void> {
  while (await sendWaiting(user)) {
    /* again */
  }
}

let sending: Promise<void> | null = null;

/**
 * Sends what `user` has waiting, in order, each once; stops at the first that cannot be sent now
 * (no network, signed out, locked...) so that the rest keep their order. One replay at a time.
 */
export function replay(user: string): Promise<void> {
  if (!canQueue()) return Promise.resolve();
  sending ??= (async () => {
    try {
      if (navigator.locks) await navigator.locks.request(LOCK, () => sendAll(user));
      else await sendAll(user);
    } finally {
      sending = null;
    }
  })();
  return sending;
}
