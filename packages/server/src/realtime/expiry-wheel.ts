// setTimeout takes at most a signed 32-bit delay; a bucket further away is armed again then.
const maxTimerMs = 2 ** 31 - 1;

/** Something that runs out at `expiresAt` (epoch ms). */
export interface Expiring {
  readonly expiresAt: number;
  expired(): void;
}

/**
 * Calls `expired()` on each entry once its `expiresAt` has passed, at most `resolutionMs` late.
 * Entries due in the same slot share one timer and one Set: a timer per connection costs about
 * 270 bytes of heap (the Timeout, its closure and numbers), and 20,000 tokens minted within a
 * few seconds of each other fall into a handful of slots.
 */
export class ExpiryWheel<T extends Expiring> {
  readonly #resolutionMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #slots = new Map<number, { entries: Set<T>; timer: NodeJS.Timeout }>();

  /** `onError` hears of an `expired()` that threw; the slot's other entries expire all the same. */
  constructor(options: { resolutionMs?: number; onError: (error: unknown) => void }) {
    this.#resolutionMs = options.resolutionMs ?? 250;
    this.#onError = options.onError;
  }

  /** Expires `entry` at its `expiresAt`; call `remove` first when an earlier schedule may stand. */
  add(entry: T): void {
    const slot = this.#slotOf(entry.expiresAt);
    const existing = this.#slots.get(slot);
    if (existing !== undefined) {
      existing.entries.add(entry);
      return;
    }
    this.#slots.set(slot, { entries: new Set([entry]), timer: this.#arm(slot) });
  }

  /** Forgets `entry`, scheduled at the `expiresAt` it has now. */
  remove(entry: T): void {
    const slot = this.#slotOf(entry.expiresAt);
    const existing = this.#slots.get(slot);
    if (existing === undefined || !existing.entries.delete(entry)) return;
    if (existing.entries.size > 0) return;
    clearTimeout(existing.timer);
    this.#slots.delete(slot);
  }

  /** Entries waiting (the tests check that nothing is left behind). */
  get size(): number {
    let size = 0;
    for (const { entries } of this.#slots.values()) size += entries.size;
    return size;
  }

  #slotOf(expiresAt: number): number {
    return Math.ceil(expiresAt / this.#resolutionMs);
  }

  #arm(slot: number): NodeJS.Timeout {
    const delay = Math.max(0, slot * this.#resolutionMs - Date.now());
    const timer = setTimeout(
      () => {
        this.#fire(slot);
      },
      Math.min(delay, maxTimerMs),
    );
    timer.unref();
    return timer;
  }

  #fire(slot: number): void {
    const existing = this.#slots.get(slot);
    if (existing === undefined) return;
    if (slot * this.#resolutionMs > Date.now()) {
      existing.timer = this.#arm(slot);
      return;
    }
    this.#slots.delete(slot);
    for (const entry of existing.entries) {
      try {
        entry.expired();
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
