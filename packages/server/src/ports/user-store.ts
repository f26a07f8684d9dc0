import type { Role } from '@natter/protocol';

/** A stored account. Times are epoch milliseconds. */
export interface UserRecord {
  id: string;
  /** Lower-case, unique. */
  username: string;
  /** Lower-cased at registration, unique. */
  email: string;
  displayName: string;
  bio: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Fields chosen when an account is created. */
export type NewUser = Omit<UserRecord, 'role' | 'disabled' | 'updatedAt'> & { role: Role };

/** Fields that can change after creation. */
export type UserPatch = Partial<Pick<UserRecord, 'displayName' | 'bio' | 'passwordHash' | 'role' | 'disabled'>>;

/** Persistent accounts. */
export interface UserStore {
  /**
   * Inserts an account. With `adminIfFirst`, the account becomes an admin when no other account
   * exists, decided atomically so two simultaneous first registrations cannot both become admin.
   * Throws UniqueViolation naming 'username' or 'email' when either is taken.
   */
  create(user: NewUser, options: { adminIfFirst: boolean }): Promise<UserRecord>;
  /** The account with this id, if any. */
  findById(id: string): Promise<UserRecord | undefined>;
  /** The account with this (lower-case) username, if any. */
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** The account with this (lower-cased) email, if any. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Applies `patch` and sets updatedAt; undefined when no such account. */
  update(id: string, patch: UserPatch, now: number): Promise<UserRecord | undefined>;
  /** Deletes the account and everything that belongs only to it (sessions, reset tokens). */
  delete(id: string): Promise<boolean>;
  /**
   * Enabled accounts whose username or display name starts with `prefix`, compared
   * case-insensitively, with `%` and `_` taken literally. Exact username match first, then
   * username prefix matches, then display-name matches; each group ordered by username.
   */
  search(prefix: string, limit: number): Promise<UserRecord[]>;
  /** Accounts ordered by id (ids sort by creation time), starting after `after`. */
  list(options: { after?: string; limit: number }): Promise<UserRecord[]>;
  /** How many enabled admins exist. */
  countActiveAdmins(): Promise<number>;
}
