import type { TSchema } from 'typebox';
import { chatEndpoints } from './api-chat.ts';
import {
  Accepted,
  AuthResult,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  ResetConfirmRequest,
  ResetRequest,
  RevokedCount,
  SessionIdParams,
  SessionList,
} from './schemas/auth.ts';
import {
  AdminUpdateUserRequest,
  AdminUser,
  AdminUserListQuery,
  AdminUserPage,
  ChangePasswordRequest,
  DeleteAccountRequest,
  PublicUser,
  SelfUser,
  UpdateProfileRequest,
  UserIdParams,
  UserList,
  UserSearchQuery,
} from './schemas/users.ts';

/** Who may call an endpoint. */
export type Access = 'public' | 'user' | 'admin';

/** One REST operation: the single source for server validation, OpenAPI and the SDK's types. */
export interface Endpoint {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under /api/v1, with `{name}` parameters. */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly tag: string;
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  /** Success status and body schema; `null` means no body. */
  readonly status: 200 | 201 | 202 | 204;
  readonly response: TSchema | null;
}

/** REST base path. */
export const apiBase = '/api/v1';

/** Accounts, sessions, profiles and administration. */
export const accountEndpoints = {
  register: {
    method: 'POST',
    path: '/auth/register',
    access: 'public',
    tag: 'auth',
    summary: 'Create an account and sign in. The first account on a server is an administrator.',
    body: RegisterRequest,
    status: 201,
    response: AuthResult,
  },
  login: {
    method: 'POST',
    path: '/auth/login',
    access: 'public',
    tag: 'auth',
    summary: 'Sign in with a username or email and a password.',
    body: LoginRequest,
    status: 200,
    response: AuthResult,
  },
  refresh: {
    method: 'POST',
    path: '/auth/refresh',
    access: 'public',
    tag: 'auth',
    summary: 'Rotate a refresh token into a new access and refresh token. Reusing a token revokes its session.',
    body: RefreshRequest,
    status: 200,
    response: AuthResult,
  },
  logout: {
    method: 'POST',
    path: '/auth/logout',
    access: 'user',
    tag: 'auth',
    summary: 'End the current session.',
    status: 204,
    response: null,
  },
  requestPasswordReset: {
    method: 'POST',
    path: '/auth/password-reset/request',
    access: 'public',
    tag: 'auth',
    summary: 'Email a single-use reset link if the address belongs to an account. Same answer either way.',
    body: ResetRequest,
    status: 202,
    response: Accepted,
  },
  confirmPasswordReset: {
    method: 'POST',
    path: '/auth/password-reset/confirm',
    access: 'public',
    tag: 'auth',
    summary: 'Set a new password with a reset token; ends every session and signs in anew.',
    body: ResetConfirmRequest,
    status: 200,
    response: AuthResult,
  },
  getMe: {
    method: 'GET',
    path: '/me',
    access: 'user',
    tag: 'me',
    summary: 'The caller’s own account.',
    status: 200,
    response: SelfUser,
  },
  updateMe: {
    method: 'PATCH',
    path: '/me',
    access: 'user',
    tag: 'me',
    summary: 'Change display name or bio.',
    body: UpdateProfileRequest,
    status: 200,
    response: SelfUser,
  },
  changePassword: {
    method: 'POST',
    path: '/me/password',
    access: 'user',
    tag: 'me',
    summary: 'Change the password; ends every other session.',
    body: ChangePasswordRequest,
    status: 204,
    response: null,
  },
  deleteMe: {
    method: 'DELETE',
    path: '/me',
    access: 'user',
    tag: 'me',
    summary: 'Delete the account, confirmed with the password.',
    body: DeleteAccountRequest,
    status: 204,
    response: null,
  },
  listSessions: {
    method: 'GET',
    path: '/me/sessions',
    access: 'user',
    tag: 'me',
    summary: 'The caller’s signed-in devices.',
    status: 200,
    response: SessionList,
  },
  revokeSession: {
    method: 'DELETE',
    path: '/me/sessions/{sessionId}',
    access: 'user',
    tag: 'me',
    summary: 'End one of the caller’s sessions.',
    params: SessionIdParams,
    status: 204,
    response: null,
  },
  revokeOtherSessions: {
    method: 'POST',
    path: '/me/sessions/revoke-others',
    access: 'user',
    tag: 'me',
    summary: 'End every session but the current one.',
    status: 200,
    response: RevokedCount,
  },
  searchUsers: {
    method: 'GET',
    path: '/users/search',
    access: 'user',
    tag: 'users',
    summary: 'Find people by username or display-name prefix.',
    query: UserSearchQuery,
    status: 200,
    response: UserList,
  },
  getUser: {
    method: 'GET',
    path: '/users/{userId}',
    access: 'user',
    tag: 'users',
    summary: 'One person’s public profile.',
    params: UserIdParams,
    status: 200,
    response: PublicUser,
  },
  adminListUsers: {
    method: 'GET',
    path: '/admin/users',
    access: 'admin',
    tag: 'admin',
    summary: 'Every account, oldest first, paged.',
    query: AdminUserListQuery,
    status: 200,
    response: AdminUserPage,
  },
  adminUpdateUser: {
    method: 'PATCH',
    path: '/admin/users/{userId}',
    access: 'admin',
    tag: 'admin',
    summary: 'Change a user’s role or disable them; disabling ends their sessions.',
    params: UserIdParams,
    body: AdminUpdateUserRequest,
    status: 200,
    response: AdminUser,
  },
} as const satisfies Record<string, Endpoint>;

/** Operation ids. */
export type EndpointName = keyof typeof endpoints;

/** Every REST operation, by operation id. */
export const endpoints = { ...accountEndpoints, ...chatEndpoints } as const satisfies Record<string, Endpoint>;
