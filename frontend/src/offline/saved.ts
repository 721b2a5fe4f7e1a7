// Courses saved for offline reading. GET /api/v1/courses/{slug}/offline gives the whole published
// course in one answer; each of its parts is stored in Cache Storage under the address the app
// reads it from (`/api/v1/lessons/{id}?lang=fr`...), so the service worker (sw/sw.js) and the
// client's own fallback (api/client.ts) answer those reads from here when the network fails.
// A record per saved course keeps its ETag: checking it again costs a 304 while it is unchanged.
import type { components } from '../../generated/schema';

type CourseBundle = components['schemas']['CourseBundle'];
type CaseStudyPlay = components['schemas']['CaseStudyPlay'];

/** A case study kept whole with its course, to be played offline, and the version it belongs to. */
export interface SavedPlay {
  version: number;
  play: CaseStudyPlay;
}

/** The saved courses (the service worker reads it, never writes it). */
const SAVED = 'sanad-saved';
/** Pages read online, kept by the service worker. */
const CONTENT = 'sanad-content';
/** Records live under addresses that nothing ever fetches. */
const RECORDS = '/__saved/courses/';
/** Case studies whole ({@link SavedPlay}), under addresses nothing fetches either. */
const PLAYS = '/__saved/plays/';
/** Told when a saved course was replaced by its new version. */
export const SAVED_UPDATED = 'sanad:saved-updated';

/** What the device keeps of one saved course. */
export interface SavedCourse {
  slug: string;
  lang: string;
  title: string;
  version: number;
  etag: string;
  /** Bytes stored: the JSON of every part and the images. */
  bytes: number;
  savedAt: string;
  /** Every address stored, to remove them all. */
  urls: string[];
}

/** Whether this browser can keep a course (Cache Storage, a secure context). */
export function canSave(): boolean {
  return typeof caches !== 'undefined';
}

const recordUrl = (slug: string, lang: string) => `${RECORDS}${encodeURIComponent(slug)}?lang=${lang}`;
const playUrl = (id: string, lang: string) => `${PLAYS}${encodeURIComponent(id)}?lang=${lang}`;

/** Case study `id` whole, as saved with its course: in `lang`, else in another language saved. */
export async function savedPlay(id: string, lang: string): Promise<SavedPlay | null> {
  if (!canSave()) return null;
  for (const l of [lang, ...['fr', 'ar', 'en'].filter((x) => x !== lang)]) {
    const hit = await caches.match(playUrl(id, l), { cacheName: SAVED });
    if (hit) return (await hit.json()) as SavedPlay;
  }
  return null;
}

/** The saved copy of `slug` in `lang`, if any. */
export async function savedCourse(slug: string, lang: string): Promise<SavedCourse | null> {
  if (!canSave()) return null;
  const hit = await caches.match(recordUrl(slug, lang), { cacheName: SAVED });
  return hit ? ((await hit.json()) as SavedCourse) : null;
}

/** Every course saved on this device. */
export async function savedCourses(): Promise<SavedCourse[]> {
  if (!canSave()) return [];
  const cache = await caches.open(SAVED);
  const records = (await cache.keys()).filter((r) => new URL(r.url).pathname.startsWith(RECORDS));
  return Promise.all(records.map(async (r) => (await (await cache.match(r))!.json()) as SavedCourse));
}

/** Thrown when the server or the network refuses; `status` 0 for the network, 507 for a full device. */
export class SaveFailed extends Error {
  constructor(readonly status: number) {
    super(`saving failed (${status})`);
  }
}

/**
 * Downloads `slug` in `lang` and stores it, telling `progress` how many parts are stored out of how
 * many. With a copy saved before, the server is asked with its ETag: unchanged, nothing moves and
 * the copy is returned as it was (`changed` false).
 */
export async function saveCourse(
  slug: string,
  lang: string,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<{ saved: SavedCourse; changed: boolean }> {
  const previous = await savedCourse(slug, lang);
  let response: Response;
  try {
    response = await fetch(`/api/v1/courses/${encodeURIComponent(slug)}/offline?lang=${lang}`, {
      credentials: 'same-origin',
      // Kept once, here: not a second time in the HTTP cache.
      cache: 'no-store',
      headers: { Accept: 'application/json', ...(previous ? { 'If-None-Match': previous.etag } : {}) },
    });
  } catch {
    throw new SaveFailed(0);
  }
  if (response.status === 304 && previous) return { saved: previous, changed: false };
  if (!response.ok) throw new SaveFailed(response.status);
  const bundle = (await response.json()) as CourseBundle;
  const q = `?lang=${lang}`;
  const parts: Array<[string, unknown]> = [
    [`/api/v1/courses/${encodeURIComponent(slug)}${q}`, bundle.course],
    ...bundle.lessons.map((l): [string, unknown] => [`/api/v1/lessons/${l.id}${q}`, l]),
    ...bundle.quizzes.map((x): [string, unknown] => [`/api/v1/quizzes/${x.id}${q}`, x]),
    ...bundle.case_studies.map((x): [string, unknown] => [`/api/v1/case-studies/${x.id}${q}`, x]),
    ...bundle.plays.map((play): [string, unknown] => [playUrl(play.case_study_id, lang), { version: bundle.version, play } satisfies SavedPlay]),
  ];
  const total = parts.length + bundle.images.length;
  let done = 0;
  let bytes = 0;
  progress(done, total);
  try {
    const [cache, content] = await Promise.all([caches.open(SAVED), caches.open(CONTENT)]);
    for (const [url, value] of parts) {
      const body = new Blob([JSON.stringify(value)], { type: 'application/json; charset=utf-8' });
      bytes += body.size;
      await cache.put(url, new Response(body, { headers: { 'Content-Type': 'application/json; charset=utf-8' } }));
      // An older copy read online would otherwise be found first.
      await content.delete(url, { ignoreVary: true });
      progress(++done, total);
    }
    const urls = parts.map(([url]) => url);
    for (const src of bundle.images) {
      try {
        const image = await fetch(src, { credentials: 'same-origin' });
        if (image.ok) {
          bytes += (await image.clone().blob()).size;
          await cache.put(src, image);
          urls.push(src);
        }
      } catch {
        // An image that does not come is not shown offline; the text still is.
      }
      progress(++done, total);
    }
    // Parts of the version saved before that the new one no longer has.
    for (const old of previous?.urls ?? []) if (!urls.includes(old)) await cache.delete(old);
    const saved: SavedCourse = {
      slug,
      lang,
      title: bundle.course.title,
      version: bundle.version,
      etag: response.headers.get('ETag') ?? '',
      bytes,
      savedAt: new Date().toISOString(),
      urls,
    };
    await cache.put(recordUrl(slug, lang), new Response(JSON.stringify(saved), { headers: { 'Content-Type': 'application/json' } }));
    return { saved, changed: previous != null && previous.version !== saved.version };
  } catch (e) {
    if (e instanceof DOMException && e.name === 'QuotaExceededError') throw new SaveFailed(507);
    throw e;
  }
}

/** Removes the saved copy of `slug` in `lang`, and the pages of it kept from reading online. */
export async function removeCourse(slug: string, lang: string): Promise<void> {
  const saved = await savedCourse(slug, lang);
  if (!saved) return;
  const [cache, content] = await Promise.all([caches.open(SAVED), caches.open(CONTENT)]);
  for (const url of saved.urls) {
    await cache.delete(url);
    await content.delete(url, { ignoreVary: true });
  }
  await cache.delete(recordUrl(slug, lang));
}

/**
 * Checks every saved course against the server (a 304 each while unchanged) and stores the new
 * version of those republished, announcing each with SAVED_UPDATED. Failures wait for the next time.
 */
export async function refreshSaved(): Promise<void> {
  for (const course of await savedCourses()) {
    try {
      const { saved, changed } = await saveCourse(course.slug, course.lang);
      if (changed) window.dispatchEvent(new CustomEvent<SavedCourse>(SAVED_UPDATED, { detail: saved }));
    } catch {
      // Offline again, or the course is gone: the copy stays as it was.
    }
  }
}

/** Empties every cache of content (at logout: a shared phone keeps nothing of the last reader). */
export async function clearOfflineData(): Promise<void> {
  if (!canSave()) return;
  await Promise.all([caches.delete(SAVED), caches.delete(CONTENT)]);
}

/** How much this site stores on the device and how much room is left, when the browser says. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  if (!navigator.storage?.estimate) return null;
  try {
    const { usage, quota } = await navigator.storage.estimate();
    return usage != null && quota != null ? { usage, quota } : null;
  } catch {
    return null;
  }
}
