import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { compactAnswers, expandAnswers } from '../../src/adapters/sqlite/commit-answers.ts';
import type { StoredEvent, Write } from '../../src/ports/event-log.ts';
import type { Storage } from '../../src/ports/storage.ts';
import {
  createUsers,
  joinWrite,
  leaveWrite,
  messageWrite,
  seedRoom,
  openSqliteFile,
  type SqliteFile,
} from '../helpers/storage.ts';

// The writer thread answers a stored write with its events' seqs only, and the main thread
// rebuilds the events from the writes it sent (commit-answers.ts). What it rebuilds must be what
// the log stored and what a log committing in-thread answers.

const now = 1_700_000_000_000;

for (const commitThread of [false, true]) {
  describe(`commit answers (${commitThread ? 'writer thread' : 'commits in-thread'})`, () => {
    let file: SqliteFile;
    let storage: Storage;
    let roomId: string;
    let ada: string;
    let bob: string;
    let cy: string;
    let dee: string;

    beforeEach(async () => {
      file = await openSqliteFile(commitThread);
      storage = file.storage;
      [ada = '', bob = '', cy = '', dee = ''] = await createUsers(storage, 4);
      roomId = (await seedRoom(storage, ada, [bob, dee], { createdAt: now })).id;
    });
    afterEach(() => file.remove());

    /** Every write kind the answers treat apart: stored, with a room-seq field, refused, repeated. */
    const batch = (): Write[] => [
      messageWrite(roomId, bob, 'first', { at: now + 1, txnId: 't1' }),
      joinWrite(roomId, cy, now + 2),
      messageWrite(roomId, ada, 'no txn', { at: now + 3, message: { mentions: [bob] } }),
      leaveWrite(roomId, dee, now + 4),
      messageWrite(roomId, dee, 'after leaving', { at: now + 5 }),
      messageWrite(roomId, bob, 'first, again', { at: now + 6, txnId: 't1' }),
    ];

    it('answers every write with what the log stored', async () => {
      const results = await storage.log.commit(batch());
      assert.deepEqual(
        results.map((r) => (r.ok ? (r.duplicate ? 'duplicate' : 'stored') : r.code)),
        ['stored', 'stored', 'stored', 'stored', 'room_not_found', 'duplicate'],
      );
      const stored = [
        ...(await storage.log.roomEvents(roomId, 0, 100)),
        ...(await storage.log.userEvents(cy, 0, 100)),
        ...(await storage.log.userEvents(dee, 0, 100)),
      ];
      const key = (e: StoredEvent) => `${e.stream}:${e.streamId}:${String(e.seq)}`;
      const byKey = new Map(stored.map((e) => [key(e), e]));
      const answered = results.flatMap((r) => (r.ok && !r.duplicate ? r.events : []));
      assert.equal(answered.length, 6, 'two messages, a join and a leave with their user events');
      for (const event of answered) assert.deepEqual(event, byKey.get(key(event)), key(event));
      // The room seq the join and the leave wrote into their members' own streams.
      const joined = results[1]?.ok === true ? results[1].events : [];
      assert.deepEqual(joined[1]?.data, { roomId, role: 'member', seq: joined[0]?.seq });
      // The repeat answers the first send's event, read back from the database.
      const [first, , , , , repeat] = results;
      assert.ok(first?.ok && repeat?.ok);
      assert.deepEqual(repeat.events, first.events);
    });

    it('round-trips through the compact form without a difference', async () => {
      const writes = batch();
      const results = await storage.log.commit(writes);
      const answers = compactAnswers(results);
      assert.deepEqual(answers[0], { seqs: [results[0]?.ok ? results[0].events[0]?.seq : -1] });
      assert.deepEqual(answers[4], results[4], 'a refusal travels whole');
      assert.deepEqual(answers[5], results[5], 'so does a repeat');
      assert.deepEqual(expandAnswers(writes, answers), results);
    });
  });
}

describe('expandAnswers', () => {
  it('refuses answers that do not fit the writes sent', () => {
    const write = messageWrite('room', 'user', 'hi', { at: now });
    assert.throws(() => expandAnswers([write], [{ seqs: [1, 2] }]), /other writes/);
    assert.throws(() => expandAnswers([], [{ seqs: [1] }]), /other writes/);
  });
});
