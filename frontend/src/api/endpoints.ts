// Every API call the SPA makes, in one place.
import { ApiError, client, unwrap } from './client';
import type {
  AdminUser,
  AdminUserList,
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
} from './types';

/** The current user, or null when not logged in. */
export async function getMe(): Promise<Me | null> {
  try {
    return await unwrap(client.GET('/api/v1/me'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

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

export const listUsers = (query: { q?: string; cursor?: string; limit?: number }): Promise<AdminUserList> =>
  unwrap(client.GET('/api/v1/admin/users', { params: { query } }));

export const updateUser = (id: string, body: AdminUserUpdate): Promise<AdminUser> =>
  unwrap(client.PATCH('/api/v1/admin/users/{id}', { params: { path: { id } }, body }));
