import type { AttemptState, AttemptStore } from '../../ports/index.ts';
import { fail } from '../app-error.ts';

/** How failures under one kind of key turn into waiting time. */
export interface BackoffRule {
  /** Failures allowed before any delay. */
  free: number;
  /** Delay after the first failure past `free`; doubles with each further failure. */
  baseMs: number;
  /** Longest delay; a bound keeps an attacker from locking anyone out for good. */
  capMs: number;
  /** Failures older than this no longer count. */
  windowMs: number;
}

const minute = 60_000;

/**
 * Login throttling. Per account, the delay is capped at a minute: someone hammering your account
 * from many addresses slows you down by at most that, never locks you out. Per address, the cap is
 * fifteen minutes, which stops one machine from guessing at scale.
 */
export const loginRules = {
  account: { free: 5, baseMs: 1000, capMs: minute, windowMs: 60 * minute },
  address: { free: 20, baseMs: 1000, capMs: 15 * minute, windowMs: 60 * minute },
} as const satisfies Record<string, BackoffRule>;

/** How long after its latest failure a key stays blocked. */
export function delayFor(rule: BackoffRule, failures: number): number {
  const over = failures - rule.free;
  if (over <= 0) return 0;
  return Math.min(rule.capMs, rule.baseMs * 2 ** Math.min(over - 1, 30));
}

function blockedFor(rule: BackoffRule, state: AttemptState, now: number): number {
  if (now - state.lastFailureAt > rule.windowMs) return 0;
  return Math.max(0, state.lastFailureAt + delayFor(rule, state.failures) - now);
}

/**
 * The counter key of an account: its id when the login names one, so that switching between
 * username and email earns no extra guesses; the login text otherwise, so that unknown accounts
 * are throttled exactly like known ones and throttling reveals nothing.
 */
export function accountKey(userId: string | undefined, login: string): string {
  return userId === undefined ? `login:name:${login}` : `login:user:${userId}`;
}

function loginKeys(account: string, ip: string): [readonly [string, BackoffRule], readonly [string, BackoffRule]] {
  return [
    [account, loginRules.account],
    [`login:ip:${ip}`, loginRules.address],
  ];
}

/** Growing delays on repeated failures under several keys at once, shared through the store. */
export class BackoffThrottle {
  readonly #store: AttemptStore;
  readonly #message: string;
  constructor(store: AttemptStore, message: string) {
    this.#store = store;
    this.#message = message;
  }

  /** Throws too_many_attempts while any key is in its delay. */
  async check(keys: readonly (readonly [string, BackoffRule])[], now: number): Promise<void> {
    const states = await this.#store.get(keys.map(([key]) => key));
    let wait = 0;
    keys.forEach(([, rule], i) => {
      const state = states[i];
      if (state) wait = Math.max(wait, blockedFor(rule, state, now));
    });
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw fail('too_many_attempts', `${this.#message} Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
  }

  /** Counts a failure under every key. */
  async failed(keys: readonly (readonly [string, BackoffRule])[], now: number): Promise<void> {
    const windowMs = Math.max(...keys.map(([, rule]) => rule.windowMs));
    await this.#store.record(
      keys.map(([key]) => key),
      now,
      windowMs,
    );
  }

  /** Forgets the failures under `keys`. */
  async clear(keys: readonly string[]): Promise<void> {
    await this.#store.clear(keys);
  }
}

/** Growing delays on failed sign-ins, per account and per address. */
export class LoginThrottle {
  readonly #backoff: BackoffThrottle;
  constructor(store: AttemptStore) {
    this.#backoff = new BackoffThrottle(store, 'Too many failed sign-ins.');
  }

  /** Throws too_many_attempts while either the account or the address is in its delay. */
  check(account: string, ip: string, now: number): Promise<void> {
    return this.#backoff.check(loginKeys(account, ip), now);
  }

  /** Counts a failed attempt against both the account and the address. */
  failed(account: string, ip: string, now: number): Promise<void> {
    return this.#backoff.failed(loginKeys(account, ip), now);
  }

  /**
   * Forgets the account's failures after a correct password. The address keeps its count: one
   * valid account of its own must not let a guessing machine reset its penalty.
   */
  succeeded(account: string): Promise<void> {
    return this.#backoff.clear([account]);
  }
}

/** A fixed allowance per window, for registration and reset requests per address. */
export interface Quota {
  max: number;
  windowMs: number;
}

/** Spends one unit of `quota` under `key`; throws rate_limited when it is used up. */
export async function spendQuota(store: AttemptStore, key: string, quota: Quota, now: number): Promise<void> {
  const [state] = await store.record([key], now, quota.windowMs);
  if (state && state.failures > quota.max) {
    const retryAfterSeconds = Math.max(1, Math.ceil(quota.windowMs / 1000));
    throw fail('rate_limited', `Too many requests. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}

/**
 * Join-by-code guessing: per user, a minute at most after 5 wrong tries; per room, five minutes at
 * most after 20, so many accounts together cannot brute-force one room's password quickly.
 */
export const joinRules = {
  user: { free: 5, baseMs: 1000, capMs: minute, windowMs: 60 * minute },
  room: { free: 20, baseMs: 1000, capMs: 5 * minute, windowMs: 60 * minute },
} as const satisfies Record<string, BackoffRule>;

/** Documented per-address allowances. */
export const quotas = {
  registerPerAddress: { max: 10, windowMs: 60 * minute },
  resetPerAddress: { max: 10, windowMs: 60 * minute },
  resetMailsPerAccount: { max: 3, windowMs: 60 * minute },
} as const satisfies Record<string, Quota>;
