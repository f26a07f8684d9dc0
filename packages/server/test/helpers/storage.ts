import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client, TypeOverrides, types } from 'pg';
import { openStorage } from '../../src/adapters/open-storage.ts';
import { uuidv7 } from '../../src/lib/ids.ts';
import type { SessionRecord } from '../../src/ports/session-store.ts';
import type { Storage } from '../../src/ports/storage.ts';
import type { NewUser } from '../../src/ports/user-store.ts';

/** A database that outlives one Storage: open it several times, poke it with raw SQL, drop it. */
export interface StoragePlace {
  /** Opens (and migrates) a Storage on this database. */
  open(): Promise<Storage>;
  /** Runs one raw SQL statement with no Storage involved and returns its rows. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Removes the database; every Storage on it must be closed first. */
  drop(): Promise<void>;
}

/** One storage engine the contract suites run against. */
export interface StorageEngine {
  name: 'sqlite' | 'postgres';
  /** Why the engine's suites are skipped, or false to run them. */
  skip: string | false;
  /** A fresh, empty, migrated Storage; closing it removes its database. */
  open(): Promise<Storage>;
  /** A fresh database for tests that reopen it or need raw SQL. */
  place(): Promise<StoragePlace>;
}

async function sqlitePlace(): Promise<StoragePlace> {
  const dir = await mkdtemp(join(tmpdir(), 'natter-test-'));
  const path = join(dir, 'nested', 'natter.db'); // the adapter must create the missing folder
  return {
    open: () => openStorage(`sqlite:${path}`),
    query: (sql) => {
      const db = new DatabaseSync(path);
      try {
        // Plain objects, as pg returns, so rows compare equal across engines.
        return Promise.resolve(
          db
            .prepare(sql)
            .all()
            .map((row) => ({ ...row })),
        );
      } finally {
        db.close();
      }
    },
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Parse int8 as a number, like the adapter does, so raw rows compare the same on both engines. */
function int8AsNumber(): TypeOverrides {
  const overrides = new TypeOverrides();
  overrides.setTypeParser(types.builtins.INT8, Number);
  return overrides;
}

function postgresPlace(url: string): Promise<StoragePlace> {
  const schema = `natter_test_${randomBytes(6).toString('hex')}`;
  const query = async (sql: string) => {
    const client = new Client({ connectionString: url, options: `-c search_path=${schema}`, types: int8AsNumber() });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  return Promise.resolve({
    open: () => openStorage(url, { schema }),
    query,
    drop: async () => {
      await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  });
}

/** A Storage whose close() also drops its database. */
async function disposable(place: StoragePlace): Promise<Storage> {
  let storage: Storage;
  try {
    storage = await place.open();
  } catch (error) {
    await place.drop().catch((dropError: unknown) => {
      throw new AggregateError([error, dropError], 'opening the test database failed, and so did removing it');
    });
    throw error;
  }
  return {
    engine: storage.engine,
    users: storage.users,
    sessions: storage.sessions,
    resetTokens: storage.resetTokens,
    attempts: storage.attempts,
    ping: () => storage.ping(),
    close: async () => {
      await storage.close();
      await place.drop();
    },
  };
}

const postgresUrl = process.env.NATTER_TEST_POSTGRES_URL;

/**
 * The engines every contract suite loops over. PostgreSQL is skipped, visibly, without
 * NATTER_TEST_POSTGRES_URL; with it set, an unreachable server fails the tests.
 */
export const storageEngines: StorageEngine[] = [
  {
    name: 'sqlite',
    skip: false,
    place: sqlitePlace,
    open: async () => disposable(await sqlitePlace()),
  },
  {
    name: 'postgres',
    skip: postgresUrl === undefined ? 'NATTER_TEST_POSTGRES_URL is not set; PostgreSQL suites skipped' : false,
    place: () => postgresPlace(postgresUrl ?? ''),
    open: async () => disposable(await postgresPlace(postgresUrl ?? '')),
  },
];

let serial = 0;

/** A valid NewUser with a unique username and email; `overrides` win. */
export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  serial += 1;
  const tag = `${serial}-${randomBytes(3).toString('hex')}`;
  const username = overrides.username ?? `user-${tag}`;
  return {
    id: uuidv7(),
    username,
    email: `${username}@example.test`,
    displayName: `User ${tag}`,
    bio: '',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    role: 'user',
    createdAt: Date.now(),
    ...overrides,
  };
}

/** A live session of `userId` created at `now` and expiring a day later; `overrides` win. */
export function newSession(
  userId: string,
  now: number,
  overrides: Partial<Omit<SessionRecord, 'revokedAt'>> = {},
): Omit<SessionRecord, 'revokedAt'> {
  return {
    id: uuidv7(),
    userId,
    deviceLabel: 'Firefox on laptop',
    userAgent: 'Mozilla/5.0',
    ip: '192.0.2.1',
    createdAt: now,
    lastUsedAt: now,
    expiresAt: now + 24 * 60 * 60 * 1000,
    ...overrides,
  };
}

/** A random stand-in for a token hash. */
export function tokenHash(): string {
  return randomBytes(32).toString('base64url');
}
