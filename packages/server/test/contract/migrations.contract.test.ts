import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openStorage } from '../../src/adapters/open-storage.ts';
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
