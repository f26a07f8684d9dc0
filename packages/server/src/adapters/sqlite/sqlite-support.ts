import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { UniqueViolation } from '../../ports/storage.ts';

// Parameters in the statements the stores prepare are written `+?` or `+:name` wherever SQLite's
// planner weighs them (a join, an ORDER BY, a range, a LIMIT). A bare parameter there is one whose
// bound value the planner may use, so SQLite compiles the statement again at the first step after
// every bind: measured, 5–16 µs per call instead of 0.4–4 (syncRooms, the event log's range
// reads, a room's bans). The unary plus, on the value's side, leaves the value and the query plan
// as they were and ends the recompiling. sqlite-statements.test.ts fails for a statement compiled
// again on its second run, and for one that reads a whole table.

/** How long a write waits for another connection holding the file's write lock before failing. */
const busyTimeoutMs = 5000;

/**
 * Settings every connection to a Natter database needs. WAL lets readers run beside the writer;
 * FULL syncs the WAL on every commit, so an acknowledged write survives a power cut (group commit
 * keeps that affordable).
 */
export function configureConnection(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
}

/**
 * Runs `fn` between BEGIN IMMEDIATE and COMMIT, rolling back when it throws. `fn` must be
 * synchronous: node:sqlite blocks, so a block with no `await` inside cannot interleave with any
 * other call on this connection, and IMMEDIATE takes the write lock up front so another process on
 * the same file waits (busy_timeout) instead of failing halfway through with SQLITE_BUSY.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  endReadSnapshots();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    if (result instanceof Promise) throw new TypeError('transaction(): fn must be synchronous');
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Runs synchronous store code and hands back a promise, so a throw becomes a rejection. Any read
 * snapshot is ended first: `fn` may write, and it must see (and be seen by) every finished commit.
 */
export function settle<T>(fn: () => T): Promise<T> {
  endReadSnapshots();
  return new Promise((resolve) => {
    resolve(fn());
  });
}

/** Connections holding a read snapshot, and whether the end of the turn will end them. */
const snapshots = new Set<DatabaseSync>();
let endScheduled = false;

/**
 * As settle, for code that only reads, inside a read snapshot shared with the other reads of this
 * event-loop turn. Outside a transaction, SQLite opens and closes a read transaction around every
 * statement; in WAL mode that costs file locks, a look at the WAL and, when any other connection
 * has committed since, the connection's whole page cache. Measured on a bench database: 7.5 µs
 * per primary-key read alone, 1.7 µs inside a transaction, and 57–120 µs per read during a
 * reconnect storm while the writer thread commits. One snapshot per turn pays that once.
 *
 * A snapshot sees every commit that finished before its first read. It ends at the end of the turn
 * (setImmediate), before anything writes on this thread (settle, transaction), and whenever this
 * thread learns of a commit by another connection (the writer thread's answers call
 * endReadSnapshots first), so a read never misses a commit whose result its caller has seen.
 */
export function settleRead<T>(db: DatabaseSync, fn: () => T): Promise<T> {
  return new Promise((resolve) => {
    if (!db.isTransaction) {
      snapshotStatements(db).begin.run();
      snapshots.add(db);
      if (!endScheduled) {
        endScheduled = true;
        setImmediate(endOfTurn);
      }
    }
    resolve(fn());
  });
}

/** BEGIN and COMMIT prepared once per connection: exec parses them on every snapshot (0.7 µs). */
const prepared = new WeakMap<DatabaseSync, { begin: StatementSync; commit: StatementSync }>();

function snapshotStatements(db: DatabaseSync): { begin: StatementSync; commit: StatementSync } {
  let statements = prepared.get(db);
  if (statements === undefined) {
    statements = { begin: db.prepare('BEGIN'), commit: db.prepare('COMMIT') };
    prepared.set(db, statements);
  }
  return statements;
}

function endOfTurn(): void {
  endScheduled = false;
  endReadSnapshots();
}

/** Ends every open read snapshot on this thread (see settleRead). */
export function endReadSnapshots(): void {
  if (snapshots.size === 0) return;
  const open = [...snapshots];
  snapshots.clear();
  for (const db of open) {
    try {
      if (db.isOpen && db.isTransaction) snapshotStatements(db).commit.run();
    } catch {
      // Ending a read-only transaction does not fail in practice; if it did, the next statement
      // on that connection would report the problem where someone is waiting for an answer.
    }
  }
}

/** node:sqlite's error for SQLITE_CONSTRAINT_UNIQUE reads "UNIQUE constraint failed: users.email". */
const uniqueFailure = /UNIQUE constraint failed: \w+\.(\w+)/;

/** Runs `fn`, turning a unique-constraint error into UniqueViolation naming the column. */
export function withUniqueFields<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const field = error instanceof Error ? uniqueFailure.exec(error.message)?.[1] : undefined;
    if (field !== undefined) throw new UniqueViolation(field);
    throw error;
  }
}

/** `changes` is a bigint when a statement reads big integers; ours never do, but narrow it once. */
export function changed(result: { changes: number | bigint }): number {
  return Number(result.changes);
}

/** Unique constraints of the log's tables, as node:sqlite names them, and the field each protects. */
const logUniqueFields: Record<string, string> = {
  'rooms.id': 'room_id',
  'rooms.direct_key': 'direct_key',
  "index 'rooms_join_code_live'": 'join_code',
  'memberships.room_id, memberships.user_id': 'member',
  'bans.room_id, bans.user_id': 'ban',
  'reactions.message_id, reactions.user_id, reactions.emoji': 'reaction',
  'contact_requests.from_id, contact_requests.to_id': 'contact_request',
  'contacts.user_id, contacts.contact_id': 'contact',
  'follows.follower_id, follows.followee_id': 'follow',
  'blocks.blocker_id, blocks.blocked_id': 'block',
};

/**
 * The field a unique-constraint error of a log write collided on, or undefined for any other
 * error. A collision on a sequence number (room_events, messages.room_id+seq) or a message id is
 * deliberately not listed: it would mean a bug, which must fail loudly (see mayCollide).
 */
export function logUniqueField(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const constraint = /^UNIQUE constraint failed: (.+)$/.exec(error.message)?.[1];
  return constraint === undefined ? undefined : logUniqueFields[constraint];
}

/** JSON columns are TEXT on SQLite: parse them back (NULL stays null). */
export const sqliteJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : null);
