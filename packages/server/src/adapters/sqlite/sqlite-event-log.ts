import type { DatabaseSync } from 'node:sqlite';
import type { EventLog, NewEvent, StoredEvent, Write, WriteResult } from '../../ports/event-log.ts';
import { noUpperBound, toStoredEvent, type EventRow } from '../log-rows.ts';
import {
  checkWrites,
  firstFailure,
  jsonText,
  mayCollide,
  roomEventOf,
  storedEvent,
  txnOutcome,
  uniqueViolation,
  type TxnFact,
} from '../log-writes.ts';
import { SqliteChanges, type ChangeContext } from './sqlite-changes.ts';
import { SqliteFacts } from './sqlite-requirements.ts';
import { logUniqueField, settle, settleRead, sqliteJson, transaction } from './sqlite-support.ts';

/**
 * The event log on one node:sqlite connection. A batch is one BEGIN IMMEDIATE ... COMMIT run
 * synchronously, so nothing else on this connection interleaves with it and other processes on
 * the file wait for the write lock: stream counters are bumped under that lock, which is what
 * makes commit order and seq order agree. A write whose changes may collide with a unique
 * constraint runs inside a SAVEPOINT, so the collision undoes that write alone (see mayCollide).
 * COMMIT returns after the WAL is synced (synchronous=FULL).
 */
export class SqliteEventLog implements EventLog {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;
  readonly #facts: SqliteFacts;
  readonly #changes: SqliteChanges;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
    this.#facts = new SqliteFacts(db);
    this.#changes = new SqliteChanges(db);
  }

  commit(writes: readonly Write[]): Promise<WriteResult[]> {
    return settle(() => {
      checkWrites(writes);
      if (writes.length === 0) return [];
      try {
        return transaction(this.#db, () => {
          const results = writes.map((write) => this.#write(write));
          this.#changes.indexMessages();
          return results;
        });
      } catch (error) {
        this.#changes.forgetUnindexed();
        throw error;
      }
    });
  }

  roomEvents(roomId: string, afterSeq: number, limit: number, throughSeq = noUpperBound): Promise<StoredEvent[]> {
    return settleRead(this.#db, () =>
      this.#events('room', this.#sql.roomEvents.all(roomId, afterSeq, throughSeq, Math.max(0, limit))),
    );
  }

  latestRoomEvents(roomId: string, afterSeq: number, limit: number, throughSeq = noUpperBound): Promise<StoredEvent[]> {
    return settleRead(this.#db, () =>
      this.#events('room', this.#sql.latestRoomEvents.all(roomId, afterSeq, throughSeq, Math.max(0, limit))).reverse(),
    );
  }

  userEvents(userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return settleRead(this.#db, () =>
      this.#events('user', this.#sql.userEvents.all(userId, afterSeq, Math.max(0, limit))),
    );
  }

  userSeq(userId: string): Promise<number> {
    return settleRead(this.#db, () => Number(this.#sql.userSeq.get(userId)?.last_seq ?? 0));
  }

  findTxn(userId: string, txnId: string, since: number): Promise<{ roomId: string; seq: number } | undefined> {
    return settleRead(this.#db, () => {
      const row = this.#sql.findTxn.get(userId, txnId, since);
      return row === undefined ? undefined : { roomId: String(row.room_id), seq: Number(row.seq) };
    });
  }

  /** One write of a batch: the txn and the requirements first, then its changes and events. */
  #write(write: Write): WriteResult {
    const seen = txnOutcome(write, this.#txn(write));
    if (seen !== undefined) return seen;
    const failed = firstFailure(write.require, this.#facts.nextWrite());
    if (failed !== undefined) return { ok: false, code: failed };
    if (!write.changes.some(mayCollide)) return { ok: true, events: this.#apply(write), duplicate: false };
    // Index earlier writes' messages outside the savepoint, so rolling it back cannot undo their
    // index entries while the log believes them indexed.
    this.#changes.indexMessages();
    this.#sql.savepoint.run();
    try {
      const events = this.#apply(write);
      this.#sql.release.run();
      return { ok: true, events, duplicate: false };
    } catch (error) {
      this.#sql.rollback.run();
      this.#sql.release.run();
      const field = logUniqueField(error);
      if (field === undefined) throw error;
      return uniqueViolation(field);
    }
  }

  #apply(write: Write): StoredEvent[] {
    const roomId = roomEventOf(write)?.stream.room;
    let roomSeq: number | undefined;
    const context: ChangeContext = {
      roomSeq: () => (roomSeq ??= this.#nextRoomSeq(roomId, write.at)),
      txnId: write.txn?.txnId ?? null,
    };
    for (const change of write.changes) this.#changes.apply(change, context);
    return write.events.map((event) => this.#append(event, write.at, context));
  }

  #append(event: NewEvent, at: number, context: ChangeContext): StoredEvent {
    if ('room' in event.stream) {
      const seq = context.roomSeq();
      const stored = storedEvent(event, seq, at, seq);
      this.#sql.insertRoomEvent.run(stored.streamId, seq, stored.type, stored.actorId, jsonText(stored.data), at);
      return stored;
    }
    const seq = Number(this.#sql.nextUserSeq.get(event.stream.user)?.last_seq);
    const stored = storedEvent(event, seq, at, event.roomSeqField === undefined ? undefined : context.roomSeq());
    this.#sql.insertUserEvent.run(stored.streamId, seq, stored.type, stored.actorId, jsonText(stored.data), at);
    return stored;
  }

  #nextRoomSeq(roomId: string | undefined, at: number): number {
    const row = roomId === undefined ? undefined : this.#sql.nextRoomSeq.get(at, roomId);
    if (row === undefined) throw new Error(`no room ${String(roomId)} to append an event to`);
    return Number(row.last_seq);
  }

  #txn(write: Write): TxnFact | undefined {
    if (write.txn === undefined) return undefined;
    // Two index lookups, not a join: SQLite compiled the joined statement again at every
    // call (see sqlite-support.ts), a tenth of the commit path's time in a profile.
    const txn = this.#sql.findTxn.get(write.txn.userId, write.txn.txnId, write.txn.since);
    if (txn === undefined) return undefined;
    const row = this.#sql.roomEvent.get(String(txn.room_id), Number(txn.seq)) as unknown as EventRow | undefined;
    return row === undefined ? undefined : { roomId: row.stream_id, event: toStoredEvent('room', row, sqliteJson) };
  }

  #events(stream: 'room' | 'user', rows: unknown[]): StoredEvent[] {
    return (rows as EventRow[]).map((row) => toStoredEvent(stream, row, sqliteJson));
  }
}

const eventColumns = 'seq, type, actor_id, data, at';

function prepareStatements(db: DatabaseSync) {
  return {
    savepoint: db.prepare('SAVEPOINT natter_write'),
    release: db.prepare('RELEASE natter_write'),
    rollback: db.prepare('ROLLBACK TO natter_write'),
    roomEvent: db.prepare(
      `SELECT room_id AS stream_id, ${eventColumns} FROM room_events WHERE room_id = ? AND seq = ?`,
    ),
    nextRoomSeq: db.prepare(
      'UPDATE rooms SET last_seq = last_seq + 1, last_event_at = max(last_event_at, ?) WHERE id = ? RETURNING last_seq',
    ),
    nextUserSeq: db.prepare(
      `INSERT INTO user_streams (user_id, last_seq) VALUES (?, 1)
       ON CONFLICT (user_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
    ),
    insertRoomEvent: db.prepare(
      'INSERT INTO room_events (room_id, seq, type, actor_id, data, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertUserEvent: db.prepare(
      'INSERT INTO user_events (user_id, seq, type, actor_id, data, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    roomEvents: db.prepare(
      `SELECT room_id AS stream_id, ${eventColumns} FROM room_events
       WHERE room_id = +? AND seq > +? AND seq <= +? ORDER BY seq LIMIT +?`,
    ),
    latestRoomEvents: db.prepare(
      `SELECT room_id AS stream_id, ${eventColumns} FROM room_events
       WHERE room_id = +? AND seq > +? AND seq <= +? ORDER BY seq DESC LIMIT +?`,
    ),
    userEvents: db.prepare(
      `SELECT user_id AS stream_id, ${eventColumns} FROM user_events
       WHERE user_id = +? AND seq > +? ORDER BY seq LIMIT +?`,
    ),
    userSeq: db.prepare('SELECT last_seq FROM user_streams WHERE user_id = ?'),
    // A txn is kept on the message it sent, and counts from `since` on (see 004-txn-on-messages.sql).
    findTxn: db.prepare('SELECT room_id, seq FROM messages WHERE sender_id = ? AND txn_id = ? AND created_at >= +?'),
  };
}
