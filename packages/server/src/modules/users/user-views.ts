import type { AdminUser, PublicUser, SelfUser, SessionInfo } from '@natter/protocol';
import type { SessionRecord, UserRecord } from '../../ports/index.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** What the account holder sees. */
export function toSelfUser(u: UserRecord): SelfUser {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    displayName: u.displayName,
    bio: u.bio,
    role: u.role,
    createdAt: iso(u.createdAt),
  };
}

/** What other people see: never the email, the role or the hash. */
export function toPublicUser(u: UserRecord): PublicUser {
  return { id: u.id, username: u.username, displayName: u.displayName, bio: u.bio };
}

/** What an administrator sees in the user list. */
export function toAdminUser(u: UserRecord): AdminUser {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    createdAt: iso(u.createdAt),
  };
}

/** One session as its owner sees it. */
export function toSessionInfo(s: SessionRecord, currentSessionId: string): SessionInfo {
  return {
    id: s.id,
    deviceLabel: s.deviceLabel,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: iso(s.createdAt),
    lastUsedAt: iso(s.lastUsedAt),
    expiresAt: iso(s.expiresAt),
    current: s.id === currentSessionId,
  };
}
