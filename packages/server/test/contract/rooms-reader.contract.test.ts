import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Storage } from '../../src/ports/storage.ts';
import {
  changeWrite,
  commitOk,
  commitOne,
  createRoomWrite,
  createUsers,
  joinWrite,
  leaveWrite,
  messageWrite,
  newRoom,
  seedRoom,
  sentMessage,
  storageEngines,
} from '../helpers/storage.ts';

const now = 1_700_000_000_000;

for (const engine of storageEngines) {
  describe(`RoomReader on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let ada: string, bob: string, cy: string, dan: string;
    beforeEach(async () => {
      storage = await engine.open();
      [ada = '', bob = '', cy = '', dan = ''] = await createUsers(storage, 4);
    });
    afterEach(async () => {
      await storage.close();
    });

    it('finds rooms by id, by join code (any case, live rooms only) and by direct key', async () => {
      const coded = await seedRoom(storage, ada, [], { joinCode: 'K7QX2MZ9PB', passwordHash: 'hash', createdAt: now });
      const key = [ada, bob].sort().join(':');
      const direct = newRoom(null, { kind: 'direct', name: '', directKey: key, createdAt: now });
      await commitOk(storage, createRoomWrite(direct, ada));
      assert.deepEqual(await storage.rooms.room(coded.id), {
        ...coded,
        memberCount: 1,
        lastSeq: 1,
        deletedAt: null,
      });
      assert.equal((await storage.rooms.roomByCode('k7qx2mz9pb'))?.id, coded.id);
      assert.equal((await storage.rooms.directRoom(key))?.id, direct.id);
      assert.equal(await storage.rooms.roomByCode('NOPE'), undefined);

      await commitOk(storage, changeWrite(coded.id, now + 1, { op: 'room.delete', roomId: coded.id, at: now + 1 }));
      assert.equal(await storage.rooms.roomByCode('K7QX2MZ9PB'), undefined);
      assert.equal((await storage.rooms.room(coded.id))?.deletedAt, now + 1);
      // A deleted room frees its code; a live one keeps it to itself.
      const reused = await seedRoom(storage, bob, [], { joinCode: 'K7QX2MZ9PB', createdAt: now });
      assert.equal((await storage.rooms.roomByCode('K7QX2MZ9PB'))?.id, reused.id);
      const clash = newRoom(cy, { joinCode: 'k7qx2mz9pb', createdAt: now });
      assert.deepEqual(await commitOne(storage, createRoomWrite(clash, cy)), {
        ok: false,
        code: 'unique_violation',
        field: 'join_code',
      });
    });

    it('applies a room.update patch, leaving out what it does not name and clearing what it sets to null', async () => {
      const room = await seedRoom(storage, ada, [bob], { joinCode: 'AAAA', passwordHash: 'h', visibility: 'public' });
      await commitOk(
        storage,
        changeWrite(room.id, now, { op: 'room.update', roomId: room.id, patch: { name: 'Renamed' } }),
      );
      await commitOk(
        storage,
        changeWrite(room.id, now, {
          op: 'room.update',
          roomId: room.id,
          patch: { passwordHash: null, joinCode: null, ownerId: bob, topic: 'T' },
        }),
      );
      const updated = await storage.rooms.room(room.id);
      assert.deepEqual(
        updated && [
          updated.name,
          updated.topic,
          updated.visibility,
          updated.passwordHash,
          updated.joinCode,
          updated.ownerId,
        ],
        ['Renamed', 'T', 'public', null, null, bob],
      );
      assert.deepEqual(
        (await storage.rooms.directory({ query: 'renam', limit: 10 })).map((r) => r.id),
        [room.id],
      );
    });

    it('lists members by user id in pages, with their roles, marks and mutes', async () => {
      const room = await seedRoom(storage, ada, [bob, cy, dan], { createdAt: now });
      await commitOk(
        storage,
        changeWrite(room.id, now, {
          op: 'member.update',
          roomId: room.id,
          userId: cy,
          role: 'admin',
          mutedUntil: now + 60_000,
        }),
      );
      const all = [ada, bob, cy, dan].sort();
      const page = async (after: string | undefined, limit: number) =>
        (await storage.rooms.members(room.id, { ...(after === undefined ? {} : { after }), limit })).map(
          (m) => m.userId,
        );
      assert.deepEqual(await page(undefined, 2), all.slice(0, 2));
      assert.deepEqual(await page(all[1], 2), all.slice(2, 4));
      assert.deepEqual(await page(all[3], 2), []);
      assert.deepEqual(await storage.rooms.memberIds(room.id), all);
      // bob joined with seq 2 (after room.created); his read marker starts there.
      assert.deepEqual(await storage.rooms.member(room.id, bob), {
        roomId: room.id,
        userId: bob,
        role: 'member',
        joinedAt: now,
        joinedSeq: 2,
        readSeq: 2,
        mutedUntil: null,
      });
      const admin = await storage.rooms.member(room.id, cy);
      assert.deepEqual([admin?.role, admin?.mutedUntil], ['admin', now + 60_000]);
      await commitOk(
        storage,
        changeWrite(room.id, now, { op: 'member.update', roomId: room.id, userId: cy, mutedUntil: null }),
      );
      const unmuted = await storage.rooms.member(room.id, cy);
      assert.deepEqual([unmuted?.role, unmuted?.mutedUntil], ['admin', null]);
    });

    it('keeps the member count through joins, leaves, a deleted account and a deleted room', async () => {
      const room = await seedRoom(storage, ada, [bob, cy], { createdAt: now });
      const count = async () => (await storage.rooms.room(room.id))?.memberCount;
      assert.equal(await count(), 3);
      await commitOk(storage, leaveWrite(room.id, bob, now));
      assert.equal(await count(), 2);
      await commitOk(storage, { ...leaveWrite(room.id, bob, now), require: [] }); // not a member: no change
      assert.equal(await count(), 2);
      await storage.users.delete(cy);
      assert.equal(await count(), 1);
      assert.deepEqual(await storage.rooms.memberIds(room.id), [ada]);
      await commitOk(storage, changeWrite(room.id, now, { op: 'room.delete', roomId: room.id, at: now }));
      assert.equal(await count(), 0);
      assert.deepEqual(await storage.rooms.memberIds(room.id), []);
    });

    it('records bans in ban order and lifts them', async () => {
      const room = await seedRoom(storage, ada, [], { createdAt: now });
      await commitOk(
        storage,
        changeWrite(room.id, now, { op: 'ban.add', roomId: room.id, userId: dan, by: ada, at: now + 2 }),
        changeWrite(room.id, now, { op: 'ban.add', roomId: room.id, userId: bob, by: ada, at: now + 1 }),
      );
      assert.deepEqual(await storage.rooms.bans(room.id), [bob, dan]);
      assert.equal(await storage.rooms.isBanned(room.id, dan), true);
      await commitOk(storage, changeWrite(room.id, now, { op: 'ban.remove', roomId: room.id, userId: dan }));
      assert.deepEqual([await storage.rooms.isBanned(room.id, dan), await storage.rooms.bans(room.id)], [false, [bob]]);
    });

    describe('myRooms', () => {
      it('lists the user’s live rooms, most recently active first, with the direct room’s peer', async () => {
        const quiet = await seedRoom(storage, ada, [bob], { createdAt: now });
        const busy = await seedRoom(storage, ada, [bob], { createdAt: now });
        const left = await seedRoom(storage, ada, [bob], { createdAt: now });
        const deleted = await seedRoom(storage, ada, [bob], { createdAt: now });
        const direct = newRoom(null, {
          kind: 'direct',
          name: '',
          directKey: [ada, bob].sort().join(':'),
          createdAt: now,
        });
        await commitOk(storage, createRoomWrite(direct, ada), joinWrite(direct.id, bob, now));
        await commitOk(storage, messageWrite(busy.id, ada, 'latest', { at: now + 30 }));
        await commitOk(storage, messageWrite(direct.id, ada, 'earlier', { at: now + 20 }));
        await commitOk(storage, messageWrite(quiet.id, ada, 'earliest', { at: now + 10 }));
        await commitOk(storage, leaveWrite(left.id, bob, now + 40));
        await commitOk(
          storage,
          changeWrite(deleted.id, now + 50, { op: 'room.delete', roomId: deleted.id, at: now + 50 }),
        );

        const mine = await storage.rooms.myRooms(bob, 1000);
        assert.deepEqual(
          mine.map((r) => r.room.id),
          [busy.id, direct.id, quiet.id],
        );
        assert.deepEqual(
          mine.map((r) => r.peerId),
          [null, ada, null],
        );
        assert.deepEqual(
          mine.map((r) => r.member.userId),
          [bob, bob, bob],
        );
        // bob leaving is the latest event of `left`, which ada is still in.
        const adas = await storage.rooms.myRooms(ada, 1000);
        assert.deepEqual(
          adas.map((r) => r.room.id),
          [left.id, busy.id, direct.id, quiet.id],
        );
        assert.deepEqual(
          adas.map((r) => r.peerId),
          [null, null, bob, null],
        );
        assert.equal(await storage.rooms.myRoom(bob, left.id, 1000), undefined);
        assert.equal(await storage.rooms.myRoom(bob, deleted.id, 1000), undefined);
        assert.deepEqual(await storage.rooms.myRoom(bob, direct.id, 1000), mine[1]);
      });

      it('counts unread messages by others above the read marker, leaving out deleted ones, up to the cap', async () => {
        const room = await seedRoom(storage, ada, [bob], { createdAt: now });
        const sends = ['one', 'two', 'three', 'four'].map((body, i) =>
          messageWrite(room.id, ada, body, { at: now + i }),
        );
        const mine = messageWrite(room.id, bob, 'mine', { at: now + 9 });
        const [first] = await commitOk(storage, ...sends, mine);
        const fourth = sends[3] ?? mine;
        await commitOk(
          storage,
          changeWrite(room.id, now + 10, { op: 'message.delete', messageId: sentMessage(fourth).id, at: now + 10 }),
        );
        const unread = async (cap = 1000) => (await storage.rooms.myRoom(bob, room.id, cap))?.unread;
        assert.deepEqual([await unread(), await unread(2), await unread(0)], [3, 2, 0]);

        const firstSeq = first?.[0]?.seq ?? 0;
        await commitOk(
          storage,
          changeWrite(room.id, now, { op: 'read.set', roomId: room.id, userId: bob, seq: firstSeq }),
        );
        assert.equal(await unread(), 2);
        // A read marker never moves back.
        await commitOk(storage, changeWrite(room.id, now, { op: 'read.set', roomId: room.id, userId: bob, seq: 1 }));
        assert.equal((await storage.rooms.member(room.id, bob))?.readSeq, firstSeq);
        // The latest message, whoever sent it; a tombstone when that one is deleted.
        assert.equal((await storage.rooms.myRoom(bob, room.id, 1000))?.lastMessageId, sentMessage(mine).id);
        await commitOk(
          storage,
          changeWrite(room.id, now + 11, { op: 'message.delete', messageId: sentMessage(mine).id, at: now + 11 }),
        );
        assert.equal((await storage.rooms.myRoom(ada, room.id, 1000))?.lastMessageId, sentMessage(mine).id);
        assert.equal((await storage.rooms.myRoom(ada, room.id, 1000))?.unread, 0);
      });
    });

    it('lists live public groups and channels whose name contains the query, by id, in pages', async () => {
      const make = async (name: string, overrides: Parameters<typeof seedRoom>[3] = {}) =>
        (await seedRoom(storage, ada, [], { name, visibility: 'public', createdAt: now, ...overrides })).id;
      const general = await make('General chat');
      const ecole = await make('École Générale', { kind: 'channel' });
      const random = await make('Random');
      await make('Generals only', { visibility: 'private' });
      const gone = await make('General ghost');
      await commitOk(storage, changeWrite(gone, now, { op: 'room.delete', roomId: gone, at: now }));
      const names = async (query: string, after?: string, limit = 10) =>
        (await storage.rooms.directory({ query, limit, ...(after === undefined ? {} : { after }) })).map((r) => r.id);
      assert.deepEqual(await names('GENERAL'), [general]);
      assert.deepEqual(await names('génér'), [ecole]);
      assert.deepEqual(await names(''), [general, ecole, random]);
      assert.deepEqual(await names('', undefined, 2), [general, ecole]);
      assert.deepEqual(await names('', ecole, 2), [random]);
      assert.deepEqual(await names('%'), []);
    });

    it('tells sync where each membership began and ended: join, leave, rejoin, deletion', async () => {
      const stay = await seedRoom(storage, ada, [bob], { createdAt: now }); // bob joins at 2
      const back = await seedRoom(storage, ada, [bob], { createdAt: now });
      const gone = await seedRoom(storage, ada, [bob], { createdAt: now });
      await seedRoom(storage, ada, [], { createdAt: now }); // never bob's
      await commitOk(storage, leaveWrite(back.id, bob, now)); // 3
      await commitOk(storage, messageWrite(back.id, ada, 'while away', { at: now })); // 4
      await commitOk(storage, joinWrite(back.id, bob, now)); // 5
      await commitOk(storage, leaveWrite(gone.id, bob, now)); // 3
      await commitOk(storage, joinWrite(gone.id, bob, now)); // 4
      await commitOk(storage, changeWrite(gone.id, now, { op: 'room.delete', roomId: gone.id, at: now })); // 5
      const expected = [
        { roomId: stay.id, lastSeq: 2, joinedSeq: 2, leftSeq: null },
        { roomId: back.id, lastSeq: 5, joinedSeq: 5, leftSeq: null },
        { roomId: gone.id, lastSeq: 5, joinedSeq: 4, leftSeq: 5 },
      ].sort((a, b) => (a.roomId < b.roomId ? -1 : 1));
      assert.deepEqual(await storage.rooms.syncRooms(bob), expected);
      await commitOk(storage, leaveWrite(back.id, bob, now)); // 6
      const after = await storage.rooms.syncRooms(bob);
      assert.deepEqual(
        after.find((r) => r.roomId === back.id),
        { roomId: back.id, lastSeq: 6, joinedSeq: 5, leftSeq: 6 },
      );
      assert.deepEqual(await storage.rooms.syncRooms(dan), []);
    });
  });
}
