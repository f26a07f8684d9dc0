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

/**
 * Group commit. Writes that arrive during one event-loop turn are committed together in one
 * transaction, then each is answered: with SQLite at synchronous=FULL a commit costs an fsync, so
 * one per message would cap throughput near 7k/s where batches of 100 reach ~100k/s. One batch is
 * in flight at a time, so writes from one connection commit in the order they were made; the
 * committed events go to the bus in commit order, once, after the commit is durable.
 */
export class Committer {
  readonly #log: EventLog;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #flushing = false;
  #scheduled = false;

  constructor(deps: { log: EventLog; bus: EventBus; logger: Logger; maxBatch?: number }) {
    this.#log = deps.log;
    this.#bus = deps.bus;
    this.#logger = deps.logger;
    // Large: while one batch syncs, the next one grows, and a slow fsync (tens of ms on a busy
    // disk) must not cap throughput at maxBatch per fsync. With SQLite's commits on a writer
    // thread a big batch no longer holds the event loop either.
    this.#maxBatch = deps.maxBatch ?? 2000;
  }

  /** Commits a write; resolves with its events or the failed requirement's code. */
  submit(write: Write): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
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
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#commitBatch(batch);
      }
    } finally {
      this.#flushing = false;
    }
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
