import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { configureConnection } from '../../src/adapters/sqlite/sqlite-support.ts';
import type { Storage } from '../../src/ports/storage.ts';
import {
  commitOk,
  createUsers,
  messageWrite,
  newSession,
  seedRoom,
  tokenHash,
  openSqliteFile,
  type SqliteFile,
} from '../helpers/storage.ts';

// The SQLite stores read inside one snapshot per event-loop turn (settleRead). These pin down when
// a snapshot ends, since a snapshot kept too long would hide a commit from a reader that already
// heard of it, and a write inside one would fail or be committed late.

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

for (const commitThread of [false, true]) {
  describe(`SQLite read snapshots (${commitThread ? 'writer thread' : 'commits in-thread'})`, () => {
    let file: SqliteFile;
    let storage: Storage;
    let other: DatabaseSync;

    beforeEach(async () => {
      file = await openSqliteFile(commitThread);
      storage = file.storage;
      other = new DatabaseSync(file.path);
      configureConnection(other);
    });
    afterEach(async () => {
      other.close();
      await file.remove();
    });

    /** Renames a user through the second connection, as another process would. */
    const renameElsewhere = (userId: string, name: string): void => {
      other.prepare('UPDATE users SET display_name = ? WHERE id = ?').run(name, userId);
    };

    it("shares one snapshot among a turn's reads and takes a new one on the next turn", async () => {
      const [id = ''] = await createUsers(storage, 1);
      await nextTurn();
      const before = storage.users.findById(id);
      renameElsewhere(id, 'Renamed');
      const sameTurn = storage.users.findById(id);
      assert.notEqual((await before)?.displayName, 'Renamed');
      assert.notEqual((await sameTurn)?.displayName, 'Renamed', 'a read later in the turn uses the same snapshot');
      await nextTurn();
      assert.equal((await storage.users.findById(id))?.displayName, 'Renamed');
    });

    it('ends the snapshot before a write, which then succeeds at once and is seen', async () => {
      const [id = ''] = await createUsers(storage, 1);
      const session = await storage.sessions.create(newSession(id, Date.now()), tokenHash());
      await nextTurn();
      const read = storage.users.findById(id);
      // Another connection commits after the snapshot began: a write inside that snapshot would
      // fail with SQLITE_BUSY_SNAPSHOT, or be committed only at the end of the turn.
      renameElsewhere(id, 'Renamed');
      const revoked = storage.sessions.revoke(id, session.id, Date.now());
      const after = storage.users.findById(id);
      await read;
      assert.equal(await revoked, true);
      assert.equal((await after)?.displayName, 'Renamed', 'the write ended the old snapshot');
      const row = other.prepare('SELECT revoked_at FROM sessions WHERE id = ?').get(session.id);
      assert.notEqual(row?.revoked_at, null, 'the write is committed at once, not at the end of the turn');
    });

    it('a reader that has heard of a commit reads it, even with a snapshot taken before', async () => {
      const [owner = '', member = ''] = await createUsers(storage, 2);
      const room = await seedRoom(storage, owner, [member]);
      await nextTurn();
      const seen = storage.log.roomEvents(room.id, 0, 1000);
      const [[sent] = []] = await commitOk(storage, messageWrite(room.id, member, 'hello'));
      const events = await storage.log.roomEvents(room.id, 0, 1000);
      assert.ok(sent);
      assert.equal(events.at(-1)?.seq, sent.seq);
      assert.equal((await seen).length, events.length - 1);
    });

    it('closes with a snapshot open', async () => {
      await storage.users.findByUsername('nobody');
      await storage.close();
    });
  });
}
