// Every API call the SPA makes, in one place.
import { client, unwrap } from './client';
import type {
  AttemptRequest,
  AttemptResult,
  CaseStudyView,
  ChoiceOutcome,
  CourseDetail,
  CoursePage,
  CourseQuery,
  LessonView,
  QuizView,
  RunStarted,
  RunView,
  AdminUser,
  AdminUserList,
  AdminUserQuery,
  AdminUserUpdate,
  CreatedToken,
  LoginRequest,
  Me,
  ProfileBody,
  ReferenceItem,
  RegisterRequest,
  SessionResponse,
  TokenInfo,
  UpdateMe,
  RatingRequest,
  RatingSummary,
  ResourceView,
  SearchAllPage,
  LibraryQuery,
  SearchPage,
  ServicePage,
  ServiceQuery,
} from './types';

/** The current user, or null when not logged in (`/session` answers a visitor with 200, so no 401 is logged). */
export async function getMe(): Promise<Me | null> {
  return ((await unwrap(client.GET('/api/v1/session'))).user ?? null) as Me | null;
}

/** Changes the password while signed in; other sessions end and API tokens are revoked. */
export const changePassword = (current_password: string, new_password: string): Promise<{ other_sessions_ended: number; api_tokens_revoked: number }> =>
  unwrap(client.POST('/api/v1/me/password', { body: { current_password, new_password } }));

export const updateMe = (body: UpdateMe): Promise<Me> =>
  // `null` clears a field; cast in case the document does not mark the fields nullable.
  unwrap(client.PATCH('/api/v1/me', { body: body as ProfileBody }));

export const register = (body: RegisterRequest): Promise<SessionResponse> =>
  unwrap(client.POST('/api/v1/auth/register', { body }));

export const login = (body: LoginRequest): Promise<SessionResponse> => unwrap(client.POST('/api/v1/auth/login', { body }));

export const logout = (): Promise<unknown> => unwrap(client.POST('/api/v1/auth/logout'));

export const requestPasswordReset = (email: string): Promise<unknown> =>
  unwrap(client.POST('/api/v1/auth/password-reset', { body: { email } }));

export const confirmPasswordReset = (token: string, new_password: string): Promise<unknown> =>
  unwrap(client.POST('/api/v1/auth/password-reset/confirm', { body: { token, new_password } }));

export const verifyEmail = (token: string): Promise<unknown> =>
  unwrap(client.POST('/api/v1/auth/verify-email', { body: { token } }));

export const resendVerification = (): Promise<unknown> => unwrap(client.POST('/api/v1/auth/verify-email/resend'));

export async function listTokens(): Promise<TokenInfo[]> {
  return (await unwrap(client.GET('/api/v1/me/tokens'))).items;
}

export const createToken = (name: string): Promise<CreatedToken> =>
  unwrap(client.POST('/api/v1/me/tokens', { body: { name } }));

export const deleteToken = (id: string): Promise<unknown> =>
  unwrap(client.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } }));

export async function listTerritories(): Promise<ReferenceItem[]> {
  return (await unwrap(client.GET('/api/v1/reference/territories'))).items;
}

export const listUsers = (query: AdminUserQuery): Promise<AdminUserList> =>
  unwrap(client.GET('/api/v1/admin/users', { params: { query } }));

export const updateUser = (id: string, body: AdminUserUpdate): Promise<AdminUser> =>
  unwrap(client.PATCH('/api/v1/admin/users/{id}', { params: { path: { id } }, body }));

// Courses: the learner's side. `lang` asks for titles in the UI language;
// `preview` shows an author the draft.
export const listCourses = (query: CourseQuery): Promise<CoursePage> =>
  unwrap(client.GET('/api/v1/courses', { params: { query } }));

export const getCourse = (slug: string, lang: string, preview: boolean): Promise<CourseDetail> =>
  unwrap(client.GET('/api/v1/courses/{slug}', { params: { path: { slug }, query: { lang, ...(preview ? { preview } : {}) } } }));

export const getLesson = (id: string, lang: string, preview: boolean): Promise<LessonView> =>
  unwrap(client.GET('/api/v1/lessons/{id}', { params: { path: { id }, query: { lang, ...(preview ? { preview } : {}) } } }));

export const getQuiz = (id: string, lang: string, preview: boolean): Promise<QuizView> =>
  unwrap(client.GET('/api/v1/quizzes/{id}', { params: { path: { id }, query: { lang, ...(preview ? { preview } : {}) } } }));

export const submitAttempt = (id: string, body: AttemptRequest, preview: boolean): Promise<AttemptResult> =>
  unwrap(client.POST('/api/v1/quizzes/{id}/attempts', { params: { path: { id }, query: preview ? { preview } : {} }, body }));

export const getCaseStudy = (id: string, lang: string, preview: boolean): Promise<CaseStudyView> =>
  unwrap(client.GET('/api/v1/case-studies/{id}', { params: { path: { id }, query: { lang, ...(preview ? { preview } : {}) } } }));

/** Starts a run; with `runId` (chosen by the device), a sending that reached the server before starts nothing more. */
export const startRun = (id: string, preview: boolean, runId?: string): Promise<RunStarted> =>
  unwrap(
    client.POST('/api/v1/case-studies/{id}/runs', {
      params: { path: { id }, query: preview ? { preview } : {} },
      ...(runId ? { body: { run_id: runId } } : {}),
    }),
  );

export const chooseInRun = (runId: string, choiceId: string): Promise<ChoiceOutcome> =>
  unwrap(client.POST('/api/v1/case-study-runs/{run_id}/choices', { params: { path: { run_id: runId } }, body: { choice_id: choiceId } }));

export const getRun = (runId: string): Promise<RunView> =>
  unwrap(client.GET('/api/v1/case-study-runs/{run_id}', { params: { path: { run_id: runId } } }));

// One search over lessons and resources (the header's search box).
export const searchAll = (q: string, cursor?: string | null): Promise<SearchAllPage> =>
  unwrap(client.GET('/api/v1/search', { params: { query: { q, cursor: cursor ?? undefined } } }));

// Library: search, a resource, ratings.

export const searchLibrary = (query: LibraryQuery): Promise<SearchPage> =>
  unwrap(client.GET('/api/v1/library/resources', { params: { query } }));

export const getResource = (id: string): Promise<ResourceView> =>
  unwrap(client.GET('/api/v1/library/resources/{id}', { params: { path: { id } } }));

export const rateResource = (id: string, body: RatingRequest): Promise<RatingSummary> =>
  unwrap(client.POST('/api/v1/library/resources/{id}/ratings', { params: { path: { id } }, body }));

export const fileUrl = (id: string, fileId: string): string =>
  `/api/v1/library/resources/${encodeURIComponent(id)}/files/${encodeURIComponent(fileId)}`;

// Directory of services (public reading).
export const listServices = (query: ServiceQuery): Promise<ServicePage> =>
  unwrap(client.GET('/api/v1/directory/services', { params: { query } }));

export const directoryExportUrl = (territory: string): string =>
  `/api/v1/directory/services/export${territory ? `?territory=${encodeURIComponent(territory)}` : ''}`;

/** How many forum notifications the caller has not read (for the header). */
export const unreadNotifications = async (): Promise<number> =>
  (await unwrap(client.GET('/api/v1/me/notifications', { params: { query: { limit: 1 } } }))).unread;

/** Fired by a screen that read notifications, so the header counts again. */
export const NOTIFICATIONS_CHANGED = 'sanad:notifications-changed';
