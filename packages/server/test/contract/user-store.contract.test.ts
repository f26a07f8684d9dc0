import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { UniqueViolation, type Storage } from '../../src/ports/storage.ts';
import type { NewUser } from '../../src/ports/user-store.ts';
import { uuidv7 } from '../../src/lib/ids.ts';
import { newSession, newUser, storageEngines, tokenHash } from '../helpers/storage.ts';

const now = 1_700_000_000_000;

for (const engine of storageEngines) {
  describe(`UserStore on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await engine.open();
    });
    afterEach(async () => {
      await storage.close();
    });

    const create = (overrides: Partial<NewUser> = {}, adminIfFirst = false) =>
      storage.users.create(newUser(overrides), { adminIfFirst });

    it('creates an enabled account and finds it by id, username and email', async () => {
      const input = newUser({ username: 'alice', email: 'alice@example.test', displayName: 'Alice', createdAt: now });
      const created = await storage.users.create(input, { adminIfFirst: false });
      assert.deepEqual(created, { ...input, role: 'user', disabled: false, updatedAt: now });
      assert.deepEqual(await storage.users.findById(input.id), created);
      assert.deepEqual(await storage.users.findByUsername('alice'), created);
      assert.deepEqual(await storage.users.findByEmail('alice@example.test'), created);
    });

    it('answers undefined for accounts that do not exist', async () => {
      await create({ username: 'alice' });
      assert.equal(await storage.users.findById(uuidv7()), undefined);
      assert.equal(await storage.users.findByUsername('bob'), undefined);
      assert.equal(await storage.users.findByEmail('bob@example.test'), undefined);
    });

    it('refuses a taken username or email with UniqueViolation naming the field', async () => {
      await create({ username: 'alice', email: 'alice@example.test' });
      const sameName = newUser({ username: 'alice', email: 'other@example.test' });
      await assert.rejects(storage.users.create(sameName, { adminIfFirst: false }), (error: unknown) => {
        assert.ok(error instanceof UniqueViolation);
        assert.equal(error.field, 'username');
        return true;
      });
      const sameEmail = newUser({ username: 'other', email: 'alice@example.test' });
      await assert.rejects(storage.users.create(sameEmail, { adminIfFirst: false }), (error: unknown) => {
        assert.ok(error instanceof UniqueViolation);
        assert.equal(error.field, 'email');
        return true;
      });
      assert.equal(await storage.users.findById(sameName.id), undefined);
      assert.equal(await storage.users.findById(sameEmail.id), undefined);
    });

    it('makes the first account an admin only when asked', async () => {
      const notAsked = await create({}, false);
      assert.equal(notAsked.role, 'user');
      await storage.users.delete(notAsked.id);
      const first = await create({}, true);
      const second = await create({}, true);
      assert.equal(first.role, 'admin');
      assert.equal(second.role, 'user');
      assert.equal((await storage.users.findById(first.id))?.role, 'admin');
      assert.equal(await storage.users.countActiveAdmins(), 1);
    });

    it('makes exactly one admin when ten first registrations race', async () => {
      const created = await Promise.all(Array.from({ length: 10 }, () => create({}, true)));
      assert.equal(created.filter((user) => user.role === 'admin').length, 1);
      const stored = await storage.users.list({ limit: 100 });
      assert.equal(stored.length, 10);
      assert.equal(stored.filter((user) => user.role === 'admin').length, 1);
      assert.equal(await storage.users.countActiveAdmins(), 1);
    });

    it('applies a patch, sets updatedAt and leaves other fields alone', async () => {
      const user = await create({ displayName: 'Alice', bio: 'old', createdAt: now });
      const patched = await storage.users.update(
        user.id,
        { displayName: 'Alicia', bio: '', role: 'admin', disabled: true },
        now + 5,
      );
      const expected = { ...user, displayName: 'Alicia', bio: '', role: 'admin', disabled: true, updatedAt: now + 5 };
      assert.deepEqual(patched, expected);
      assert.deepEqual(await storage.users.findById(user.id), expected);
      const again = await storage.users.update(user.id, { passwordHash: 'new-hash', disabled: false }, now + 9);
      assert.deepEqual(again, { ...expected, passwordHash: 'new-hash', disabled: false, updatedAt: now + 9 });
      assert.deepEqual(await storage.users.update(user.id, {}, now + 10), { ...again, updatedAt: now + 10 });
    });

    it('answers undefined when updating an account that does not exist', async () => {
      assert.equal(await storage.users.update(uuidv7(), { bio: 'x' }, now), undefined);
    });

    it('finds an account by its new display name after an update', async () => {
      const user = await create({ username: 'zed', displayName: 'Zed' });
      await storage.users.update(user.id, { displayName: 'Quentin' }, now);
      const names = async (prefix: string) => (await storage.users.search(prefix, 10)).map((u) => u.username);
      assert.deepEqual(await names('quen'), ['zed']);
      assert.deepEqual(await names('zed'), ['zed']);
      assert.deepEqual(await names('zo'), []);
    });

    it('deletes an account with its sessions and reset tokens, and no one else’s', async () => {
      const alice = await create();
      const bob = await create();
      const aliceSession = await storage.sessions.create(newSession(alice.id, now), tokenHash());
      const bobSession = await storage.sessions.create(newSession(bob.id, now), tokenHash());
      const aliceReset = tokenHash();
      const bobReset = tokenHash();
      await storage.resetTokens.create({
        tokenHash: aliceReset,
        userId: alice.id,
        createdAt: now,
        expiresAt: now + 1000,
      });
      await storage.resetTokens.create({ tokenHash: bobReset, userId: bob.id, createdAt: now, expiresAt: now + 1000 });

      assert.equal(await storage.users.delete(alice.id), true);
      assert.equal(await storage.users.findById(alice.id), undefined);
      assert.equal(await storage.sessions.findById(aliceSession.id), undefined);
      assert.equal(await storage.resetTokens.consume(aliceReset, now), undefined);
      assert.deepEqual(await storage.sessions.findById(bobSession.id), bobSession);
      assert.equal(await storage.resetTokens.consume(bobReset, now), bob.id);
      assert.equal(await storage.users.delete(alice.id), false);
    });

    describe('search', () => {
      const names = async (prefix: string, limit = 20) =>
        (await storage.users.search(prefix, limit)).map((user) => user.username);

      beforeEach(async () => {
        await create({ username: 'annb', displayName: 'Zoe' });
        await create({ username: 'ann', displayName: 'Yves' });
        await create({ username: 'dave', displayName: 'Annie Ray' });
        await create({ username: 'anna', displayName: 'Xavier' });
        await create({ username: 'bob', displayName: 'ANNETTE' });
        await create({ username: 'joe', displayName: 'Joanna' });
        await create({ username: 'aaron', displayName: 'Annabel' });
        const disabled = await create({ username: 'annex', displayName: 'Annex' });
        await storage.users.update(disabled.id, { disabled: true }, now);
      });

      it('orders the exact username, then username prefixes, then display names, each by username', async () => {
        assert.deepEqual(await names('ann'), ['ann', 'anna', 'annb', 'aaron', 'bob', 'dave']);
      });

      it('compares case-insensitively, beyond ASCII too', async () => {
        assert.deepEqual(await names('ANN'), ['ann', 'anna', 'annb', 'aaron', 'bob', 'dave']);
        await create({ username: 'elodie', displayName: 'Élodie Martin' });
        assert.deepEqual(await names('éL'), ['elodie']);
        assert.deepEqual(await names('ÉLODIE M'), ['elodie']);
      });

      it('matches prefixes only and leaves disabled accounts out', async () => {
        assert.deepEqual(await names('nna'), []);
        assert.deepEqual(await names('annex'), []);
        assert.deepEqual(await names('jo'), ['joe']);
      });

      it('stops at the limit', async () => {
        assert.deepEqual(await names('ann', 2), ['ann', 'anna']);
        assert.deepEqual(await names('ann', 0), []);
      });

      it('takes % and _ literally', async () => {
        await create({ username: 'a_c', displayName: '100% Real' });
        await create({ username: 'abc', displayName: '1000 Cats' });
        assert.deepEqual(await names('a_'), ['a_c']);
        assert.deepEqual(await names('100%'), ['a_c']);
        assert.deepEqual(await names('1%'), []);
        assert.deepEqual(await names('%'), []);
        assert.deepEqual(await names('_'), []);
      });
    });

    it('lists accounts by id, paging after a given id, disabled ones included', async () => {
      const ids = Array.from({ length: 5 }, () => uuidv7());
      for (const id of [...ids].reverse()) await create({ id });
      await storage.users.update(ids[1] ?? '', { disabled: true }, now);
      const page = async (after: string | undefined, limit: number) =>
        (await storage.users.list({ after, limit })).map((user) => user.id);

      assert.deepEqual(await page(undefined, 2), ids.slice(0, 2));
      assert.deepEqual(await page(ids[1], 2), ids.slice(2, 4));
      assert.deepEqual(await page(ids[3], 10), ids.slice(4));
      assert.deepEqual(await page(ids[4], 10), []);
      assert.equal((await storage.users.list({ limit: 10 }))[1]?.disabled, true);
    });

    it('counts enabled admins only', async () => {
      assert.equal(await storage.users.countActiveAdmins(), 0);
      await create({ role: 'admin' });
      const other = await create({ role: 'admin' });
      await create({ role: 'user' });
      assert.equal(await storage.users.countActiveAdmins(), 2);
      await storage.users.update(other.id, { disabled: true }, now);
      assert.equal(await storage.users.countActiveAdmins(), 1);
    });
  });
}
