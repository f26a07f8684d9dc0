import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { bindChatState, RealtimeConnection, type AnyEvent, type GapInfo } from '@natter/client';
import type { HistoryPage } from '@natter/protocol';
import { people, roomWith, say, type Person } from '../helpers/chat.ts';
import { freshState, goLive, reach } from '../helpers/realtime.ts';
import { onEveryEngine } from '../helpers/suite.ts';

/** A small deterministic generator, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

onEveryEngine('resuming from a cursor', {}, (server) => {
  it('a client offline while 500 events happen across 20 rooms resumes to exactly what a fresh fetch shows', async () => {
    const seed = Number(process.env.NATTER_TEST_SEED ?? Date.now() % 100_000);
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const [bob, ada, cy, dan] = await people(server().url, 4);
    const others: Person[] = [ada, cy];
    const rooms: string[] = [];
    for (let i = 0; i < 18; i++) {
      const owner = i % 2 === 0 ? ada : cy;
      const kind = i % 6 === 5 ? 'channel' : 'group';
      rooms.push(
        (await roomWith(owner, [bob, i % 2 === 0 ? cy : ada], { kind, name: `room ${i}`, visibility: 'public' })).room
          .id,
      );
    }
    rooms.push((await ada.client.request('openDirect', { body: { userId: bob.userId } })).room.id);
    rooms.push((await cy.client.request('openDirect', { body: { userId: bob.userId } })).room.id);
    for (const roomId of rooms) await say(ada, roomId, 'before bob leaves').catch(() => say(cy, roomId, 'before'));

    // Bob's devices know everything up to now, then go dark.
    const state = await freshState(bob);
    const before = await goLive(bob, state, state.cursor());
    before.close();

    // 500 events while bob is away.
    const sent = new Map<string, string[]>(rooms.map((r) => [r, []]));
    let events = 0;
    const kickedRoom = rooms[0] ?? '';
    while (events < 500) {
      const roomId = pick(rooms.slice(1));
      const actor = pick(others);
      const roll = random();
      try {
        if (roll < 0.55) {
          const result = await say(actor, roomId, `m${events} ${randomUUID().slice(0, 6)}`);
          must(sent.get(roomId)).push(result.message.id);
        } else {
          const known = must(sent.get(roomId));
          const messageId = known.length > 0 ? pick(known) : undefined;
          if (messageId === undefined) continue;
          const params = { roomId, messageId };
          if (roll < 0.7)
            await actor.client.request('addReaction', { params, body: { emoji: pick(['👍', '🎉', '❤️']) } });
          else if (roll < 0.78) await actor.client.request('removeReaction', { params, body: { emoji: '👍' } });
          else if (roll < 0.86)
            await actor.client.request('editMessage', { params, body: { body: `edited ${events}` } });
          else if (roll < 0.9) await actor.client.request('deleteMessage', { params });
          else if (roll < 0.95)
            await actor.client.request('markRead', { params: { roomId }, body: { seq: 1_000_000 } });
          else if (roll < 0.98)
            await dan.client
              .request('joinRoom', { params: { roomId } })
              .then(() => dan.client.request('leaveRoom', { params: { roomId } }));
          else await actor.client.request('updateRoom', { params: { roomId }, body: { topic: `topic ${events}` } });
        }
        events += 1;
      } catch (error) {
        const code = (error as { code?: string }).code;
        // Random picks sometimes ask for what the rules refuse (editing someone else's message,
        // posting in a channel one does not run, acting in someone else's direct room): those
        // are not events.
        if (!['forbidden', 'cannot_post', 'message_not_found', 'not_a_member', 'room_not_found'].includes(code ?? ''))
          throw error;
      }
    }
    // Bob is kicked from one room while away: he must see that, and nothing of the room after it.
    await ada.client.request('kickMember', { params: { roomId: kickedRoom, userId: bob.userId } });
    await say(ada, kickedRoom, 'after bob was kicked');

    const seen: AnyEvent[] = [];
    const gaps: GapInfo[] = [];
    const connection = await goLive(bob, state, state.cursor());
    connection.on('event', (e) => seen.push(e));
    connection.on('gap', (g) => gaps.push(g));
    await reach(connection, 'live');
    connection.close();

    assert.deepEqual(gaps, [], `no room had more than one sync reply carries (seed ${seed})`);
    const fresh = await freshState(bob);
    assert.equal(state.room(kickedRoom), undefined, 'the room bob was kicked from is gone');
    assert.deepEqual(state.snapshot(), fresh.snapshot(), `resumed state equals a fresh fetch (seed ${seed})`);
  });

  it('marks a room limited when it missed more than one reply carries, and history fills the gap', async () => {
    const [bob, ada] = await people(server().url, 2);
    const roomId = (await roomWith(ada, [bob])).room.id;
    const state = await freshState(bob);
    const cursor = state.cursor();
    for (let i = 0; i < 130; i++) await say(ada, roomId, `burst ${i}`);
    const gaps: GapInfo[] = [];
    const connection = new RealtimeConnection(bob.client, { cursor });
    connection.on('gap', (g) => gaps.push(g));
    bindChatState(connection, state);
    await reach(connection, 'live');
    connection.close();
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0]?.roomId, roomId);
    // What an app does with a gap: page history in. Then the state equals a fresh fetch.
    let before: number | undefined = must(gaps[0]).beforeSeq;
    while (before !== undefined) {
      const page: HistoryPage = await bob.client.request('listMessages', {
        params: { roomId },
        query: { before, limit: 100 },
      });
      state.applyHistoryPage(roomId, page, { before, limit: 100 });
      before = page.hasMoreBefore ? page.messages[0]?.seq : undefined;
    }
    assert.deepEqual(state.snapshot(), (await freshState(bob)).snapshot());
  });
});

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing value');
  return value;
}
