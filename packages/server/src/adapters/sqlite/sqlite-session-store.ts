import type { DatabaseSync } from 'node:sqlite';
import type { RotateResult, SessionRecord, SessionStore } from '../../ports/session-store.ts';
import { changed, settle, settleRead, transaction } from './sqlite-support.ts';
import { sessionColumns as columns, toSession, type SessionRow } from '../sql-rows.ts';

/** The store's statements, prepared once per connection. */
function prepareStatements(db: DatabaseSync) {
  return {
    insert: db.prepare(
      `INSERT INTO sessions (${columns})
       VALUES (:id, :userId, :deviceLabel, :userAgent, :ip, :createdAt, :lastUsedAt, :expiresAt, :revokedAt)`,
    ),
    insertToken: db.prepare('INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)'),
    byId: db.prepare(`SELECT ${columns} FROM sessions WHERE id = ?`),
    byToken: db.prepare(
      `SELECT t.spent_at, s.*
       FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
       WHERE t.token_hash = +?`,
    ),
    spendToken: db.prepare('UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ?'),
    touch: db.prepare(
      `UPDATE sessions SET last_used_at = :now, expires_at = :expiresAt, ip = :ip WHERE id = :id RETURNING ${columns}`,
    ),
    revokeById: db.prepare(`UPDATE sessions SET revoked_at = ? WHERE id = ? RETURNING ${columns}`),
    listActive: db.prepare(
      `SELECT ${columns} FROM sessions
       WHERE user_id = +:userId AND revoked_at IS NULL AND expires_at > +:now
       ORDER BY created_at DESC, id DESC`,
    ),
    revoke: db.prepare(
      `UPDATE sessions SET revoked_at = :now
       WHERE id = :id AND user_id = :userId AND revoked_at IS NULL AND expires_at > :now`,
    ),
    revokeAll: db.prepare(
      `UPDATE sessions SET revoked_at = :now
       WHERE user_id = :userId AND revoked_at IS NULL AND expires_at > :now AND id IS NOT :exceptId`,
    ),
    // A session ends when it is revoked or when it expires, whichever comes first.
    purgeEnded: db.prepare('DELETE FROM sessions WHERE expires_at < :before OR revoked_at < :before'),
  };
}

/** SessionStore on one node:sqlite connection. */
export class SqliteSessionStore implements SessionStore {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  create(session: Omit<SessionRecord, 'revokedAt'>, refreshHash: string): Promise<SessionRecord> {
    return settle(() =>
      transaction(this.#db, () => {
        const record: SessionRecord = {
          id: session.id,
          userId: session.userId,
          deviceLabel: session.deviceLabel,
          userAgent: session.userAgent,
          ip: session.ip,
          createdAt: session.createdAt,
          lastUsedAt: session.lastUsedAt,
          expiresAt: session.expiresAt,
          revokedAt: null,
        };
        this.#sql.insert.run({ ...record });
        this.#sql.insertToken.run(refreshHash, session.id, session.createdAt);
        return record;
      }),
    );
  }

  findById(id: string): Promise<SessionRecord | undefined> {
    return settleRead(this.#db, () => {
      const row = this.#sql.byId.get(id);
      return row === undefined ? undefined : toSession(row as unknown as SessionRow);
    });
  }

  rotate(
    presentedHash: string,
    nextHash: string,
    update: { now: number; expiresAt: number; ip: string | null },
  ): Promise<RotateResult> {
    // Read, decide and write in one synchronous transaction: a second rotation with the same token
    // runs strictly after this one commits and finds the token spent.
    return settle(() =>
      transaction(this.#db, (): RotateResult => {
        const found = this.#sql.byToken.get(presentedHash) as (SessionRow & { spent_at: number | null }) | undefined;
        if (found === undefined || found.revoked_at !== null || found.expires_at <= update.now) {
          return { outcome: 'invalid' };
        }
        if (found.spent_at !== null) {
          const revoked = this.#sql.revokeById.get(update.now, found.id) as unknown as SessionRow;
          return { outcome: 'reused', session: toSession(revoked) };
        }
        this.#sql.spendToken.run(update.now, presentedHash);
        this.#sql.insertToken.run(nextHash, found.id, update.now);
        const touched = this.#sql.touch.get({
          id: found.id,
          now: update.now,
          expiresAt: update.expiresAt,
          ip: update.ip,
        }) as unknown as SessionRow;
        return { outcome: 'rotated', session: toSession(touched) };
      }),
    );
  }

  listActive(userId: string, now: number): Promise<SessionRecord[]> {
    return settleRead(this.#db, () =>
      (this.#sql.listActive.all({ userId, now }) as unknown as SessionRow[]).map(toSession),
    );
  }

  revoke(userId: string, sessionId: string, now: number): Promise<boolean> {
    return settle(() => changed(this.#sql.revoke.run({ id: sessionId, userId, now })) === 1);
  }

  revokeAll(userId: string, now: number, exceptId?: string): Promise<number> {
    return settle(() => changed(this.#sql.revokeAll.run({ userId, now, exceptId: exceptId ?? null })));
  }

  purgeEnded(before: number): Promise<number> {
    // Refresh tokens go with their session through ON DELETE CASCADE.
    return settle(() => changed(this.#sql.purgeEnded.run({ before })));
  }
}
