import type { PreparedEvent } from './shared-frame.ts';

/** Where one connection's sync began in the journal. */
export interface SyncMark {
  readonly start: number;
}

/**
 * Every event published while at least one connection is syncing, kept once for all of them. A
 * syncing connection does not know yet which rooms it will follow, so it cannot be routed to; when
 * its sync reply has gone out it replays what arrived meanwhile through its new positions, which
 * drops what the reply already covered. One shared list rather than a buffer per connection keeps a
 * reconnect storm at O(events), not O(events × connections).
 */
export class SyncJournal {
  readonly #maxEvents: number;
  #events: PreparedEvent[] = [];
  /** Absolute index of #events[0]. */
  #base = 0;
  readonly #marks = new Set<SyncMark>();

  constructor(maxEvents: number) {
    this.#maxEvents = maxEvents;
  }

  /** Starts recording for one sync. */
  begin(): SyncMark {
    const mark = { start: this.#base + this.#events.length };
    this.#marks.add(mark);
    return mark;
  }

  /** Records published events, if anyone is syncing. */
  append(events: readonly PreparedEvent[]): void {
    if (this.#marks.size === 0) return;
    for (const event of events) this.#events.push(event);
    const excess = this.#events.length - this.#maxEvents;
    if (excess > 0) this.#drop(excess);
  }

  /**
   * Ends one sync: the events published since it began, or null when the journal overflowed and
   * dropped some of them (the connection must then resume from scratch).
   */
  end(mark: SyncMark): PreparedEvent[] | null {
    if (!this.#marks.delete(mark)) return null;
    const from = mark.start - this.#base;
    const events = from < 0 ? null : this.#events.slice(from);
    let keepFrom = this.#base + this.#events.length;
    for (const other of this.#marks) keepFrom = Math.min(keepFrom, other.start);
    this.#drop(keepFrom - this.#base);
    return events;
  }

  #drop(count: number): void {
    if (count <= 0) return;
    this.#events = this.#events.slice(count);
    this.#base += count;
  }
}
