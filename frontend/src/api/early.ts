// The API reads a screen starts with, known from its address alone: started together with the
// session check at boot (see App.tsx), so on a 400 ms link a lesson costs one round trip, not two.
import { startEarly } from './client';

/** Screens whose first read is their address's id in the API. */
const READS: Array<[RegExp, (id: string, lang: string) => string]> = [
  [/^\/courses\/([^/]+)$/, (slug, lang) => `/api/v1/courses/${slug}?lang=${lang}`],
  [/^\/lessons\/([^/]+)$/, (id, lang) => `/api/v1/lessons/${id}?lang=${lang}`],
  [/^\/quizzes\/([^/]+)$/, (id, lang) => `/api/v1/quizzes/${id}?lang=${lang}`],
  [/^\/case-studies\/([^/]+)$/, (id, lang) => `/api/v1/case-studies/${id}?lang=${lang}`],
];

/** The URL of the first read of the screen at `path` in `lang` (none for a draft preview). */
export function firstRead(path: string, search: string, lang: string): string | null {
  const params = new URLSearchParams(search);
  if (params.has('preview')) return null;
  // The catalogue as it first opens (a theme or a search asks for another list).
  if (path === '/courses') return params.has('theme') || params.has('q') ? null : `/api/v1/courses?lang=${lang}`;
  for (const [pattern, url] of READS) {
    const m = pattern.exec(path);
    // Kept as the address has it (already percent-encoded), as the screen's own request will be.
    if (m?.[1]) return url(m[1], lang);
  }
  return null;
}

/** Starts the first read of the current screen, if it has one. */
export function startFirstRead(lang: string): void {
  const url = firstRead(location.pathname, location.search, lang);
  if (url) startEarly(url);
}
