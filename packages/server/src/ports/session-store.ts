/** A signed-in device. Times are epoch milliseconds. */
export interface SessionRecord {
  id: string;
  userId: string;
  deviceLabel: string | null;
  userAgent: string | null;
  ip: string | null;
  createdAt: number;
  lastUsedAt: number;
  /** The session ends if its refresh token is not used before this moment. */
  expiresAt: number;
  revokedAt: number | null;
}

/** What a refresh attempt found. */
export type RotateResult =
  /** The token was current: it is now spent and `nextHash` is the session's token. */
  | { outcome: 'rotated'; session: SessionRecord }
  /** The token had already been rotated away: the session is now revoked. */
  | { outcome: 'reused'; session: SessionRecord }
  /** Unknown token, or a token of a session that is revoked or expired. */
  | { outcome: 'invalid' };

/** Sessions and their single-use refresh tokens (stored as hashes only). */
export interface SessionStore {
  /** Creates a session whose current refresh token hashes to `refreshHash`. */
  create(session: Omit<SessionRecord, 'revokedAt'>, refreshHash: string): Promise<SessionRecord>;
  /** The session with this id, revoked or not. */
  findById(id: string): Promise<SessionRecord | undefined>;
  /**
   * Atomically exchanges a presented refresh token. When it is the session's current token and the
   * session is live at `now`, `nextHash` becomes current, the presented one is kept as spent, and
   * lastUsedAt/expiresAt/ip are updated. When it is a spent token of a live session, the session is
   * revoked (reuse means the token leaked). Two concurrent calls with one token: exactly one rotates.
   */
  rotate(
    presentedHash: string,
    nextHash: string,
    update: { now: number; expiresAt: number; ip: string | null },
  ): Promise<RotateResult>;
  /** The user's sessions that are neither revoked nor expired at `now`, newest first. */
  listActive(userId: string, now: number): Promise<SessionRecord[]>;
  /** Revokes one session of this user; false when it does not exist, is not theirs, or has ended. */
  revoke(userId: string, sessionId: string, now: number): Promise<boolean>;
  /** Revokes every live session of the user except `exceptId`; returns how many. */
  revokeAll(userId: string, now: number, exceptId?: string): Promise<number>;
  /** Deletes sessions that ended before `before`, with their tokens; returns how many. */
  purgeEnded(before: number): Promise<number>;
}
