// Sanad's service worker: the app shell precached, published course content kept for reading
// without a network. Built into dist/sw.js by vite.config.ts, which fills in PRECACHE and
// VERSION (the hashed files index.html loads, so each build is a new worker).
// What is kept: GET reads of published content (a course's outline, lessons, quizzes without
// answers, case studies) and this site's images; nothing else of the API (the session, the
// profile, progress, the forum) ever enters a cache. The app empties the content caches at logout.
const VERSION = '__VERSION__';
const PRECACHE = /** @type {string[]} */ (__PRECACHE__);
const SHELL = `sanad-shell-${VERSION}`;
/** Pages read online, kept so that they open again offline. */
const CONTENT = 'sanad-content';
// Courses saved on the course page are in 'sanad-saved', written by the app (src/offline/saved.ts).
/** Past this, a slow answer gives way to the copy kept (a weak link is often no link). */
const PATIENCE_MS = 6000;

/** Published reads: /api/v1/courses/{slug}, /lessons/{id}, /quizzes/{id}, /case-studies/{id}. */
const PUBLISHED = /^\/api\/v1\/(courses\/[^/]+|lessons\/[^/]+|quizzes\/[^/]+|case-studies\/[^/]+)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('sanad-shell-') && n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(asset(request));
  } else if (PUBLISHED.test(url.pathname) && !url.searchParams.has('preview')) {
    event.respondWith(published(request));
  } else if (request.destination === 'image' && !url.pathname.startsWith('/api/v1/me')) {
    event.respondWith(published(request));
  }
});

/** Waits for `promise` at most `ms`; null after that (the promise goes on). */
function within(promise, ms) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(null), ms))]);
}

/** A navigation: the network's index.html (kept as the shell), else the shell kept. */
async function page(request) {
  const fresh = fetch(request).then(async (response) => {
    if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
      const cache = await caches.open(SHELL);
      await cache.put('/index.html', response.clone());
    }
    return response;
  });
  const kept = await caches.match('/index.html', { cacheName: SHELL });
  if (!kept) return fresh;
  try {
    return (await within(fresh, PATIENCE_MS)) || kept;
  } catch {
    return kept;
  }
}

/** Hashed files never change: the copy kept, else the network's (kept for next time). */
async function asset(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL);
    await cache.put(request, response.clone());
  }
  return response;
}

/** Published content: the network first (a 304 costs nothing), the copy kept when it fails or is too slow. */
async function published(request) {
  const fresh = fetch(request).then(async (response) => {
    const cc = response.headers.get('cache-control') || '';
    if (response.status === 200 && !cc.includes('no-store')) {
      const cache = await caches.open(CONTENT);
      await cache.put(request, response.clone());
    }
    return response;
  });
  fresh.catch(() => undefined); // answered from the copy kept, the failure is expected
  // Read online or saved with the course: whichever cache holds it, in the language asked for, else
  // in another (each part names its language; the page says so).
  const kept = async () => {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return hit;
    const url = new URL(request.url);
    const asked = url.searchParams.get('lang');
    for (const other of asked ? ['fr', 'ar', 'en'].filter((l) => l !== asked) : []) {
      url.searchParams.set('lang', other);
      const elsewhere = await caches.match(url.href, { ignoreVary: true });
      if (elsewhere) return elsewhere;
    }
    return undefined;
  };
  try {
    const answer = await within(fresh, PATIENCE_MS);
    if (answer) return answer;
    return (await kept()) || (await fresh);
  } catch (error) {
    const hit = await kept();
    if (hit) return hit;
    throw error;
  }
}

// Background Sync: what the learner did offline (src/offline/outbox.ts, IndexedDB 'sanad-outbox')
// is sent when the network returns even if no page of Sanad is open then. The app queues each entry
// with the request that sends it (path, JSON body carrying its key and time), so this is the same
// loop as the app's replay: in order, one at a time (the same Web Lock), each removed once the
// server took it or refused it for good; a quiz's grade kept for its page. Sent with the session's
// cookie and CSRF token from GET /me: a signed-out device keeps everything for the next session.
const OUTBOX = 'sanad-outbox';
/** The field of each kind's body that carries the time it was done (as in outbox.ts). */
const TIME_FIELD = { completion: 'completed_at', attempt: 'submitted_at', run: 'started_at', choice: 'chosen_at' };
/** Refusals no later sending can change (as in outbox.ts). */
const FINAL = [400, 404, 409, 410, 413, 415, 422];

self.addEventListener('sync', (event) => {
  if (event.tag === OUTBOX) event.waitUntil(sendOutbox());
});

function idb(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

async function sendOutbox() {
  // Offline still: the fetch throws and the browser tries the sync again later.
  const me = await fetch('/api/v1/me', { credentials: 'same-origin', cache: 'no-store' });
  if (!me.ok) return;
  const { id, csrf_token: csrf, locale } = await me.json();
  if (!csrf) return;
  // How far the server's clock is ahead of this device's (as api/client.ts onServerClock).
  const date = Date.parse(me.headers.get('Date') || '');
  const ahead = Number.isNaN(date) || Math.abs(date - Date.now()) < 60000 ? 0 : date - Date.now();
  const send = () => sendAll(id, csrf, locale, ahead);
  await (self.navigator.locks ? self.navigator.locks.request(OUTBOX, send) : send());
  for (const page of await self.clients.matchAll({ type: 'window' })) page.postMessage({ type: 'sanad:outbox-changed' });
}

async function sendAll(user, csrf, locale, ahead) {
  const db = await idb(indexedDB.open(OUTBOX));
  try {
    // Opened here before the app ever made it: nothing queued.
    if (!db.objectStoreNames.contains('events') || !db.objectStoreNames.contains('graded')) return;
    const all = await idb(db.transaction('events').objectStore('events').getAll());
    // The entries of one run (or item) go in order; one held back (403: a module locked since)
    // holds back only those (as in outbox.ts).
    const held = new Set();
    const chain = (e) => (e.kind === 'run' ? `run ${e.key}` : e.kind === 'choice' ? `run ${e.item}` : `${e.kind} ${e.item}`);
    for (const entry of all.filter((e) => e.user === user)) {
      if (held.has(chain(entry))) continue;
      const response = await fetch(entry.path, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf, 'Accept-Language': locale || 'fr' },
        body: JSON.stringify({ ...entry.body, [TIME_FIELD[entry.kind]]: new Date(Date.parse(entry.at) + ahead).toISOString() }),
      });
      if (response.status === 403) {
        held.add(chain(entry));
        continue;
      }
      // Signed out, too many requests, the server down: the rest waits, in order.
      if (!response.ok && !FINAL.includes(response.status)) throw new Error(`outbox: ${response.status}`);
      const answer = await response.json().catch(() => null);
      const tx = db.transaction(['events', 'graded'], 'readwrite');
      if (entry.kind === 'attempt') {
        const graded = { user, quiz: entry.item, at: entry.at };
        if (response.ok) graded.result = answer;
        else graded.refused = { status: response.status, reason: (answer && answer.reason) || '', params: (answer && answer.params) || {} };
        tx.objectStore('graded').put(graded);
      }
      tx.objectStore('events').delete(entry.seq);
      await committed(tx);
    }
  } finally {
    db.close();
  }
}
