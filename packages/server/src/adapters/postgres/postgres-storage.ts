import { Pool, TypeOverrides, types } from 'pg';
import type { Storage } from '../../ports/storage.ts';
import { migratePostgres } from './migrations.ts';
import { PostgresDatabase } from './postgres-support.ts';
import { PostgresAttemptStore } from './postgres-attempt-store.ts';
import { PostgresEventLog } from './postgres-event-log.ts';
import { PostgresPeopleReader } from './postgres-people-reader.ts';
import { PostgresResetTokenStore } from './postgres-reset-token-store.ts';
import { PostgresRoomReader } from './postgres-room-reader.ts';
import { PostgresSessionStore } from './postgres-session-store.ts';
import { PostgresUserStore } from './postgres-user-store.ts';

/** Options for openPostgresStorage. */
export interface PostgresStorageOptions {
  /** A libpq-style URL: postgres://user:password@host:port/database. */
  url: string;
  /** Schema to keep Natter's tables in, created if missing; the connection's default otherwise. */
  schema?: string;
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
  /**
   * Told when an idle pooled connection fails (the server restarted, say). The pool has already
   * dropped it and reconnects on demand, so this is for logging; without it the error is ignored
   * rather than crashing the process as an unhandled 'error' event would.
   */
  onIdleError?: (error: Error) => void;
}

// Plain lower-case identifiers only: the name goes into the startup packet's `options`, where
// quoting rules differ from SQL's, and a schema name is configuration, not user input.
const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a pool on the database at `url`, migrates the schema and returns the stores on it. */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const { schema } = options;
  if (schema !== undefined && !schemaName.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and "_"`);
  }
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    // Set at connection start, so every pooled connection resolves tables in the schema before
    // its first query (a 'connect' listener could not guarantee that).
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    types: bigintsAsNumbers(),
  });
  pool.on('error', (error) => {
    options.onIdleError?.(error);
  });
  const db = new PostgresDatabase(pool);
  try {
    await migratePostgres(db, schema);
  } catch (error) {
    await db.end();
    throw error;
  }
  return new PostgresStorage(db);
}

/**
 * Type parsers for this pool only: int8 (bigint columns, count(*)) as a JS number instead of pg's
 * default string. Epoch milliseconds and row counts stay far below 2^53.
 */
function bigintsAsNumbers(): TypeOverrides {
  const overrides = new TypeOverrides();
  overrides.setTypeParser(types.builtins.INT8, Number);
  return overrides;
}

/** Storage over one pg pool. */
class PostgresStorage implements Storage {
  readonly engine = 'postgres';
  readonly users: PostgresUserStore;
  readonly sessions: PostgresSessionStore;
  readonly resetTokens: PostgresResetTokenStore;
  readonly attempts: PostgresAttemptStore;
  readonly log: PostgresEventLog;
  readonly rooms: PostgresRoomReader;
  readonly people: PostgresPeopleReader;
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.users = new PostgresUserStore(db);
    this.sessions = new PostgresSessionStore(db);
    this.resetTokens = new PostgresResetTokenStore(db);
    this.attempts = new PostgresAttemptStore(db);
    this.log = new PostgresEventLog(db);
    this.rooms = new PostgresRoomReader(db);
    this.people = new PostgresPeopleReader(db);
  }

  async ping(): Promise<void> {
    await this.#db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.#db.end();
  }
}
