import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Storage } from '../../src/ports/storage.ts';
import { storageEngines } from '../helpers/storage.ts';

const now = 1_700_000_000_000;
const windowMs = 60_000;

for (const engine of storageEngines) {
  describe(`AttemptStore on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await engine.open();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('reports zero failures for keys never seen', async () => {
      assert.deepEqual(await storage.attempts.get(['login:account:alice', 'login:ip:192.0.2.1']), [
        { key: 'login:account:alice', failures: 0, lastFailureAt: 0 },
        { key: 'login:ip:192.0.2.1', failures: 0, lastFailureAt: 0 },
      ]);
      assert.deepEqual(await storage.attempts.get([]), []);
    });

    it('counts failures per key and answers in the order of the keys given', async () => {
      assert.deepEqual(await storage.attempts.record(['a', 'b'], now, windowMs), [
        { key: 'a', failures: 1, lastFailureAt: now },
        { key: 'b', failures: 1, lastFailureAt: now },
      ]);
      assert.deepEqual(await storage.attempts.record(['b', 'c', 'a'], now + 10, windowMs), [
        { key: 'b', failures: 2, lastFailureAt: now + 10 },
        { key: 'c', failures: 1, lastFailureAt: now + 10 },
        { key: 'a', failures: 2, lastFailureAt: now + 10 },
      ]);
      assert.deepEqual(await storage.attempts.get(['c', 'zz', 'a']), [
        { key: 'c', failures: 1, lastFailureAt: now + 10 },
        { key: 'zz', failures: 0, lastFailureAt: 0 },
        { key: 'a', failures: 2, lastFailureAt: now + 10 },
      ]);
    });

    it('counts a key listed twice in one call once', async () => {
      assert.deepEqual(await storage.attempts.record(['a', 'a'], now, windowMs), [
        { key: 'a', failures: 1, lastFailureAt: now },
        { key: 'a', failures: 1, lastFailureAt: now },
      ]);
      assert.deepEqual(await storage.attempts.record([], now, windowMs), []);
    });

    it('restarts from one once the latest failure is older than the window', async () => {
      await storage.attempts.record(['a'], now, windowMs);
      assert.deepEqual(await storage.attempts.record(['a'], now + windowMs, windowMs), [
        { key: 'a', failures: 2, lastFailureAt: now + windowMs },
      ]);
      assert.deepEqual(await storage.attempts.record(['a'], now + 2 * windowMs + 1, windowMs), [
        { key: 'a', failures: 1, lastFailureAt: now + 2 * windowMs + 1 },
      ]);
    });

    it('counts every failure when many are recorded at once', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => storage.attempts.record(['x', 'y'], now + i, windowMs)));
      assert.deepEqual(await storage.attempts.get(['x', 'y']), [
        { key: 'x', failures: 10, lastFailureAt: now + 9 },
        { key: 'y', failures: 10, lastFailureAt: now + 9 },
      ]);
    });

    it('forgets cleared keys only', async () => {
      await storage.attempts.record(['a', 'b', 'c'], now, windowMs);
      await storage.attempts.clear(['a', 'c']);
      assert.deepEqual(await storage.attempts.get(['a', 'b', 'c']), [
        { key: 'a', failures: 0, lastFailureAt: 0 },
        { key: 'b', failures: 1, lastFailureAt: now },
        { key: 'c', failures: 0, lastFailureAt: 0 },
      ]);
      await storage.attempts.clear([]);
      assert.equal((await storage.attempts.get(['b']))[0]?.failures, 1);
    });

    it('purges counters whose latest failure is before a moment', async () => {
      await storage.attempts.record(['old'], now, windowMs);
      await storage.attempts.record(['edge'], now + 100, windowMs);
      await storage.attempts.record(['new'], now + 200, windowMs);
      assert.equal(await storage.attempts.purge(now + 100), 1);
      assert.deepEqual(
        (await storage.attempts.get(['old', 'edge', 'new'])).map((state) => state.failures),
        [0, 1, 1],
      );
      assert.equal(await storage.attempts.purge(now + 100), 0);
    });
  });
}
