/** What one delivery turned out to be. */
export type Arrival = 'next' | 'gap' | 'late' | 'duplicate';

interface PublisherState {
  highest: number;
  /** Seqs skipped over by a later arrival and not seen since; created on the first gap. */
  missing: Set<number> | undefined;
}

/** Counts of one receiver, or of many added together. */
export interface SequenceCounts {
  /** Distinct messages received. */
  unique: number;
  duplicates: number;
  /** Arrivals that filled an earlier gap: delivered, but out of order. */
  reordered: number;
  /** Messages published to this receiver that never arrived (known after finish). */
  lost: number;
}

/**
 * Checks one receiver's deliveries against each publisher's sequence (1, 2, 3, …). Every
 * publisher numbers its messages, so a receiver can tell a duplicate (a seq it already has), a
 * reordering (a seq it had counted missing arrives later) and a loss (a seq still missing when the
 * run ends, or beyond the last one received), without trusting the server's own accounting.
 */
export class SequenceChecker {
  readonly #publishers = new Map<number, PublisherState>();
  #unique = 0;
  #duplicates = 0;
  #reordered = 0;

  /** Records the arrival of `seq` (≥ 1) from `publisher`. */
  record(publisher: number, seq: number): Arrival {
    let state = this.#publishers.get(publisher);
    if (state === undefined) {
      state = { highest: 0, missing: undefined };
      this.#publishers.set(publisher, state);
    }
    if (seq === state.highest + 1) {
      state.highest = seq;
      this.#unique++;
      return 'next';
    }
    if (seq > state.highest) {
      state.missing ??= new Set();
      for (let s = state.highest + 1; s < seq; s++) state.missing.add(s);
      state.highest = seq;
      this.#unique++;
      return 'gap';
    }
    if (state.missing?.delete(seq) === true) {
      this.#unique++;
      this.#reordered++;
      return 'late';
    }
    this.#duplicates++;
    return 'duplicate';
  }

  /**
   * Starts `publisher` at `seq`: earlier messages were sent before this receiver could hear them
   * (it joined, or is a sink that only counts from now on), so they are not losses.
   */
  startAt(publisher: number, seq: number): void {
    this.#publishers.set(publisher, { highest: seq, missing: undefined });
  }

  /** The highest seq received from `publisher` (0 when none). */
  highest(publisher: number): number {
    return this.#publishers.get(publisher)?.highest ?? 0;
  }

  /**
   * The totals. `expected` gives, for each publisher this receiver should hear, its last seq and
   * the seqs it never got accepted (a refused send is not a loss); without it, loss only counts
   * holes in what arrived.
   */
  counts(expected?: ReadonlyMap<number, { last: number; refused: ReadonlySet<number> }>): SequenceCounts {
    let lost = 0;
    const holes = (state: PublisherState | undefined, refused: ReadonlySet<number>) => {
      let n = 0;
      for (const seq of state?.missing ?? []) if (!refused.has(seq)) n++;
      return n;
    };
    if (expected === undefined) {
      for (const state of this.#publishers.values()) lost += holes(state, new Set());
    } else {
      for (const [publisher, { last, refused }] of expected) {
        const state = this.#publishers.get(publisher);
        const highest = state?.highest ?? 0;
        lost += holes(state, refused);
        for (let seq = highest + 1; seq <= last; seq++) if (!refused.has(seq)) lost++;
      }
    }
    return { unique: this.#unique, duplicates: this.#duplicates, reordered: this.#reordered, lost };
  }
}

/** Adds counts together. */
export function addCounts(a: SequenceCounts, b: SequenceCounts): SequenceCounts {
  return {
    unique: a.unique + b.unique,
    duplicates: a.duplicates + b.duplicates,
    reordered: a.reordered + b.reordered,
    lost: a.lost + b.lost,
  };
}
