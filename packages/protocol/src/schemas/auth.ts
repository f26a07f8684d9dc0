import { Type, type Static } from 'typebox';
import { limits } from '../limits.ts';
import { Closed, DeviceLabel, DisplayName, Email, Id, Password, Timestamp, Username } from './common.ts';
import { SelfUser } from './users.ts';

/** POST /auth/register. */
export const RegisterRequest = Closed({
  username: Username,
  email: Email,
  password: Password,
  displayName: Type.Optional(DisplayName),
  deviceLabel: Type.Optional(DeviceLabel),
});
export type RegisterRequest = Static<typeof RegisterRequest>;

/** POST /auth/login: `login` is a username or an email address. */
export const LoginRequest = Closed({
  login: Type.String({ minLength: 1, maxLength: limits.emailMax }),
  password: Type.String({ minLength: 1, maxLength: limits.passwordMax }),
  deviceLabel: Type.Optional(DeviceLabel),
});
export type LoginRequest = Static<typeof LoginRequest>;

/** POST /auth/refresh: trade a refresh token for a new pair; the old one stops working. */
export const RefreshRequest = Closed({
  refreshToken: Type.String({ minLength: 1, maxLength: 256 }),
});
export type RefreshRequest = Static<typeof RefreshRequest>;

/** A signed-in session's credentials. */
export const AuthResult = Closed({
  user: SelfUser,
  sessionId: Id,
  accessToken: Type.String({ description: 'JWT for the Authorization: Bearer header.' }),
  accessTokenExpiresAt: Timestamp,
  refreshToken: Type.String({ description: 'Opaque; single use; rotate with /auth/refresh.' }),
  refreshTokenExpiresAt: Timestamp,
});
export type AuthResult = Static<typeof AuthResult>;

/** POST /auth/password-reset/request. The answer is the same whether or not the account exists. */
export const ResetRequest = Closed({ email: Email });
export type ResetRequest = Static<typeof ResetRequest>;

export const Accepted = Closed({ message: Type.String() });
export type Accepted = Static<typeof Accepted>;

/** POST /auth/password-reset/confirm: sets the password, ends every session and opens a new one. */
export const ResetConfirmRequest = Closed({
  token: Type.String({ minLength: 1, maxLength: 256 }),
  newPassword: Password,
  deviceLabel: Type.Optional(DeviceLabel),
});
export type ResetConfirmRequest = Static<typeof ResetConfirmRequest>;

/** One of the caller's signed-in devices. */
export const SessionInfo = Closed({
  id: Id,
  deviceLabel: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
  expiresAt: Timestamp,
  current: Type.Boolean(),
});
export type SessionInfo = Static<typeof SessionInfo>;

export const SessionList = Closed({ sessions: Type.Array(SessionInfo) });
export type SessionList = Static<typeof SessionList>;

export const SessionIdParams = Closed({ sessionId: Id });
export type SessionIdParams = Static<typeof SessionIdParams>;

export const RevokedCount = Closed({ revoked: Type.Integer({ minimum: 0 }) });
export type RevokedCount = Static<typeof RevokedCount>;
