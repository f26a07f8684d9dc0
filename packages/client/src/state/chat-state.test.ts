import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyEvent } from '@natter/protocol';
import { person, RoomLog, time, UserLog } from '../../test/helpers/event-factory.ts';
import { ChatState } from './chat-state.ts';

const me = 'u1';

/** A group room r1 created by me with u2 in it. */
function groupRoom(kind: 'group' | 'channel' = 'group'): { log: RoomLog; state: ChatState; events: AnyEvent[] } {
  const log = new RoomLog('r1');
  const state = new ChatState(me);
  const created = log.next(
    'room.created',
    {
      kind,
      name: 'Team',
      topic: '',
      visibility: 'private',
      hasPassword: false,
      members: [
        { user: person('u1'), role: 'owner' },
        { user: person('u2'), role: 'member' },
      ],
    },
    me,
  );
  state.apply(created);
  return { log, state, events: [created] };
}

function feed(state: ChatState, events: readonly AnyEvent[]): void {
  for (const event of events) state.apply(event);
}

const bodies = (state: ChatState) => state.messages('r1').map((m) => m.body);

void describe('ChatState: rooms and members', () => {
  void it('builds a room, its members and the own membership from room.created', () => {
    const { state } = groupRoom();
    const room = state.room('r1');
    assert.deepEqual(room?.room, {
      id: 'r1',
      kind: 'group',
      name: 'Team',
      topic: '',
      visibility: 'private',
      hasPassword: false,
      ownerId: 'u1',
      memberCount: 2,
      lastSeq: 1,
      createdAt: time(1),
    });
    assert.deepEqual(room.membership, { role: 'owner', joinedAt: time(1), readSeq: 1, mutedUntil: null });
    assert.deepEqual(
      room.members.map((m) => [m.userId, m.role, m.readSeq]),
      [
        ['u1', 'owner', 1],
        ['u2', 'member', 1],
      ],
    );
    assert.equal(state.user('u2')?.displayName, 'U2');
  });

  void it('follows joins, leaves, role changes, mutes, renames and ownership', () => {
    const { log, state } = groupRoom();
    feed(state, [
      log.next('member.joined', { user: person('u3'), role: 'member', invitedBy: 'u1' }),
      log.next('member.updated', { userId: 'u3', role: 'admin', mutedUntil: time(99) }),
      log.next('member.left', { userId: 'u2', reason: 'kicked' }),
      log.next('room.updated', { name: 'Core', topic: 'hi', visibility: 'public', hasPassword: true }),
      log.next('room.owner_changed', { from: 'u1', to: 'u3' }),
      log.next('member.unbanned', { userId: 'u2' }),
    ]);
    const room = state.room('r1');
    assert.equal(room?.room?.name, 'Core');
    assert.equal(room.room.visibility, 'public');
    assert.equal(room.room.hasPassword, true);
    assert.equal(room.room.ownerId, 'u3');
    assert.equal(room.room.memberCount, 2);
    assert.equal(room.room.lastSeq, 7);
    assert.deepEqual(
      room.members.map((m) => [m.userId, m.role, m.mutedUntil]),
      [
        ['u1', 'admin', null],
        ['u3', 'owner', time(99)],
      ],
    );
    assert.equal(room.membership?.role, 'admin');
  });

  void it('keeps read markers private in channels', () => {
    const { state } = groupRoom('channel');
    assert.deepEqual(
      state.room('r1')?.members.map((m) => m.readSeq),
      [null, null],
    );
    assert.equal(state.room('r1')?.membership?.readSeq, 1);
  });

  void it('forgets a room the user left or that was deleted, and ignores late events about it', () => {
    const { log, state } = groupRoom();
    const late = log.message('before I left, delivered late');
    const left = log.next('member.left', { userId: me, reason: 'left' });
    state.apply(left);
    assert.equal(state.room('r1'), undefined);
    assert.equal(state.apply(late), false);
    assert.equal(state.apply(log.next('room.deleted', {})), true);
    assert.deepEqual(state.snapshot().rooms, []);
  });

  void it('does not count a join twice when the room snapshot already has it', () => {
    const { log, state } = groupRoom();
    const joined = log.next('member.joined', { user: person('u3'), role: 'member', invitedBy: null });
    const snapshot = { ...(state.room('r1')?.room ?? assert.fail()), joinCode: null, memberCount: 3, lastSeq: 2 };
    state.applyRoom('r1', snapshot);
    state.apply(joined);
    assert.equal(state.room('r1')?.room?.memberCount, 3);
    assert.equal(state.room('r1')?.members.length, 3);
  });
});

void describe('ChatState: messages', () => {
  void it('applies edits, and keeps deletions as tombstones', () => {
    const { log, state } = groupRoom();
    const file = { fileId: 'f1', name: 'a.png', size: 3, contentType: 'image/png' };
    feed(state, [
      log.message('first'),
      log.next('message.edited', { messageId: 'm2', body: 'first!', mentions: ['u1'], editedAt: time(50) }),
      log.message('second @u1', 'u2', { mentions: ['u1'], file }),
      log.next('reaction.added', { messageId: 'm4', emoji: '👍', userId: 'u1' }),
      log.next('message.deleted', { messageId: 'm4', deletedAt: time(60) }),
    ]);
    const [first, second] = state.messages('r1');
    assert.deepEqual([first?.body, first?.mentions, first?.editedAt], ['first!', ['u1'], time(50)]);
    assert.deepEqual(
      [second?.id, second?.seq, second?.body, second?.mentions, second?.file, second?.reactions, second?.deletedAt],
      ['m4', 4, '', [], null, [], time(60)],
    );
  });

  void it('keeps reply previews in step with the original: 200 code points, empty once deleted', () => {
    const { log, state } = groupRoom();
    const long = '🎉'.repeat(250);
    feed(state, [
      log.message('original'),
      log.message('reply', 'u1', { replyTo: { messageId: 'm2', senderId: 'u2', preview: 'original' } }),
      log.next('message.edited', { messageId: 'm2', body: long, mentions: [], editedAt: time(9) }),
    ]);
    assert.equal(state.messages('r1')[1]?.replyTo?.preview, '🎉'.repeat(200));
    state.apply(log.next('message.deleted', { messageId: 'm2', deletedAt: time(10) }));
    assert.equal(state.messages('r1')[1]?.replyTo?.preview, '');
  });

  void it('keeps reply previews in step with an original older than anything it holds', () => {
    const { log, state } = groupRoom();
    // m0 is from before this state's first event (a room joined later): only its id is known.
    feed(state, [
      log.message('reply', 'u2', { replyTo: { messageId: 'm0', senderId: 'u2', preview: 'original' } }),
      log.next('message.edited', { messageId: 'm0', body: 'original, edited', mentions: [], editedAt: time(9) }),
    ]);
    assert.equal(state.messages('r1')[0]?.replyTo?.preview, 'original, edited');
    state.apply(log.next('message.deleted', { messageId: 'm0', deletedAt: time(10) }));
    assert.equal(state.messages('r1')[0]?.replyTo?.preview, '');
  });

  void it('orders emoji by first use and reactors by reaction order', () => {
    const { log, state } = groupRoom();
    feed(state, [
      log.message('react to me'),
      log.next('reaction.added', { messageId: 'm2', emoji: '👍', userId: 'u2' }),
      log.next('reaction.added', { messageId: 'm2', emoji: '❤️', userId: 'u1' }),
      log.next('reaction.added', { messageId: 'm2', emoji: '👍', userId: 'u1' }),
      log.next('reaction.added', { messageId: 'm2', emoji: '👍', userId: 'u1' }), // a second add changes nothing
    ]);
    assert.deepEqual(state.messages('r1')[0]?.reactions, [
      { emoji: '👍', userIds: ['u2', 'u1'] },
      { emoji: '❤️', userIds: ['u1'] },
    ]);
    // The first 👍 is taken back: 👍's earliest reaction is now after ❤️'s.
    state.apply(log.next('reaction.removed', { messageId: 'm2', emoji: '👍', userId: 'u2' }));
    assert.deepEqual(state.messages('r1')[0]?.reactions, [
      { emoji: '❤️', userIds: ['u1'] },
      { emoji: '👍', userIds: ['u1'] },
    ]);
    // Reacting again puts the reactor last; an emoji with no reactors disappears.
    feed(state, [
      log.next('reaction.added', { messageId: 'm2', emoji: '👍', userId: 'u2' }),
      log.next('reaction.removed', { messageId: 'm2', emoji: '❤️', userId: 'u1' }),
      log.next('reaction.removed', { messageId: 'm2', emoji: '🙈', userId: 'u1' }),
    ]);
    assert.deepEqual(state.messages('r1')[0]?.reactions, [{ emoji: '👍', userIds: ['u1', 'u2'] }]);
  });

  void it('puts reactions seen as events after those of a fetched message', () => {
    const state = new ChatState(me);
    const log = new RoomLog('r1');
    const created = log.message('fetched');
    state.applyHistoryPage('r1', {
      messages: [{ ...created.data.message, reactions: [{ emoji: '👍', userIds: ['u2', 'u3'] }] }],
      hasMoreBefore: false,
      hasMoreAfter: false,
    });
    state.apply(created);
    state.apply(log.next('reaction.added', { messageId: 'm1', emoji: '🎉', userId: 'u1' }));
    state.apply(log.next('reaction.added', { messageId: 'm1', emoji: '👍', userId: 'u1' }));
    assert.deepEqual(state.messages('r1')[0]?.reactions, [
      { emoji: '👍', userIds: ['u2', 'u3', 'u1'] },
      { emoji: '🎉', userIds: ['u1'] },
    ]);
  });
});

void describe('ChatState: read markers and unread counts', () => {
  void it('counts messages by others after the read marker that are not deleted', () => {
    const { log, state } = groupRoom();
    feed(state, [log.message('a'), log.message('b'), log.message('mine', me), log.message('c')]);
    assert.equal(state.room('r1')?.unreadCount, 3);
    state.apply(log.next('message.deleted', { messageId: 'm3', deletedAt: time(9) }));
    assert.equal(state.room('r1')?.unreadCount, 2);
    state.apply(log.next('read.updated', { userId: me, seq: 2 }));
    assert.equal(state.room('r1')?.unreadCount, 1);
    assert.equal(state.room('r1')?.membership?.readSeq, 2);
    const user = new UserLog();
    state.apply(user.next('read.updated', { roomId: 'r1', seq: 5 }));
    assert.equal(state.room('r1')?.unreadCount, 0);
    // Markers only move forward.
    state.apply(log.next('read.updated', { userId: me, seq: 1 }));
    assert.equal(state.room('r1')?.membership?.readSeq, 5);
  });

  void it('moves other members’ markers', () => {
    const { log, state } = groupRoom();
    feed(state, [log.message('a'), log.next('read.updated', { userId: 'u2', seq: 2 })]);
    assert.equal(state.room('r1')?.members.find((m) => m.userId === 'u2')?.readSeq, 2);
  });

  void it('caps the unread count at 1000', () => {
    const { log, state } = groupRoom();
    for (let i = 0; i < 1005; i++) state.apply(log.message(`m${i}`));
    assert.equal(state.room('r1')?.unreadCount, 1000);
  });

  void it('counts exactly again once history pages fill a gap', () => {
    const state = new ChatState(me);
    const user = new UserLog();
    const log = new RoomLog('r1');
    const early = [log.message('one'), log.message('two')];
    state.apply(user.next('room.joined', { roomId: 'r1', role: 'member', seq: 0 + 1 }));
    log.seq = 9; // the sync was limited: events resume at seq 10
    state.apply(log.message('ten'));
    assert.equal(state.room('r1')?.unreadCount, 1); // only what is known
    state.applyHistoryPage(
      'r1',
      { messages: early.map((e) => e.data.message), hasMoreBefore: false, hasMoreAfter: true },
      { before: 10 },
    );
    assert.equal(state.room('r1')?.unreadCount, 2);
    assert.deepEqual(bodies(state), ['one', 'two', 'ten']);
  });
});

void describe('ChatState: people', () => {
  void it('tracks requests both ways, contacts, follows and blocks', () => {
    const state = new ChatState(me);
    const log = new UserLog();
    feed(state, [
      log.next('contact.requested', { from: person('u1'), to: person('u2') }),
      log.next('contact.requested', { from: person('u3'), to: person('u1') }),
      log.next('contact.requested', { from: person('u4'), to: person('u1') }),
      log.next('contact.added', { user: person('u2') }),
      log.next('contact.request_ended', { fromId: 'u3', toId: 'u1', reason: 'rejected' }),
      log.next('follow.added', { follower: person('u1'), followee: person('u5') }),
      log.next('follow.added', { follower: person('u6'), followee: person('u1') }),
      log.next('follow.added', { follower: person('u4'), followee: person('u1') }),
      log.next('follow.removed', { followerId: 'u1', followeeId: 'u5' }),
      log.next('block.added', { userId: 'u4' }),
      log.next('block.added', { userId: 'u7' }),
      log.next('block.removed', { userId: 'u7' }),
      log.next('contact.requested', { from: person('u1'), to: person('u8') }),
      log.next('contact.request_ended', { fromId: 'u1', toId: 'u8', reason: 'cancelled' }),
      log.next('mention', { roomId: 'r1', messageId: 'm1', seq: 1 }),
    ]);
    const snapshot = state.snapshot();
    assert.deepEqual(snapshot.contacts, [{ userId: 'u2', since: time(104) }]);
    assert.deepEqual(snapshot.incoming, []);
    assert.deepEqual(snapshot.outgoing, []);
    assert.deepEqual(snapshot.following, []);
    assert.deepEqual(snapshot.followers, [{ userId: 'u6', since: time(107) }]);
    assert.deepEqual(snapshot.blocked, [{ userId: 'u4', since: time(110) }]);
    state.apply(log.next('contact.removed', { userId: 'u2' }));
    assert.deepEqual(state.snapshot().contacts, []);
  });

  void it('joins and leaves rooms from the user stream', () => {
    const state = new ChatState(me);
    const log = new UserLog();
    state.apply(log.next('room.joined', { roomId: 'r1', role: 'member', seq: 4 }));
    assert.deepEqual(state.room('r1')?.membership, {
      role: 'member',
      joinedAt: time(101),
      readSeq: 4,
      mutedUntil: null,
    });
    state.apply(log.next('room.left', { roomId: 'r1', reason: 'kicked', seq: 9 }));
    assert.equal(state.room('r1'), undefined);
  });
});

void describe('ChatState: determinism', () => {
  void it('ignores duplicates: applying every event again changes nothing', () => {
    const { log, state, events } = groupRoom();
    const user = new UserLog();
    events.push(
      log.message('a'),
      log.next('reaction.added', { messageId: 'm2', emoji: '👍', userId: 'u2' }),
      log.next('message.edited', { messageId: 'm2', body: 'a2', mentions: [], editedAt: time(5) }),
      log.next('member.joined', { user: person('u3'), role: 'member', invitedBy: null }),
      user.next('contact.added', { user: person('u3') }),
      log.next('reaction.removed', { messageId: 'm2', emoji: '👍', userId: 'u2' }),
    );
    feed(state, events.slice(1));
    const once = state.snapshot();
    const version = state.version;
    assert.deepEqual(
      events.map((event) => state.apply(event)),
      events.map(() => false),
    );
    assert.deepEqual(state.snapshot(), once);
    assert.equal(state.version, version);
  });

  void it('gives a snapshot that survives a JSON round trip unchanged', () => {
    const { log, state } = groupRoom();
    feed(state, [log.message('a'), log.next('reaction.added', { messageId: 'm2', emoji: '👍', userId: 'u2' })]);
    const snapshot = state.snapshot();
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  });

  void it('reports a cursor of what it applied', () => {
    const { log, state } = groupRoom();
    state.apply(log.message('a'));
    state.apply(new UserLog().next('block.added', { userId: 'u9' }));
    assert.deepEqual(state.cursor(), { user: 1, rooms: { r1: 2 } });
  });
});
