import { Worker } from 'node:worker_threads';
import type { EventLog, StoredEvent, Write, WriteResult } from '../../ports/event-log.ts';
import { expandAnswers, type CommitAnswer } from './commit-answers.ts';
import type { CommitRequest } from './sqlite-commit-worker.ts';
import type { SqliteEventLog } from './sqlite-event-log.ts';
import { endReadSnapshots } from './sqlite-support.ts';

type Answer = { id: number; ok: true; answers: CommitAnswer[] } | { id: number; ok: false; message: string };

interface Waiter {
  writes: readonly Write[];
  resolve: (r: WriteResult[]) => void;
  reject: (e: Error) => void;
}

/**
 * The event log of a SQLite file with its commits on a writer thread. node:sqlite is synchronous,
 * so on the main thread every COMMIT held the event loop for an fsync: about 2 ms typically and
 * 30–90 ms at the tail on these machines, during which no frame was read or fanned out (the bench
 * profile showed it as the largest self time of a busy server). Reads stay on the main connection,
 * in read snapshots that end whenever an answer arrives (settleRead), so a caller that awaited a
 * commit reads its effects. Batches go to the thread one at a time from the Committer, so commit
 * order, seq order and answer order stay the same.
 */
export class SqliteThreadedLog implements EventLog {
  readonly #reads: SqliteEventLog;
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiter>();
  #next = 1;
  #closed: Promise<void> | undefined;
  /** Set when an answer could not be understood; every later commit is refused with it. */
  #broken: Error | undefined;

  constructor(reads: SqliteEventLog, path: string) {
    this.#reads = reads;
    this.#worker = new Worker(new URL('./sqlite-commit-worker.ts', import.meta.url), { workerData: { path } });
    // Only pending commits keep the process alive, as a synchronous commit would have.
    this.#worker.unref();
    this.#worker.on('message', (answer: Answer) => {
      // Whoever hears of this commit may read next, and must see it (see settleRead).
      endReadSnapshots();
      const waiter = this.#waiting.get(answer.id);
      if (waiter === undefined) return;
      this.#waiting.delete(answer.id);
      if (this.#waiting.size === 0) this.#worker.unref();
      if (!answer.ok) {
        waiter.reject(new Error(answer.message));
        return;
      }
      let results: WriteResult[];
      try {
        results = expandAnswers(waiter.writes, answer.answers);
      } catch (error) {
        // The batch is durable but its answer is not understood: a bug. Refuse every commit from
        // now on, so no caller retries writes that are already stored (the Committer would).
        this.#broken = error as Error;
        waiter.reject(this.#broken);
        this.#failAll(this.#broken);
        return;
      }
      waiter.resolve(results);
    });
    this.#worker.on('error', (error: Error) => {
      this.#failAll(error);
    });
    this.#worker.on('exit', () => {
      this.#failAll(new Error('the SQLite writer thread stopped'));
    });
  }

  commit(writes: readonly Write[]): Promise<WriteResult[]> {
    if (this.#closed !== undefined) return Promise.reject(new Error('the event log is closed'));
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { writes, resolve, reject });
      this.#worker.ref();
      const request: CommitRequest = { id, writes };
      this.#worker.postMessage(request);
    });
  }

  roomEvents(roomId: string, afterSeq: number, limit: number, throughSeq?: number): Promise<StoredEvent[]> {
    return this.#reads.roomEvents(roomId, afterSeq, limit, throughSeq);
  }

  latestRoomEvents(roomId: string, afterSeq: number, limit: number, throughSeq?: number): Promise<StoredEvent[]> {
    return this.#reads.latestRoomEvents(roomId, afterSeq, limit, throughSeq);
  }

  userEvents(userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.#reads.userEvents(userId, afterSeq, limit);
  }

  userSeq(userId: string): Promise<number> {
    return this.#reads.userSeq(userId);
  }

  findTxn(userId: string, txnId: string, since: number): Promise<{ roomId: string; seq: number } | undefined> {
    return this.#reads.findTxn(userId, txnId, since);
  }

  /** Waits for the commits in flight, then stops the thread and its connection. */
  close(): Promise<void> {
    return (this.#closed ??= (async () => {
      await Promise.allSettled([...this.#waiting.keys()].map((id) => this.#settled(id)));
      const exited = new Promise<void>((resolve) => {
        this.#worker.once('exit', () => {
          resolve();
        });
      });
      this.#worker.ref();
      this.#worker.postMessage('close');
      await exited;
    })());
  }

  #settled(id: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = this.#waiting.get(id);
      if (waiter === undefined) {
        resolve();
        return;
      }
      this.#waiting.set(id, {
        writes: waiter.writes,
        resolve: (r) => {
          waiter.resolve(r);
          resolve();
        },
        reject: (e) => {
          waiter.reject(e);
          resolve();
        },
      });
    });
  }

  #failAll(error: Error): void {
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}
