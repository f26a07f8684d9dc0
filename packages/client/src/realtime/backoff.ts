/** Reconnect delays: the first retry waits up to `baseMs`, each further one up to twice as long, never above `maxMs`. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** 500 ms doubling to 30 s. */
export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Full-jitter exponential backoff: a uniformly random wait below the capped exponential. The
 * randomness matters: after a server restart every client reconnects at once, and spreading them
 * over the whole window is what keeps the new instance from being flattened.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
