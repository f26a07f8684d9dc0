import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Requirement, RequirementCode, Write } from '../../src/ports/event-log.ts';
import type { Storage } from '../../src/ports/storage.ts';
import { uuidv7 } from '../../src/lib/ids.ts';
import {
  changeWrite,
  commitOk,
  commitOne,
  createUsers,
  joinWrite,
  leaveWrite,
  messageWrite,
  seedRoom,
  sentMessage,
  storageEngines,
} from '../helpers/storage.ts';

const now = 1_700_000_000_000;

/** A write that only checks: it stores nothing either way. */
const checking = (...require: Requirement[]): Write => ({ require, changes: [], events: [], at: now });

/** 'ok' or the code of the first failing requirement. */
async function verdict(storage: Storage, ...require: Requirement[]): Promise<'ok' | RequirementCode> {
  const result = await commitOne(storage, checking(...require));
  return result.ok ? 'ok' : result.code;
}

for (const engine of storageEngines) {
  describe(`EventLog requirements on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    // ada owns both rooms; bob is a member; carl an admin of the group; cy is in neither; dan is banned.
    let ada: string, bob: string, carl: string, cy: string, dan: string;
    let group: string, channel: string, gone: string;
    let messageId: string, deletedId: string;
    before(async () => {
      storage = await engine.open();
      [ada = '', bob = '', carl = '', cy = '', dan = ''] = await createUsers(storage, 5);
      group = (await seedRoom(storage, ada, [bob, carl], { createdAt: now })).id;
      channel = (await seedRoom(storage, ada, [bob], { kind: 'channel', createdAt: now })).id;
      gone = (await seedRoom(storage, ada, [], { createdAt: now })).id;
      const sent = messageWrite(group, bob, 'hello', { at: now });
      const doomed = messageWrite(group, bob, 'doomed', { at: now });
      await commitOk(storage, sent, doomed);
      messageId = sentMessage(sent).id;
      deletedId = sentMessage(doomed).id;
      const changes: Write['changes'] = [
        { op: 'member.update', roomId: group, userId: carl, role: 'admin' },
        { op: 'ban.add', roomId: group, userId: dan, by: ada, at: now },
        { op: 'reaction.add', messageId, userId: bob, emoji: '👍', at: now },
        { op: 'reaction.add', messageId, userId: carl, emoji: '❤️', at: now },
        { op: 'message.delete', messageId: deletedId, at: now },
        { op: 'room.delete', roomId: gone, at: now },
      ];
      await commitOk(storage, {
        require: [],
        changes: changes.slice(0, 5),
        events: [{ stream: { room: group }, type: 'setup', actorId: ada, data: {} }],
        at: now,
      });
      await commitOk(storage, {
        require: [],
        changes: changes.slice(5),
        events: [{ stream: { room: gone }, type: 'room.deleted', actorId: ada, data: {} }],
        at: now,
      });
    });
    after(async () => {
      await storage.close();
    });

    it('room.live: a room that exists and is not deleted, else room_not_found', async () => {
      assert.equal(await verdict(storage, { check: 'room.live', roomId: group }), 'ok');
      assert.equal(await verdict(storage, { check: 'room.live', roomId: gone }), 'room_not_found');
      assert.equal(await verdict(storage, { check: 'room.live', roomId: uuidv7() }), 'room_not_found');
    });

    it('member and not.member: a current membership, else not_a_member / already_member', async () => {
      assert.equal(await verdict(storage, { check: 'member', roomId: group, userId: bob }), 'ok');
      assert.equal(await verdict(storage, { check: 'member', roomId: group, userId: cy }), 'not_a_member');
      assert.equal(await verdict(storage, { check: 'member', roomId: gone, userId: ada }), 'not_a_member');
      assert.equal(await verdict(storage, { check: 'not.member', roomId: group, userId: cy }), 'ok');
      assert.equal(await verdict(storage, { check: 'not.member', roomId: group, userId: bob }), 'already_member');
    });

    it('role: at least the role asked, else forbidden (non-members too)', async () => {
      const role = (userId: string, atLeast: 'admin' | 'owner') =>
        verdict(storage, { check: 'role', roomId: group, userId, atLeast });
      assert.deepEqual(
        [await role(ada, 'owner'), await role(ada, 'admin'), await role(carl, 'admin'), await role(carl, 'owner')],
        ['ok', 'ok', 'ok', 'forbidden'],
      );
      assert.deepEqual([await role(bob, 'admin'), await role(cy, 'admin')], ['forbidden', 'forbidden']);
    });

    it('can.post: members of groups, owners and admins of channels, unless muted', async () => {
      const post = (roomId: string, userId: string, at = now) =>
        verdict(storage, { check: 'can.post', roomId, userId, now: at });
      assert.deepEqual(
        [await post(group, bob), await post(channel, ada), await post(channel, bob)],
        ['ok', 'ok', 'cannot_post'],
      );
      // A non-member learns that a public room exists, and nothing about a private one.
      const open = (await seedRoom(storage, ada, [], { visibility: 'public', createdAt: now })).id;
      assert.deepEqual([await post(open, cy), await post(group, cy)], ['not_a_member', 'room_not_found']);
      await commitOk(storage, {
        ...checking(),
        changes: [{ op: 'member.update', roomId: group, userId: bob, mutedUntil: now + 1000 }],
      });
      assert.deepEqual([await post(group, bob, now + 999), await post(group, bob, now + 1000)], ['muted', 'ok']);
      await commitOk(storage, {
        ...checking(),
        changes: [{ op: 'member.update', roomId: group, userId: bob, mutedUntil: null }],
      });
      assert.equal(await post(group, bob, now), 'ok');
    });

    it('not.banned and capacity', async () => {
      assert.equal(await verdict(storage, { check: 'not.banned', roomId: group, userId: dan }), 'banned');
      assert.equal(await verdict(storage, { check: 'not.banned', roomId: group, userId: cy }), 'ok');
      assert.equal(await verdict(storage, { check: 'not.banned', roomId: channel, userId: dan }), 'ok');
      assert.equal(await verdict(storage, { check: 'capacity', roomId: group, max: 4 }), 'ok');
      assert.equal(await verdict(storage, { check: 'capacity', roomId: group, max: 3 }), 'room_full');
    });

    it('message.live: a message of that room, not deleted, else message_not_found', async () => {
      const live = (roomId: string, id: string) => verdict(storage, { check: 'message.live', roomId, messageId: id });
      assert.deepEqual(
        [
          await live(group, messageId),
          await live(channel, messageId),
          await live(group, deletedId),
          await live(group, uuidv7()),
        ],
        ['ok', 'message_not_found', 'message_not_found', 'message_not_found'],
      );
    });

    it('message.unchanged: the edit and delete times read earlier still hold, else message_changed', async () => {
      const same = (editedAt: number | null, deletedAt: number | null, id = messageId) =>
        verdict(storage, { check: 'message.unchanged', messageId: id, editedAt, deletedAt });
      assert.equal(await same(null, null), 'ok');
      await commitOk(
        storage,
        changeWrite(group, now + 5, { op: 'message.edit', messageId, body: 'edited', mentions: [], at: now + 5 }),
      );
      assert.deepEqual([await same(null, null), await same(now + 5, null)], ['message_changed', 'ok']);
      assert.equal(await same(null, null, uuidv7()), 'message_changed');
    });

    it('reaction.absent, reaction.present and reaction.room', async () => {
      const absent = (userId: string, emoji: string) =>
        verdict(storage, { check: 'reaction.absent', messageId, userId, emoji });
      const present = (userId: string, emoji: string) =>
        verdict(storage, { check: 'reaction.present', messageId, userId, emoji });
      const room = (emoji: string, maxDistinct: number) =>
        verdict(storage, { check: 'reaction.room', messageId, emoji, maxDistinct });
      assert.deepEqual(
        [await absent(bob, '👍'), await absent(ada, '👍'), await absent(bob, '❤️')],
        ['reaction_exists', 'ok', 'ok'],
      );
      assert.deepEqual([await present(bob, '👍'), await present(bob, '❤️')], ['ok', 'reaction_missing']);
      assert.deepEqual([await room('👍', 2), await room('🎉', 2), await room('🎉', 3)], ['ok', 'reaction_limit', 'ok']);
    });

    it('read.ahead: a member whose read marker is below the seq, else read_not_ahead', async () => {
      const member = await storage.rooms.member(group, bob);
      const readSeq = member?.readSeq ?? -1;
      const ahead = (userId: string, seq: number) =>
        verdict(storage, { check: 'read.ahead', roomId: group, userId, seq });
      assert.deepEqual(
        [await ahead(bob, readSeq + 1), await ahead(bob, readSeq), await ahead(cy, 99)],
        ['ok', 'read_not_ahead', 'read_not_ahead'],
      );
    });

    it('not.blocked: in a direct room, refuses the person the other one blocked, one way only', async () => {
      const direct = (await seedRoom(storage, bob, [cy], { kind: 'direct', directKey: `${bob}:${cy}`, createdAt: now }))
        .id;
      const blocked = (roomId: string, userId: string) => verdict(storage, { check: 'not.blocked', roomId, userId });
      assert.deepEqual([await blocked(direct, bob), await blocked(direct, cy)], ['ok', 'ok']);
      await commitOk(storage, {
        ...checking(),
        changes: [{ op: 'block.add', blockerId: cy, blockedId: bob, at: now }],
      });
      assert.deepEqual([await blocked(direct, bob), await blocked(direct, cy)], ['blocked', 'ok']);
      // Outside a direct room the block stops nothing here (rooms have their own rules).
      assert.equal(await blocked(group, bob), 'ok');
      await commitOk(storage, { ...checking(), changes: [{ op: 'block.remove', blockerId: cy, blockedId: bob }] });
      assert.equal(await blocked(direct, bob), 'ok');
    });

    it('answers the first failing requirement, in the order given', async () => {
      const notMember: Requirement = { check: 'member', roomId: group, userId: dan };
      const banned: Requirement = { check: 'not.banned', roomId: group, userId: dan };
      assert.equal(await verdict(storage, notMember, banned), 'not_a_member');
      assert.equal(await verdict(storage, banned, notMember), 'banned');
    });

    it('judges each write on the state the writes before it in the batch left', async () => {
      const [eve = ''] = await createUsers(storage, 1);
      const hello = messageWrite(group, eve, 'hi, I am new', { at: now });
      const helloId = sentMessage(hello).id;
      const react = (emoji: string): Write => ({
        require: [
          { check: 'message.live', roomId: group, messageId: helloId },
          { check: 'reaction.absent', messageId: helloId, userId: ada, emoji },
        ],
        changes: [{ op: 'reaction.add', messageId: helloId, userId: ada, emoji, at: now }],
        events: [{ stream: { room: group }, type: 'reaction.added', actorId: ada, data: { emoji } }],
        at: now,
      });
      const results = await storage.log.commit([
        messageWrite(group, eve, 'too early', { at: now }),
        joinWrite(group, eve, now),
        hello,
        checking({ check: 'message.live', roomId: group, messageId: helloId }),
        react('🎉'),
        react('🎉'),
        leaveWrite(group, eve, now),
        messageWrite(group, eve, 'too late', { at: now }),
      ]);
      assert.deepEqual(
        results.map((r) => (r.ok ? 'ok' : r.code)),
        ['room_not_found', 'ok', 'ok', 'ok', 'ok', 'reaction_exists', 'ok', 'room_not_found'],
      );
      assert.deepEqual((await storage.rooms.message(helloId))?.reactions, [{ emoji: '🎉', userIds: [ada] }]);
    });
  });
}
