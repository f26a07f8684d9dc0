import { limits, type Cursor, type RoomEvent, type UserEvent } from '@natter/protocol';
import type { SyncSource } from './gateway-deps.ts';
import { PreparedEvent, type EncodeListener } from './shared-frame.ts';
import { StreamCursor, type StreamCursorHooks } from './stream-cursor.ts';

/** What a connection's live streams need from the connection and the fan-out. */
export interface LiveStreamsContext {
  userId: string;
  sync: SyncSource;
  onEncode: EncodeListener;
  /** Queues one event frame on the socket. */
  send(event: PreparedEvent): void;
  /** Starts routing the room's live events to this connection. */
  follow(roomId: string): void;
  /** Stops routing them. */
  unfollow(roomId: string): void;
  /** A stream broke (its gap could not be filled): close the connection so the client resumes. */
  failed(error: unknown): void;
  /** Something a person should look at, though delivery carries on. */
  warn(fields: object, message: string): void;
}

type RoomJoined = Extract<UserEvent, { type: 'room.joined' }>;
type RoomLeft = Extract<UserEvent, { type: 'room.left' }>;

/** A room cursor's key: whose streams, which room. */
interface RoomKey {
  streams: LiveStreams;
  roomId: string;
}

/**
 * The delivery contract for one connection, after its sync: its own user stream plus one stream per
 * room it is a member of. Membership changes arrive as the user's own events, in the user stream's
 * order: `room.joined` starts following the room just before its member.joined event, `room.left`
 * delivers through the leaving event and then stops, so nothing after it reaches the connection.
 */
export class LiveStreams {
  readonly #ctx: LiveStreamsContext;
  #user: StreamCursor<LiveStreams> | null = null;
  readonly #rooms = new Map<string, StreamCursor<RoomKey>>();
  /**
   * Member rooms the sync reply gave no position for: positioned by their first live event. Null
   * when none, which is nearly always (a Set per connection costs about 200 bytes).
   */
  #unpositioned: Set<string> | null = null;

  constructor(ctx: LiveStreamsContext) {
    this.#ctx = ctx;
  }

  /** True once a sync reply has positioned the streams. */
  get synced(): boolean {
    return this.#user !== null;
  }

  /** The rooms followed now. */
  roomIds(): string[] {
    return [...this.#rooms.keys(), ...(this.#unpositioned ?? [])];
  }

  /**
   * Positions the streams from a sync reply's cursor and follows every member room. On a repeated
   * sync, streams already ahead of the reply keep their place: their events went out already.
   */
  applySync(cursor: Cursor, memberRoomIds: readonly string[]): void {
    if (this.#user === null) this.#user = new StreamCursor(cursor.user, LiveStreams.#userHooks, this);
    else this.#user.skipTo(cursor.user);
    for (const roomId of memberRoomIds) {
      const position = cursor.rooms[roomId];
      const existing = this.#rooms.get(roomId);
      if (existing !== undefined) {
        if (position !== undefined) existing.skipTo(position);
      } else if (position !== undefined) {
        this.#follow(roomId, position);
      } else if (this.#unpositioned?.has(roomId) !== true) {
        this.#ctx.warn({ roomId }, 'sync reply gave no position for a member room');
        (this.#unpositioned ??= new Set()).add(roomId);
        this.#ctx.follow(roomId);
      }
    }
  }

  /** Offers a live event; it is ignored unless this connection follows its stream. */
  offer(event: PreparedEvent): void {
    if (event.stream === 'user') {
      if (event.streamId === this.#ctx.userId) this.#user?.offer(event);
      return;
    }
    const cursor = this.#rooms.get(event.streamId);
    if (cursor !== undefined) {
      cursor.offer(event);
    } else if (this.#unpositioned?.delete(event.streamId) === true) {
      this.#follow(event.streamId, event.seq - 1).offer(event);
    }
  }

  /** Stops every stream (the connection is closing). */
  stop(): void {
    this.#user?.stop();
    for (const cursor of this.#rooms.values()) cursor.stop();
    this.#rooms.clear();
    this.#unpositioned = null;
  }

  #follow(roomId: string, position: number): StreamCursor<RoomKey> {
    const cursor = new StreamCursor(position, LiveStreams.#roomHooks, { streams: this, roomId });
    this.#rooms.set(roomId, cursor);
    this.#ctx.follow(roomId);
    return cursor;
  }

  /** The user stream's hooks, shared by every connection: the cursor's key is its LiveStreams. */
  static readonly #userHooks: StreamCursorHooks<LiveStreams> = {
    fill: async (after, through, streams) => {
      const ctx = streams.#ctx;
      const events: UserEvent[] = await ctx.sync.userEvents(
        ctx.userId,
        after,
        Math.min(through - after, limits.historyPageMax),
      );
      return events.map((e) => PreparedEvent.fromWire(e, ctx.userId, ctx.onEncode));
    },
    deliver: (event, streams) => {
      streams.#ctx.send(event);
      const wire = event.wire;
      if (wire.stream !== 'user') return;
      if (wire.type === 'room.joined') streams.#joined(wire, event);
      else if (wire.type === 'room.left') streams.#left(wire, event);
    },
    ended: () => undefined,
    failed: (error, streams) => {
      streams.#ctx.failed(error);
    },
  };

  /** Room streams' hooks, shared by every connection. */
  static readonly #roomHooks: StreamCursorHooks<RoomKey> = {
    fill: async (after, through, { streams, roomId }) => {
      const events: RoomEvent[] = await streams.#ctx.sync.roomEvents(roomId, after, through);
      return events.map((e) => PreparedEvent.fromWire(e, roomId, streams.#ctx.onEncode));
    },
    deliver: (event, { streams, roomId }) => {
      streams.#ctx.send(event);
      // The room's own log says where this user's membership ends, so the stream stops there
      // even when the user's room.left is still on its way (held up behind a user-stream gap).
      const wire = event.wire;
      if (wire.stream !== 'room') return;
      const leaves =
        wire.type === 'room.deleted' || (wire.type === 'member.left' && wire.data.userId === streams.#ctx.userId);
      if (leaves) streams.#rooms.get(roomId)?.endAt(wire.seq);
    },
    ended: ({ streams, roomId }) => {
      streams.#rooms.delete(roomId);
      streams.#ctx.unfollow(roomId);
    },
    failed: (error, { streams }) => {
      streams.#ctx.failed(error);
    },
  };

  #joined(wire: RoomJoined, event: PreparedEvent): void {
    const { roomId, seq } = wire.data;
    let cursor = this.#rooms.get(roomId);
    if (cursor === undefined) {
      this.#unpositioned?.delete(roomId);
      cursor = this.#follow(roomId, seq - 1);
    } else {
      cursor.rejoinAt(seq);
    }
    this.#offerSiblings(cursor, roomId, event);
    // The member.joined event may have been published earlier, or be lost: then read it.
    cursor.expectThrough(seq);
  }

  #left(wire: RoomLeft, event: PreparedEvent): void {
    const { roomId, seq } = wire.data;
    if (this.#unpositioned?.delete(roomId) === true) this.#ctx.unfollow(roomId);
    const cursor = this.#rooms.get(roomId);
    if (cursor === undefined) return;
    cursor.endAt(seq);
    if (cursor.stopped) return;
    this.#offerSiblings(cursor, roomId, event);
    cursor.expectThrough(seq);
  }

  /** The room's events from the same bus message, which may precede the user event announcing them. */
  #offerSiblings(cursor: StreamCursor<RoomKey>, roomId: string, event: PreparedEvent): void {
    for (const sibling of event.siblings?.get(roomId) ?? []) cursor.offer(sibling);
  }
}
