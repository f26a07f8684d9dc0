import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { bodies, people, roomWith, say } from '../helpers/chat.ts';
import { errorCode } from '../helpers/people.ts';
import { onEveryEngine } from '../helpers/suite.ts';

onEveryEngine('messages', {}, (server) => {
  it('sends, replies, forwards, edits, deletes, in one order for everyone', async () => {
    const [ada, bob, cy] = await people(server().url, 3);
    const room = await roomWith(ada, [bob]);
    const roomId = room.room.id;
    const first = await say(ada, roomId, 'hello @' + bob.username);
    assert.equal(first.duplicate, false);
    assert.deepEqual(first.message.mentions, [bob.userId]);
    const reply = await bob.client.request('sendMessage', {
      params: { roomId },
      body: { txnId: randomUUID(), body: 'hi!', replyTo: first.message.id },
    });
    assert.deepEqual(reply.message.replyTo, {
      messageId: first.message.id,
      senderId: ada.userId,
      preview: first.message.body,
    });
    assert.ok(reply.message.seq > first.message.seq);

    const other = await roomWith(ada, [cy]);
    const fwd = await ada.client.request('sendMessage', {
      params: { roomId: other.room.id },
      body: { txnId: randomUUID(), forwardOf: first.message.id },
    });
    assert.equal(fwd.message.body, first.message.body);
    assert.deepEqual(fwd.message.forwardedFrom, {
      roomId,
      messageId: first.message.id,
      senderId: ada.userId,
      sentAt: first.message.createdAt,
    });
    // cy is not in the first room: cannot forward from it, and cannot tell whether the message exists.
    assert.equal(
      await errorCode(() =>
        cy.client.request('sendMessage', {
          params: { roomId: other.room.id },
          body: { txnId: randomUUID(), forwardOf: first.message.id },
        }),
      ),
      'message_not_found',
    );

    const edited = await ada.client.request('editMessage', {
      params: { roomId, messageId: first.message.id },
      body: { body: 'hello all' },
    });
    assert.equal(edited.body, 'hello all');
    assert.ok(edited.editedAt);
    assert.equal(
      await errorCode(() =>
        bob.client.request('editMessage', {
          params: { roomId, messageId: first.message.id },
          body: { body: 'mine now' },
        }),
      ),
      'forbidden',
    );
    // The reply's preview follows the original.
    const replyNow = await bob.client.request('getMessage', { params: { roomId, messageId: reply.message.id } });
    assert.equal(replyNow.replyTo?.preview, 'hello all');

    assert.equal(
      await errorCode(() => bob.client.request('deleteMessage', { params: { roomId, messageId: first.message.id } })),
      'forbidden',
    );
    await ada.client.request('deleteMessage', { params: { roomId, messageId: first.message.id } });
    await ada.client.request('deleteMessage', { params: { roomId, messageId: first.message.id } }); // twice is fine
    const page = await bob.client.request('listMessages', { params: { roomId } });
    const tomb = page.messages.find((m) => m.id === first.message.id);
    assert.equal(tomb?.body, '');
    assert.ok(tomb.deletedAt);
    assert.equal(page.messages.find((m) => m.id === reply.message.id)?.replyTo?.preview, '');
    assert.deepEqual(await bodies(ada, roomId), await bodies(bob, roomId));
  });

  it('makes a retried send store one message, concurrently and later, and refuses the id elsewhere', async () => {
    const [ada, bob] = await people(server().url, 2);
    const roomId = (await roomWith(ada, [bob])).room.id;
    const txnId = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => say(ada, roomId, 'once', txnId)));
    const ids = new Set(results.map((r) => r.message.id));
    const seqs = new Set(results.map((r) => r.message.seq));
    assert.equal(ids.size, 1);
    assert.equal(seqs.size, 1);
    assert.equal(results.filter((r) => !r.duplicate).length, 1);
    const later = await say(ada, roomId, 'different text, same id', txnId);
    assert.equal(later.duplicate, true);
    assert.equal(later.message.body, 'once');
    assert.deepEqual(
      (await bodies(bob, roomId)).filter((b) => b === 'once'),
      ['once'],
    );
    const elsewhere = (await roomWith(ada, [])).room.id;
    assert.equal(await errorCode(() => say(ada, elsewhere, 'x', txnId)), 'txn_id_conflict');
    // Another person may use the same id: ids are per user.
    assert.equal((await say(bob, roomId, 'bob once', txnId)).duplicate, false);
  });

  it('answers a retry with the original even after the sender left the room', async () => {
    const [ada, bob] = await people(server().url, 2);
    const roomId = (await roomWith(ada, [bob])).room.id;
    const txnId = randomUUID();
    const original = await say(bob, roomId, 'sent before leaving', txnId);
    await bob.client.request('leaveRoom', { params: { roomId } });
    const retry = await say(bob, roomId, 'sent before leaving', txnId);
    assert.deepEqual(retry, { message: original.message, duplicate: true });
    assert.equal(await errorCode(() => say(bob, roomId, 'a new one')), 'room_not_found');
  });

  it('never quotes an original in a state it was not in when the reply was stored', async () => {
    const [ada, bob] = await people(server().url, 2);
    const roomId = (await roomWith(ada, [bob])).room.id;
    for (let round = 0; round < 15; round++) {
      const original = await say(ada, roomId, `original ${round}`);
      const [reply] = await Promise.all([
        bob.client.request('sendMessage', {
          params: { roomId },
          body: { txnId: randomUUID(), body: 'quoting', replyTo: original.message.id },
        }),
        ada.client.request('editMessage', {
          params: { roomId, messageId: original.message.id },
          body: { body: `edited ${round}` },
        }),
      ]);
      // The room's log decides: the quote must show the original as of the reply's place in it.
      const sync = await bob.client.request('sync', {
        body: { cursor: { user: 0, rooms: { [roomId]: original.message.seq } } },
      });
      const events = sync.rooms.find((r) => r.roomId === roomId)?.events ?? [];
      const edit = events.find((e) => e.type === 'message.edited');
      assert.ok(edit);
      const expected = edit.seq < reply.message.seq ? `edited ${round}` : `original ${round}`;
      assert.equal(reply.message.replyTo?.preview, expected, `round ${round}`);
    }
  });

  it('pages history backwards, forwards and around a message', async () => {
    const [ada] = await people(server().url, 1);
    const roomId = (await roomWith(ada, [])).room.id;
    const sent = [];
    for (let i = 1; i <= 25; i++) sent.push((await say(ada, roomId, `m${i}`)).message);
    const newest = await ada.client.request('listMessages', { params: { roomId }, query: { limit: 10 } });
    assert.deepEqual(
      newest.messages.map((m) => m.body),
      Array.from({ length: 10 }, (_, i) => `m${16 + i}`),
    );
    assert.equal(newest.hasMoreBefore, true);
    assert.equal(newest.hasMoreAfter, false);
    const older = await ada.client.request('listMessages', {
      params: { roomId },
      query: { limit: 10, before: newest.messages[0]?.seq ?? 0 },
    });
    assert.deepEqual(
      older.messages.map((m) => m.body),
      Array.from({ length: 10 }, (_, i) => `m${6 + i}`),
    );
    assert.equal(older.hasMoreAfter, true);
    const after = await ada.client.request('listMessages', {
      params: { roomId },
      query: { limit: 3, after: sent[21]?.seq ?? 0 },
    });
    assert.deepEqual(
      after.messages.map((m) => m.body),
      ['m23', 'm24', 'm25'],
    );
    assert.equal(after.hasMoreAfter, false);
    assert.equal(after.hasMoreBefore, true);
    const around = await ada.client.request('listMessages', {
      params: { roomId },
      query: { limit: 5, around: sent[12]?.id ?? '' },
    });
    assert.deepEqual(
      around.messages.map((m) => m.body),
      ['m11', 'm12', 'm13', 'm14', 'm15'],
    );
    assert.equal(
      await errorCode(() => ada.client.request('listMessages', { params: { roomId }, query: { before: 5, after: 1 } })),
      'validation_failed',
    );
  });

  it('keeps one reaction per emoji per person, in first-use order, within the cap', async () => {
    const [ada, bob] = await people(server().url, 2);
    const roomId = (await roomWith(ada, [bob])).room.id;
    const { message } = await say(ada, roomId, 'react to me');
    const params = { roomId, messageId: message.id };
    await bob.client.request('addReaction', { params, body: { emoji: '👍' } });
    await ada.client.request('addReaction', { params, body: { emoji: '🎉' } });
    await ada.client.request('addReaction', { params, body: { emoji: '👍' } });
    await ada.client.request('addReaction', { params, body: { emoji: '👍' } }); // again: no change
    let now = await ada.client.request('getMessage', { params });
    assert.deepEqual(now.reactions, [
      { emoji: '👍', userIds: [bob.userId, ada.userId] },
      { emoji: '🎉', userIds: [ada.userId] },
    ]);
    await bob.client.request('removeReaction', { params, body: { emoji: '👍' } });
    await bob.client.request('removeReaction', { params, body: { emoji: '👍' } }); // again: no change
    now = await ada.client.request('getMessage', { params });
    // Each emoji sits where its earliest remaining reaction puts it: 🎉 (ada) now predates 👍 (ada).
    assert.deepEqual(now.reactions, [
      { emoji: '🎉', userIds: [ada.userId] },
      { emoji: '👍', userIds: [ada.userId] },
    ]);
    assert.equal(
      await errorCode(() => ada.client.request('addReaction', { params, body: { emoji: 'lol' } })),
      'invalid_emoji',
    );
    const emoji = [
      '😀',
      '😁',
      '😂',
      '🤣',
      '😃',
      '😄',
      '😅',
      '😆',
      '😉',
      '😊',
      '😋',
      '😎',
      '😍',
      '😘',
      '🥰',
      '😗',
      '😙',
      '😚',
    ];
    for (const e of emoji) await bob.client.request('addReaction', { params, body: { emoji: e } });
    assert.equal(
      await errorCode(() => bob.client.request('addReaction', { params, body: { emoji: '🙂' } })),
      'reaction_limit',
    );
  });

  it('moves read markers forward only, and counts unread messages by others', async () => {
    const [ada, bob] = await people(server().url, 2);
    const roomId = (await roomWith(ada, [bob])).room.id;
    for (let i = 0; i < 4; i++) await say(ada, roomId, `n${i}`);
    let bobs = await bob.client.request('getRoom', { params: { roomId } });
    assert.equal(bobs.unreadCount, 4);
    const last = bobs.room.lastSeq;
    await bob.client.request('markRead', { params: { roomId }, body: { seq: last } });
    await bob.client.request('markRead', { params: { roomId }, body: { seq: 1 } }); // never back
    bobs = await bob.client.request('getRoom', { params: { roomId } });
    assert.equal(bobs.unreadCount, 0);
    assert.equal(bobs.membership.readSeq, last);
    const members = await ada.client.request('listMembers', { params: { roomId } });
    assert.equal(members.members.find((m) => m.user.id === bob.userId)?.readSeq, last);
    assert.equal(
      (await ada.client.request('getRoom', { params: { roomId } })).unreadCount,
      0,
      'own messages are not unread',
    );
  });

  it('searches the rooms you are in, and only those', async () => {
    const [ada, bob, eve] = await people(server().url, 3);
    const shared = (await roomWith(ada, [bob])).room.id;
    const secret = (await roomWith(eve, [])).room.id;
    await say(ada, shared, 'The quarterly Zebrafish report is ready');
    await say(eve, secret, 'zebrafish secrets only eve knows');
    const found = await bob.client.request('searchMessages', { query: { q: 'zebrafish' } });
    assert.deepEqual(
      found.messages.map((m) => m.roomId),
      [shared],
    );
    assert.equal(
      (await bob.client.request('searchMessages', { query: { q: 'quarter' } })).messages.length,
      1,
      'prefix on the last word',
    );
    assert.equal(
      (await bob.client.request('searchMessages', { query: { q: '"zebra OR *) -( NEAR' } })).messages.length,
      0,
    );
    assert.equal(
      await errorCode(() => bob.client.request('searchMessages', { query: { q: 'zebrafish', roomId: secret } })),
      'room_not_found',
    );
  });

  it('refuses messages over the byte limit', async () => {
    const [ada] = await people(server().url, 1);
    const roomId = (await roomWith(ada, [])).room.id;
    const ok = 'é'.repeat(8192); // 16,384 bytes exactly
    await say(ada, roomId, ok);
    assert.equal(await errorCode(() => say(ada, roomId, ok + 'x')), 'message_too_long');
  });
});
