import { resolve } from 'node:path';
import type { Storage } from '../ports/storage.ts';
import { openPostgresStorage } from './postgres/postgres-storage.ts';
import { openSqliteStorage } from './sqlite/sqlite-storage.ts';

/** Options for PostgreSQL, and one for SQLite. */
export interface OpenStorageOptions {
  /**
   * SQLite file: commit the event log on a writer thread, so an fsync never blocks the event loop
   * (see SqliteThreadedLog). The server turns it on; tools and tests that drive storage directly
   * keep every call on the calling thread.
   */
  commitThread?: boolean;
  /** PostgreSQL schema for Natter's tables, created if missing. */
  schema?: string;
  /** Most PostgreSQL connections to open. */
  poolSize?: number;
  /** Told when an idle PostgreSQL connection fails; for logging. */
  onIdleError?: (error: Error) => void;
}

const accepted = 'sqlite:<path> (relative to the working directory), sqlite::memory:, postgres:// or postgresql://';

/**
 * Opens the database a URL names and migrates it: `sqlite:./data/natter.db`, `sqlite::memory:`,
 * `postgres://user@host:5432/natter` (or `postgresql://`).
 */
export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<Storage> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return await openPostgresStorage({ ...options, url });
  }
  if (url.startsWith('sqlite:')) {
    return await openSqliteStorage({
      path: sqlitePath(url.slice('sqlite:'.length)),
      commitThread: options.commitThread ?? false,
    });
  }
  throw new Error(`unsupported database URL "${redact(url)}": use ${accepted}`);
}

function sqlitePath(rest: string): string {
  if (rest === ':memory:') return rest;
  // "sqlite://x.db" would silently mean the absolute path "/x.db"; ask for the plain form instead.
  if (rest === '' || rest.startsWith('//')) {
    throw new Error(`invalid SQLite URL "sqlite:${rest}": use ${accepted}`);
  }
  return resolve(rest);
}

/** The URL without its password, fit for an error message. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
