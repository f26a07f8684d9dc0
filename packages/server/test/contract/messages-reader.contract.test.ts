import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { MessageRecord } from '../../src/ports/event-log.ts';
import type { Storage } from '../../src/ports/storage.ts';
import { uuidv7 } from '../../src/lib/ids.ts';
import {
  changeWrite,
  commitOk,
  createUsers,
  messageWrite,
  seedRoom,
  sentMessage,
  storageEngines,
  type NewMessage,
} from '../helpers/storage.ts';

const now = 1_700_000_000_000;

for (const engine of storageEngines) {
  describe(`RoomReader messages on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let ada: string, bob: string, cy: string;
    let roomId: string;
    beforeEach(async () => {
      storage = await engine.open();
      [ada = '', bob = '', cy = ''] = await createUsers(storage, 3);
      roomId = (await seedRoom(storage, ada, [bob, cy], { createdAt: now })).id; // seqs 1..3
    });
    afterEach(async () => {
      await storage.close();
    });

    /** Sends messages and returns them as stored, in order. */
    async function send(...bodies: string[]): Promise<NewMessage[]> {
      const writes = bodies.map((body, i) => messageWrite(roomId, ada, body, { at: now + i }));
      await commitOk(storage, ...writes);
      return writes.map(sentMessage);
    }

    const bodies = (messages: MessageRecord[]) => messages.map((m) => m.body);

    it('stores a message as sent, with the seq of its event and no reactions', async () => {
      const reply: Partial<NewMessage> = {
        kind: 'file',
        replyToId: uuidv7(),
        forwardedFrom: { roomId: uuidv7(), messageId: uuidv7(), senderId: null, sentAt: now - 5 },
        file: { fileId: uuidv7(), name: 'cat.png', size: 1234, contentType: 'image/png' },
        mentions: [bob, cy],
        editedAt: null,
      };
      const write = messageWrite(roomId, ada, 'look', { at: now, message: reply });
      const [[event] = []] = await commitOk(storage, write);
      const sent = sentMessage(write);
      assert.deepEqual(await storage.rooms.message(sent.id), { ...sent, seq: event?.seq, reactions: [] });
      assert.equal(event?.seq, 4);
      assert.equal(await storage.rooms.message(uuidv7()), undefined);
    });

    it('pages a room’s messages by seq: the lowest or the highest of a range, always ascending', async () => {
      await send('a', 'b', 'c', 'd', 'e'); // seqs 4..8
      const page = async (range: { afterSeq?: number; beforeSeq?: number; limit: number; newest: boolean }) =>
        bodies(await storage.rooms.messages(roomId, range));
      assert.deepEqual(await page({ limit: 2, newest: true }), ['d', 'e']);
      assert.deepEqual(await page({ limit: 2, newest: false }), ['a', 'b']);
      assert.deepEqual(await page({ beforeSeq: 7, limit: 2, newest: true }), ['b', 'c']);
      assert.deepEqual(await page({ afterSeq: 5, limit: 2, newest: false }), ['c', 'd']);
      assert.deepEqual(await page({ afterSeq: 4, beforeSeq: 8, limit: 10, newest: true }), ['b', 'c', 'd']);
      assert.deepEqual(await page({ afterSeq: 8, limit: 10, newest: false }), []);
      assert.deepEqual(await page({ limit: 0, newest: true }), []);
      const [other] = await storage.rooms.messages(roomId, { limit: 1, newest: false });
      assert.equal(other?.seq, 4);
    });

    it('answers messages by id in the order asked, leaving out unknown ids', async () => {
      const [a, b] = await send('a', 'b');
      const found = await storage.rooms.messagesById([b?.id ?? '', uuidv7(), a?.id ?? '', b?.id ?? '']);
      assert.deepEqual(bodies(found), ['b', 'a', 'b']);
      assert.deepEqual(await storage.rooms.messagesById([]), []);
    });

    it('groups reactions by emoji in first-use order, reactors in the order they reacted', async () => {
      const [m, other] = await send('react to me', 'and me');
      const messageId = m?.id ?? '';
      const react = (userId: string, emoji: string, op: 'reaction.add' | 'reaction.remove' = 'reaction.add') =>
        changeWrite(
          roomId,
          now,
          op === 'reaction.add' ? { op, messageId, userId, emoji, at: now } : { op, messageId, userId, emoji },
        );
      await commitOk(storage, react(bob, '👍'), react(cy, '🎉'), react(ada, '👍'), react(cy, '👍'));
      await commitOk(
        storage,
        changeWrite(roomId, now, { op: 'reaction.add', messageId: other?.id ?? '', userId: bob, emoji: '🔥', at: now }),
      );
      const reactions = async () => (await storage.rooms.message(messageId))?.reactions;
      assert.deepEqual(await reactions(), [
        { emoji: '👍', userIds: [bob, ada, cy] },
        { emoji: '🎉', userIds: [cy] },
      ]);
      // The first 👍 is taken back: 🎉 is now the emoji used first among those that remain.
      await commitOk(storage, react(bob, '👍', 'reaction.remove'), react(bob, '👍'));
      assert.deepEqual(await reactions(), [
        { emoji: '🎉', userIds: [cy] },
        { emoji: '👍', userIds: [ada, cy, bob] },
      ]);
      const both = await storage.rooms.messagesById([other?.id ?? '', messageId]);
      assert.deepEqual(
        both.map((x) => x.reactions.map((r) => r.emoji)),
        [['🔥'], ['🎉', '👍']],
      );
      const page = await storage.rooms.messages(roomId, { limit: 10, newest: true });
      assert.deepEqual(
        page.map((x) => x.reactions.length),
        [2, 1],
      );
    });

    it('edits a message in place and deletes it to a tombstone', async () => {
      const [m] = await send('first draft');
      const messageId = m?.id ?? '';
      await commitOk(
        storage,
        changeWrite(roomId, now, { op: 'reaction.add', messageId, userId: bob, emoji: '👍', at: now }),
      );
      await commitOk(
        storage,
        changeWrite(roomId, now, { op: 'message.edit', messageId, body: 'final, @bob', mentions: [bob], at: now + 5 }),
      );
      const edited = await storage.rooms.message(messageId);
      assert.deepEqual(
        edited && [edited.body, edited.mentions, edited.editedAt, edited.deletedAt, edited.reactions.length],
        ['final, @bob', [bob], now + 5, null, 1],
      );
      await commitOk(storage, changeWrite(roomId, now, { op: 'message.delete', messageId, at: now + 9 }));
      const tombstone = await storage.rooms.message(messageId);
      assert.deepEqual(tombstone, {
        ...m,
        seq: 4,
        body: '',
        mentions: [],
        file: null,
        editedAt: now + 5,
        deletedAt: now + 9,
        reactions: [],
      });
      assert.deepEqual(bodies(await storage.rooms.messages(roomId, { limit: 10, newest: true })), ['']);
    });

    it('keeps a message when its sender’s account is deleted, without a sender', async () => {
      const write = messageWrite(roomId, cy, 'from cy', { at: now });
      await commitOk(storage, write);
      await storage.users.delete(cy);
      const [kept] = await storage.rooms.messages(roomId, { limit: 10, newest: true });
      assert.deepEqual([kept?.body, kept?.senderId], ['from cy', null]);
    });
  });
}
