import type { ErrorCode } from '@natter/protocol';
import type {
  EventBus,
  EventLog,
  Logger,
  RequirementCode,
  StoredEvent,
  Write,
  WriteResult,
} from '../../ports/index.ts';
import { AppError, fail } from '../app-error.ts';

/** What a committed write gave back. */
export interface Committed {
  events: StoredEvent[];
  /** True when the write's txn id had been used before: nothing new was stored. */
  duplicate: boolean;
}

interface Pending {
  write: Write;
  /** When it was submitted, on the Committer's clock. */
  queuedAt: number;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

/** Codes a failed requirement becomes when a service does not handle it itself. */
const requirementErrors: Record<RequirementCode, [ErrorCode, string]> = {
  room_not_found: ['room_not_found', 'No such room.'],
  not_a_member: ['not_a_member', 'Only members of the room may do this.'],
  already_member: ['bad_request', 'Already a member.'],
  forbidden: ['forbidden', 'Your role in this room does not allow this.'],
  cannot_post: ['cannot_post', 'Only the owner and admins post in a channel.'],
  muted: ['muted', 'You are muted in this room.'],
  banned: ['banned', 'You are banned from this room.'],
  room_full: ['room_full', 'The room is full.'],
  message_not_found: ['message_not_found', 'No such message in this room.'],
  message_changed: ['conflict', 'The message replied to changed at the same moment; send again.'],
  reaction_exists: ['bad_request', 'You already reacted with that emoji.'],
  reaction_missing: ['bad_request', 'You have not reacted with that emoji.'],
  reaction_limit: ['reaction_limit', 'This message has the most distinct emoji allowed.'],
  read_not_ahead: ['bad_request', 'The read marker is already there.'],
  blocked: ['user_unavailable', 'You cannot message this person.'],
  txn_id_conflict: ['txn_id_conflict', 'This transaction id was already used for another room.'],
  unique_violation: ['conflict', 'Someone made the same change at the same moment.'],
};

/** The AppError a failed requirement stands for. */
export function requirementError(code: RequirementCode): AppError {
  const [errorCode, message] = requirementErrors[code];
  return fail(errorCode, message);
}

/** How the Committer gathers writes into batches. */
export interface BatchPolicy {
  /** Most writes in one batch (default 2,000). */
  maxBatch?: number;
  /** A busy log's batch goes at once when it has this many writes (default 64). */
  fullBatch?: number;
  /** How long a busy log's batch may wait to fill, from its first write, ms (default 4). */
  lingerMs?: number;
  /** The log counts as busy when a batch of two or more finished less than this long ago, ms (default 20). */
  busyMs?: number;
}

/**
 * Group commit. Writes that arrive while a batch commits are committed together in the next one,
 * in one transaction, then each is answered: with SQLite at synchronous=FULL a commit costs an
 * fsync, so one per message would cap throughput near 7k/s where batches of 100 reach ~100k/s. One
 * batch is in flight at a time, so writes from one connection commit in the order they were made;
 * the committed events go to the bus in commit order, once, after the commit is durable.
 *
 * A busy log lingers: when a batch of two or more writes has just finished and fewer than
 * `fullBatch` writes wait, the next batch waits up to `lingerMs` from its first write for more. Without it, a short commit
 * leaves room for only a write or two, and every fsync and every page written is paid for by them:
 * the bench's commit path costs 190 µs of CPU per write in batches of 2, 119 in batches of 8 and
 * 91 in batches of 50 (bench/tools/commit-path.ts). A log that has been idle commits at once.
 * Up to 64 writes and 4 ms: against 16 and 2 ms, the bench's server took 43–46% of its core at
 * 2,500 msg/s instead of 52–58%, with send→ack p99 still 33–43 ms (docs/performance.md).
 */
export class Committer {
  readonly #log: EventLog;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #maxBatch: number;
  readonly #fullBatch: number;
  readonly #lingerMs: number;
  readonly #busyMs: number;
  #queue: Pending[] = [];
  #flushing = false;
  #scheduled = false;
  /** When the last batch finished, on `now`'s clock. */
  #lastCommitAt = Number.NEGATIVE_INFINITY;
  /** How many writes the last batch carried. */
  #lastBatchSize = 0;
  /** Ends the current linger early, once the batch is full. */
  #stopLinger: (() => void) | undefined;

  constructor(deps: { log: EventLog; bus: EventBus; logger: Logger; now?: () => number } & BatchPolicy) {
    this.#log = deps.log;
    this.#bus = deps.bus;
    this.#logger = deps.logger;
    this.#now = deps.now ?? (() => performance.now());
    // Large: while one batch syncs, the next one grows, and a slow fsync (tens of ms on a busy
    // disk) must not cap throughput at maxBatch per fsync. With SQLite's commits on a writer
    // thread a big batch no longer holds the event loop either.
    this.#maxBatch = deps.maxBatch ?? 2000;
    this.#fullBatch = Math.min(deps.fullBatch ?? 64, this.#maxBatch);
    this.#lingerMs = deps.lingerMs ?? 4;
    this.#busyMs = deps.busyMs ?? 20;
  }

  /** Commits a write; resolves with its events or the failed requirement's code. */
  submit(write: Write): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, queuedAt: this.#now(), resolve, reject });
      if (this.#queue.length >= this.#fullBatch) this.#stopLinger?.();
      this.#schedule();
    });
  }

  /** Commits a write; throws the AppError of a failed requirement. */
  async commit(write: Write): Promise<Committed> {
    const result = await this.submit(write);
    if (!result.ok) throw requirementError(result.code);
    return { events: result.events, duplicate: result.duplicate };
  }

  /** Resolves once every write submitted so far is committed (for a graceful shutdown). */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#flushing || this.#scheduled) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        await this.#linger();
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#commitBatch(batch);
        this.#lastCommitAt = this.#now();
        this.#lastBatchSize = batch.length;
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * Waits for the next batch to fill, when the log is busy with more than one writer and the batch
   * is small. A lone writer that waits for each answer (an import, a bot) never has company, so a
   * batch of one is no reason to wait.
   */
  async #linger(): Promise<void> {
    if (this.#queue.length >= this.#fullBatch || this.#lingerMs <= 0 || this.#lastBatchSize < 2) return;
    const now = this.#now();
    if (now - this.#lastCommitAt > this.#busyMs) return;
    const wait = (this.#queue[0]?.queuedAt ?? now) + this.#lingerMs - now;
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#stopLinger = done;
    });
    this.#stopLinger = undefined;
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    let results: WriteResult[];
    try {
      results = await this.#log.commit(batch.map((p) => p.write));
    } catch (error) {
      if (batch.length === 1) {
        this.#logger.error({ err: error }, 'commit failed');
        batch[0]?.reject(error);
        return;
      }
      // One bad write rejects its whole batch; commit them one by one so only it fails.
      this.#logger.warn({ err: error, writes: batch.length }, 'batch commit failed; committing its writes one by one');
      for (const p of batch) await this.#commitBatch([p]);
      return;
    }
    const fresh: StoredEvent[] = [];
    results.forEach((result, i) => {
      if (result.ok && !result.duplicate) fresh.push(...result.events);
      batch[i]?.resolve(result);
    });
    if (fresh.length > 0) this.#bus.publish({ kind: 'events', events: fresh });
  }
}

/** True when `error` is an AppError with one of `codes`. */
export function isAppError(error: unknown, ...codes: ErrorCode[]): error is AppError {
  return error instanceof AppError && (codes.length === 0 || codes.includes(error.code));
}
