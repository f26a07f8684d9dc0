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

function loginKeys(account: string, ip: string): [string, string] {
  return [account, `login:ip:${ip}`];
}

/** Growing delays on failed logins, per account and per address, shared through the store. */
export class LoginThrottle {
  readonly #store: AttemptStore;
  constructor(store: AttemptStore) {
    this.#store = store;
  }

  /** Throws too_many_attempts while either the account or the address is in its delay. */
  async check(account: string, ip: string, now: number): Promise<void> {
    const [byAccount, byAddress] = await this.#store.get(loginKeys(account, ip));
    const wait = Math.max(
      byAccount ? blockedFor(loginRules.account, byAccount, now) : 0,
      byAddress ? blockedFor(loginRules.address, byAddress, now) : 0,
    );
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw fail('too_many_attempts', `Too many failed sign-ins. Try again in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      });
    }
  }

  /** Counts a failed attempt against both the account and the address. */
  async failed(account: string, ip: string, now: number): Promise<void> {
    await this.#store.record(loginKeys(account, ip), now, loginRules.address.windowMs);
  }

  /**
   * Forgets the account's failures after a correct password. The address keeps its count: one
   * valid account of its own must not let a guessing machine reset its penalty.
   */
  async succeeded(account: string): Promise<void> {
    await this.#store.clear([account]);
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

/** Documented per-address allowances. */
export const quotas = {
  registerPerAddress: { max: 10, windowMs: 60 * minute },
  resetPerAddress: { max: 10, windowMs: 60 * minute },
  resetMailsPerAccount: { max: 3, windowMs: 60 * minute },
} as const satisfies Record<string, Quota>;
