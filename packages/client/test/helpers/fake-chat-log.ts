// The event log of the fake realtime server: rooms with gap-free sequence numbers, one user's
// stream, and the sync answer the protocol describes. Test-only; see fake-realtime-server.ts.
import type {
  AnyEvent,
  Cursor,
  Message,
  Room,
  RoomEvent,
  RoomSync,
  SendResult,
  SyncResponse,
  UserEvent,
} from '@natter/protocol';

type RoomEventOf<T extends RoomEvent['type']> = Extract<RoomEvent, { type: T }>;
type UserEventOf<T extends UserEvent['type']> = Extract<UserEvent, { type: T }>;

/** The signed-in user of every fake session. */
export const me = 'u1';

const at = (seq: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString();

/** A message as the server would create it. */
export function makeMessage(roomId: string, seq: number, body: string, senderId = 'u2'): Message {
  return {
    id: `m-${roomId}-${seq}`,
    roomId,
    seq,
    senderId,
    kind: 'text',
    body,
    replyTo: null,
    forwardedFrom: null,
    file: null,
    mentions: [],
    reactions: [],
    createdAt: at(seq),
    editedAt: null,
    deletedAt: null,
  };
}

/** One user's view of a fake server's log. */
export class FakeChatLog {
  readonly rooms = new Map<string, { room: Room; events: RoomEvent[]; member: boolean }>();
  readonly userEvents: UserEvent[] = [];
  readonly #sends = new Map<string, SendResult>();

  /** Creates a group room the user is a member of, with no events yet. */
  addRoom(id: string): Room {
    const room: Room = {
      id,
      kind: 'group',
      name: `Room ${id}`,
      topic: '',
      visibility: 'private',
      hasPassword: false,
      joinCode: null,
      ownerId: me,
      memberCount: 2,
      lastSeq: 0,
      createdAt: at(0),
    };
    this.rooms.set(id, { room, events: [], member: true });
    return room;
  }

  /** Appends a room event with the room's next seq. */
  appendRoom<T extends RoomEvent['type']>(roomId: string, type: T, data: RoomEventOf<T>['data']): RoomEventOf<T> {
    const entry = this.rooms.get(roomId);
    if (!entry) throw new Error(`no room ${roomId}`);
    const seq = entry.events.length + 1;
    const event = { stream: 'room', roomId, seq, type, actorId: 'u2', at: at(seq), data } as RoomEventOf<T>;
    entry.events.push(event);
    entry.room = { ...entry.room, lastSeq: seq };
    return event;
  }

  /** Appends a message.created event. */
  appendMessage(roomId: string, body: string, senderId = 'u2'): RoomEventOf<'message.created'> {
    const seq = (this.rooms.get(roomId)?.events.length ?? 0) + 1;
    return this.appendRoom(roomId, 'message.created', { message: makeMessage(roomId, seq, body, senderId) });
  }

  /** Appends a user event with the user's next seq. */
  appendUser<T extends UserEvent['type']>(type: T, data: UserEventOf<T>['data']): UserEventOf<T> {
    const seq = this.userEvents.length + 1;
    const event = { stream: 'user', seq, type, actorId: 'u2', at: at(seq), data } as UserEventOf<T>;
    this.userEvents.push(event);
    return event;
  }

  /** Commits a send once per txnId: a retry answers the original with `duplicate: true`. */
  send(roomId: string, txnId: string, body: string): { result: SendResult; event: AnyEvent | null } {
    const done = this.#sends.get(txnId);
    if (done) return { result: { ...done, duplicate: true }, event: null };
    const event = this.appendMessage(roomId, body, me);
    const result = { message: event.data.message, duplicate: false };
    this.#sends.set(txnId, result);
    return { result, event };
  }

  /** How many distinct messages were committed by sends. */
  get committedSends(): number {
    return this.#sends.size;
  }

  /** Everything after `cursor`, at most `limit` per stream: the latest ones of a room, flagged `limited`. */
  sync(cursor: Cursor, limit: number): SyncResponse {
    const user = this.userEvents.filter((event) => event.seq > cursor.user);
    const userEvents = user.slice(0, limit);
    const rooms: RoomSync[] = [];
    const next: Cursor = { user: userEvents.at(-1)?.seq ?? cursor.user, rooms: {} };
    for (const [roomId, entry] of this.rooms) {
      const named = Object.hasOwn(cursor.rooms, roomId);
      if (!entry.member && !named) continue;
      const after = entry.events.filter((event) => event.seq > (cursor.rooms[roomId] ?? 0));
      const limited = after.length > limit;
      rooms.push({
        roomId,
        events: limited ? after.slice(-limit) : after,
        limited,
        room: entry.member ? entry.room : null,
      });
      if (entry.member) next.rooms[roomId] = entry.room.lastSeq;
    }
    return { userEvents, userLimited: user.length > limit, rooms, cursor: next };
  }
}
