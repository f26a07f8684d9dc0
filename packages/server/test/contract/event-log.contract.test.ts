import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { StoredEvent, Write } from '../../src/ports/event-log.ts';
import type { Storage } from '../../src/ports/storage.ts';
import {
  commitOk,
  commitOne,
  createRoomWrite,
  createUsers,
  joinWrite,
  leaveWrite,
  messageWrite,
  newRoom,
  seedRoom,
  storageEngines,
} from '../helpers/storage.ts';

const now = 1_700_000_000_000;

/** The seqs of a room's whole log. */
async function roomSeqs(storage: Storage, roomId: string): Promise<number[]> {
  return (await storage.log.roomEvents(roomId, 0, 10_000)).map((event) => event.seq);
}

for (const engine of storageEngines) {
  describe(`EventLog on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let ada: string;
    let bob: string;
    let roomId: string;
    beforeEach(async () => {
      storage = await engine.open();
      [ada = '', bob = ''] = await createUsers(storage, 2);
      roomId = (await seedRoom(storage, ada, [bob], { createdAt: now })).id;
    });
    afterEach(async () => {
      await storage.close();
    });

    const send = (body: string, options: { txnId?: string; txnSince?: number; at?: number } = {}) =>
      messageWrite(roomId, bob, body, { at: now + 10, ...options });

    it('numbers a room’s events 1, 2, 3... and a user’s events the same way, apart', async () => {
      const [first, second] = await commitOk(storage, send('one'), send('two'));
      assert.deepEqual([first?.[0]?.seq, second?.[0]?.seq], [3, 4]);
      assert.deepEqual(await roomSeqs(storage, roomId), [1, 2, 3, 4]);
      assert.equal((await storage.rooms.room(roomId))?.lastSeq, 4);
      // room.joined in each member's own stream, with the room seq of their join filled in.
      assert.deepEqual(
        (await storage.log.userEvents(bob, 0, 10)).map((e) => [e.seq, e.type, e.data]),
        [[1, 'room.joined', { roomId, role: 'member', seq: 2 }]],
      );
      assert.equal(await storage.log.userSeq(bob), 1);
      assert.equal(await storage.log.userSeq(ada), 1);
    });

    it('answers each write of a batch in order, and a failing one stores nothing while the others commit', async () => {
      const [cy = ''] = await createUsers(storage, 1);
      const results = await storage.log.commit([
        send('before'),
        messageWrite(roomId, cy, 'not a member'),
        send('after'),
      ]);
      assert.deepEqual(
        results.map((r) => (r.ok ? r.events.map((e) => e.seq) : r.code)),
        [[3], 'room_not_found', [4]],
      );
      const bodies = (await storage.rooms.messages(roomId, { limit: 10, newest: false })).map((m) => m.body);
      assert.deepEqual(bodies, ['before', 'after']);
    });

    it('rolls back a write whose change collides, keeping the writes around it and the seqs gap-free', async () => {
      const direct = newRoom(null, {
        kind: 'direct',
        name: '',
        directKey: [ada, bob].sort().join(':'),
        createdAt: now,
      });
      await commitOk(storage, createRoomWrite(direct, ada));
      const again = newRoom(null, { kind: 'direct', name: '', directKey: direct.directKey, createdAt: now });
      const results = await storage.log.commit([send('one'), createRoomWrite(again, bob), send('two')]);
      assert.deepEqual(results[1], { ok: false, code: 'unique_violation', field: 'direct_key' });
      assert.equal(await storage.rooms.room(again.id), undefined);
      assert.deepEqual(await storage.log.userEvents(bob, 1, 10), []);
      assert.deepEqual(await roomSeqs(storage, roomId), [1, 2, 3, 4]);
    });

    it('stores event data as given and answers it back the same way', async () => {
      const data = {
        text: 'é ✓ "quoted" \\ \n',
        n: 1.5,
        big: 2 ** 52,
        list: [1, null, { deep: [true, false] }],
        none: null,
      };
      const write: Write = {
        require: [],
        changes: [],
        events: [
          { stream: { room: roomId }, type: 'custom.room', actorId: null, data },
          { stream: { user: ada }, type: 'custom.user', actorId: bob, data: ['array', 'data'] },
          { stream: { user: ada }, type: 'custom.scalar', actorId: bob, data: 'just a string' },
        ],
        at: now + 5,
      };
      const [events] = await commitOk(storage, write);
      const expected: StoredEvent[] = [
        { stream: 'room', streamId: roomId, seq: 3, type: 'custom.room', actorId: null, data, at: now + 5 },
        {
          stream: 'user',
          streamId: ada,
          seq: 2,
          type: 'custom.user',
          actorId: bob,
          data: ['array', 'data'],
          at: now + 5,
        },
        {
          stream: 'user',
          streamId: ada,
          seq: 3,
          type: 'custom.scalar',
          actorId: bob,
          data: 'just a string',
          at: now + 5,
        },
      ];
      assert.deepEqual(events, expected);
      assert.deepEqual(await storage.log.roomEvents(roomId, 2, 10), [expected[0]]);
      assert.deepEqual(await storage.log.userEvents(ada, 1, 10), expected.slice(1));
    });

    it('reads room events by range, and the latest ones of a range', async () => {
      await commitOk(storage, ...['a', 'b', 'c', 'd', 'e'].map((body) => send(body)));
      const seqs = (events: StoredEvent[]) => events.map((e) => e.seq);
      assert.deepEqual(seqs(await storage.log.roomEvents(roomId, 2, 3)), [3, 4, 5]);
      assert.deepEqual(seqs(await storage.log.roomEvents(roomId, 2, 10, 5)), [3, 4, 5]);
      assert.deepEqual(seqs(await storage.log.roomEvents(roomId, 7, 10)), []);
      assert.deepEqual(seqs(await storage.log.latestRoomEvents(roomId, 0, 2)), [6, 7]);
      assert.deepEqual(seqs(await storage.log.latestRoomEvents(roomId, 2, 2, 5)), [4, 5]);
      assert.deepEqual(seqs(await storage.log.latestRoomEvents(roomId, 4, 10, 6)), [5, 6]);
      assert.deepEqual(seqs(await storage.log.roomEvents(roomId, 0, 0)), []);
      assert.deepEqual(await storage.log.userEvents(bob, 1, 10), []);
      assert.equal(await storage.log.userSeq(roomId), 0);
    });

    describe('transaction ids', () => {
      it('answers a retry with the original event and stores nothing new', async () => {
        const original = await commitOne(storage, send('hello', { txnId: 'tx-1' }));
        const retry = await commitOne(storage, send('hello again', { txnId: 'tx-1', at: now + 99 }));
        assert.ok(original.ok && retry.ok);
        assert.equal(original.duplicate, false);
        assert.deepEqual(retry, { ok: true, events: original.events, duplicate: true });
        assert.deepEqual(await roomSeqs(storage, roomId), [1, 2, 3]);
        const messages = await storage.rooms.messages(roomId, { limit: 10, newest: false });
        assert.deepEqual(
          messages.map((m) => m.body),
          ['hello'],
        );
      });

      it('forgets a txn id used before the retention window, and only such a use', async () => {
        await commitOk(storage, send('old', { txnId: 'tx-old', at: now }));
        await commitOk(storage, send('new', { txnId: 'tx-new', at: now + 1000 }));
        const since = now + 1;
        assert.equal(await storage.log.findTxn(bob, 'tx-old', since), undefined);
        assert.ok(await storage.log.findTxn(bob, 'tx-old', now), 'inside its window it counts');
        assert.ok(await storage.log.findTxn(bob, 'tx-new', since));
        const kept = await commitOne(storage, send('new', { txnId: 'tx-new', at: now + 2000, txnSince: since }));
        assert.ok(kept.ok && kept.duplicate);
        const forgotten = await commitOne(
          storage,
          send('old again', { txnId: 'tx-old', at: now + 2000, txnSince: since }),
        );
        assert.ok(forgotten.ok && !forgotten.duplicate, 'past the retention, the id is free again');
        // The new use is what a retry finds from then on, twice in one batch too.
        assert.ok(forgotten.ok);
        const seq = forgotten.events[0]?.seq;
        const retries = await storage.log.commit([
          send('old again, retried', { txnId: 'tx-old', at: now + 3000, txnSince: since }),
          send('old again, retried twice', { txnId: 'tx-old', at: now + 3000, txnSince: since }),
        ]);
        assert.deepEqual(
          retries.map((r) => r.ok && r.duplicate && r.events[0]?.seq),
          [seq, seq],
        );
        assert.deepEqual(
          (await storage.rooms.messages(roomId, { limit: 10, newest: false })).map((m) => m.body),
          ['old', 'new', 'old again'],
        );
      });

      it('answers a retry even when the requirements no longer hold', async () => {
        const original = await commitOne(storage, send('hello', { txnId: 'tx-1' }));
        await commitOk(storage, leaveWrite(roomId, bob, now + 20));
        assert.deepEqual(await commitOne(storage, send('hello', { txnId: 'tx-1' })), { ...original, duplicate: true });
        assert.deepEqual(await commitOne(storage, send('hello', { txnId: 'tx-2' })), {
          ok: false,
          code: 'room_not_found',
        });
      });

      it('refuses a txn id reused for another room with txn_id_conflict', async () => {
        const other = (await seedRoom(storage, ada, [bob], { createdAt: now })).id;
        await commitOk(storage, send('hello', { txnId: 'tx-1' }));
        const reuse = messageWrite(other, bob, 'elsewhere', { at: now, txnId: 'tx-1' });
        assert.deepEqual(await commitOne(storage, reuse), { ok: false, code: 'txn_id_conflict' });
        assert.deepEqual(await roomSeqs(storage, other), [1, 2]);
      });

      it('keeps txn ids per user: another user may use the same id', async () => {
        const mine = await commitOne(storage, send('from bob', { txnId: 'tx-1' }));
        const theirs = await commitOne(storage, messageWrite(roomId, ada, 'from ada', { at: now, txnId: 'tx-1' }));
        assert.ok(mine.ok && theirs.ok);
        assert.deepEqual([mine.duplicate, theirs.duplicate], [false, false]);
        assert.deepEqual(await roomSeqs(storage, roomId), [1, 2, 3, 4]);
      });

      it('stores one message when a batch carries the same txn twice', async () => {
        const results = await storage.log.commit([send('once', { txnId: 'tx-1' }), send('once', { txnId: 'tx-1' })]);
        assert.ok(results[0]?.ok && results[1]?.ok);
        assert.deepEqual(results[1], { ok: true, events: results[0].events, duplicate: true });
        assert.deepEqual(await roomSeqs(storage, roomId), [1, 2, 3]);
      });

      it('lets a retry through when the first attempt was refused', async () => {
        const [cy = ''] = await createUsers(storage, 1);
        const attempt = messageWrite(roomId, cy, 'hi', { at: now, txnId: 'tx-1' });
        assert.deepEqual(await commitOne(storage, attempt), { ok: false, code: 'room_not_found' });
        await commitOk(storage, joinWrite(roomId, cy, now));
        const retry = await commitOne(storage, attempt);
        assert.ok(retry.ok);
        assert.equal(retry.duplicate, false);
      });
    });

    describe('malformed writes', () => {
      const base: Write = { require: [], changes: [], events: [], at: now };

      it('refuses the whole batch, storing nothing, for two room events in one write', async () => {
        const event = { stream: { room: roomId }, type: 'x', actorId: null, data: {} };
        await assert.rejects(storage.log.commit([send('fine'), { ...base, events: [event, event] }]), TypeError);
        assert.deepEqual(await roomSeqs(storage, roomId), [1, 2]);
      });

      it('refuses a txn, a seq-taking change or a roomSeqField without the room event', async () => {
        const userEvent = { stream: { user: ada }, type: 'x', actorId: null, data: {}, roomSeqField: 'seq' };
        const malformed: Write[] = [
          { ...send('hi', { txnId: 't' }), events: [] },
          { ...base, changes: [{ op: 'member.remove', roomId, userId: bob }] },
          { ...base, events: [userEvent] },
        ];
        for (const write of malformed) await assert.rejects(storage.log.commit([write]), TypeError);
        assert.deepEqual(await storage.rooms.memberIds(roomId), [ada, bob].sort());
      });

      it('refuses a txn on a write that sends no message, or another user’s, or two', async () => {
        const reaction: Write = {
          txn: { userId: bob, txnId: 'r', roomId, since: 0 },
          require: [],
          changes: [],
          events: [{ stream: { room: roomId }, type: 'test', actorId: bob, data: {} }],
          at: now,
        };
        const first = send('one');
        const twice: Write = { ...send('two', { txnId: 't2' }), changes: [...first.changes, ...send('three').changes] };
        const otherSender: Write = {
          ...messageWrite(roomId, ada, 'hi'),
          txn: { userId: bob, txnId: 't3', roomId, since: 0 },
        };
        for (const write of [reaction, twice, otherSender]) {
          await assert.rejects(storage.log.commit([write]), TypeError);
        }
        assert.deepEqual(await roomSeqs(storage, roomId), [1, 2], 'nothing stored');
      });

      it('answers an empty batch with no results', async () => {
        assert.deepEqual(await storage.log.commit([]), []);
      });
    });

    it('answers unique_violation naming the relation when a follow, block or contact already exists', async () => {
      const follow: Write = {
        require: [],
        changes: [{ op: 'follow.add', followerId: ada, followeeId: bob, at: now }],
        events: [],
        at: now,
      };
      const block: Write = {
        require: [],
        changes: [{ op: 'block.add', blockerId: ada, blockedId: bob, at: now }],
        events: [],
        at: now,
      };
      const contact: Write = {
        require: [],
        changes: [{ op: 'contact.add', a: ada, b: bob, at: now }],
        events: [],
        at: now,
      };
      const request: Write = {
        require: [],
        changes: [{ op: 'contact.request', fromId: ada, toId: bob, at: now }],
        events: [],
        at: now,
      };
      await commitOk(storage, follow, block, contact, request);
      const again = await storage.log.commit([follow, block, contact, request]);
      assert.deepEqual(
        again.map((r) => (r.ok ? 'ok' : r.field)),
        ['follow', 'block', 'contact', 'contact_request'],
      );
    });
  });
}
