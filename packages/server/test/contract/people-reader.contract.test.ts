import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Change, Write } from '../../src/ports/event-log.ts';
import type { Storage } from '../../src/ports/storage.ts';
import { commitOk, createUsers, storageEngines } from '../helpers/storage.ts';

const now = 1_700_000_000_000;

/** A write of people changes (the services add user events; the reads do not need them). */
function people(...changes: Change[]): Write {
  return { require: [], changes, events: [], at: now };
}

for (const engine of storageEngines) {
  describe(`PeopleReader on ${engine.name}`, { skip: engine.skip }, () => {
    let storage: Storage;
    let ada: string, bob: string, cy: string, dan: string;
    beforeEach(async () => {
      storage = await engine.open();
      [ada = '', bob = '', cy = '', dan = ''] = await createUsers(storage, 4);
    });
    afterEach(async () => {
      await storage.close();
    });

    it('keeps pending contact requests both ways, oldest first, until deleted', async () => {
      await commitOk(
        storage,
        people({ op: 'contact.request', fromId: ada, toId: cy, at: now + 2 }),
        people({ op: 'contact.request', fromId: ada, toId: bob, at: now + 1 }),
        people({ op: 'contact.request', fromId: dan, toId: ada, at: now + 3 }),
      );
      assert.deepEqual(await storage.people.requests(ada), {
        outgoing: [
          { userId: bob, since: now + 1 },
          { userId: cy, since: now + 2 },
        ],
        incoming: [{ userId: dan, since: now + 3 }],
      });
      assert.deepEqual(await storage.people.requests(bob), {
        outgoing: [],
        incoming: [{ userId: ada, since: now + 1 }],
      });
      assert.deepEqual(
        [await storage.people.hasRequest(ada, bob), await storage.people.hasRequest(bob, ada)],
        [true, false],
      );
      await commitOk(storage, people({ op: 'contact.request.delete', fromId: ada, toId: bob }));
      assert.equal(await storage.people.hasRequest(ada, bob), false);
      assert.deepEqual((await storage.people.requests(ada)).outgoing, [{ userId: cy, since: now + 2 }]);
    });

    it('makes contacts for both people at once, and removes them for both', async () => {
      await commitOk(
        storage,
        people(
          { op: 'contact.request.delete', fromId: bob, toId: ada },
          { op: 'contact.add', a: ada, b: bob, at: now + 5 },
        ),
        people({ op: 'contact.add', a: cy, b: ada, at: now + 1 }),
      );
      assert.deepEqual(await storage.people.contacts(ada), [
        { userId: cy, since: now + 1 },
        { userId: bob, since: now + 5 },
      ]);
      assert.deepEqual(await storage.people.contacts(bob), [{ userId: ada, since: now + 5 }]);
      assert.deepEqual(
        [await storage.people.isContact(ada, bob), await storage.people.isContact(bob, ada)],
        [true, true],
      );
      assert.equal(await storage.people.isContact(bob, cy), false);
      await commitOk(storage, people({ op: 'contact.remove', a: bob, b: ada }));
      assert.deepEqual(
        [await storage.people.isContact(ada, bob), await storage.people.isContact(bob, ada)],
        [false, false],
      );
      assert.deepEqual(await storage.people.contacts(ada), [{ userId: cy, since: now + 1 }]);
    });

    it('keeps follows one way, listed from both ends', async () => {
      await commitOk(
        storage,
        people({ op: 'follow.add', followerId: bob, followeeId: ada, at: now + 2 }),
        people({ op: 'follow.add', followerId: cy, followeeId: ada, at: now + 1 }),
        people({ op: 'follow.add', followerId: ada, followeeId: dan, at: now + 3 }),
      );
      assert.deepEqual(await storage.people.followers(ada), [
        { userId: cy, since: now + 1 },
        { userId: bob, since: now + 2 },
      ]);
      assert.deepEqual(await storage.people.following(ada), [{ userId: dan, since: now + 3 }]);
      assert.deepEqual(
        [await storage.people.isFollowing(bob, ada), await storage.people.isFollowing(ada, bob)],
        [true, false],
      );
      await commitOk(storage, people({ op: 'follow.remove', followerId: bob, followeeId: ada }));
      assert.deepEqual(await storage.people.followers(ada), [{ userId: cy, since: now + 1 }]);
    });

    it('keeps blocks one way', async () => {
      await commitOk(
        storage,
        people({ op: 'block.add', blockerId: ada, blockedId: dan, at: now + 2 }),
        people({ op: 'block.add', blockerId: ada, blockedId: bob, at: now + 1 }),
      );
      assert.deepEqual(await storage.people.blocked(ada), [
        { userId: bob, since: now + 1 },
        { userId: dan, since: now + 2 },
      ]);
      assert.deepEqual(
        [await storage.people.hasBlocked(ada, bob), await storage.people.hasBlocked(bob, ada)],
        [true, false],
      );
      await commitOk(storage, people({ op: 'block.remove', blockerId: ada, blockedId: bob }));
      assert.deepEqual(await storage.people.blocked(ada), [{ userId: dan, since: now + 2 }]);
      assert.deepEqual(await storage.people.blocked(bob), []);
    });

    it('forgets every relation of a deleted account', async () => {
      await commitOk(
        storage,
        people(
          { op: 'contact.add', a: ada, b: bob, at: now },
          { op: 'follow.add', followerId: ada, followeeId: bob, at: now },
          { op: 'block.add', blockerId: bob, blockedId: cy, at: now },
          { op: 'contact.request', fromId: cy, toId: bob, at: now },
        ),
      );
      await storage.users.delete(bob);
      assert.deepEqual(await storage.people.contacts(ada), []);
      assert.deepEqual(await storage.people.following(ada), []);
      assert.deepEqual(await storage.people.requests(cy), { outgoing: [], incoming: [] });
      assert.equal(await storage.people.hasBlocked(bob, cy), false);
    });
  });
}
