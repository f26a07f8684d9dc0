import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Storage } from '../../src/ports/storage.ts';
import { newUser, storageEngines, tokenHash } from '../helpers/storage.ts';

const now = 1_700_000_000_000;
const hour = 60 * 60 * 1000;

for (const engine of storageEngines) {
  describe(`ResetTokenStore on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let alice: string;
    let bob: string;
    beforeEach(async () => {
      storage = await engine.open();
      alice = (await storage.users.create(newUser(), { adminIfFirst: false })).id;
      bob = (await storage.users.create(newUser(), { adminIfFirst: false })).id;
    });
    afterEach(async () => {
      await storage.close();
    });

    /** Stores a token for `userId` expiring an hour after `now` and returns its hash. */
    const issue = async (userId: string, expiresAt = now + hour) => {
      const hash = tokenHash();
      await storage.resetTokens.create({ tokenHash: hash, userId, createdAt: now, expiresAt });
      return hash;
    };

    it('spends a token once', async () => {
      const hash = await issue(alice);
      assert.equal(await storage.resetTokens.consume(hash, now + 1), alice);
      assert.equal(await storage.resetTokens.consume(hash, now + 2), undefined);
    });

    it('purges only tokens that expired before the cut-off', async () => {
      const old = await issue(alice, now - 1);
      const fresh = await issue(bob, now + hour);
      assert.equal(await storage.resetTokens.purgeExpired(now), 1);
      assert.equal(await storage.resetTokens.purgeExpired(now), 0);
      assert.equal(await storage.resetTokens.consume(old, now - 2), undefined, 'purged, even for an earlier clock');
      assert.equal(await storage.resetTokens.consume(fresh, now), bob);
    });

    it('answers undefined for an unknown token', async () => {
      await issue(alice);
      assert.equal(await storage.resetTokens.consume(tokenHash(), now), undefined);
    });

    it('refuses a token from the moment it expires', async () => {
      const lastMoment = await issue(alice, now + hour);
      const expired = await issue(bob, now + hour);
      assert.equal(await storage.resetTokens.consume(expired, now + hour), undefined);
      assert.equal(await storage.resetTokens.consume(lastMoment, now + hour - 1), alice);
    });

    it('keeps earlier tokens valid until one is spent, then drops all of that user’s tokens', async () => {
      const first = await issue(alice);
      const second = await issue(alice);
      const third = await issue(alice);
      const bobs = await issue(bob);
      assert.equal(await storage.resetTokens.consume(first, now + 1), alice);
      assert.equal(await storage.resetTokens.consume(second, now + 1), undefined);
      assert.equal(await storage.resetTokens.consume(third, now + 1), undefined);
      assert.equal(await storage.resetTokens.consume(bobs, now + 1), bob);
    });

    it('gives the user id to exactly one of ten concurrent consumers', async () => {
      const hash = await issue(alice);
      const results = await Promise.all(Array.from({ length: 10 }, () => storage.resetTokens.consume(hash, now + 1)));
      assert.deepEqual(
        results.filter((result) => result !== undefined),
        [alice],
      );
    });
  });
}
