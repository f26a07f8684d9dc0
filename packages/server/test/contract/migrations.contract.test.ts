import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openStorage } from '../../src/adapters/open-storage.ts';
import { loadMigrations } from '../../src/adapters/sql-migrations.ts';
import { newUser, storageEngines, type StoragePlace } from '../helpers/storage.ts';

/** The versions the code knows, as schema_migrations records them. */
const applied = [
  { version: 1, name: 'accounts' },
  { version: 2, name: 'rooms' },
  { version: 3, name: 'txn-retention' },
  { version: 4, name: 'txn-on-messages' },
];

for (const engine of storageEngines) {
  describe(`migrations on ${engine.name}`, { skip: engine.skip }, () => {
    let place: StoragePlace;
    beforeEach(async () => {
      place = await engine.place();
    });
    afterEach(async () => {
      await place.drop();
    });

    const versions = () => place.query('SELECT version, name FROM schema_migrations ORDER BY version');

    it('records every migration on a fresh database', async () => {
      const storage = await place.open();
      await storage.close();
      assert.deepEqual(await versions(), applied);
      const [row] = await place.query('SELECT applied_at FROM schema_migrations');
      assert.equal(typeof row?.applied_at, 'number');
    });

    it('keeps data and applies nothing twice when reopened', async () => {
      const first = await place.open();
      const user = await first.users.create(newUser(), { adminIfFirst: true });
      await first.close();

      const second = await place.open();
      assert.deepEqual(await second.users.findById(user.id), user);
      await second.close();
      assert.deepEqual(await versions(), applied);
    });

    it('migrates once when several instances open the same database at once', async () => {
      const opened = await Promise.all([place.open(), place.open(), place.open()]);
      await Promise.all(opened.map((storage) => storage.close()));
      assert.deepEqual(await versions(), applied);
    });

    it('refuses a database migrated by a newer version', async () => {
      await (await place.open()).close();
      await place.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
      await assert.rejects(place.open(), /schema is at version 999, newer than this Natter knows \(4\)/);
    });

    it('lets pending calls finish when closed', { timeout: 10_000 }, async () => {
      const storage = await place.open();
      const user = await storage.users.create(newUser(), { adminIfFirst: false });
      // More calls than the pool has connections, so some are still queued when close() starts.
      const pending = Array.from({ length: 25 }, () => storage.users.findById(user.id));
      await storage.close();
      const found = await Promise.all(pending);
      assert.deepEqual(
        found.map((record) => record?.id),
        Array.from({ length: 25 }, () => user.id),
      );
    });

    it('answers ping while open and closes idempotently', async () => {
      const storage = await place.open();
      assert.equal(storage.engine, engine.name);
      await storage.ping();
      await storage.close();
      await storage.close();
      await assert.rejects(storage.ping());
    });
  });
}

describe('openStorage', () => {
  let dir: string;
  let cwd: string;
  beforeEach(async () => {
    cwd = process.cwd();
    dir = await mkdtemp(join(tmpdir(), 'natter-open-'));
  });
  afterEach(async () => {
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  });

  it('opens a SQLite path relative to the working directory, creating its folder', async () => {
    process.chdir(dir);
    const storage = await openStorage('sqlite:data/natter.db');
    await storage.close();
    assert.equal(storage.engine, 'sqlite');
    assert.ok(existsSync(join(dir, 'data', 'natter.db')));
  });

  it('opens an in-memory SQLite database', async () => {
    const storage = await openStorage('sqlite::memory:');
    const user = await storage.users.create(newUser(), { adminIfFirst: true });
    assert.equal(user.role, 'admin');
    await storage.close();
  });

  it('refuses an unknown scheme, naming the accepted ones and hiding the password', async () => {
    await assert.rejects(openStorage('mysql://root:hunter2@localhost/natter'), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /sqlite:<path>.*sqlite::memory:.*postgres:\/\/.*postgresql:\/\//);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
    await assert.rejects(openStorage('sqlite://natter.db'), /use sqlite:<path>/);
  });
});

// Migration 4 moves each send's txn id from client_txns onto its message (the SQLite side has
// sqlite-txn-migration.test.ts). A database written before it still answers retries of its sends.
const postgres = storageEngines.find((engine) => engine.name === 'postgres');
describe('migration 4 on postgres', { skip: postgres?.skip ?? 'no PostgreSQL engine' }, () => {
  it('carries every txn id over to the message it sent', async () => {
    if (postgres === undefined) return;
    const place = await postgres.place();
    try {
      const [path] = await place.query('SHOW search_path');
      await place.query(`CREATE SCHEMA ${String(path?.search_path)}`);
      await place.query(
        'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
      );
      const dir = join(import.meta.dirname, '../../src/adapters/postgres/sql');
      for (const migration of loadMigrations(dir).filter((m) => m.version <= 3)) {
        await place.query(migration.sql);
        await place.query(
          `INSERT INTO schema_migrations VALUES (${String(migration.version)}, '${migration.name}', 0)`,
        );
      }
      await place.query(`INSERT INTO users (id, username, email, display_name, display_name_lower, bio, password_hash,
        role, created_at, updated_at) VALUES ('u1', 'u1', 'u1@example.test', 'u1', 'u1', '', 'x', 'user', 0, 0),
        ('u2', 'u2', 'u2@example.test', 'u2', 'u2', '', 'x', 'user', 0, 0)`);
      await place.query(`INSERT INTO rooms (id, kind, name, name_lower, topic, visibility, last_seq, last_event_at,
        created_at) VALUES ('r1', 'group', 'R', 'r', '', 'private', 3, 0, 0)`);
      await place.query(`INSERT INTO messages (id, room_id, seq, sender_id, kind, body, mentions, created_at) VALUES
        ('m1', 'r1', 1, 'u1', 'text', 'hi', '[]', 1000), ('m2', 'r1', 2, 'u2', 'text', 'hi', '[]', 2000),
        ('m3', 'r1', 3, 'u1', 'text', 'hi', '[]', 3000)`);
      await place.query(`INSERT INTO client_txns (user_id, txn_id, room_id, seq, at) VALUES
        ('u1', 'same', 'r1', 1, 1000), ('u2', 'same', 'r1', 2, 2000)`);

      const storage = await place.open();
      try {
        assert.deepEqual(await storage.log.findTxn('u1', 'same', 0), { roomId: 'r1', seq: 1 });
        assert.deepEqual(await storage.log.findTxn('u2', 'same', 0), { roomId: 'r1', seq: 2 });
        assert.equal(await storage.log.findTxn('u1', 'other', 0), undefined);
        assert.equal(
          await storage.log.findTxn('u1', 'same', 1500),
          undefined,
          'the retention applies by the send’s time',
        );
        assert.deepEqual(await storage.log.findTxn('u2', 'same', 1500), { roomId: 'r1', seq: 2 });
      } finally {
        await storage.close();
      }
      assert.deepEqual(await place.query("SELECT to_regclass('client_txns') AS gone"), [{ gone: null }]);
    } finally {
      await place.drop();
    }
  });
});
