// Typed HTTP client over the generated OpenAPI types (generated/schema.d.ts).
// Regenerate the types with `npm run gen:api` whenever openapi.json changes.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../generated/schema';

let csrfToken: string | null = null;
let acceptLanguage = 'fr';

/** Token sent as X-CSRF-Token on unsafe methods (from login/register or GET /me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

let sessionUser: string | null = null;

/** Whose session the cookie and token are: what one learner queued is never sent as another. */
export function setSessionUser(id: string | null): void {
  sessionUser = id;
}

/** The id of the signed-in learner whose session the requests carry, if any. */
export const sessionUserId = (): string | null => sessionUser;

export function setApiLanguage(locale: string): void {
  acceptLanguage = locale;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** How far the server's clock is ahead of this device's (ms), from the last answer's `Date`. */
let serverAhead = 0;

function noteServerTime(response: Response): void {
  const date = Date.parse(response.headers.get('Date') ?? '');
  if (!Number.isNaN(date)) serverAhead = date - Date.now();
}

/**
 * `deviceTime` (RFC 3339, by this device's clock) by the server's clock, when the two differ by
 * more than a minute (`Date` has whole seconds): a phone whose clock is off (reset by a flat
 * battery) still sends the right time with what it did offline.
 */
export function onServerClock(deviceTime: string): string {
  const at = Date.parse(deviceTime);
  if (Number.isNaN(at) || Math.abs(serverAhead) < 60_000) return deviceTime;
  return new Date(at + serverAhead).toISOString();
}

const headers: Middleware = {
  onRequest({ request }) {
    if (csrfToken && UNSAFE.has(request.method.toUpperCase())) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    request.headers.set('Accept-Language', acceptLanguage);
    return request;
  },
  onResponse({ response }) {
    noteServerTime(response);
    return response;
  },
};

/**
 * GETs started while the app still asks who is signed in (`startEarly`), by language and URL: on a
 * slow link the page's data does not wait for that answer. Each is used once, within a few seconds.
 */
const early = new Map<string, Promise<Response>>();
const EARLY_FOR_MS = 15_000;

/** Starts a GET of `url` now, for the screen that will ask for it once the session is known. */
export function startEarly(url: string): void {
  const key = `${acceptLanguage} ${url}`;
  if (early.has(key)) return;
  early.set(key, fetch(url, { credentials: 'same-origin', headers: { 'Accept-Language': acceptLanguage } }).catch((e: unknown) => keptCopy(url, e)));
  setTimeout(() => early.delete(key), EARLY_FOR_MS);
}

function earlyOrFetch(request: Request): Promise<Response> {
  if (request.method === 'GET') {
    const url = new URL(request.url);
    const key = `${request.headers.get('Accept-Language') ?? ''} ${url.pathname}${url.search}`;
    const started = early.get(key);
    if (started) {
      early.delete(key);
      return started;
    }
  }
  if (request.method !== 'GET') return fetch(request);
  const url = request.url;
  return fetch(request).catch((e: unknown) => keptCopy(url, e));
}

/**
 * When the network fails, the copy of a published read kept on the device (read before, or saved
 * with its course: offline/saved.ts), for a page the service worker does not control yet.
 * Only published content is ever kept, so nothing private can come from here.
 */
async function keptCopy(url: string, error: unknown): Promise<Response> {
  if (typeof caches === 'undefined') throw error;
  for (const candidate of inEveryLanguage(url)) {
    const hit = await caches.match(candidate, { ignoreVary: true }).catch(() => undefined);
    if (hit) return hit;
  }
  throw error;
}

/**
 * `url`, then the same read in the other languages: a course saved in French still opens offline
 * for a reader who switched to Arabic (each part names the language it is in, and the page says so).
 */
function inEveryLanguage(url: string): string[] {
  const parsed = new URL(url, location.origin);
  const asked = parsed.searchParams.get('lang');
  if (!asked) return [url];
  return [url, ...['fr', 'ar', 'en'].filter((l) => l !== asked).map((l) => {
    parsed.searchParams.set('lang', l);
    return parsed.href;
  })];
}

export const client = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  fetch: earlyOrFetch,
});
client.use(headers);

export interface FieldErrors {
  [field: string]: string;
}

/** One entry of a problem's `errors[]`: the field, a stable code (one of the schema's
 *  FieldCode, kept as a string: another server version may send one this build does not know),
 *  and the server's English words. */
export type FieldProblem = Omit<components['schemas']['FieldError'], 'code' | 'reason'> & { code: string; reason?: string };

/** An `application/problem+json` answer, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  /** The problem's stable `type` (`urn:sanad:problem:...`), or '' when the answer had none. */
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldErrors;
  /** Every entry of `errors[]`, in order (a field may appear more than once). */
  readonly problems: FieldProblem[];
  /** Seconds to wait, from the Retry-After header (429). */
  readonly retryAfter: number | null;
  /** Why it was refused, as a stable code the SPA says in the reader's language ('' when none). */
  readonly reason: string;
  /** The values the reason names. */
  readonly params: Record<string, string>;

  constructor(
    status: number,
    title: string,
    detail?: string,
    problems: FieldProblem[] = [],
    retryAfter: number | null = null,
    type = '',
    reason = '',
    params: Record<string, string> = {},
  ) {
    super(title);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.problems = problems;
    const fields: FieldErrors = {};
    for (const p of problems) if (!(p.field in fields)) fields[p.field] = p.message;
    this.fieldErrors = fields;
    this.retryAfter = retryAfter;
    this.reason = reason;
    this.params = params;
  }
}

interface ProblemLike {
  reason?: unknown;
  params?: unknown;
  type?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function toApiError(response: Response, body: unknown): ApiError {
  const problem: ProblemLike = typeof body === 'object' && body !== null ? (body as ProblemLike) : {};
  const problems: FieldProblem[] = [];
  if (Array.isArray(problem.errors)) {
    for (const e of problem.errors as Array<{ field?: unknown; code?: unknown; message?: unknown; reason?: unknown; params?: unknown }>) {
      if (typeof e?.field === 'string' && typeof e.message === 'string') {
        const entry: FieldProblem = { field: e.field, code: typeof e.code === 'string' ? e.code : '', message: e.message };
        if (typeof e.reason === 'string') entry.reason = e.reason;
        const params = stringParams(e.params);
        if (params) entry.params = params;
        problems.push(entry);
      }
    }
  }
  const title = typeof problem.title === 'string' ? problem.title : response.statusText || `HTTP ${response.status}`;
  const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
  const type = typeof problem.type === 'string' ? problem.type : '';
  const reason = typeof problem.reason === 'string' ? problem.reason : '';
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  return new ApiError(response.status, title, detail, problems, retryAfter, type, reason, stringParams(problem.params) ?? {});
}

/** A problem's `params`, kept only when it is an object of strings. */
function stringParams(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call; returns its data or throws an ApiError. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, 'network');
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as T;
}

/** The CSRF token of the session, for requests made outside openapi-fetch (raw bodies). */
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken, 'Accept-Language': acceptLanguage } : { 'Accept-Language': acceptLanguage };
}

/** POST a raw body (a file) and parse the JSON answer, or throw an ApiError. */
export function postRaw<T>(url: string, body: Blob, contentType: string): Promise<T> {
  return send<T>('POST', url, body, { 'Content-Type': contentType });
}

/** POST a multipart form; the browser writes the Content-Type with its boundary. */
export function postForm<T>(url: string, body: FormData): Promise<T> {
  return send<T>('POST', url, body, {});
}

/**
 * A JSON call outside openapi-fetch (operations the generated document does not have yet):
 * `body` is sent as JSON; the answer is parsed JSON, undefined for 204, or an ApiError.
 */
export function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T> {
  if (body === undefined) return send<T>(method, url, undefined, {});
  return send<T>(method, url, JSON.stringify(body), { 'Content-Type': 'application/json' });
}

async function send<T>(method: string, url: string, body: BodyInit | undefined, extra: Record<string, string>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { ...csrfHeader(), ...extra, Accept: 'application/json' },
      body,
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  noteServerTime(response);
  let data: unknown = undefined;
  try {
    data = await response.json();
  } catch {
    /* empty or not JSON */
  }
  if (!response.ok) throw toApiError(response, data);
  return data as T;
}
