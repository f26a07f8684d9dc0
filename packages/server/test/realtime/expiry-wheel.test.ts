import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiryWheel } from '../../src/realtime/expiry-wheel.ts';
import { eventually } from './test-client.ts';

const failOnError = (error: unknown): void => {
  throw error;
};

/** When `token` expired, read anew (an earlier assertion must not narrow it). */
const expiredAt = (token: Token): number | null => token.expiredAt;

class Token {
  expiredAt: number | null = null;
  expiresAt: number;
  constructor(expiresAt: number) {
    this.expiresAt = expiresAt;
  }
  expired(): void {
    this.expiredAt = Date.now();
  }
}

describe('ExpiryWheel', () => {
  it('expires each entry once its time has passed, never before', async () => {
    const wheel = new ExpiryWheel<Token>({ resolutionMs: 50, onError: failOnError });
    const now = Date.now();
    const soon = [new Token(now + 60), new Token(now + 70), new Token(now + 80)];
    const later = new Token(now + 400);
    for (const token of [...soon, later]) wheel.add(token);
    assert.equal(wheel.size, 4);
    await eventually(() => soon.every((token) => expiredAt(token) !== null));
    for (const token of soon) assert.ok((expiredAt(token) ?? -1) >= token.expiresAt, 'not before its time');
    // Never early, so this holds however late the timers run.
    if (Date.now() < later.expiresAt) {
      assert.equal(expiredAt(later), null);
      assert.equal(wheel.size, 1);
    }
    await eventually(() => expiredAt(later) !== null);
    assert.ok((expiredAt(later) ?? -1) >= later.expiresAt);
    assert.equal(wheel.size, 0);
  });

  it('forgets a removed entry, and one moved to a later time expires then', async () => {
    const wheel = new ExpiryWheel<Token>({ resolutionMs: 20, onError: failOnError });
    const now = Date.now();
    const removed = new Token(now + 40);
    const refreshed = new Token(now + 40);
    wheel.add(removed);
    wheel.add(refreshed);
    wheel.remove(removed);
    // A refresh: out of its old slot, a new time, into its new slot.
    wheel.remove(refreshed);
    refreshed.expiresAt = now + 300;
    wheel.add(refreshed);
    await eventually(() => expiredAt(refreshed) !== null);
    assert.ok((expiredAt(refreshed) ?? -1) >= refreshed.expiresAt, 'at its new time, not its old one');
    assert.equal(expiredAt(removed), null);
    assert.equal(wheel.size, 0);
  });

  it('expires the rest of a slot when one entry throws, and says so', async () => {
    const errors: unknown[] = [];
    const wheel = new ExpiryWheel<Token>({ resolutionMs: 20, onError: (error) => errors.push(error) });
    const at = Date.now() + 30;
    const broken = new Token(at);
    broken.expired = () => {
      throw new Error('close failed');
    };
    const fine = new Token(at);
    wheel.add(broken);
    wheel.add(fine);
    await eventually(() => expiredAt(fine) !== null);
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['close failed'],
    );
  });
});
