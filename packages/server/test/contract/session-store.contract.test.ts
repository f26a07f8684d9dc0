import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SessionRecord } from '../../src/ports/session-store.ts';
import type { Storage } from '../../src/ports/storage.ts';
import { uuidv7 } from '../../src/lib/ids.ts';
import { newSession, newUser, storageEngines, tokenHash } from '../helpers/storage.ts';

const now = 1_700_000_000_000;
const day = 24 * 60 * 60 * 1000;

for (const engine of storageEngines) {
  describe(`SessionStore on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let userId: string;
    let otherUserId: string;
    beforeEach(async () => {
      storage = await engine.open();
      userId = (await storage.users.create(newUser(), { adminIfFirst: false })).id;
      otherUserId = (await storage.users.create(newUser(), { adminIfFirst: false })).id;
    });
    afterEach(async () => {
      await storage.close();
    });

    /** Creates a session of `owner` and returns it with its refresh token hash. */
    const open = async (owner: string, overrides: Partial<Omit<SessionRecord, 'revokedAt'>> = {}) => {
      const hash = tokenHash();
      const session = await storage.sessions.create(newSession(owner, now, overrides), hash);
      return { session, hash };
    };
    const ids = (sessions: SessionRecord[]) => sessions.map((session) => session.id);

    it('creates a live session and finds it by id', async () => {
      const input = newSession(userId, now, { deviceLabel: null, userAgent: null, ip: null });
      const created = await storage.sessions.create(input, tokenHash());
      assert.deepEqual(created, { ...input, revokedAt: null });
      assert.deepEqual(await storage.sessions.findById(input.id), created);
      assert.equal(await storage.sessions.findById(uuidv7()), undefined);
    });

    describe('rotate', () => {
      it('exchanges the current token, updating lastUsedAt, expiresAt and ip', async () => {
        const { session, hash } = await open(userId);
        const next = tokenHash();
        const update = { now: now + 1000, expiresAt: now + 2 * day, ip: '198.51.100.7' };
        const expected = { ...session, lastUsedAt: now + 1000, expiresAt: now + 2 * day, ip: '198.51.100.7' };
        assert.deepEqual(await storage.sessions.rotate(hash, next, update), { outcome: 'rotated', session: expected });
        assert.deepEqual(await storage.sessions.findById(session.id), expected);
        const third = await storage.sessions.rotate(next, tokenHash(), { ...update, now: now + 2000, ip: null });
        assert.deepEqual(third, { outcome: 'rotated', session: { ...expected, lastUsedAt: now + 2000, ip: null } });
      });

      it('revokes the session when a spent token comes back, and the current token dies with it', async () => {
        const { session, hash } = await open(userId);
        const next = tokenHash();
        await storage.sessions.rotate(hash, next, { now: now + 1000, expiresAt: now + day, ip: null });
        const reused = await storage.sessions.rotate(hash, tokenHash(), {
          now: now + 2000,
          expiresAt: now + day,
          ip: null,
        });
        assert.equal(reused.outcome, 'reused');
        assert.equal(reused.session.revokedAt, now + 2000);
        assert.equal((await storage.sessions.findById(session.id))?.revokedAt, now + 2000);
        const after = await storage.sessions.rotate(next, tokenHash(), {
          now: now + 3000,
          expiresAt: now + day,
          ip: null,
        });
        assert.deepEqual(after, { outcome: 'invalid' });
        assert.equal((await storage.sessions.findById(session.id))?.revokedAt, now + 2000);
      });

      it('answers invalid for an unknown token', async () => {
        await open(userId);
        const result = await storage.sessions.rotate(tokenHash(), tokenHash(), { now, expiresAt: now + day, ip: null });
        assert.deepEqual(result, { outcome: 'invalid' });
      });

      it('answers invalid for a session that expired, without changing it', async () => {
        const { session, hash } = await open(userId, { expiresAt: now + 500 });
        const update = { now: now + 500, expiresAt: now + day, ip: null };
        assert.deepEqual(await storage.sessions.rotate(hash, tokenHash(), update), { outcome: 'invalid' });
        assert.deepEqual(await storage.sessions.findById(session.id), session);
      });

      it('answers invalid for a revoked session, for current and spent tokens alike', async () => {
        const { session, hash } = await open(userId);
        const next = tokenHash();
        await storage.sessions.rotate(hash, next, { now: now + 1, expiresAt: now + day, ip: null });
        assert.equal(await storage.sessions.revoke(userId, session.id, now + 2), true);
        const update = { now: now + 3, expiresAt: now + day, ip: null };
        assert.deepEqual(await storage.sessions.rotate(next, tokenHash(), update), { outcome: 'invalid' });
        assert.deepEqual(await storage.sessions.rotate(hash, tokenHash(), update), { outcome: 'invalid' });
        assert.equal((await storage.sessions.findById(session.id))?.revokedAt, now + 2);
      });

      it('lets exactly one of two concurrent rotations with one token win', async () => {
        const { session, hash } = await open(userId);
        const update = { now: now + 1000, expiresAt: now + day, ip: null };
        const results = await Promise.all([
          storage.sessions.rotate(hash, tokenHash(), update),
          storage.sessions.rotate(hash, tokenHash(), update),
        ]);
        assert.deepEqual(results.map((result) => result.outcome).sort(), ['reused', 'rotated']);
        assert.equal((await storage.sessions.findById(session.id))?.revokedAt, now + 1000);
      });

      it('lets exactly one of ten concurrent rotations with one token win', async () => {
        const { hash } = await open(userId);
        const update = { now: now + 1000, expiresAt: now + day, ip: null };
        const results = await Promise.all(
          Array.from({ length: 10 }, () => storage.sessions.rotate(hash, tokenHash(), update)),
        );
        const outcomes = results.map((result) => result.outcome);
        assert.equal(outcomes.filter((outcome) => outcome === 'rotated').length, 1);
        assert.equal(outcomes.filter((outcome) => outcome === 'reused').length, 1);
        assert.equal(outcomes.filter((outcome) => outcome === 'invalid').length, 8);
      });
    });

    it('lists live sessions newest first, leaving out revoked, expired and other users’ sessions', async () => {
      const oldest = await open(userId, { createdAt: now - 3000 });
      const newest = await open(userId, { createdAt: now - 1000 });
      const middle = await open(userId, { createdAt: now - 2000 });
      const revoked = await open(userId, { createdAt: now - 500 });
      await storage.sessions.revoke(userId, revoked.session.id, now - 100);
      await open(userId, { createdAt: now - 4000, expiresAt: now });
      await open(otherUserId, { createdAt: now - 200 });

      const listed = await storage.sessions.listActive(userId, now);
      assert.deepEqual(ids(listed), [newest.session.id, middle.session.id, oldest.session.id]);
      assert.deepEqual(listed[0], newest.session);
      assert.deepEqual(ids(await storage.sessions.listActive(userId, now + 2 * day)), []);
    });

    it('revokes only a live session of the given user', async () => {
      const mine = await open(userId);
      const theirs = await open(otherUserId);
      const expired = await open(userId, { expiresAt: now });

      assert.equal(await storage.sessions.revoke(userId, theirs.session.id, now + 1), false);
      assert.equal((await storage.sessions.findById(theirs.session.id))?.revokedAt, null);
      assert.equal(await storage.sessions.revoke(userId, expired.session.id, now + 1), false);
      assert.equal(await storage.sessions.revoke(userId, uuidv7(), now + 1), false);

      assert.equal(await storage.sessions.revoke(userId, mine.session.id, now + 1), true);
      assert.deepEqual(await storage.sessions.findById(mine.session.id), { ...mine.session, revokedAt: now + 1 });
      assert.equal(await storage.sessions.revoke(userId, mine.session.id, now + 2), false);
      assert.equal((await storage.sessions.findById(mine.session.id))?.revokedAt, now + 1);
    });

    it('revokes every live session of a user except the one kept', async () => {
      const kept = await open(userId);
      const second = await open(userId);
      const third = await open(userId);
      const earlier = await open(userId);
      await storage.sessions.revoke(userId, earlier.session.id, now + 1);
      await open(userId, { expiresAt: now + 5 });
      const theirs = await open(otherUserId);

      assert.equal(await storage.sessions.revokeAll(userId, now + 10, kept.session.id), 2);
      assert.equal((await storage.sessions.findById(second.session.id))?.revokedAt, now + 10);
      assert.equal((await storage.sessions.findById(third.session.id))?.revokedAt, now + 10);
      assert.equal((await storage.sessions.findById(earlier.session.id))?.revokedAt, now + 1);
      assert.deepEqual(ids(await storage.sessions.listActive(userId, now + 10)), [kept.session.id]);
      assert.equal((await storage.sessions.findById(theirs.session.id))?.revokedAt, null);

      assert.equal(await storage.sessions.revokeAll(userId, now + 20), 1);
      assert.deepEqual(await storage.sessions.listActive(userId, now + 20), []);
      assert.equal(await storage.sessions.revokeAll(userId, now + 30), 0);
    });

    it('purges sessions that ended before a moment, with their tokens', async () => {
      const expired = await open(userId, { expiresAt: now + 100 });
      const revoked = await open(userId, { expiresAt: now + day });
      await storage.sessions.revoke(userId, revoked.session.id, now + 150);
      const endsAtCutoff = await open(userId, { expiresAt: now + 200 });
      const revokedAtCutoff = await open(userId, { expiresAt: now + day });
      await storage.sessions.revoke(userId, revokedAtCutoff.session.id, now + 200);
      const live = await open(otherUserId, { expiresAt: now + day });

      assert.equal(await storage.sessions.purgeEnded(now + 200), 2);
      assert.equal(await storage.sessions.findById(expired.session.id), undefined);
      assert.equal(await storage.sessions.findById(revoked.session.id), undefined);
      assert.notEqual(await storage.sessions.findById(endsAtCutoff.session.id), undefined);
      assert.notEqual(await storage.sessions.findById(revokedAtCutoff.session.id), undefined);
      assert.deepEqual(await storage.sessions.findById(live.session.id), live.session);
      assert.equal(await storage.sessions.purgeEnded(now + 200), 0);
      // Had the old token outlived its session, it would now open a new session with the same id.
      await storage.sessions.create(newSession(userId, now, { id: expired.session.id }), tokenHash());
      const update = { now: now + 50, expiresAt: now + day, ip: null };
      assert.deepEqual(await storage.sessions.rotate(expired.hash, tokenHash(), update), { outcome: 'invalid' });
    });
  });
}
