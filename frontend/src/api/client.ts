// Typed HTTP client over the generated OpenAPI types (src/api/schema.d.ts).
// Regenerate the types with `npm run gen:api` whenever openapi.json changes.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

let csrfToken: string | null = null;
let acceptLanguage = 'fr';

/** Token sent as X-CSRF-Token on unsafe methods (from login/register or GET /me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setApiLanguage(locale: string): void {
  acceptLanguage = locale;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const headers: Middleware = {
  onRequest({ request }) {
    if (csrfToken && UNSAFE.has(request.method.toUpperCase())) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    request.headers.set('Accept-Language', acceptLanguage);
    return request;
  },
};

export const client = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
});
client.use(headers);

export interface FieldErrors {
  [field: string]: string;
}

/** An `application/problem+json` answer, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldErrors;
  /** Seconds to wait, from the Retry-After header (429). */
  readonly retryAfter: number | null;

  constructor(status: number, title: string, detail?: string, fieldErrors: FieldErrors = {}, retryAfter: number | null = null) {
    super(title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
    this.retryAfter = retryAfter;
  }
}

interface ProblemLike {
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
  const fields: FieldErrors = {};
  if (Array.isArray(problem.errors)) {
    for (const e of problem.errors as Array<{ field?: unknown; message?: unknown }>) {
      if (typeof e?.field === 'string' && typeof e.message === 'string' && !(e.field in fields)) {
        fields[e.field] = e.message;
      }
    }
  }
  const title = typeof problem.title === 'string' ? problem.title : response.statusText || `HTTP ${response.status}`;
  const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
  return new ApiError(response.status, title, detail, fields, parseRetryAfter(response.headers.get('Retry-After')));
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
