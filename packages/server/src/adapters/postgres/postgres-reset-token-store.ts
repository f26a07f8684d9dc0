import type { ResetTokenStore } from '../../ports/reset-token-store.ts';
import type { PostgresDatabase } from './postgres-support.ts';

/** ResetTokenStore on a pg pool. */
export class PostgresResetTokenStore implements ResetTokenStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async create(token: { tokenHash: string; userId: string; createdAt: number; expiresAt: number }): Promise<void> {
    await this.#db.query(
      'INSERT INTO reset_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [token.tokenHash, token.userId, token.createdAt, token.expiresAt],
    );
  }

  consume(tokenHash: string, now: number): Promise<string | undefined> {
    return this.#db.transaction(async (client) => {
      // Deleting the token is what spends it: a concurrent consume blocks on the row, then finds
      // it gone and deletes nothing. The user's other tokens go in the same transaction, as a new
      // password makes every outstanding link moot.
      const spent = await client.query<{ user_id: string }>(
        'DELETE FROM reset_tokens WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id',
        [tokenHash, now],
      );
      const userId = spent.rows[0]?.user_id;
      if (userId === undefined) return undefined;
      await client.query('DELETE FROM reset_tokens WHERE user_id = $1', [userId]);
      return userId;
    });
  }

  async purgeExpired(before: number): Promise<number> {
    const result = await this.#db.query('DELETE FROM reset_tokens WHERE expires_at < $1', [before]);
    return result.rowCount ?? 0;
  }
}
