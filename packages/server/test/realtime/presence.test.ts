import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startGateway, type TestGateway } from './fakes.ts';
import { eventually, sleep, TestClient } from './test-client.ts';

describe('presence', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await startGateway({}, { presenceOfflineDelayMs: 150 });
  });
  afterEach(async () => {
    await t.close();
  });

  const presenceOn = (t: TestGateway) => t.busMessages.filter((m) => m.kind === 'presence');

  it('announces a user online on the first connection and offline after the last, debounced', async () => {
    const a1 = await TestClient.connect(t.url, t.auth.issue('ada'));
    assert.equal(t.gateway.presence.isOnline('ada'), true);
    const a2 = await TestClient.connect(t.url, t.auth.issue('ada'));
    assert.deepEqual(presenceOn(t), [{ kind: 'presence', userId: 'ada', online: true }]);
    await a1.close();
    await a2.close();
    await sleep(50);
    // Within the grace period: still online, nothing announced.
    assert.equal(t.gateway.presence.isOnline('ada'), true);
    assert.equal(presenceOn(t).length, 1);
    await eventually(() => presenceOn(t).length === 2);
    assert.deepEqual(presenceOn(t)[1], { kind: 'presence', userId: 'ada', online: false });
    assert.equal(t.gateway.presence.isOnline('ada'), false);
  });

  it('does not flap when a page reloads within the grace period', async () => {
    const first = await TestClient.connect(t.url, t.auth.issue('ada'));
    await first.close();
    await sleep(30);
    const reloaded = await TestClient.connect(t.url, t.auth.issue('ada'));
    await sleep(250);
    assert.deepEqual(presenceOn(t), [{ kind: 'presence', userId: 'ada', online: true }]);
    assert.equal(t.gateway.presence.isOnline('ada'), true);
    await reloaded.close();
  });

  it('presence.watch answers the current state and then pushes changes; blocked users look offline', async () => {
    t.blocked.add('cy>bob'); // cy blocked bob
    const cy = await TestClient.connect(t.url, t.auth.issue('cy'));
    const bob = await TestClient.connect(t.url, t.auth.issue('bob'));
    assert.deepEqual(await bob.call('presence.watch', { body: { userIds: ['ada', 'cy', 'bob'] } }), {
      users: [
        { userId: 'ada', online: false },
        { userId: 'cy', online: false },
        { userId: 'bob', online: true },
      ],
    });
    const ada = await TestClient.connect(t.url, t.auth.issue('ada'));
    assert.deepEqual(await bob.take((f) => f.type === 'presence'), { type: 'presence', userId: 'ada', online: true });
    await ada.close();
    assert.deepEqual(await bob.take((f) => f.type === 'presence'), { type: 'presence', userId: 'ada', online: false });
    await cy.close();
    await sleep(250);
    await bob.settle();
    assert.deepEqual(bob.unread('presence'), []);
    // A new watch list replaces the old one.
    assert.deepEqual(await bob.call('presence.watch', { body: { userIds: [] } }), { users: [] });
    const again = await TestClient.connect(t.url, t.auth.issue('ada'));
    await bob.settle();
    assert.deepEqual(bob.unread('presence'), []);
    await again.close();
  });

  it('knows who is online on other instances from the bus, and corrects them about its own users', async () => {
    const bob = await TestClient.connect(t.url, t.auth.issue('bob'));
    await bob.call('presence.watch', { body: { userIds: ['remote', 'ada'] } });
    t.bus.publish({ kind: 'presence', userId: 'remote', online: true });
    assert.equal(t.gateway.presence.isOnline('remote'), true);
    assert.deepEqual(await bob.take((f) => f.type === 'presence'), {
      type: 'presence',
      userId: 'remote',
      online: true,
    });
    t.bus.publish({ kind: 'presence', userId: 'remote', online: false });
    assert.equal(t.gateway.presence.isOnline('remote'), false);
    assert.deepEqual(await bob.take((f) => f.type === 'presence'), {
      type: 'presence',
      userId: 'remote',
      online: false,
    });
    // Another instance says ada went offline there, but she is connected here.
    const ada = await TestClient.connect(t.url, t.auth.issue('ada'));
    await bob.take((f) => f.type === 'presence');
    const before = presenceOn(t).length;
    t.bus.publish({ kind: 'presence', userId: 'ada', online: false });
    assert.equal(t.gateway.presence.isOnline('ada'), true);
    assert.deepEqual(presenceOn(t).slice(before), [
      { kind: 'presence', userId: 'ada', online: false },
      { kind: 'presence', userId: 'ada', online: true },
    ]);
    await bob.settle();
    assert.deepEqual(bob.unread('presence'), []);
    await ada.close();
  });
});
