import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NatterClient } from '@natter/client';
import { clientFrom, errorCode, goodPassword, newPerson, signUp, uniqueName } from '../helpers/people.ts';
import { must, onEveryEngine } from '../helpers/suite.ts';

onEveryEngine('accounts', {}, (server) => {
  it('makes the first account an admin and later ones users', async () => {
    const first = await signUp(server().url);
    const second = await signUp(server().url);
    assert.equal((await first.client.getMe()).role, 'admin');
    assert.equal((await second.client.getMe()).role, 'user');
  });

  it('registers, signs in by username and by email, and returns the account', async () => {
    const person = newPerson({ displayName: 'Ada Lovelace' });
    const reg = await clientFrom(server().url).register({ ...person, email: person.email.toUpperCase() });
    assert.equal(reg.user.username, person.username);
    assert.equal(reg.user.email, person.email, 'email is stored lower-cased');
    assert.equal(reg.user.displayName, 'Ada Lovelace');
    assert.ok(Date.parse(reg.accessTokenExpiresAt) - Date.now() <= 15 * 60_000);

    const byName = clientFrom(server().url);
    assert.equal(
      (await byName.login({ login: person.username.toUpperCase(), password: person.password })).user.id,
      reg.user.id,
    );
    const byEmail = clientFrom(server().url);
    assert.equal((await byEmail.login({ login: person.email, password: person.password })).user.id, reg.user.id);
    assert.equal((await byEmail.getMe()).username, person.username);
  });

  it('refuses taken usernames and emails with one message, and weak passwords', async () => {
    const { person } = await signUp(server().url);
    const c = clientFrom(server().url);
    assert.equal(await errorCode(() => c.register(newPerson({ username: person.username }))), 'account_exists');
    assert.equal(await errorCode(() => c.register(newPerson({ email: person.email.toUpperCase() }))), 'account_exists');
    assert.equal(await errorCode(() => c.register(newPerson({ password: 'password1' }))), 'password_too_common');
    assert.equal(await errorCode(() => c.register(newPerson({ password: 'Iloveyou2' }))), 'password_too_common');
    assert.equal(await errorCode(() => c.register(newPerson({ password: 'qwertyuiop' }))), 'password_too_common');
    assert.equal(await errorCode(() => c.register(newPerson({ password: '2345678901' }))), 'password_too_common');
    assert.equal(await errorCode(() => c.register(newPerson({ password: 'short' }))), 'validation_failed');
    assert.equal(await errorCode(() => c.register(newPerson({ password: 'x'.repeat(129) }))), 'validation_failed');
    // 128 astral characters are 256 UTF-16 units but 128 code points: accepted, not truncated.
    const emoji = Array.from({ length: 128 }, (_, i) => String.fromCodePoint(0x1f600 + ((i * 7) % 80))).join('');
    const long = newPerson({ password: emoji });
    await c.register(long);
    await clientFrom(server().url).login({ login: long.username, password: long.password });
    assert.equal(
      await errorCode(() => clientFrom(server().url).login({ login: long.username, password: emoji.slice(0, -2) })),
      'invalid_credentials',
    );
  });

  it('answers an unknown account and a wrong password the same way', async () => {
    const { person } = await signUp(server().url);
    const c = clientFrom(server().url);
    const wrong = await c.login({ login: person.username, password: 'not the password' }).catch((e: unknown) => e);
    const unknown = await c.login({ login: uniqueName(), password: 'not the password' }).catch((e: unknown) => e);
    for (const e of [wrong, unknown]) {
      assert.ok(e instanceof Error);
      assert.equal((e as { code?: string }).code, 'invalid_credentials');
      assert.equal(e.message, 'The username, email or password is wrong.');
    }
  });

  it('rotates refresh tokens, and a reused one ends the whole session', async () => {
    const { client } = await signUp(server().url);
    const before = client.session;
    assert.ok(before);
    const rotated = await client.refresh();
    assert.notEqual(rotated.refreshToken, before.refreshToken);
    assert.notEqual(rotated.accessToken, before.accessToken);
    assert.equal(rotated.sessionId, before.sessionId);
    await client.getMe();

    // Someone replays the old refresh token: the session ends for everyone holding it.
    const thief = new NatterClient({ baseUrl: server().url, session: before });
    assert.equal(await errorCode(() => thief.refresh()), 'refresh_token_reused');
    assert.equal(await errorCode(() => client.getMe()), 'session_revoked');
    assert.equal(client.session, null, 'the SDK forgets an ended session');
    const holder = new NatterClient({ baseUrl: server().url, session: rotated });
    assert.equal(await errorCode(() => holder.refresh()), 'invalid_refresh_token');
  });

  it('refreshes an expired access token on its own and keeps working', async () => {
    const { client } = await signUp(server().url);
    server().clock.advance(11 * 60_000);
    assert.ok((await client.getMe()).id, 'the SDK refreshed after token_expired');
    const fresh = new NatterClient({ baseUrl: server().url });
    fresh.setSession({ ...must(client.session), refreshToken: 'x' });
    server().clock.advance(11 * 60_000);
    assert.equal(await errorCode(() => fresh.getMe()), 'invalid_refresh_token');
  });

  it('logs out: the access token and the refresh token stop working', async () => {
    const { client } = await signUp(server().url);
    const kept = must(client.session);
    await client.logout();
    assert.equal(client.session, null);
    const stale = new NatterClient({ baseUrl: server().url, session: kept });
    assert.equal(await errorCode(() => stale.getMe()), 'session_revoked');
    const replay = new NatterClient({ baseUrl: server().url, session: kept });
    assert.equal(await errorCode(() => replay.refresh()), 'invalid_refresh_token');
  });

  it('lists sessions with their device and ends one or all others', async () => {
    const { client: laptop, person } = await signUp(server().url, { deviceLabel: 'laptop' });
    const phone = clientFrom(server().url, '203.0.113.7');
    await phone.login({ login: person.username, password: person.password, deviceLabel: 'phone' });
    const tablet = clientFrom(server().url);
    await tablet.login({ login: person.email, password: person.password, deviceLabel: 'tablet' });

    const { sessions } = await laptop.listSessions();
    assert.deepEqual(sessions.map((s) => s.deviceLabel).sort(), ['laptop', 'phone', 'tablet']);
    assert.deepEqual(
      sessions.filter((s) => s.current).map((s) => s.deviceLabel),
      ['laptop'],
    );
    const phoneSession = sessions.find((s) => s.deviceLabel === 'phone');
    assert.ok(phoneSession);
    assert.equal(phoneSession.ip, '203.0.113.7');
    assert.ok(phoneSession.userAgent);

    await laptop.revokeSession({ sessionId: phoneSession.id });
    assert.equal(await errorCode(() => phone.getMe()), 'session_revoked');
    assert.equal(await errorCode(() => laptop.revokeSession({ sessionId: phoneSession.id })), 'session_not_found');

    const other = await signUp(server().url);
    const otherSession = must(other.client.session).sessionId;
    assert.equal(await errorCode(() => laptop.revokeSession({ sessionId: otherSession })), 'session_not_found');
    await other.client.getMe();

    assert.deepEqual(await laptop.revokeOtherSessions(), { revoked: 1 });
    assert.equal(await errorCode(() => tablet.getMe()), 'session_revoked');
    assert.equal((await laptop.listSessions()).sessions.length, 1);
  });

  it('changes the password, ending every other session', async () => {
    const { client, person } = await signUp(server().url);
    const other = clientFrom(server().url);
    await other.login({ login: person.username, password: person.password });
    assert.equal(
      await errorCode(() =>
        client.changePassword({ currentPassword: 'wrong password', newPassword: 'a new pass phrase' }),
      ),
      'password_incorrect',
    );
    assert.equal(
      await errorCode(() => client.changePassword({ currentPassword: person.password, newPassword: 'password123' })),
      'password_too_common',
    );
    await client.changePassword({ currentPassword: person.password, newPassword: 'a new pass phrase' });
    await client.getMe();
    assert.equal(await errorCode(() => other.getMe()), 'session_revoked');
    const c = clientFrom(server().url);
    assert.equal(
      await errorCode(() => c.login({ login: person.username, password: person.password })),
      'invalid_credentials',
    );
    await c.login({ login: person.username, password: 'a new pass phrase' });
  });

  it('edits the profile, which others see without the email', async () => {
    const { client, userId } = await signUp(server().url);
    const me = await client.updateMe({ displayName: 'Grace Hopper', bio: 'Compilers.\nNavy.' });
    assert.equal(me.displayName, 'Grace Hopper');
    assert.equal(me.bio, 'Compilers.\nNavy.');
    const { client: viewer } = await signUp(server().url);
    const seen = await viewer.getUser({ userId });
    assert.deepEqual(Object.keys(seen).sort(), ['bio', 'displayName', 'id', 'username']);
    assert.equal(seen.displayName, 'Grace Hopper');
    assert.equal(await errorCode(() => client.updateMe({ displayName: 'tab\there' })), 'validation_failed');
    assert.equal(
      await errorCode(() => viewer.getUser({ userId: '0190a0a0-0000-7000-8000-000000000000' })),
      'user_not_found',
    );
  });

  it('finds people by username or display-name prefix, never showing emails', async () => {
    const tag = uniqueName('s').slice(0, 12);
    const { client } = await signUp(server().url, { username: `${tag}zed` });
    await signUp(server().url, { username: `${tag}amy`, displayName: 'Amy Pond' });
    await signUp(server().url, { username: uniqueName('x'), displayName: `${tag.toUpperCase()} Rory` });

    const found = await client.searchUsers({ q: tag });
    assert.equal(found.users.length, 3);
    assert.ok(found.users.every((u) => !('email' in u)));
    assert.deepEqual(
      (await client.searchUsers({ q: `${tag}am` })).users.map((u) => u.displayName),
      ['Amy Pond'],
    );
    assert.equal((await client.searchUsers({ q: tag, limit: 1 })).users.length, 1);
    assert.equal((await client.searchUsers({ q: '%' })).users.length, 0, '% is literal');
    assert.equal(await errorCode(() => client.searchUsers({ q: '' })), 'validation_failed');
  });

  it('deletes an account only with its password', async () => {
    const { client, person, userId } = await signUp(server().url);
    const { client: viewer } = await signUp(server().url);
    assert.equal(await errorCode(() => client.deleteMe({ password: 'nope nope nope' })), 'password_incorrect');
    await client.deleteMe({ password: person.password });
    assert.equal(client.session, null);
    assert.equal(await errorCode(() => viewer.getUser({ userId })), 'user_not_found');
    const c = clientFrom(server().url);
    assert.equal(
      await errorCode(() => c.login({ login: person.username, password: person.password })),
      'invalid_credentials',
    );
    await c.register({ ...person, password: goodPassword }); // the name is free again
  });
});

onEveryEngine('registration closed', { NATTER_REGISTRATION: 'closed' }, (server) => {
  it('refuses new accounts', async () => {
    assert.equal(await errorCode(() => clientFrom(server().url).register(newPerson())), 'registration_closed');
  });
});
