import type { EventBus, PresenceReader } from '../ports/index.ts';

/**
 * Who is online. Counts this instance's connections per user and announces a user online on the
 * first and offline after the last, the offline delayed so a page reload does not flap. What other
 * instances announce is kept too, so `isOnline` answers for everyone. Changes reach watchers
 * through `onChange`, only when the answer actually changes.
 */
export class PresenceTracker implements PresenceReader {
  readonly #bus: EventBus;
  readonly #offlineDelayMs: number;
  readonly #onChange: (userId: string, online: boolean) => void;
  readonly #local = new Map<string, number>();
  /** Users some instance last announced online. */
  readonly #heard = new Set<string>();
  /** Users whose last change pushed to watchers was "online". */
  readonly #shown = new Set<string>();
  readonly #offlineTimers = new Map<string, NodeJS.Timeout>();

  constructor(bus: EventBus, offlineDelayMs: number, onChange: (userId: string, online: boolean) => void) {
    this.#bus = bus;
    this.#offlineDelayMs = offlineDelayMs;
    this.#onChange = onChange;
  }

  /** True while the user has a connection here, is in the offline grace period, or another instance says so. */
  isOnline(userId: string): boolean {
    return this.#local.has(userId) || this.#offlineTimers.has(userId) || this.#heard.has(userId);
  }

  /** One more local connection for `userId`. */
  connected(userId: string): void {
    const count = (this.#local.get(userId) ?? 0) + 1;
    this.#local.set(userId, count);
    if (count > 1) return;
    const timer = this.#offlineTimers.get(userId);
    if (timer !== undefined) {
      // Back within the grace period: never announced offline, so nothing to announce now.
      clearTimeout(timer);
      this.#offlineTimers.delete(userId);
      return;
    }
    this.#bus.publish({ kind: 'presence', userId, online: true });
    this.#update(userId);
  }

  /** One local connection of `userId` fewer. */
  disconnected(userId: string): void {
    const count = (this.#local.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.#local.set(userId, count);
      return;
    }
    this.#local.delete(userId);
    const timer = setTimeout(() => {
      this.#offlineTimers.delete(userId);
      if (this.#local.has(userId)) return;
      this.#heard.delete(userId);
      this.#bus.publish({ kind: 'presence', userId, online: false });
      this.#update(userId);
    }, this.#offlineDelayMs);
    timer.unref();
    this.#offlineTimers.set(userId, timer);
  }

  /** A presence announcement from the bus (ours come back this way too). */
  heard(userId: string, online: boolean): void {
    if (online) {
      this.#heard.add(userId);
    } else {
      this.#heard.delete(userId);
      // Another instance saw its last connection of this user go, but ours remain: say so again,
      // or every other instance would show the user offline.
      if (this.#local.has(userId)) this.#bus.publish({ kind: 'presence', userId, online: true });
    }
    this.#update(userId);
  }

  /** Announces every local user offline at once (shutdown) and forgets all timers. */
  close(): void {
    const users = new Set([...this.#local.keys(), ...this.#offlineTimers.keys()]);
    for (const timer of this.#offlineTimers.values()) clearTimeout(timer);
    this.#offlineTimers.clear();
    this.#local.clear();
    for (const userId of users) this.#bus.publish({ kind: 'presence', userId, online: false });
  }

  #update(userId: string): void {
    const online = this.isOnline(userId);
    if (online === this.#shown.has(userId)) return;
    if (online) this.#shown.add(userId);
    else this.#shown.delete(userId);
    this.#onChange(userId, online);
  }
}
