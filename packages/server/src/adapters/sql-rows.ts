import type { Role } from '@natter/protocol';
import type { SessionRecord, UserRecord } from '../ports/index.ts';

// Row shapes and their mapping to records, shared by the SQLite and PostgreSQL adapters: both
// schemas use the same column names, and times are epoch-ms integers on both.

/** A users row. SQLite has no boolean type, so `disabled` is 0/1 there and a boolean on PostgreSQL. */
export interface UserRow {
  id: string;
  username: string;
  email: string;
  display_name: string;
  bio: string;
  password_hash: string;
  role: Role;
  disabled: boolean | number;
  created_at: number;
  updated_at: number;
}

/** The users columns, in UserRow order. */
export const userColumns =
  'id, username, email, display_name, bio, password_hash, role, disabled, created_at, updated_at';

/** A users row as a record. */
export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    bio: row.bio,
    passwordHash: row.password_hash,
    role: row.role,
    disabled: row.disabled === true || row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A sessions row. */
export interface SessionRow {
  id: string;
  user_id: string;
  device_label: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** The sessions columns, in SessionRow order. */
export const sessionColumns =
  'id, user_id, device_label, user_agent, ip, created_at, last_used_at, expires_at, revoked_at';

/** A sessions row as a record. */
export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    deviceLabel: row.device_label,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
