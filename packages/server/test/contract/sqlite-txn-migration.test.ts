import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { migrateSqlite } from '../../src/adapters/sqlite/migrations.ts';
import { SqliteEventLog } from '../../src/adapters/sqlite/sqlite-event-log.ts';
import { loadMigrations } from '../../src/adapters/sql-migrations.ts';

// Migration 4 moves each send's client transaction id from client_txns onto its message. A
// database written before it must still answer a retry of those sends as a repeat.

const migrations = loadMigrations(join(import.meta.dirname, '../../src/adapters/sqlite/sql'));

describe('SQLite migration 4 (txn ids on messages)', () => {
  it('carries every txn id over to the message it sent', async () => {
    const db = new DatabaseSync(':memory:');
    migrateSqlite(
      db,
      migrations.filter((m) => m.version <= 3),
    );
    const insertUser = db.prepare(
      `INSERT INTO users (id, username, email, display_name, display_name_lower, bio, password_hash, role,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', 'x', 'user', 0, 0)`,
    );
    for (const id of ['u1', 'u2']) insertUser.run(id, id, `${id}@example.test`, id, id);
    db.prepare(
      `INSERT INTO rooms (id, kind, name, name_lower, topic, visibility, last_seq, last_event_at, created_at)
       VALUES ('r1', 'group', 'R', 'r', '', 'private', 3, 0, 0)`,
    ).run();
    const insertMessage = db.prepare(
      `INSERT INTO messages (id, room_id, seq, sender_id, kind, body, mentions, created_at)
       VALUES (?, 'r1', ?, ?, 'text', 'hi', '[]', ?)`,
    );
    insertMessage.run('m1', 1, 'u1', 1000);
    insertMessage.run('m2', 2, 'u2', 2000);
    insertMessage.run('m3', 3, 'u1', 3000);
    const insertTxn = db.prepare(
      "INSERT INTO client_txns (user_id, txn_id, room_id, seq, at) VALUES (?, ?, 'r1', ?, ?)",
    );
    insertTxn.run('u1', 'same', 1, 1000);
    insertTxn.run('u2', 'same', 2, 2000);

    assert.deepEqual(migrateSqlite(db, migrations), { from: 3, to: 4 });
    const log = new SqliteEventLog(db);
    assert.deepEqual(await log.findTxn('u1', 'same', 0), { roomId: 'r1', seq: 1 });
    assert.deepEqual(await log.findTxn('u2', 'same', 0), { roomId: 'r1', seq: 2 });
    assert.deepEqual(
      db
        .prepare('SELECT id, txn_id FROM messages ORDER BY seq')
        .all()
        .map((row) => ({ ...row })),
      [
        { id: 'm1', txn_id: 'same' },
        { id: 'm2', txn_id: 'same' },
        { id: 'm3', txn_id: null },
      ],
    );
    assert.equal(await log.findTxn('u1', 'same', 1500), undefined, 'the retention applies by the send’s time');
    assert.deepEqual(await log.findTxn('u2', 'same', 1500), { roomId: 'r1', seq: 2 });
    assert.equal(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'client_txns'").get()?.n, 0);
    db.close();
  });
});
