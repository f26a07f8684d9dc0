import type { PoolClient } from 'pg';
import type { RotateResult, SessionRecord, SessionStore } from '../../ports/session-store.ts';
import { changed, firstRow, type PostgresDatabase } from './postgres-support.ts';
import { sessionColumns as columns, toSession, type SessionRow } from '../sql-rows.ts';

/** SessionStore on a pg pool. */
export class PostgresSessionStore implements SessionStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  create(session: Omit<SessionRecord, 'revokedAt'>, refreshHash: string): Promise<SessionRecord> {
    return this.#db.transaction(async (client) => {
      const { rows } = await client.query<SessionRow>(
        `INSERT INTO sessions (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) RETURNING ${columns}`,
        [
          session.id,
          session.userId,
          session.deviceLabel,
          session.userAgent,
          session.ip,
          session.createdAt,
          session.lastUsedAt,
          session.expiresAt,
        ],
      );
      await insertToken(client, refreshHash, session.id, session.createdAt);
      return toSession(firstRow(rows));
    });
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.#db.query<SessionRow>(`SELECT ${columns} FROM sessions WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toSession(rows[0]);
  }

  rotate(
    presentedHash: string,
    nextHash: string,
    update: { now: number; expiresAt: number; ip: string | null },
  ): Promise<RotateResult> {
    return this.#db.transaction(async (client): Promise<RotateResult> => {
      // A token never changes session, so finding its session needs no lock. Every change to a
      // session's tokens is then made under that session's row lock: of two concurrent rotations
      // with one token, the second waits here and, reading the token after the first commits,
      // finds it spent.
      const token = await client.query<{ session_id: string }>(
        'SELECT session_id FROM refresh_tokens WHERE token_hash = $1',
        [presentedHash],
      );
      const sessionId = token.rows[0]?.session_id;
      if (sessionId === undefined) return { outcome: 'invalid' };
      const locked = await client.query<SessionRow>(`SELECT ${columns} FROM sessions WHERE id = $1 FOR UPDATE`, [
        sessionId,
      ]);
      const session = locked.rows[0];
      if (session === undefined || session.revoked_at !== null || session.expires_at <= update.now) {
        return { outcome: 'invalid' };
      }
      const spent = await client.query<{ spent_at: number | null }>(
        'SELECT spent_at FROM refresh_tokens WHERE token_hash = $1',
        [presentedHash],
      );
      if (spent.rows[0]?.spent_at !== null) {
        const revoked = await client.query<SessionRow>(
          `UPDATE sessions SET revoked_at = $2 WHERE id = $1 RETURNING ${columns}`,
          [sessionId, update.now],
        );
        return { outcome: 'reused', session: toSession(firstRow(revoked.rows)) };
      }
      await client.query('UPDATE refresh_tokens SET spent_at = $2 WHERE token_hash = $1', [presentedHash, update.now]);
      await insertToken(client, nextHash, sessionId, update.now);
      const touched = await client.query<SessionRow>(
        `UPDATE sessions SET last_used_at = $2, expires_at = $3, ip = $4 WHERE id = $1 RETURNING ${columns}`,
        [sessionId, update.now, update.expiresAt, update.ip],
      );
      return { outcome: 'rotated', session: toSession(firstRow(touched.rows)) };
    });
  }

  async listActive(userId: string, now: number): Promise<SessionRecord[]> {
    const { rows } = await this.#db.query<SessionRow>(
      `SELECT ${columns} FROM sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
       ORDER BY created_at DESC, id DESC`,
      [userId, now],
    );
    return rows.map(toSession);
  }

  async revoke(userId: string, sessionId: string, now: number): Promise<boolean> {
    const result = await this.#db.query(
      `UPDATE sessions SET revoked_at = $3
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3`,
      [sessionId, userId, now],
    );
    return changed(result) === 1;
  }

  async revokeAll(userId: string, now: number, exceptId?: string): Promise<number> {
    const result = await this.#db.query(
      `UPDATE sessions SET revoked_at = $2
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND id IS DISTINCT FROM $3`,
      [userId, now, exceptId ?? null],
    );
    return changed(result);
  }

  async purgeEnded(before: number): Promise<number> {
    // A session ends when it is revoked or when it expires, whichever comes first; its refresh
    // tokens go with it through ON DELETE CASCADE.
    const result = await this.#db.query('DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1', [before]);
    return changed(result);
  }
}

async function insertToken(client: PoolClient, tokenHash: string, sessionId: string, now: number): Promise<void> {
  await client.query('INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)', [
    tokenHash,
    sessionId,
    now,
  ]);
}
