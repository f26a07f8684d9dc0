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
import { settle } from './sqlite-support.ts';
import { SqliteUserStore } from './sqlite-user-store.ts';

/** How long a write waits for another process holding the file's write lock before failing. */
const busyTimeoutMs = 5000;

/**
 * Opens (creating if needed) the SQLite database at `path`, or an in-memory one for `:memory:`,
 * and migrates it to the current schema. One connection serves every store.
 */
export async function openSqliteStorage(options: { path: string }): Promise<Storage> {
  if (options.path !== ':memory:') await mkdir(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  try {
    // WAL lets readers run beside the writer; FULL syncs the WAL on every commit, so an
    // acknowledged write survives a power cut (group commit keeps that affordable).
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    migrateSqlite(db);
    return new SqliteStorage(db);
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
  readonly log: SqliteEventLog;
  readonly rooms: SqliteRoomReader;
  readonly people: SqlitePeopleReader;
  readonly #db: DatabaseSync;
  readonly #ping: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#ping = db.prepare('SELECT 1');
    this.users = new SqliteUserStore(db);
    this.sessions = new SqliteSessionStore(db);
    this.resetTokens = new SqliteResetTokenStore(db);
    this.attempts = new SqliteAttemptStore(db);
    this.log = new SqliteEventLog(db);
    this.rooms = new SqliteRoomReader(db);
    this.people = new SqlitePeopleReader(db);
  }

  ping(): Promise<void> {
    return settle(() => {
      this.#ping.get();
    });
  }

  close(): Promise<void> {
    // Every call ran to completion synchronously, so nothing is pending; closing twice is harmless.
    return settle(() => {
      if (this.#db.isOpen) this.#db.close();
    });
  }
}
