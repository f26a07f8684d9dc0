import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContactList, FollowList, BlockList, Member, Message, MyRoom } from '@natter/protocol';
import { person, RoomLog, time, UserLog } from '../../test/helpers/event-factory.ts';
import { ChatState } from './chat-state.ts';
import { fetchChatState, fromFetch, type OpCaller } from './from-fetch.ts';

const me = 'u1';

/** A short history of one group room and of the user, as events. */
function scenarioEvents(): ChatState {
  const room = new RoomLog('r1');
  const user = new UserLog();
  const state = new ChatState(me);
  const members = [
    { user: person('u1'), role: 'owner' as const },
    { user: person('u2'), role: 'member' as const },
  ];
  const events = [
    user.next('room.joined', { roomId: 'r1', role: 'owner', seq: 1 }, me),
    room.next(
      'room.created',
      { kind: 'group', name: 'Team', topic: '', visibility: 'private', hasPassword: false, members },
      me,
    ),
    room.message('hello'),
    room.message('hi', me, { replyTo: { messageId: 'm2', senderId: 'u2', preview: 'hello' } }),
    room.next('reaction.added', { messageId: 'm3', emoji: '👍', userId: 'u2' }),
    room.next('reaction.added', { messageId: 'm3', emoji: '❤️', userId: 'u1' }),
    room.next('message.edited', { messageId: 'm2', body: 'hello!', mentions: [], editedAt: time(6) }),
    room.next('member.joined', { user: person('u3'), role: 'member', invitedBy: 'u1' }, me),
    room.message('yo', 'u3'),
    room.message('bye'),
    room.next('message.deleted', { messageId: 'm9', deletedAt: time(10) }),
    room.next('read.updated', { userId: me, seq: 3 }, me),
    user.next('read.updated', { roomId: 'r1', seq: 3 }, me),
    room.next('read.updated', { userId: 'u2', seq: 10 }),
    user.next('contact.requested', { from: person('u4'), to: person('u1') }),
    user.next('contact.added', { user: person('u2') }),
    user.next('follow.added', { follower: person('u1'), followee: person('u3') }, me),
    user.next('block.added', { userId: 'u5' }, me),
  ];
  for (const event of events) state.apply(event);
  return state;
}

function message(seq: number, senderId: string, body: string, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    roomId: 'r1',
    seq,
    senderId,
    kind: 'text',
    body,
    replyTo: null,
    forwardedFrom: null,
    file: null,
    mentions: [],
    reactions: [],
    createdAt: time(seq),
    editedAt: null,
    deletedAt: null,
    ...extra,
  };
}

/** The same state as the server's REST answers describe it. */
const fetched = {
  myRoom: {
    room: {
      id: 'r1',
      kind: 'group',
      name: 'Team',
      topic: '',
      visibility: 'private',
      hasPassword: false,
      joinCode: null,
      ownerId: 'u1',
      memberCount: 3,
      lastSeq: 12,
      createdAt: time(1),
    },
    membership: { role: 'owner', joinedAt: time(1), readSeq: 3, mutedUntil: null },
    unreadCount: 1,
    lastMessageId: 'm9',
    peer: null,
  } satisfies MyRoom,
  messages: [
    message(2, 'u2', 'hello!', { editedAt: time(6) }),
    message(3, 'u1', 'hi', {
      replyTo: { messageId: 'm2', senderId: 'u2', preview: 'hello!' },
      reactions: [
        { emoji: '👍', userIds: ['u2'] },
        { emoji: '❤️', userIds: ['u1'] },
      ],
    }),
    message(8, 'u3', 'yo'),
    message(9, 'u2', '', { deletedAt: time(10) }),
  ],
  members: [
    { user: person('u1'), role: 'owner', joinedAt: time(1), readSeq: 3, mutedUntil: null, online: true },
    { user: person('u2'), role: 'member', joinedAt: time(1), readSeq: 10, mutedUntil: null, online: false },
    { user: person('u3'), role: 'member', joinedAt: time(7), readSeq: 7, mutedUntil: null, online: false },
  ] satisfies Member[],
  contacts: {
    contacts: [{ user: person('u2'), since: time(104) }],
    incoming: [{ from: person('u4'), to: person('u1'), createdAt: time(103) }],
    outgoing: [],
  } satisfies ContactList,
  follows: { followers: [], following: [{ user: person('u3'), since: time(105) }] } satisfies FollowList,
  blocks: { blocked: [{ user: person('u5'), since: time(106) }] } satisfies BlockList,
};

void describe('fromFetch', () => {
  void it('builds from REST answers the same snapshot that events build', () => {
    const fromEvents = scenarioEvents().snapshot();
    const state = fromFetch({
      me,
      rooms: { rooms: [fetched.myRoom] },
      history: { r1: [{ query: {}, page: { messages: fetched.messages, hasMoreBefore: false, hasMoreAfter: false } }] },
      members: { r1: [{ members: fetched.members, nextAfter: null }] },
      contacts: fetched.contacts,
      follows: fetched.follows,
      blocks: fetched.blocks,
    });
    assert.deepEqual(state.snapshot(), fromEvents);
    assert.deepEqual(state.cursor(), { user: 0, rooms: { r1: 12 } });
    assert.equal(state.online('u1'), true);
  });

  void it('fetchChatState pages through history and members', async () => {
    const calls: string[] = [];
    const answer = (op: string, input: { query?: { before?: number; after?: string } } | undefined): unknown => {
      calls.push(`${op} ${JSON.stringify(input?.query ?? {})}`);
      switch (op) {
        case 'listMyRooms':
          return { rooms: [fetched.myRoom] };
        case 'listContacts':
          return fetched.contacts;
        case 'listFollows':
          return fetched.follows;
        case 'listBlocks':
          return fetched.blocks;
        case 'listMessages': {
          // Two messages a page, to exercise paging.
          const before = input?.query?.before ?? Infinity;
          const older = fetched.messages.filter((m) => m.seq < before);
          return { messages: older.slice(-2), hasMoreBefore: older.length > 2, hasMoreAfter: before !== Infinity };
        }
        case 'listMembers': {
          const start = input?.query?.after === undefined ? 0 : 2;
          const page = fetched.members.slice(start, start + 2);
          return { members: page, nextAfter: start === 0 ? (page.at(-1)?.user.id ?? null) : null };
        }
        default:
          throw new Error(`unexpected ${op}`);
      }
    };
    // Typed by annotation, not `satisfies`: relating a generic arrow to OpCaller costs tsc seconds.
    const call: OpCaller = (op, ...args) => Promise.resolve(answer(op, args[0] as never) as never);
    const state = await fetchChatState(call, me);
    assert.deepEqual(state.snapshot(), scenarioEvents().snapshot());
    assert.deepEqual(
      calls.filter((c) => c.startsWith('listMessages') || c.startsWith('listMembers')),
      [
        'listMessages {"limit":100}',
        'listMessages {"before":8,"limit":100}',
        'listMembers {"limit":100}',
        'listMembers {"after":"u2","limit":100}',
      ],
    );
  });
});
