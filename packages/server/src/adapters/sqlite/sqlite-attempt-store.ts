import type { DatabaseSync } from 'node:sqlite';
import type { AttemptState, AttemptStore } from '../../ports/attempt-store.ts';
import { changed, settle, transaction } from './sqlite-support.ts';

/** An attempts row as node:sqlite returns it. */
interface AttemptRow {
  key: string;
  failures: number;
  last_failure_at: number;
}

/** The store's statements, prepared once per connection. */
function prepareStatements(db: DatabaseSync) {
  // Key lists travel as one JSON array parameter, so each statement is prepared once whatever
  // the number of keys.
  return {
    record: db.prepare(
      `INSERT INTO attempts (key, failures, last_failure_at) VALUES (:key, 1, :now)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN last_failure_at < :now - :windowMs THEN 1 ELSE failures + 1 END,
         last_failure_at = max(last_failure_at, :now)
       RETURNING key, failures, last_failure_at`,
    ),
    get: db.prepare(
      'SELECT key, failures, last_failure_at FROM attempts WHERE key IN (SELECT value FROM json_each(?))',
    ),
    clear: db.prepare('DELETE FROM attempts WHERE key IN (SELECT value FROM json_each(?))'),
    purge: db.prepare('DELETE FROM attempts WHERE last_failure_at < ?'),
  };
}

/** AttemptStore on one node:sqlite connection. */
export class SqliteAttemptStore implements AttemptStore {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  record(keys: readonly string[], now: number, windowMs: number): Promise<AttemptState[]> {
    return settle(() =>
      transaction(this.#db, () => {
        const rows = [...new Set(keys)].map((key) => this.#sql.record.get({ key, now, windowMs }));
        return inOrder(keys, rows as unknown as AttemptRow[]);
      }),
    );
  }

  get(keys: readonly string[]): Promise<AttemptState[]> {
    return settle(() => inOrder(keys, this.#sql.get.all(JSON.stringify(keys)) as unknown as AttemptRow[]));
  }

  clear(keys: readonly string[]): Promise<void> {
    return settle(() => {
      this.#sql.clear.run(JSON.stringify(keys));
    });
  }

  purge(before: number): Promise<number> {
    return settle(() => changed(this.#sql.purge.run(before)));
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
