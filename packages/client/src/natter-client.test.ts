import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  errorReply,
  FakeNatter,
  startTestServer,
  type FakeNatterOptions,
  type Handler,
  type TestServer,
} from '../test/helpers/fake-natter-server.ts';
import type { FetchLike } from './call-endpoint.ts';
import { NatterApiError } from './errors.ts';
import { NatterClient } from './natter-client.ts';
import type { Session } from './session-manager.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Setup {
  readonly fake: FakeNatter;
  readonly server: TestServer;
  readonly client: NatterClient;
  /** Every value onSessionChange was called with, in order. */
  readonly changes: (Session | null)[];
  /** `METHOD /path` of each request the server saw, without the API prefix. */
  readonly calls: () => string[];
}

async function setup(options: FakeNatterOptions & { handler?: (fake: FakeNatter) => Handler } = {}): Promise<Setup> {
  const fake = new FakeNatter(options);
  const server = await startTestServer(options.handler?.(fake) ?? fake.handle);
  servers.push(server);
  const changes: (Session | null)[] = [];
  const client = new NatterClient({ baseUrl: server.baseUrl, onSessionChange: (s) => changes.push(s) });
  const calls = () => server.requests.map((r) => `${r.method} ${r.path.replace('/api/v1', '')}`);
  return { fake, server, client, changes, calls };
}

const credentials = { login: 'alice', password: 'correct horse' };

/** A session as an app would have saved it, whose access token expires `ms` from now. */
function expiringIn(fake: FakeNatter, ms: number): Session {
  return { ...fake.issue(), accessTokenExpiresAt: new Date(Date.now() + ms).toISOString() };
}

void describe('NatterClient sessions', () => {
  void it('stores the session from login, reports it, and presents its token', async () => {
    const { client, changes, server } = await setup();
    const session = await client.login(credentials);
    assert.equal(client.session, session);
    assert.deepEqual(changes, [session]);
    assert.equal((await client.getMe()).username, 'alice');
    assert.equal(server.requests.at(-1)?.headers.authorization, `Bearer ${session.accessToken}`);
  });

  void it('sends every request through an injected fetch', async () => {
    const fake = new FakeNatter();
    const server = await startTestServer(fake.handle);
    servers.push(server);
    const seen: string[] = [];
    const countingFetch: FetchLike = (url, init) => {
      seen.push(`${init.method ?? 'GET'} ${url}`);
      return fetch(url, init);
    };
    const client = new NatterClient({ baseUrl: server.baseUrl, fetch: countingFetch });
    await client.login(credentials);
    await client.searchUsers({ q: 'bo b' });
    assert.deepEqual(seen, [
      `POST ${server.baseUrl}/api/v1/auth/login`,
      `GET ${server.baseUrl}/api/v1/users/search?q=bo+b`,
    ]);
  });

  void it('refreshes before a call when the access token expires within 30 seconds', async () => {
    const { fake, server, calls } = await setup();
    const saved = expiringIn(fake, 10_000);
    const changes: (Session | null)[] = [];
    const client = new NatterClient({
      baseUrl: server.baseUrl,
      session: saved,
      onSessionChange: (s) => changes.push(s),
    });
    await client.getMe();
    assert.deepEqual(calls(), ['POST /auth/refresh', 'GET /me']);
    assert.notEqual(client.session?.accessToken, saved.accessToken);
    assert.equal(server.requests.at(-1)?.headers.authorization, `Bearer ${client.session?.accessToken ?? ''}`);
    assert.deepEqual(changes, [client.session], 'the rotated session is reported so the app can persist it');
  });

  void it('does not refresh before every call when fresh tokens look expired to a clock that runs ahead', async () => {
    const { client, calls } = await setup({ accessTtlMs: -60_000 });
    await client.login(credentials);
    await client.getMe();
    await client.getMe();
    assert.deepEqual(calls(), ['POST /auth/login', 'GET /me', 'GET /me']);
  });

  void it('on token_expired refreshes once and retries the call once', async () => {
    const { client, fake, calls } = await setup();
    await client.login(credentials);
    fake.expireAccessTokens();
    assert.equal((await client.getMe()).id, 'u1');
    assert.deepEqual(calls(), ['POST /auth/login', 'GET /me', 'POST /auth/refresh', 'GET /me']);
  });

  void it('gives up after one retry when the new token is refused as expired too', async () => {
    const { client, calls } = await setup({
      handler: (fake) => (request) =>
        request.path === '/api/v1/me' ? errorReply(401, 'token_expired', 'Expired') : fake.handle(request),
    });
    await client.login(credentials);
    await assert.rejects(
      client.getMe(),
      (error: unknown) => error instanceof NatterApiError && error.code === 'token_expired',
    );
    assert.deepEqual(calls(), ['POST /auth/login', 'GET /me', 'POST /auth/refresh', 'GET /me']);
  });

  void it('five concurrent calls with an expired token share exactly one refresh', async () => {
    const { fake, server } = await setup();
    const client = new NatterClient({ baseUrl: server.baseUrl, session: expiringIn(fake, -1000) });
    fake.expireAccessTokens();
    const users = await Promise.all(Array.from({ length: 5 }, () => client.getMe()));
    assert.equal(users.length, 5);
    assert.equal(fake.refreshCount, 1);
    const tokens = server.requests.filter((r) => r.path === '/api/v1/me').map((r) => r.headers.authorization);
    assert.deepEqual(tokens, Array(5).fill(`Bearer ${client.session?.accessToken ?? ''}`));
  });

  void it('five concurrent calls refused with token_expired share exactly one refresh', async () => {
    const { client, fake, calls } = await setup();
    await client.login(credentials);
    fake.expireAccessTokens();
    await Promise.all(Array.from({ length: 5 }, () => client.getMe()));
    assert.equal(fake.refreshCount, 1);
    assert.equal(calls().filter((c) => c === 'GET /me').length, 10);
  });

  void it('a call whose token_expired arrives after another call refreshed reuses that refresh', async () => {
    const first = { authorization: '' };
    let meCalls = 0;
    const { client, fake, calls } = await setup({
      handler: (fake) => async (request) => {
        // Answers to the old token after the first come late, once the first caller has already rotated.
        if (request.path === '/api/v1/me' && request.headers.authorization === first.authorization && meCalls++ > 0) {
          await sleep(80);
        }
        return fake.handle(request);
      },
    });
    first.authorization = `Bearer ${(await client.login(credentials)).accessToken}`;
    fake.expireAccessTokens();
    await Promise.all(Array.from({ length: 5 }, () => client.getMe()));
    assert.equal(fake.refreshCount, 1);
    assert.equal(calls().filter((c) => c === 'GET /me').length, 10);
  });

  void it('a call made while a refresh is under way waits for it and uses the new token', async () => {
    const { client, server } = await setup();
    await client.login(credentials);
    const rotation = client.refresh();
    await client.getMe();
    const rotated = await rotation;
    assert.equal(server.requests.at(-1)?.headers.authorization, `Bearer ${rotated.accessToken}`);
  });

  void it('clears the session and reports null when the refresh token was already used', async () => {
    const { fake, server } = await setup();
    const stale = expiringIn(fake, -1000);
    const changes: (Session | null)[] = [];
    const client = new NatterClient({
      baseUrl: server.baseUrl,
      session: stale,
      onSessionChange: (s) => changes.push(s),
    });
    await client.refresh(); // rotates: stale.refreshToken is now spent
    client.setSession(stale); // e.g. another tab restored an old copy
    await assert.rejects(
      client.getMe(),
      (error: unknown) => error instanceof NatterApiError && error.code === 'refresh_token_reused',
    );
    assert.equal(client.session, null);
    assert.equal(changes.at(-1), null);
  });

  void it('clears the session when a call answers session_revoked', async () => {
    const { client, changes, server } = await setup();
    await client.login(credentials);
    const other = new NatterClient({ baseUrl: server.baseUrl, session: client.session });
    await other.logout();
    await assert.rejects(
      client.getMe(),
      (error: unknown) => error instanceof NatterApiError && error.code === 'session_revoked',
    );
    assert.equal(client.session, null);
    assert.equal(changes.at(-1), null);
  });

  void it('logout ends the session on the server and forgets it locally', async () => {
    const { client, changes, calls } = await setup();
    await client.login(credentials);
    await client.logout();
    assert.equal(client.session, null);
    assert.equal(changes.at(-1), null);
    assert.deepEqual(calls(), ['POST /auth/login', 'POST /auth/logout']);
  });

  void it('a user call without a session goes out without a token and fails as the server says', async () => {
    const { client, server } = await setup();
    await assert.rejects(
      client.getMe(),
      (error: unknown) => error instanceof NatterApiError && error.code === 'unauthenticated',
    );
    assert.equal(server.requests[0]?.headers.authorization, undefined);
  });
});
