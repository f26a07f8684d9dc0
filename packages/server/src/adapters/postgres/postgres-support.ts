import { DatabaseError, type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { UniqueViolation } from '../../ports/storage.ts';

/**
 * A pg pool that knows which calls are in flight. pg's pool.end() never serves callers still
 * queued for a connection, so end() first lets every call made so far finish.
 */
export class PostgresDatabase {
  readonly #pool: Pool;
  readonly #inFlight = new Set<Promise<unknown>>();
  #ending: Promise<void> | undefined;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** One statement on any pooled connection. */
  query<R extends QueryResultRow = QueryResultRow>(text: string, values: unknown[] = []): Promise<QueryResult<R>> {
    return this.#track(this.#pool.query<R>(text, values));
  }

  /**
   * Runs `fn` between BEGIN and COMMIT on one pooled connection, rolling back when it throws. A
   * connection whose rollback fails is destroyed rather than returned to the pool mid-transaction.
   */
  transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.#track(inTransaction(this.#pool, fn));
  }

  /** Waits for calls in flight, then closes every connection; later calls reject. */
  end(): Promise<void> {
    this.#ending ??= (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled(this.#inFlight);
      await this.#pool.end();
    })();
    return this.#ending;
  }

  #track<T>(call: Promise<T>): Promise<T> {
    this.#inFlight.add(call);
    const forget = () => this.#inFlight.delete(call);
    void call.then(forget, forget);
    return call;
  }
}

async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Unique constraints named in the migrations, and the field each one protects. */
const uniqueFields: Record<string, string> = {
  users_username_key: 'username',
  users_email_key: 'email',
};

/** Runs `fn`, turning a unique violation (SQLSTATE 23505) on a known constraint into UniqueViolation. */
export async function withUniqueFields<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const field =
      error instanceof DatabaseError && error.code === '23505' ? uniqueFields[error.constraint ?? ''] : undefined;
    if (field !== undefined) throw new UniqueViolation(field);
    throw error;
  }
}

/** Rows a statement changed; pg reports null only for commands that change none. */
export function changed(result: { rowCount: number | null }): number {
  return result.rowCount ?? 0;
}

/** The row a RETURNING clause must have produced. */
export function firstRow<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected a row from RETURNING');
  return row;
}

/** Unique constraints of the log's tables (named in 002-rooms.sql) and the field each protects. */
const logUniqueFields: Record<string, string> = {
  rooms_pkey: 'room_id',
  rooms_direct_key: 'direct_key',
  rooms_join_code_live: 'join_code',
  memberships_current: 'member',
  bans_pkey: 'ban',
  reactions_once: 'reaction',
  contact_requests_pkey: 'contact_request',
  contacts_pkey: 'contact',
  follows_pkey: 'follow',
  blocks_pkey: 'block',
};

/**
 * The field a unique violation of a log write collided on, or undefined for any other error. A
 * collision on a sequence number (room_events, messages_room_seq) or a message id is deliberately
 * not listed: it would mean a bug, which must fail loudly (see mayCollide).
 */
export function logUniqueField(error: unknown): string | undefined {
  return error instanceof DatabaseError && error.code === '23505' ? logUniqueFields[error.constraint ?? ''] : undefined;
}

/** jsonb columns arrive parsed: the value is the stored JSON already. */
export const pgJson = (value: unknown): unknown => value;
