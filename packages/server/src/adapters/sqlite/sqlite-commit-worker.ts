// The SQLite writer thread: it owns the connection that commits the event log, so the fsync of
// each COMMIT (synchronous=FULL) blocks this thread instead of the server's event loop.
import { readlinkSync } from 'node:fs';
import { availableParallelism, getPriority, setPriority } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { Write } from '../../ports/event-log.ts';
import { compactAnswers } from './commit-answers.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import { configureConnection } from './sqlite-support.ts';

/** A batch to commit, numbered so the answer finds its caller. */
export interface CommitRequest {
  id: number;
  writes: readonly Write[];
}

/** How much nicer than the process the writer is when it shares the one core (see lowerThreadPriority). */
const writerNiceness = 10;

const port = parentPort;
if (port === null) throw new Error('sqlite-commit-worker must run in a worker thread');
if (availableParallelism() === 1) lowerThreadPriority(writerNiceness);
const db = new DatabaseSync((workerData as { path: string }).path);
configureConnection(db);
// This connection does the checkpoints (the main one does none; see openSqliteStorage), every
// 4,000 WAL pages (16 MB) instead of SQLite's 1,000. A chat write dirtied about five scattered
// pages (the message's indexes, the room's event and row, the txn then), so at 1,000 pages this
// thread checkpointed every 200 writes or so; less often, pages written many times are copied
// once. On a bench-sized database it commits 5,250 writes/s in batches of 50 instead of 3,600,
// with the same commit p99 within a few ms.
db.exec('PRAGMA wal_autocheckpoint = 4000');
const log = new SqliteEventLog(db);

port.on('message', (request: CommitRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  log.commit(request.writes).then(
    (results) => {
      port.postMessage({ id: request.id, ok: true, answers: compactAnswers(results) });
    },
    (error: unknown) => {
      port.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    },
  );
});

/**
 * Gives this thread a lower CPU priority than the event loop's (Linux applies `nice` per thread,
 * and /proc/thread-self names this one). Only when the process has one core: there the event loop
 * and this thread take turns, and a commit's fsync and checkpoint, work done in the kernel, held
 * the core for tens of milliseconds while frames and handshakes waited. In the bench's reconnect
 * storm (S4) catch-up p99 went from 3.9–10 s to 0.8–2.4 s. The price: while the event loop has
 * the core to itself, commits wait; sends that arrived during that storm were acked 1.5–3 s later
 * (docs/performance.md). With a core of its own the thread keeps the process's priority, and where
 * lowering it fails (not Linux, not allowed) it keeps it too.
 */
function lowerThreadPriority(by: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    // Relative to what the thread inherited: a server started under `nice` stays below it.
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority(tid) + by));
  } catch {
    // Not Linux, or not permitted.
  }
}
