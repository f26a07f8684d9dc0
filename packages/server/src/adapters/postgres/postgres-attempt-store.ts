import type { AttemptState, AttemptStore } from '../../ports/attempt-store.ts';
import { changed, type PostgresDatabase } from './postgres-support.ts';

/** An attempts row as pg returns it (int8 parsed to number by the pool's type parser). */
interface AttemptRow {
  key: string;
  failures: number;
  last_failure_at: number;
}

/** AttemptStore on a pg pool. */
export class PostgresAttemptStore implements AttemptStore {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async record(keys: readonly string[], now: number, windowMs: number): Promise<AttemptState[]> {
    // One statement for all keys: deduplicated, as ON CONFLICT may touch a row only once per
    // statement, and inserted in key order, so two calls locking overlapping keys take the row
    // locks in the same order and cannot deadlock.
    const unique = [...new Set(keys)];
    const { rows } = await this.#db.query<AttemptRow>(
      `INSERT INTO attempts AS a (key, failures, last_failure_at)
       SELECT k.key, 1, $2::bigint FROM unnest($1::text[]) AS k (key) ORDER BY k.key
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN a.last_failure_at < $2::bigint - $3::bigint THEN 1 ELSE a.failures + 1 END,
         last_failure_at = greatest(a.last_failure_at, $2::bigint)
       RETURNING key, failures, last_failure_at`,
      [unique, now, windowMs],
    );
    return inOrder(keys, rows);
  }

  async get(keys: readonly string[]): Promise<AttemptState[]> {
    const { rows } = await this.#db.query<AttemptRow>(
      'SELECT key, failures, last_failure_at FROM attempts WHERE key = ANY ($1::text[])',
      [keys],
    );
    return inOrder(keys, rows);
  }

  async clear(keys: readonly string[]): Promise<void> {
    await this.#db.query('DELETE FROM attempts WHERE key = ANY ($1::text[])', [keys]);
  }

  async purge(before: number): Promise<number> {
    return changed(await this.#db.query('DELETE FROM attempts WHERE last_failure_at < $1', [before]));
  }
}

/** The states of `keys` in their order; a key without a row has zero failures. */
function inOrder(keys: readonly string[], rows: AttemptRow[]): AttemptState[] {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  return keys.map((key) => {
    const row = byKey.get(key);
    return { key, failures: row?.failures ?? 0, lastFailureAt: row?.last_failure_at ?? 0 };
  });
}
