import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Storage } from '../../ports/storage.ts';
import { migrateSqlite } from './migrations.ts';
import { SqliteAttemptStore } from './sqlite-attempt-store.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import { SqlitePeopleReader } from './sqlite-people-reader.ts';
import { SqliteResetTokenStore } from './sqlite-reset-token-store.ts';
import { SqliteRoomReader } from './sqlite-room-reader.ts';
import { SqliteSessionStore } from './sqlite-session-store.ts';
import { configureConnection, settle } from './sqlite-support.ts';
import { SqliteThreadedLog } from './sqlite-threaded-log.ts';
import { SqliteUserStore } from './sqlite-user-store.ts';

/**
 * Opens (creating if needed) the SQLite database at `path`, or an in-memory one for `:memory:`,
 * and migrates it to the current schema. One connection serves every store, except that with
 * `commitThread` the event log commits on a second one, on a writer thread.
 */
export async function openSqliteStorage(options: { path: string; commitThread?: boolean }): Promise<Storage> {
  if (options.path !== ':memory:') await mkdir(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  try {
    configureConnection(db);
    migrateSqlite(db);
    // An in-memory database cannot be shared with a second connection, so it always commits here.
    const threaded = options.commitThread === true && options.path !== ':memory:';
    // The writer thread checkpoints; a checkpoint here would copy the WAL on the event loop.
    if (threaded) db.exec('PRAGMA wal_autocheckpoint = 0');
    return new SqliteStorage(db, threaded ? options.path : undefined);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Storage over one node:sqlite connection. */
class SqliteStorage implements Storage {
  readonly engine = 'sqlite';
  readonly users: SqliteUserStore;
  readonly sessions: SqliteSessionStore;
  readonly resetTokens: SqliteResetTokenStore;
  readonly attempts: SqliteAttemptStore;
  readonly log: SqliteEventLog | SqliteThreadedLog;
  readonly rooms: SqliteRoomReader;
  readonly people: SqlitePeopleReader;
  readonly #db: DatabaseSync;
  readonly #ping: StatementSync;

  constructor(db: DatabaseSync, path: string | undefined) {
    this.#db = db;
    this.#ping = db.prepare('SELECT 1');
    this.users = new SqliteUserStore(db);
    this.sessions = new SqliteSessionStore(db);
    this.resetTokens = new SqliteResetTokenStore(db);
    this.attempts = new SqliteAttemptStore(db);
    const log = new SqliteEventLog(db);
    this.log = path === undefined ? log : new SqliteThreadedLog(log, path);
    this.rooms = new SqliteRoomReader(db);
    this.people = new SqlitePeopleReader(db);
  }

  ping(): Promise<void> {
    return settle(() => {
      this.#ping.get();
    });
  }

  async close(): Promise<void> {
    // Commits in flight on the writer thread finish first; every other call ran to completion
    // synchronously, so nothing else is pending. Closing twice is harmless.
    if (this.log instanceof SqliteThreadedLog) await this.log.close();
    await settle(() => {
      if (this.#db.isOpen) this.#db.close();
    });
  }
}
