// People with a realtime connection the test can break, a ChatState fed by it and a record of what
// it delivered; and the checks of the delivery contract over such a group (used by the property test).
import assert from 'node:assert/strict';
import {
  bindChatState,
  ChatState,
  fetchChatState,
  RealtimeConnection,
  type AnyEvent,
  type GapInfo,
  type Message,
  type OpArgs,
  type OpCaller,
  type OpResponse,
  type RealtimeOpName,
  type RoomEvent,
  type SendResult,
} from '@natter/client';
import type { Person } from './chat.ts';
import { SocketSwitch } from './socket-switch.ts';
import { must } from './suite.ts';

/** Which way an operation goes: over the connection's socket, or over REST. */
export type Via = 'realtime' | 'rest';

/** One person: a REST client, a connection whose sockets the test controls, and the state it feeds. */
export class Actor {
  readonly person: Person;
  readonly sockets = new SocketSwitch();
  readonly connection: RealtimeConnection;
  readonly state: ChatState;
  /** Every event the connection delivered, in delivery order. */
  readonly events: AnyEvent[] = [];
  readonly gaps: GapInfo[] = [];
  readonly request: OpCaller;

  constructor(person: Person) {
    this.person = person;
    // An arrow, not `.bind`: relating the generic method type to OpCaller costs tsc seconds.
    this.request = (op, ...args) => person.client.request(op, ...args);
    this.state = new ChatState(person.userId);
    this.connection = new RealtimeConnection(person.client, {
      WebSocket: this.sockets.WebSocket,
      backoff: { baseMs: 5, maxMs: 40 },
      heartbeatMs: 0,
    });
    bindChatState(this.connection, this.state);
    this.connection.on('event', (event) => this.events.push(event));
    this.connection.on('gap', (gap) => this.gaps.push(gap));
  }

  /** Kept offline by the test (its sockets cannot connect). */
  get offline(): boolean {
    return this.sockets.blocked;
  }

  /** Calls `op` over the socket, or over REST when asked, or when offline (the socket would wait). */
  call<N extends RealtimeOpName>(via: Via, op: N, ...args: OpArgs<N>): Promise<OpResponse<N>> {
    return via === 'realtime' && !this.offline ? this.connection.call(op, ...args) : this.request(op, ...args);
  }

  /** True when a sync from the connection's cursor brings nothing: everything was delivered. */
  async caughtUp(): Promise<boolean> {
    const answer = await this.request('sync', { body: { cursor: this.connection.cursor } });
    return answer.userEvents.length === 0 && answer.rooms.every((room) => room.events.length === 0);
  }

  /** The events of one room this connection delivered, in delivery order. */
  roomEvents(roomId: string): RoomEvent[] {
    return this.events.filter((e): e is RoomEvent => e.stream === 'room' && e.roomId === roomId);
  }
}

/**
 * Where the state's knowledge of a room from events begins: the user's last (re)join (the state
 * forgets a room the user leaves), or the end of the last jump in what was delivered (a gap).
 */
function followedFrom(actor: Actor, roomId: string, lastSeq: number): number {
  const events = actor.roomEvents(roomId);
  for (let i = events.length - 1; i > 0; i--) {
    const event = must(events[i]);
    const rejoined = event.type === 'member.joined' && event.data.user.id === actor.person.userId;
    if (rejoined || must(events[i - 1]).seq !== event.seq - 1) return event.seq;
  }
  return events[0]?.seq ?? lastSeq + 1;
}

/**
 * What an app does about what events cannot tell: for each room the state did not follow from its
 * first event (joined later, rejoined, or resumed past a gap), page in the history from before
 * that point and fetch the member list (see GapInfo).
 */
export async function fillGaps(actor: Actor): Promise<void> {
  for (const { id: roomId, room } of actor.state.snapshot().rooms) {
    const from = followedFrom(actor, roomId, room?.lastSeq ?? 0);
    if (from <= 1) continue;
    let before = from;
    for (;;) {
      const query = { before, limit: 100 };
      const page = await actor.request('listMessages', { params: { roomId }, query });
      actor.state.applyHistoryPage(roomId, page, query);
      const first = page.messages[0];
      if (!page.hasMoreBefore || !first) break;
      before = first.seq;
    }
    let after: string | null = null;
    do {
      const query: { limit: number; after?: string } = after === null ? { limit: 100 } : { after, limit: 100 };
      const page = await actor.request('listMembers', { params: { roomId }, query });
      actor.state.applyMembers(roomId, page, query);
      after = page.nextAfter;
    } while (after !== null);
  }
}

/** A send and every acknowledgement it got (more than one when it was retried). */
export interface SentMessage {
  readonly txnId: string;
  readonly roomId: string;
  readonly results: readonly SendResult[];
}

/** One membership of a person in a room: room seqs `from` through `through`; `open` if it lasts. */
interface Period {
  readonly from: number;
  readonly through: number;
  readonly open: boolean;
}

/** The memberships of `userId`, from the room's whole log. */
function membershipPeriods(log: readonly RoomEvent[], userId: string): Period[] {
  const periods: Period[] = [];
  let from: number | null = null;
  for (const event of log) {
    const joined =
      (event.type === 'room.created' && event.data.members.some((m) => m.user.id === userId)) ||
      (event.type === 'member.joined' && event.data.user.id === userId);
    const left = (event.type === 'member.left' && event.data.userId === userId) || event.type === 'room.deleted';
    if (joined && from === null) from = event.seq;
    if (left && from !== null) {
      periods.push({ from, through: event.seq, open: false });
      from = null;
    }
  }
  if (from !== null) periods.push({ from, through: log.at(-1)?.seq ?? from, open: true });
  return periods;
}

/**
 * Each room's log as the members saw it. Every member who saw a seq saw the same event there; each
 * connection delivered a room's events once, in increasing order; together they cover 1..lastSeq.
 */
function roomLog(actors: readonly Actor[], roomId: string): RoomEvent[] {
  const bySeq = new Map<number, RoomEvent>();
  for (const [i, actor] of actors.entries()) {
    let previous = 0;
    for (const event of actor.roomEvents(roomId)) {
      assert.ok(event.seq > previous, `u${i} was given room seq ${event.seq} after ${previous} (order, no duplicates)`);
      previous = event.seq;
      const other = bySeq.get(event.seq);
      if (other) assert.deepEqual(event, other, `u${i} saw another event than someone else at seq ${event.seq}`);
      else bySeq.set(event.seq, event);
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * True when the user stream told `actor` of a whole membership it was given none of the room
 * events of: joined and left again while the client was away, so it never held a position in the
 * room. The server sends such a room nothing (SyncService's plan: an ended membership the cursor
 * does not name), and the room.joined and room.left user events are all the client learns of it.
 */
function summarized(actor: Actor, roomId: string, { from, through, open }: Period): boolean {
  if (open) return false;
  const seen = actor.roomEvents(roomId).some((e) => e.seq >= from && e.seq <= through);
  const told = (type: 'room.joined' | 'room.left', seq: number) =>
    actor.events.some((e) => e.stream === 'user' && e.type === type && e.data.roomId === roomId && e.data.seq === seq);
  return !seen && told('room.joined', from) && told('room.left', through);
}

/** Each person was given exactly the room's events of the periods they were a member, bar reported gaps. */
function checkPeriods(actors: readonly Actor[], roomId: string, log: readonly RoomEvent[]): void {
  for (const [i, actor] of actors.entries()) {
    const excused = (seq: number) =>
      actor.gaps.some((g) => g.roomId === roomId && g.afterSeq < seq && seq < g.beforeSeq);
    const expected: number[] = [];
    for (const period of membershipPeriods(log, actor.person.userId)) {
      if (summarized(actor, roomId, period)) continue;
      for (let seq = period.from; seq <= period.through; seq++) if (!excused(seq)) expected.push(seq);
    }
    assert.deepEqual(
      actor.roomEvents(roomId).map((e) => e.seq),
      expected,
      `u${i} was given the events of the periods it was a member, and only those`,
    );
  }
}

/** Every message of a room, oldest first, paged backwards from the newest. */
export async function history(call: OpCaller, roomId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const query = before === undefined ? { limit: 100 } : { before, limit: 100 };
    const page = await call('listMessages', { params: { roomId }, query });
    messages.unshift(...page.messages);
    const first = page.messages[0];
    if (!page.hasMoreBefore || !first) return messages;
    before = first.seq;
  }
}

/** Every acknowledged send is in its room exactly once, for the store and for every member's state. */
async function checkNoLoss(
  actors: readonly Actor[],
  roomId: string,
  log: readonly RoomEvent[],
  sends: readonly SentMessage[],
) {
  const acked = new Map<string, SendResult>();
  for (const send of sends.filter((s) => s.roomId === roomId)) {
    const [first, ...retries] = send.results;
    if (!first) continue;
    for (const retry of retries) {
      assert.deepEqual(
        [retry.message.id, retry.message.seq],
        [first.message.id, first.message.seq],
        `${send.txnId} acks`,
      );
    }
    acked.set(first.message.id, first);
  }
  const members = actors.filter((a) => membershipPeriods(log, a.person.userId).at(-1)?.open === true);
  const reader = members[0];
  assert.ok(reader, 'the room has a member');
  const stored = await history(reader.request, roomId);
  assert.deepEqual(
    stored.map((m) => m.id).sort(),
    [...acked.keys()].sort(),
    'the room holds each acknowledged send once',
  );
  const created = log.filter((e) => e.type === 'message.created').map((e) => e.data.message.id);
  assert.deepEqual(created.sort(), [...acked.keys()].sort(), 'the log created each acknowledged message once');
  for (const member of members) {
    const have = new Set(member.state.messages(roomId).map((m) => m.id));
    for (const id of acked.keys()) assert.ok(have.has(id), `${member.person.username} has acknowledged message ${id}`);
  }
}

/** The contract over a group of people who shared `roomIds`, once everything was delivered. */
export async function checkDelivery(
  actors: readonly Actor[],
  roomIds: readonly string[],
  sends: readonly SentMessage[],
): Promise<void> {
  for (const [i, actor] of actors.entries()) {
    const seqs = actor.events.filter((e) => e.stream === 'user').map((e) => e.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, k) => k + 1),
      `u${i}'s own events, once each and in order`,
    );
  }
  for (const roomId of roomIds) {
    const log = roomLog(actors, roomId);
    const owner = actors.find((a) => a.person.userId === (log[0]?.actorId ?? ''));
    assert.ok(owner, `room ${roomId} was created by one of the group`);
    const { lastSeq } = (await owner.request('getRoom', { params: { roomId } })).room;
    assert.deepEqual(
      log.map((e) => e.seq),
      Array.from({ length: lastSeq }, (_, k) => k + 1),
      `the members together saw seqs 1..${lastSeq} of ${roomId}`,
    );
    checkPeriods(actors, roomId, log);
    await checkNoLoss(actors, roomId, log, sends);
  }
  for (const [i, actor] of actors.entries()) {
    const fresh = await fetchChatState(actor.request, actor.person.userId);
    assert.deepEqual(actor.state.snapshot(), fresh.snapshot(), `u${i}'s state equals a fresh fetch`);
  }
}
