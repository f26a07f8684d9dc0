/**
 * A connection's frame budget: a token bucket of `framesPerSecond` with a burst of twice that,
 * plus a score of broken rules (frames over budget, unreadable frames). The score drains at half
 * the frame rate, so a client that only bursts now and then is answered `rate_limited` and carries
 * on, while one that keeps flooding reaches the limit within seconds and is closed.
 */
export class FrameBudget {
  readonly #rate: number;
  readonly #capacity: number;
  #tokens: number;
  #filledAt: number;
  #strikes = 0;
  #struckAt: number;

  constructor(framesPerSecond: number, now: number) {
    this.#rate = framesPerSecond;
    this.#capacity = framesPerSecond * 2;
    this.#tokens = this.#capacity;
    this.#filledAt = now;
    this.#struckAt = now;
  }

  /** Takes one frame's token: 0 when allowed, otherwise whole seconds until the next token. */
  take(now: number): number {
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#filledAt) / 1000) * this.#rate);
    this.#filledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#rate));
  }

  /** Records a broken rule; true when the client has broken too many and must be closed. */
  strike(now: number): boolean {
    const drained = ((now - this.#struckAt) / 1000) * (this.#rate / 2);
    this.#strikes = Math.max(0, this.#strikes - drained) + 1;
    this.#struckAt = now;
    return this.#strikes > this.#capacity;
  }
}
