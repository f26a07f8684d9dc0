/** Failure counters behind login throttling and per-address rate limits. */
export interface AttemptState {
  key: string;
  /** Failures counted since the window restarted. */
  failures: number;
  /** Epoch ms of the latest counted failure; 0 when none. */
  lastFailureAt: number;
}

/** Counters shared by every instance, so throttling holds across a cluster. */
export interface AttemptStore {
  /**
   * Counts one failure under each key and returns the new states, in the order of `keys` (a key
   * listed twice counts once). A key whose latest failure is older than `windowMs` starts again
   * from one.
   */
  record(keys: readonly string[], now: number, windowMs: number): Promise<AttemptState[]>;
  /** Current states, in the order of `keys`; a key never seen has zero failures. */
  get(keys: readonly string[]): Promise<AttemptState[]>;
  /** Forgets the keys (after a successful login, say). */
  clear(keys: readonly string[]): Promise<void>;
  /** Deletes counters whose latest failure is before `before`; returns how many. */
  purge(before: number): Promise<number>;
}
