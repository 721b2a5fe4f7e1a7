// Types derived from the operations (paths), not from component names, so that
// regenerating schema.d.ts from the server's own document keeps them valid.
import type { paths } from './schema';

// The JSON body of a response or request, whatever its exact media type
// ("application/json" or "application/json; charset=utf-8").
type Json<R> = R extends { content: infer C } ? C[Extract<keyof C, `application/json${string}`>] : never;
type Body<O> = O extends { requestBody?: infer RB } ? Json<NonNullable<RB>> : never;

export type Me = Json<paths['/api/v1/me']['get']['responses'][200]>;
export type ProfileBody = Body<paths['/api/v1/me']['patch']>;
type Clearable = 'organization' | 'organization_kind' | 'territory' | 'profession';
/** PATCH /me: `null` clears an optional field (the server accepts it even where the document omits `nullable`). */
export type UpdateMe = Omit<ProfileBody, Clearable> & { [K in Clearable]?: NonNullable<ProfileBody[K]> | null };
export type SessionResponse = Json<paths['/api/v1/auth/login']['post']['responses'][200]>;
export type RegisterRequest = Body<paths['/api/v1/auth/register']['post']>;
export type LoginRequest = Body<paths['/api/v1/auth/login']['post']>;
export type TokenInfo = Json<paths['/api/v1/me/tokens']['get']['responses'][200]>['items'][number];
export type CreatedToken = Json<paths['/api/v1/me/tokens']['post']['responses'][201]>;
export type ReferenceItem = Json<paths['/api/v1/reference/territories']['get']['responses'][200]>['items'][number];
export type AdminUserList = Json<paths['/api/v1/admin/users']['get']['responses'][200]>;
export type AdminUser = AdminUserList['items'][number];
export type AdminUserUpdate = Body<paths['/api/v1/admin/users/{id}']['patch']>;
/** Roles as the API types them (an enum, or plain strings). */
export type Role = Me['roles'][number];
export type OrganizationKind = NonNullable<Me['organization_kind']>;

// The values the UI knows how to name, kept independent of how the document types them.
export const ROLES = ['learner', 'trainer', 'moderator', 'admin'] as const;
export type KnownRole = (typeof ROLES)[number];
export const ORGANIZATION_KINDS = ['association', 'institution'] as const;
export type KnownOrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export function isKnownRole(value: string): value is KnownRole {
  return (ROLES as readonly string[]).includes(value);
}
