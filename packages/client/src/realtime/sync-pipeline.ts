import type { AnyEvent, Cursor, Room } from '@natter/protocol';
import type { RealtimeEvents } from './connection-types.ts';
import type { CursorTracker } from './cursor-tracker.ts';
import type { Emitter } from './emitter.ts';
import { readEvents } from './server-frames.ts';

/** Syncs in a row that may move nothing before the pipeline gives up on the socket. */
const maxStalledSyncs = 3;

/** An event as read off the wire, with whether this SDK knows its type. */
export interface ReadEvent {
  readonly event: AnyEvent;
  readonly known: boolean;
}

/** What a pipeline needs from its connection. */
export interface PipelineHost {
  readonly cursor: CursorTracker;
  /** Where events, gaps and room snapshots go. */
  readonly emitter: Emitter<RealtimeEvents>;
  /** The signed-in user's id, from the server's hello. */
  readonly me: string;
  /** Calls `sync` on the pipeline's socket. */
  sync(cursor: Cursor): Promise<unknown>;
  /** The cursor moved. */
  cursorMoved(): void;
  syncing(): void;
  /** Caught up: live events flow straight through now. */
  live(): void;
  /** A sync failed; the host drops the socket. */
  failed(error: unknown): void;
}

interface RoomSyncShape {
  readonly roomId: string;
  readonly events: unknown;
  readonly limited: boolean;
  readonly room: Room | null;
}

function readSyncAnswer(value: unknown): { userEvents: unknown; userLimited: boolean; rooms: RoomSyncShape[] } {
  const answer = value as { userEvents?: unknown; userLimited?: unknown; rooms?: unknown } | null;
  if (typeof answer?.userLimited !== 'boolean' || !Array.isArray(answer.rooms)) {
    throw new TypeError('The sync answer is not a SyncResponse');
  }
  const rooms = answer.rooms as RoomSyncShape[];
  if (!rooms.every((room) => typeof room.roomId === 'string' && typeof room.limited === 'boolean')) {
    throw new TypeError('The sync answer has an unreadable room');
  }
  return { userEvents: answer.userEvents, userLimited: answer.userLimited, rooms };
}

/**
 * Catches one socket up from the cursor, then passes live events through with per-stream dedupe.
 * Live events that arrive while a sync is under way wait in a buffer and go through the same
 * dedupe afterwards, so an event both in a sync answer and pushed live is delivered once. A live
 * event past a hole starts another sync instead of being delivered out of order.
 */
export class SyncPipeline {
  readonly #host: PipelineHost;
  #syncing = false;
  #stopped = false;
  #buffer: ReadEvent[] = [];

  constructor(host: PipelineHost) {
    this.#host = host;
  }

  /** Syncs from the cursor; called once the socket is greeted. */
  start(): void {
    void this.#run();
  }

  /** The socket is gone: nothing more is delivered from it; buffered events are left to the next sync. */
  stop(): void {
    this.#stopped = true;
    this.#buffer = [];
  }

  /** A live event from the server. */
  push(read: ReadEvent): void {
    if (this.#stopped) return;
    if (this.#syncing) this.#buffer.push(read);
    else if (this.#live(read)) void this.#run();
  }

  /** Passes one live event through dedupe; true when a sync is needed before anything more is delivered. */
  #live(read: ReadEvent): boolean {
    const { cursor } = this.#host;
    const { event } = read;
    switch (cursor.verdict(event)) {
      case 'duplicate':
        return false;
      case 'gap':
        this.#buffer.push(read);
        return true;
      case 'next':
        this.#deliver(read);
        this.#host.cursorMoved();
        // A room joined while live: start it where the membership began and sync once to get the
        // room's own state, which no event carries for a room that was not created just now.
        if (event.stream === 'user' && event.type === 'room.joined' && !cursor.has(event.data.roomId)) {
          cursor.setRoom(event.data.roomId, event.data.seq - 1);
          return true;
        }
        return false;
    }
  }

  #deliver(read: ReadEvent): void {
    const { event } = read;
    this.#host.cursor.advance(event);
    if (read.known) this.#host.emitter.emit('event', event);
    // The room's own stream says the membership is over: nothing more will come from it.
    const ended =
      event.type === 'room.deleted' || (event.type === 'member.left' && event.data.userId === this.#host.me);
    if (event.stream === 'room' && ended) this.#host.cursor.forget(event.roomId);
  }

  async #run(): Promise<void> {
    this.#syncing = true;
    this.#host.syncing();
    try {
      let again: boolean;
      let stalled = 0;
      do {
        again = false;
        let more = true;
        const before = JSON.stringify(this.#host.cursor.value);
        while (more) {
          const answer = await this.#host.sync(this.#host.cursor.value);
          if (this.#stopped) return;
          more = this.#apply(answer);
        }
        // A hole the server's sync does not fill would otherwise be asked about in a tight loop:
        // after a few syncs without progress, give the socket up and reconnect with backoff.
        stalled = JSON.stringify(this.#host.cursor.value) === before ? stalled + 1 : 0;
        if (stalled > maxStalledSyncs) throw new Error('Sync makes no progress past a gap in the live events');
        const buffered = this.#buffer;
        this.#buffer = [];
        for (const [index, read] of buffered.entries()) {
          again = this.#live(read);
          if (again) {
            this.#buffer.push(...buffered.slice(index + 1));
            break;
          }
        }
      } while (again);
    } catch (error) {
      if (!this.#stopped) this.#host.failed(error);
      return;
    } finally {
      this.#syncing = false;
    }
    if (!this.#stopped) this.#host.live();
  }

  /** Delivers one sync answer; true when more user events wait. */
  #apply(value: unknown): boolean {
    const { cursor } = this.#host;
    const answer = readSyncAnswer(value);
    for (const read of readEvents(answer.userEvents)) {
      if (cursor.verdict(read.event) !== 'duplicate') this.#deliver(read);
    }
    for (const room of answer.rooms) {
      const reads = readEvents(room.events);
      const before = cursor.roomPosition(room.roomId);
      const fresh = reads.filter((read) => read.event.seq > before);
      const first = fresh[0];
      // The contract: a room whose gap was too large for one answer says so, and the app is told,
      // whether or not the server flagged it.
      if (first && first.event.seq > before + 1) {
        this.#host.emitter.emit('gap', { roomId: room.roomId, afterSeq: before, beforeSeq: first.event.seq });
        cursor.setRoom(room.roomId, first.event.seq - 1);
      }
      for (const read of fresh) this.#deliver(read);
      this.#host.emitter.emit('room', { roomId: room.roomId, room: room.room });
      if (room.room === null) cursor.forget(room.roomId);
      else if (!cursor.has(room.roomId)) cursor.setRoom(room.roomId, room.room.lastSeq);
    }
    this.#host.cursorMoved();
    return answer.userLimited;
  }
}
