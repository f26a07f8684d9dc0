import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NatterApiError } from '@natter/client';
import { clientFrom, errorCode, randomIp, signUp, uniqueName } from '../helpers/people.ts';
import { onEveryEngine } from '../helpers/suite.ts';

async function retryAfter(fn: () => Promise<unknown>): Promise<number> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof NatterApiError, String(error));
    assert.equal(error.code, 'too_many_attempts');
    const seconds = (error.details as { retryAfterSeconds: number }).retryAfterSeconds;
    assert.ok(seconds >= 1);
    return seconds;
  }
  throw new Error('expected the sign-in to be throttled');
}

onEveryEngine('sign-in throttling', {}, (server) => {
  it('slows an account down after 5 failures, with growing delays that end', async () => {
    const { person } = await signUp(server().url);
    const attacker = clientFrom(server().url);
    const wrong = { login: person.username, password: 'wrong guess here' };
    for (let i = 0; i < 5; i++) assert.equal(await errorCode(() => attacker.login(wrong)), 'invalid_credentials');
    assert.equal(
      await errorCode(() => attacker.login(wrong)),
      'invalid_credentials',
      'the 6th is counted, then the wait starts',
    );

    // Now even the right password waits, from any address: the account is in its delay.
    const owner = clientFrom(server().url);
    const first = await retryAfter(() => owner.login({ login: person.email, password: person.password }));
    server().clock.advance(first * 1000);
    assert.equal(await errorCode(() => attacker.login(wrong)), 'invalid_credentials');
    const second = await retryAfter(() => attacker.login(wrong));
    assert.ok(second > first, `delays grow: ${first}s then ${second}s`);
    // The delay has a cap: a minute per account, so an attacker can never lock the owner out.
    for (let i = 0; i < 12; i++) {
      server().clock.advance(60_000);
      await attacker.login(wrong).catch(() => undefined);
    }
    assert.ok((await retryAfter(() => owner.login({ login: person.username, password: person.password }))) <= 60);
    server().clock.advance(60_000);
    await owner.login({ login: person.username, password: person.password });
  });

  it('throttles unknown accounts exactly like known ones', async () => {
    const c = clientFrom(server().url);
    const ghost = { login: uniqueName(), password: 'whatever it is' };
    for (let i = 0; i < 6; i++) assert.equal(await errorCode(() => c.login(ghost)), 'invalid_credentials');
    await retryAfter(() => c.login(ghost));
  });

  it('slows one address down after 20 failures across accounts', async () => {
    const ip = randomIp();
    const sprayer = clientFrom(server().url, ip);
    for (let i = 0; i < 21; i++) {
      assert.equal(
        await errorCode(() => sprayer.login({ login: uniqueName(), password: 'spray spray' })),
        'invalid_credentials',
      );
    }
    await retryAfter(() => sprayer.login({ login: uniqueName(), password: 'spray spray' }));
    // Other addresses are not affected.
    const { person } = await signUp(server().url);
    await clientFrom(server().url).login({ login: person.username, password: person.password });
  });

  it('slows down password guesses made with a stolen access token', async () => {
    const { client, person } = await signUp(server().url);
    const guess = { currentPassword: 'not my password', newPassword: 'a brand new phrase' };
    for (let i = 0; i < 6; i++) assert.equal(await errorCode(() => client.changePassword(guess)), 'password_incorrect');
    assert.equal(await errorCode(() => client.deleteMe({ password: person.password })), 'too_many_attempts');
    server().clock.advance(60_000);
    await client.changePassword({ currentPassword: person.password, newPassword: 'a brand new phrase' });
  });
});
