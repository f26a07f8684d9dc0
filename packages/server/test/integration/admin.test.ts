import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clientFrom, errorCode, goodPassword, signUp } from '../helpers/people.ts';
import { onEveryEngine } from '../helpers/suite.ts';

onEveryEngine('administration', {}, (server) => {
  it('lets admins list, promote, demote and disable; nobody else', async () => {
    const admin = await signUp(server().url);
    const bob = await signUp(server().url);
    const carol = await signUp(server().url);
    assert.equal((await admin.client.getMe()).role, 'admin');

    assert.equal(await errorCode(() => bob.client.admin.listUsers()), 'forbidden');
    assert.equal(
      await errorCode(() => bob.client.admin.updateUser({ userId: carol.userId, role: 'admin' })),
      'forbidden',
    );

    const page1 = await admin.client.admin.listUsers({ limit: 2 });
    assert.deepEqual(
      page1.users.map((u) => u.id),
      [admin.userId, bob.userId],
    );
    assert.equal(page1.users[1]?.email, bob.person.email, 'admins see emails');
    assert.ok(page1.nextAfter);
    const page2 = await admin.client.admin.listUsers({ limit: 2, after: page1.nextAfter });
    assert.deepEqual(
      page2.users.map((u) => u.id),
      [carol.userId],
    );
    assert.equal(page2.nextAfter, null);

    // A promotion takes effect on the very next request, without a new token.
    assert.equal((await admin.client.admin.updateUser({ userId: bob.userId, role: 'admin' })).role, 'admin');
    assert.equal((await bob.client.admin.listUsers()).users.length, 3);
    await bob.client.admin.updateUser({ userId: bob.userId, role: 'user' });
    assert.equal(await errorCode(() => bob.client.admin.listUsers()), 'forbidden');

    // Disabling ends every session at once and blocks sign-in until re-enabled.
    const disabled = await admin.client.admin.updateUser({ userId: carol.userId, disabled: true });
    assert.equal(disabled.disabled, true);
    assert.equal(await errorCode(() => carol.client.getMe()), 'session_revoked');
    const c = clientFrom(server().url);
    assert.equal(
      await errorCode(() => c.login({ login: carol.person.username, password: carol.person.password })),
      'account_disabled',
    );
    assert.equal((await admin.client.searchUsers({ q: carol.person.username })).users.length, 0);
    await admin.client.admin.updateUser({ userId: carol.userId, disabled: false });
    await c.login({ login: carol.person.username, password: carol.person.password });
  });

  it('never demotes, disables or deletes the last active admin', async () => {
    const admin = clientFrom(server().url);
    const [first] = await server().storage.users.list({ limit: 1 });
    assert.ok(first);
    assert.equal(first.role, 'admin');
    await admin.login({ login: first.username, password: goodPassword });
    const adminId = first.id;
    assert.equal(await errorCode(() => admin.admin.updateUser({ userId: adminId, role: 'user' })), 'last_admin');
    assert.equal(await errorCode(() => admin.admin.updateUser({ userId: adminId, disabled: true })), 'last_admin');
    assert.equal(await errorCode(() => admin.deleteMe({ password: goodPassword })), 'last_admin');
    const unknown = '0190a0a0-0000-7000-8000-000000000000';
    assert.equal(await errorCode(() => admin.admin.updateUser({ userId: unknown, role: 'user' })), 'user_not_found');
  });
});
