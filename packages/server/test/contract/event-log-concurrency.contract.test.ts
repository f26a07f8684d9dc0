import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Write } from '../../src/ports/event-log.ts';
import type { Storage } from '../../src/ports/storage.ts';
import {
  commitOk,
  createUsers,
  messageWrite,
  seedRoom,
  storageEngines,
  type StoragePlace,
} from '../helpers/storage.ts';

// Two Storage instances on one database stand for two server instances (on SQLite, two
// connections to one file). They commit interleaved batches over the same rooms while a reader
// watches: what every client relies on is that a room's log is 1, 2, 3... with no hole ever
// visible, since a reader that saw seq n+1 before n committed would skip n forever.

const now = 1_700_000_000_000;
const batches = 12;

/** The seqs of a room's log as a reader sees it now. */
async function seqsOf(storage: Storage, roomId: string): Promise<number[]> {
  return (await storage.log.roomEvents(roomId, 0, 100_000)).map((event) => event.seq);
}

/** The first hole or disorder in seqs that should be 1..n, or undefined. */
function gapIn(seqs: readonly number[]): string | undefined {
  const bad = seqs.findIndex((seq, i) => seq !== i + 1);
  return bad === -1 ? undefined : `expected seq ${bad + 1} at position ${bad}, found ${seqs[bad]}`;
}

for (const engine of storageEngines) {
  describe(`EventLog under concurrency on ${engine.name}`, { skip: engine.skip, timeout: 60_000 }, () => {
    let place: StoragePlace;
    let one: Storage;
    let two: Storage;
    let users: string[];
    let rooms: string[];
    beforeEach(async () => {
      place = await engine.place();
      one = await place.open();
      two = await place.open();
      users = await createUsers(one, 4);
      const [owner = '', ...others] = users;
      rooms = [];
      for (let i = 0; i < 4; i++) rooms.push((await seedRoom(one, owner, others, { createdAt: now })).id);
    });
    afterEach(async () => {
      await one.close();
      await two.close();
      await place.drop();
    });

    /** A batch touching every room: sends, and a read marker (a write that changes state). */
    function batch(instance: string, index: number, order: readonly string[]): Write[] {
      return order.flatMap((roomId, i) => {
        const sender = users[(index + i) % users.length] ?? '';
        const send = messageWrite(roomId, sender, `${instance}:${index}`, { at: now + index });
        const read: Write = {
          require: [{ check: 'member', roomId, userId: sender }],
          changes: [{ op: 'read.set', roomId, userId: sender, seq: index }],
          events: [{ stream: { room: roomId }, type: 'read.updated', actorId: sender, data: { instance, index } }],
          at: now + index,
        };
        return [send, read];
      });
    }

    it('keeps every room’s seqs 1..n, never showing a hole, while two instances interleave batches', async () => {
      const holes: string[] = [];
      const state = { writing: true };
      const watch = (async () => {
        while (state.writing) {
          for (const roomId of rooms) {
            const gap = gapIn(await seqsOf(two, roomId));
            if (gap !== undefined) holes.push(`${roomId}: ${gap}`);
          }
        }
      })();
      // Opposite room orders, and two committers per instance (each a pooled connection on PostgreSQL).
      const committer = async (storage: Storage, instance: string, order: readonly string[]) => {
        for (let i = 0; i < batches; i++) await commitOk(storage, ...batch(instance, i, order));
      };
      try {
        await Promise.all([
          committer(one, 'a', rooms),
          committer(one, 'b', [...rooms].reverse()),
          committer(two, 'c', [...rooms].reverse()),
          committer(two, 'd', rooms),
        ]);
      } finally {
        state.writing = false;
        await watch;
      }
      assert.deepEqual(holes, []);
      const setupEvents = 1 + users.length - 1; // room.created, then one member.joined per member
      for (const roomId of rooms) {
        const events = await one.log.roomEvents(roomId, 0, 100_000);
        assert.equal(gapIn(events.map((e) => e.seq)), undefined);
        assert.equal(events.length, setupEvents + 4 * batches * 2);
        assert.equal((await one.rooms.room(roomId))?.lastSeq, events.length);
        // Each committer commits its batches one after another: its events appear in that order.
        for (const instance of ['a', 'b', 'c', 'd']) {
          const mine = events.filter(
            (e) => e.type === 'read.updated' && (e.data as { instance: string }).instance === instance,
          );
          assert.deepEqual(
            mine.map((e) => (e.data as { index: number }).index),
            Array.from({ length: batches }, (_, i) => i),
          );
        }
        // Every message carries the seq of its own message.created event.
        const messages = await one.rooms.messages(roomId, { limit: 1000, newest: false });
        const created = events.filter((e) => e.type === 'message.created').map((e) => e.seq);
        assert.deepEqual(
          messages.map((m) => m.seq),
          created,
        );
      }
    });

    it('stores a send once when two instances commit the same txn at the same moment', async () => {
      const [roomId = ''] = rooms;
      const sender = users[1] ?? '';
      for (let i = 0; i < 10; i++) {
        const write = messageWrite(roomId, sender, `retry ${i}`, { at: now, txnId: `tx-${i}` });
        const [fromOne, fromTwo] = await Promise.all([one.log.commit([write]), two.log.commit([write])]);
        const results = [fromOne[0], fromTwo[0]];
        const stored = results.filter((r) => r?.ok === true && !r.duplicate);
        const duplicates = results.filter((r) => r?.ok === true && r.duplicate);
        assert.equal(stored.length, 1);
        assert.equal(duplicates.length, 1);
        assert.deepEqual(stored[0]?.ok && stored[0].events, duplicates[0]?.ok && duplicates[0].events);
      }
      const bodies = (await one.rooms.messages(roomId, { limit: 100, newest: false })).map((m) => m.body);
      assert.deepEqual(
        bodies,
        Array.from({ length: 10 }, (_, i) => `retry ${i}`),
      );
      assert.equal(gapIn(await seqsOf(one, roomId)), undefined);
    });

    it('lets one of two rooms have a txn id used for both at the same moment', async () => {
      const [first = '', second = ''] = rooms;
      const sender = users[1] ?? '';
      for (let i = 0; i < 10; i++) {
        const [a, b] = await Promise.all([
          one.log.commit([messageWrite(first, sender, 'here', { at: now, txnId: `tx-${i}` })]),
          two.log.commit([messageWrite(second, sender, 'there', { at: now, txnId: `tx-${i}` })]),
        ]);
        const outcomes = [a[0], b[0]].map((r) => (r?.ok ? 'ok' : r?.code)).sort();
        assert.deepEqual(outcomes, ['ok', 'txn_id_conflict']);
      }
      const count = async (roomId: string) => (await one.rooms.messages(roomId, { limit: 100, newest: false })).length;
      assert.equal((await count(first)) + (await count(second)), 10);
    });
  });
}
