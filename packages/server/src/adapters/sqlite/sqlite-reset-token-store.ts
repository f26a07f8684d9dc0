import type { DatabaseSync } from 'node:sqlite';
import type { ResetTokenStore } from '../../ports/reset-token-store.ts';
import { settle, transaction } from './sqlite-support.ts';

/** The store's statements, prepared once per connection. */
function prepareStatements(db: DatabaseSync) {
  return {
    insert: db.prepare(
      'INSERT INTO reset_tokens (token_hash, user_id, created_at, expires_at) VALUES (:tokenHash, :userId, :createdAt, :expiresAt)',
    ),
    spend: db.prepare('DELETE FROM reset_tokens WHERE token_hash = ? AND expires_at > ? RETURNING user_id'),
    deleteForUser: db.prepare('DELETE FROM reset_tokens WHERE user_id = ?'),
    purge: db.prepare('DELETE FROM reset_tokens WHERE expires_at < ?'),
  };
}

/** ResetTokenStore on one node:sqlite connection. */
export class SqliteResetTokenStore implements ResetTokenStore {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  create(token: { tokenHash: string; userId: string; createdAt: number; expiresAt: number }): Promise<void> {
    return settle(() => {
      this.#sql.insert.run({
        tokenHash: token.tokenHash,
        userId: token.userId,
        createdAt: token.createdAt,
        expiresAt: token.expiresAt,
      });
    });
  }

  consume(tokenHash: string, now: number): Promise<string | undefined> {
    // Deleting the token is what spends it, so a second consume finds nothing; the user's other
    // tokens go in the same transaction, as a new password makes every outstanding link moot.
    return settle(() =>
      transaction(this.#db, () => {
        const userId = this.#sql.spend.get(tokenHash, now)?.user_id;
        if (typeof userId !== 'string') return undefined;
        this.#sql.deleteForUser.run(userId);
        return userId;
      }),
    );
  }

  purgeExpired(before: number): Promise<number> {
    return settle(() => Number(this.#sql.purge.run(before).changes));
  }
}
