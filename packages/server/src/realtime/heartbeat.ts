/** What the sweep needs from a connection. */
export interface HeartbeatTarget {
  /** Last time anything came from the client, epoch ms. */
  readonly lastSeen: number;
  isClosing(): boolean;
  ping(): void;
  /** The client stopped answering: close it. */
  closeIdle(): void;
}

/** Ticks per period: each tick handles 1/ticks of the connections. */
const ticksPerPeriod = 100;

/**
 * Pings every connection once per period and expires those silent for two periods, a slice per
 * tick rather than all at once: a pass over 20,000 sockets in one turn costs about 270 ms on these
 * machines (measured with the bench's S3), which every connection felt as latency every period.
 * Spread over 100 ticks the same work is a few milliseconds each. Connections opened during a pass
 * are taken at the next one; their lastSeen starts at their opening, so none expires early.
 */
export class HeartbeatSweep {
  readonly #connections: ReadonlySet<HeartbeatTarget>;
  readonly #periodMs: number;
  readonly #timer: NodeJS.Timeout;
  #pass: HeartbeatTarget[] = [];
  #index = 0;
  #passStarted = 0;

  constructor(connections: ReadonlySet<HeartbeatTarget>, periodMs: number) {
    this.#connections = connections;
    this.#periodMs = periodMs;
    this.#timer = setInterval(this.#tick, Math.max(5, periodMs / ticksPerPeriod));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  readonly #tick = (): void => {
    const now = Date.now();
    if (this.#index >= this.#pass.length) {
      if (now - this.#passStarted < this.#periodMs) return;
      this.#pass = [...this.#connections];
      this.#index = 0;
      this.#passStarted = now;
    }
    const end = Math.min(this.#pass.length, this.#index + Math.ceil(this.#pass.length / ticksPerPeriod));
    for (; this.#index < end; this.#index++) {
      const target = this.#pass[this.#index];
      if (target === undefined || target.isClosing()) continue;
      if (now - target.lastSeen > 2 * this.#periodMs) target.closeIdle();
      else target.ping();
    }
    if (this.#index >= this.#pass.length) this.#pass = [];
  };
}
