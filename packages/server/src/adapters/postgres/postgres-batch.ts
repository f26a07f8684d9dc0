import type { PoolClient } from 'pg';
import type { Change, NewEvent, StoredEvent, Write } from '../../ports/event-log.ts';
import { jsonText, roomEventOf, storedEvent, type MessageFact, type TxnFact } from '../log-writes.ts';

type NewMessage = Extract<Change, { op: 'message.insert' }>['message'];

/**
 * One batch's state on PostgreSQL: the stream counters, locked at the start and written back at
 * the end, and the rows appended in between, sent as multi-row inserts. Round trips dominate a
 * PostgreSQL commit, so a run of sends costs a handful of statements whatever its length.
 *
 * The counters are safe to keep here because every stream the batch touches is locked (FOR
 * UPDATE) before the first seq is read, and stays locked until COMMIT: no other transaction can
 * read or bump them meanwhile, and one that waits sees the values written back.
 */
export class PostgresBatch {
  readonly #client: PoolClient;
  readonly #rooms = new Map<string, { seq: number; at: number; dirty: boolean }>();
  readonly #users = new Map<string, { seq: number; dirty: boolean }>();
  /** Txn ids used by earlier writes of this batch: (user, txn) → what they produced. */
  readonly #claimed = new Map<string, TxnFact>();
  #messages: QueuedMessage[] = [];
  #pendingIds = new Map<string, MessageFact>();
  #roomEvents: StoredEvent[] = [];
  #userEvents: StoredEvent[] = [];

  constructor(client: PoolClient) {
    this.#client = client;
  }

  /**
   * Locks every stream the batch touches, rooms by id then users by id. Two batches locking
   * overlapping streams therefore take the locks in the same order and cannot deadlock, whatever
   * order their writes name them in. A user's counter row is created on first use.
   */
  async lock(streams: { rooms: string[]; users: string[] }): Promise<void> {
    if (streams.rooms.length > 0) {
      const { rows } = await this.#client.query<{ id: string; last_seq: number; last_event_at: number }>({
        name: 'natter_lock_rooms',
        text: 'SELECT id, last_seq, last_event_at FROM rooms WHERE id = ANY ($1::text[]) ORDER BY id FOR UPDATE',
        values: [streams.rooms],
      });
      for (const row of rows) this.#rooms.set(row.id, { seq: row.last_seq, at: row.last_event_at, dirty: false });
    }
    if (streams.users.length > 0) {
      // Rows are locked in the order they are inserted or conflict: the sorted order of the array.
      const { rows } = await this.#client.query<{ user_id: string; last_seq: number }>({
        name: 'natter_lock_users',
        text: `INSERT INTO user_streams (user_id, last_seq) SELECT u, 0 FROM unnest($1::text[]) AS u
               ON CONFLICT (user_id) DO UPDATE SET last_seq = user_streams.last_seq
               RETURNING user_id, last_seq`,
        values: [streams.users],
      });
      for (const row of rows) this.#users.set(row.user_id, { seq: row.last_seq, dirty: false });
    }
  }

  /** The txn as an earlier write of this batch used it. */
  claimed(userId: string, txnId: string): TxnFact | undefined {
    return this.#claimed.get(JSON.stringify([userId, txnId]));
  }

  /** A message appended by this batch and not flushed yet: live, in its room. */
  pendingMessage = (messageId: string): MessageFact | undefined => this.#pendingIds.get(messageId);

  /** The seq the write's room event takes; the counter moves on in `append`, once the write succeeded. */
  nextRoomSeq(write: Write): number | undefined {
    const roomId = roomEventOf(write)?.stream.room;
    if (roomId === undefined) return undefined;
    const counter = this.#rooms.get(roomId);
    if (counter !== undefined) return counter.seq + 1;
    // A room the write itself creates has no events yet.
    if (write.changes.some((change) => change.op === 'room.create' && change.room.id === roomId)) return 1;
    // Any other room unknown here does not exist: every existing room the batch names was locked.
    throw new Error(`no room ${roomId} to append an event to`);
  }

  /**
   * Takes the write's seqs and queues its rows: its events, and its messages (a send's with its
   * txn id) when `messages` (a write whose only changes are sends leaves them to the batch
   * insert). A txn is also claimed, so later writes of the batch see it used.
   */
  append(write: Write, messages: boolean): StoredEvent[] {
    for (const change of write.changes) {
      if (change.op === 'room.create' && !this.#rooms.has(change.room.id)) {
        this.#rooms.set(change.room.id, { seq: 0, at: change.room.createdAt, dirty: false });
      }
    }
    const roomSeq = this.nextRoomSeq(write);
    const stored = write.events.map((event) => this.#event(event, write.at, roomSeq));
    const roomEvent = stored.find((event) => event.stream === 'room');
    if (roomEvent === undefined) return stored;
    const counter = this.#rooms.get(roomEvent.streamId);
    this.#rooms.set(roomEvent.streamId, {
      seq: roomEvent.seq,
      at: Math.max(counter?.at ?? write.at, write.at),
      dirty: true,
    });
    if (messages) this.#queueMessages(write, roomEvent.seq);
    if (write.txn !== undefined) this.#claim(write.txn, roomEvent);
    return stored;
  }

  #event(event: NewEvent, at: number, roomSeq: number | undefined): StoredEvent {
    if ('room' in event.stream) {
      if (roomSeq === undefined) throw new Error('a room event without its seq');
      const stored = storedEvent(event, roomSeq, at, roomSeq);
      this.#roomEvents.push(stored);
      return stored;
    }
    const counter = this.#users.get(event.stream.user);
    if (counter === undefined) throw new Error(`user stream ${event.stream.user} was not locked`);
    counter.seq += 1;
    counter.dirty = true;
    const stored = storedEvent(event, counter.seq, at, roomSeq);
    this.#userEvents.push(stored);
    return stored;
  }

  #queueMessages(write: Write, seq: number): void {
    for (const change of write.changes) {
      if (change.op !== 'message.insert') continue;
      this.#messages.push({ message: change.message, seq, txnId: write.txn?.txnId ?? null });
      this.#pendingIds.set(change.message.id, { roomId: change.message.roomId, editedAt: null, deletedAt: null });
    }
  }

  #claim(txn: { userId: string; txnId: string }, event: StoredEvent): void {
    this.#claimed.set(JSON.stringify([txn.userId, txn.txnId]), { roomId: event.streamId, event });
  }

  /** Writes the queued rows: before any statement that may read them or refer to them. */
  async flush(): Promise<void> {
    const client = this.#client;
    if (this.#messages.length > 0) await client.query({ ...insertMessages, values: messageColumns(this.#messages) });
    if (this.#roomEvents.length > 0)
      await client.query({ ...insertRoomEvents, values: eventColumns(this.#roomEvents) });
    if (this.#userEvents.length > 0)
      await client.query({ ...insertUserEvents, values: eventColumns(this.#userEvents) });
    this.#messages = [];
    this.#pendingIds = new Map();
    this.#roomEvents = [];
    this.#userEvents = [];
  }

  /** Flushes, then writes the counters back; the caller commits. */
  async finish(): Promise<void> {
    await this.flush();
    const rooms = [...this.#rooms].filter(([, counter]) => counter.dirty);
    if (rooms.length > 0) {
      await this.#client.query({
        ...updateRooms,
        values: [rooms.map(([id]) => id), rooms.map(([, c]) => c.seq), rooms.map(([, c]) => c.at)],
      });
    }
    const users = [...this.#users].filter(([, counter]) => counter.dirty);
    if (users.length > 0) {
      await this.#client.query({ ...updateUsers, values: [users.map(([id]) => id), users.map(([, c]) => c.seq)] });
    }
  }
}

/** A message to insert, with its room seq and the txn id of the send that made it. */
interface QueuedMessage {
  message: NewMessage;
  seq: number;
  txnId: string | null;
}

function messageColumns(rows: readonly QueuedMessage[]): unknown[] {
  const m = rows.map((row) => row.message);
  return [
    m.map((x) => x.id),
    m.map((x) => x.roomId),
    rows.map((row) => row.seq),
    m.map((x) => x.senderId),
    m.map((x) => x.kind),
    m.map((x) => x.body),
    m.map((x) => x.replyToId),
    m.map((x) => (x.forwardedFrom === null ? null : jsonText(x.forwardedFrom))),
    m.map((x) => (x.file === null ? null : jsonText(x.file))),
    m.map((x) => jsonText(x.mentions)),
    m.map((x) => x.createdAt),
    m.map((x) => x.editedAt),
    m.map((x) => x.deletedAt),
    rows.map((row) => row.txnId),
  ];
}

function eventColumns(events: readonly StoredEvent[]): unknown[] {
  return [
    events.map((e) => e.streamId),
    events.map((e) => e.seq),
    events.map((e) => e.type),
    events.map((e) => e.actorId),
    events.map((e) => jsonText(e.data)),
    events.map((e) => e.at),
  ];
}

// jsonb travels as text[] and is cast per element: pg would send a JS array parameter as a
// PostgreSQL array, not as JSON.
const insertMessages = {
  name: 'natter_insert_messages',
  text: `INSERT INTO messages (id, room_id, seq, sender_id, kind, body, reply_to_id, forwarded_from, file, mentions,
           created_at, edited_at, deleted_at, txn_id)
         SELECT id, room_id, seq, sender_id, kind, body, reply_to_id, forwarded_from::jsonb, file::jsonb,
           mentions::jsonb, created_at, edited_at, deleted_at, txn_id
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[])
           AS t (id, room_id, seq, sender_id, kind, body, reply_to_id, forwarded_from, file, mentions,
             created_at, edited_at, deleted_at, txn_id)`,
};

const eventInsert = (table: string, stream: string) => ({
  name: `natter_insert_${table}`,
  text: `INSERT INTO ${table} (${stream}, seq, type, actor_id, data, at)
         SELECT s, seq, type, actor_id, data::jsonb, at
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[])
           AS t (s, seq, type, actor_id, data, at)`,
});
const insertRoomEvents = eventInsert('room_events', 'room_id');
const insertUserEvents = eventInsert('user_events', 'user_id');

const updateRooms = {
  name: 'natter_update_room_counters',
  text: `UPDATE rooms AS r SET last_seq = v.seq, last_event_at = greatest(r.last_event_at, v.at)
         FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS v (id, seq, at) WHERE r.id = v.id`,
};

const updateUsers = {
  name: 'natter_update_user_counters',
  text: `UPDATE user_streams AS s SET last_seq = v.seq
         FROM unnest($1::text[], $2::bigint[]) AS v (user_id, seq) WHERE s.user_id = v.user_id`,
};
