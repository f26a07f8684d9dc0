import type { PreparedEvent } from './shared-frame.ts';

/**
 * What a cursor needs from its connection. Each call also gets the cursor's key, so one hooks
 * object can serve every cursor of every connection, where closures per cursor cost each
 * connection hundreds of bytes (a heap snapshot of 3,000 connections: 844 B less with this).
 */
export interface StreamCursorHooks<K = undefined> {
  /** The stream's events with seq in (after, through], ascending; may return fewer than asked. */
  fill(after: number, through: number, key: K): Promise<PreparedEvent[]>;
  /** Hands over the next event of the stream, strictly in order. */
  deliver(event: PreparedEvent, key: K): void;
  /** The stream ended (the membership is over) after its last event was delivered. */
  ended(key: K): void;
  /** A gap could not be filled; the connection must close so the client resumes from its cursor. */
  failed(error: unknown, key: K): void;
}

/** Fills that bring nothing new are retried this many times, further apart each time, before giving up. */
const maxFruitlessFills = 4;
const retryBaseMs = 50;

/**
 * One stream (a room, or the user's own) as one connection sees it: the seq delivered last, and
 * events that arrived early. Events go out in seq order with no gaps and no repeats. An event
 * beyond position + 1 means the bus lost or reordered something (or another instance died between
 * commit and publish): the missing range is read from the log first, and events arriving meanwhile
 * wait their turn.
 */
export class StreamCursor<K = undefined> {
  readonly #hooks: StreamCursorHooks<K>;
  readonly #key: K;
  #position: number;
  /** Events ahead of the position, ascending by seq, no repeats; null when none (most of the time). */
  #pending: PreparedEvent[] | null = null;
  #filling = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #fruitlessFills = 0;
  /** Deliver at least through this seq even if no live event arrives to reveal the gap. */
  #target = 0;
  /**
   * Where memberships end, ascending: the stream stops after delivering `endAt`, or, when the user
   * joined again before that end was reached, skips to just before `resumeAt` and carries on.
   * Null when there are none: a cursor per room and per connection, so an empty array each adds up.
   */
  #breaks: { endAt: number; resumeAt: number | null }[] | null = null;
  #stopped = false;

  constructor(position: number, hooks: StreamCursorHooks<K>, key?: K) {
    this.#position = position;
    this.#hooks = hooks;
    this.#key = key as K;
  }

  /** The seq delivered last. */
  get position(): number {
    return this.#position;
  }

  /** True once the stream ended or the connection stopped it. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Moves the position forward without delivering (a sync reply carried those events). */
  skipTo(seq: number): void {
    if (seq <= this.#position || this.#stopped) return;
    this.#position = seq;
    this.#advance();
  }

  /** Offers a live event: delivered now, held until its turn, or ignored as a repeat. */
  offer(event: PreparedEvent): void {
    if (this.#stopped || event.seq <= this.#position) return;
    if (!this.#filling && this.#pending === null && event.seq === this.#position + 1) this.#deliver(event);
    else this.#hold(event);
    this.#advance();
  }

  /** Makes sure events through `seq` are delivered, reading them from the log if nobody brings them. */
  expectThrough(seq: number): void {
    if (seq > this.#target) this.#target = seq;
    this.#advance();
  }

  /**
   * A membership ends at `seq`: the stream stops right after delivering it, unless a later
   * rejoinAt says otherwise. Pair with expectThrough(seq) so the end comes even if the bus lost it.
   * Announcing the same end twice (the room's event and the user's) is harmless.
   */
  endAt(seq: number): void {
    if (this.#stopped || this.#breaks?.some((b) => b.endAt === seq) === true) return;
    const breaks = (this.#breaks ??= []);
    breaks.push({ endAt: seq, resumeAt: null });
    breaks.sort((a, b) => a.endAt - b.endAt);
    this.#applyBreaks();
  }

  /** A new membership begins at `seq` before the previous one's end was delivered: carry on there. */
  rejoinAt(seq: number): void {
    const open = this.#breaks?.findLast((b) => b.resumeAt === null && b.endAt < seq);
    if (open !== undefined) open.resumeAt = seq;
  }

  /** Stops delivering for good (the connection closed). */
  stop(): void {
    this.#stopped = true;
    this.#pending = null;
    clearTimeout(this.#retryTimer);
  }

  #hold(event: PreparedEvent): void {
    const pending = (this.#pending ??= []);
    const last = pending.at(-1);
    if (last === undefined || event.seq > last.seq) {
      pending.push(event);
      return;
    }
    const index = pending.findIndex((p) => p.seq >= event.seq);
    if (pending[index]?.seq !== event.seq) pending.splice(index, 0, event);
  }

  /** Delivers what is next in line, then starts a fill for the first gap, if any. */
  #advance(): void {
    if (this.#filling || this.#stopped) return;
    const pending = this.#pending;
    let next = pending?.[0];
    while (pending !== null && next !== undefined && next.seq <= this.#position + 1) {
      pending.shift();
      if (next.seq === this.#position + 1) {
        this.#deliver(next);
        // Delivering may end the stream (room.left) or close the connection.
        if (this.stopped) return;
      }
      next = pending[0];
    }
    if (pending?.length === 0 && this.#pending === pending) this.#pending = null;
    const through = next === undefined ? this.#target : next.seq - 1;
    if (through > this.#position) this.#fill(through);
  }

  #deliver(event: PreparedEvent): void {
    this.#position = event.seq;
    this.#hooks.deliver(event, this.#key);
    this.#applyBreaks();
  }

  #applyBreaks(): void {
    const breaks = this.#breaks;
    if (breaks === null) return;
    let next = breaks[0];
    while (next !== undefined && !this.#stopped && this.#position >= next.endAt) {
      if (next.resumeAt === null) {
        this.#finish();
        return;
      }
      // Events between the end and the new beginning happened while the user was not a member.
      this.#position = Math.max(this.#position, next.resumeAt - 1);
      breaks.shift();
      next = breaks[0];
    }
    if (breaks.length === 0 && this.#breaks === breaks) this.#breaks = null;
  }

  #finish(): void {
    this.stop();
    this.#hooks.ended(this.#key);
  }

  #fill(through: number): void {
    this.#filling = true;
    const from = this.#position;
    this.#hooks.fill(from, through, this.#key).then(
      (events) => {
        this.#filling = false;
        if (this.#stopped) return;
        for (const event of events) {
          if (event.seq !== this.#position + 1 || event.seq > through) continue;
          this.#deliver(event);
          if (this.stopped) return;
        }
        if (this.#position > from) {
          this.#fruitlessFills = 0;
          this.#advance();
          return;
        }
        // The log had nothing new yet (a replica behind, say): wait a little, then ask again.
        this.#fruitlessFills += 1;
        if (this.#fruitlessFills > maxFruitlessFills) {
          this.stop();
          this.#hooks.failed(new Error(`events ${from + 1}..${through} are missing from the log`), this.#key);
          return;
        }
        this.#filling = true;
        this.#retryTimer = setTimeout(() => {
          this.#filling = false;
          this.#advance();
        }, retryBaseMs * this.#fruitlessFills);
      },
      (error: unknown) => {
        this.#filling = false;
        if (this.#stopped) return;
        this.stop();
        this.#hooks.failed(error, this.#key);
      },
    );
  }
}
