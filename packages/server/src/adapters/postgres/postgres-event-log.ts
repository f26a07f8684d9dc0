import type { PoolClient } from 'pg';
import type { EventLog, StoredEvent, Write, WriteResult } from '../../ports/event-log.ts';
import { noUpperBound, toStoredEvent, type EventRow } from '../log-rows.ts';
import { checkWrites, firstFailure, mayCollide, streamsOf, txnOutcome, uniqueViolation } from '../log-writes.ts';
import { PostgresBatch } from './postgres-batch.ts';
import { applyChange } from './postgres-changes.ts';
import { PostgresFacts } from './postgres-facts.ts';
import { logUniqueField, pgJson, type PostgresDatabase } from './postgres-support.ts';

/**
 * The event log on a pg pool. A batch is one transaction on one connection. It first locks every
 * stream it touches (see PostgresBatch.lock), so concurrent batches on other instances wait rather
 * than interleave their seqs, then takes the writes in order:
 *
 * - a run of writes that change nothing but append messages (sends, the bulk of the traffic) is
 *   judged on facts read in one statement and appended in memory: no savepoints, no per-write
 *   round trips; the rows go out as multi-row inserts;
 * - any other write flushes what is queued, reads its facts, and applies its changes statement by
 *   statement, inside a SAVEPOINT when a change may collide with a unique constraint (savepoints
 *   are subtransactions, which PostgreSQL makes costly past 64 in one transaction).
 *
 * COMMIT returns once the WAL is flushed (synchronous_commit on), so the answer is durable.
 */
export class PostgresEventLog implements EventLog {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async commit(writes: readonly Write[]): Promise<WriteResult[]> {
    checkWrites(writes);
    if (writes.length === 0) return [];
    return this.#db.transaction(async (client) => {
      const batch = new PostgresBatch(client);
      await batch.lock(streamsOf(writes));
      const results: WriteResult[] = [];
      for (const run of runs(writes)) {
        if (run.appendOnly) results.push(...(await appendRun(client, batch, run.writes)));
        else for (const write of run.writes) results.push(await applyWrite(client, batch, write));
      }
      await batch.finish();
      return results;
    });
  }

  async roomEvents(roomId: string, afterSeq: number, limit: number, throughSeq = noUpperBound): Promise<StoredEvent[]> {
    const { rows } = await this.#db.query<EventRow>(
      `SELECT room_id AS stream_id, seq, type, actor_id, data, at FROM room_events
       WHERE room_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
      [roomId, afterSeq, throughSeq, Math.max(0, limit)],
    );
    return rows.map((row) => toStoredEvent('room', row, pgJson));
  }

  async latestRoomEvents(
    roomId: string,
    afterSeq: number,
    limit: number,
    throughSeq = noUpperBound,
  ): Promise<StoredEvent[]> {
    const { rows } = await this.#db.query<EventRow>(
      `SELECT room_id AS stream_id, seq, type, actor_id, data, at FROM room_events
       WHERE room_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq DESC LIMIT $4`,
      [roomId, afterSeq, throughSeq, Math.max(0, limit)],
    );
    return rows.map((row) => toStoredEvent('room', row, pgJson)).reverse();
  }

  async userEvents(userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.#db.query<EventRow>(
      `SELECT user_id AS stream_id, seq, type, actor_id, data, at FROM user_events
       WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [userId, afterSeq, Math.max(0, limit)],
    );
    return rows.map((row) => toStoredEvent('user', row, pgJson));
  }

  async userSeq(userId: string): Promise<number> {
    const { rows } = await this.#db.query<{ last_seq: number }>(
      'SELECT last_seq FROM user_streams WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.last_seq ?? 0;
  }

  async findTxn(userId: string, txnId: string, since: number): Promise<{ roomId: string; seq: number } | undefined> {
    // A txn is kept on the message it sent, and counts from `since` on (see 004-txn-on-messages.sql).
    const { rows } = await this.#db.query<{ room_id: string; seq: number }>(
      'SELECT room_id, seq FROM messages WHERE sender_id = $1 AND txn_id = $2 AND created_at >= $3',
      [userId, txnId, since],
    );
    const row = rows[0];
    return row === undefined ? undefined : { roomId: row.room_id, seq: row.seq };
  }
}

/** Consecutive writes, grouped: runs of append-only writes, and the others one by one. */
function runs(writes: readonly Write[]): { appendOnly: boolean; writes: Write[] }[] {
  const grouped: { appendOnly: boolean; writes: Write[] }[] = [];
  for (const write of writes) {
    const appendOnly = write.changes.every((change) => change.op === 'message.insert');
    const last = grouped.at(-1);
    if (last !== undefined && last.appendOnly === appendOnly) last.writes.push(write);
    else grouped.push({ appendOnly, writes: [write] });
  }
  return grouped;
}

/** The answer for a write refused by its txn or its requirements, or undefined to go ahead. */
function refusal(write: Write, facts: PostgresFacts, batch: PostgresBatch): WriteResult | undefined {
  const txn =
    write.txn && (batch.claimed(write.txn.userId, write.txn.txnId) ?? facts.txn(write.txn.userId, write.txn.txnId));
  const seen = txnOutcome(write, txn);
  if (seen !== undefined) return seen;
  const failed = firstFailure(write.require, facts);
  return failed === undefined ? undefined : { ok: false, code: failed };
}

/**
 * Append-only writes: what they read (rooms, memberships, bans, reactions, txns) none of them
 * changes, so one read serves the whole run; messages and txns they add are answered from the
 * batch itself.
 */
async function appendRun(client: PoolClient, batch: PostgresBatch, writes: readonly Write[]): Promise<WriteResult[]> {
  const facts = await PostgresFacts.load(client, writes, batch.pendingMessage);
  return writes.map(
    (write) => refusal(write, facts, batch) ?? { ok: true, events: batch.append(write, true), duplicate: false },
  );
}

/** Any other write: its reads and its changes see everything before it in the batch. */
async function applyWrite(client: PoolClient, batch: PostgresBatch, write: Write): Promise<WriteResult> {
  await batch.flush();
  const refused = refusal(write, await PostgresFacts.load(client, [write], batch.pendingMessage), batch);
  if (refused !== undefined) return refused;
  const roomSeq = batch.nextRoomSeq(write);
  const context = {
    roomSeq: () => {
      if (roomSeq === undefined) throw new Error('a change takes the seq of a room event the write does not have');
      return roomSeq;
    },
    txnId: write.txn?.txnId ?? null,
  };
  const guarded = write.changes.some(mayCollide);
  if (guarded) await client.query('SAVEPOINT natter_write');
  try {
    for (const change of write.changes) await applyChange(client, change, context);
  } catch (error) {
    const field = logUniqueField(error);
    if (!guarded || field === undefined) throw error;
    await client.query('ROLLBACK TO SAVEPOINT natter_write');
    await client.query('RELEASE SAVEPOINT natter_write');
    return uniqueViolation(field);
  }
  if (guarded) await client.query('RELEASE SAVEPOINT natter_write');
  return { ok: true, events: batch.append(write, false), duplicate: false };
}
