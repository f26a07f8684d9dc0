// The SQLite writer thread: it owns the connection that commits the event log, so the fsync of
// each COMMIT (synchronous=FULL) blocks this thread instead of the server's event loop.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { Write } from '../../ports/event-log.ts';
import { SqliteEventLog } from './sqlite-event-log.ts';
import { configureConnection } from './sqlite-support.ts';

/** A batch to commit, numbered so the answer finds its caller. */
export interface CommitRequest {
  id: number;
  writes: readonly Write[];
}

const port = parentPort;
if (port === null) throw new Error('sqlite-commit-worker must run in a worker thread');
const db = new DatabaseSync((workerData as { path: string }).path);
configureConnection(db);
const log = new SqliteEventLog(db);

port.on('message', (request: CommitRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  log.commit(request.writes).then(
    (results) => {
      port.postMessage({ id: request.id, ok: true, results });
    },
    (error: unknown) => {
      port.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    },
  );
});
