import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { closeCodes } from '@natter/protocol';
import { WebSocket } from 'ws';
import { startGateway, type TestGateway } from './fakes.ts';
import { frameOf, sleep, TestClient } from './test-client.ts';

describe('realtime handshake and authentication', () => {
  let t: TestGateway;
  before(async () => {
    t = await startGateway({ maxConnectionsPerUser: 2 }, { authTimeoutMs: 150 });
  });
  after(async () => {
    await t.close();
  });

  it('authenticates by subprotocol, selects only the encoding and says hello', async () => {
    const token = t.auth.issue('ada', 'sess-1');
    const client = await TestClient.open(t.url, { token });
    assert.equal(client.ws.protocol, 'natter.v1.json');
    const hello = frameOf(await client.take(), 'hello');
    assert.deepEqual(
      { ...hello, serverTime: 'x', connectionId: 'x' },
      {
        type: 'hello',
        protocol: 1,
        userId: 'ada',
        sessionId: 'sess-1',
        connectionId: 'x',
        serverTime: 'x',
        limits: { maxFrameBytes: 64 * 1024, framesPerSecond: 50, messageMaxBytes: 4000 },
      },
    );
    assert.ok(hello.connectionId.length > 0);
    assert.ok(Math.abs(Date.parse(hello.serverTime) - Date.now()) < 5000);
    await client.close();
  });

  it('never echoes the token, whatever order the offers come in', async () => {
    const token = t.auth.issue('ada');
    const client = await TestClient.open(t.url, { protocols: [`natter.auth.${token}`, 'natter.v1.msgpack'] });
    assert.equal(client.ws.protocol, 'natter.v1.msgpack');
    assert.equal((await client.take()).type, 'hello');
    await client.close();
  });

  it('authenticates by a first auth frame: hello, then the frame’s result', async () => {
    const token = t.auth.issue('bob', 'sess-b', 60_000);
    const client = await TestClient.open(t.url);
    client.send({ id: 'a1', op: 'auth', input: { body: { accessToken: token } } });
    frameOf(await client.take(), 'hello');
    const result = frameOf(await client.take(), 'result');
    assert.equal(result.id, 'a1');
    const { expiresAt } = result.data as { expiresAt: string };
    assert.ok(Date.parse(expiresAt) > Date.now() + 50_000);
    assert.deepEqual(await client.call('echo', { body: { x: 1 } }), { input: { body: { x: 1 } }, userId: 'bob' });
    await client.close();
  });

  it('closes unauthenticated when no token comes in time', async () => {
    const client = await TestClient.open(t.url);
    const started = Date.now();
    assert.deepEqual(await client.closed, { code: closeCodes.unauthenticated, reason: 'no token in time' });
    assert.ok(Date.now() - started >= 100);
  });

  it('closes unauthenticated when the first frame is not auth', async () => {
    const client = await TestClient.open(t.url);
    client.send({ id: 1, op: 'echo' });
    assert.equal((await client.closed).code, closeCodes.unauthenticated);
  });

  it('answers a malformed auth frame, then closes unauthenticated', async () => {
    const client = await TestClient.open(t.url);
    client.send({ id: 7, op: 'auth', input: { body: { token: 'x' } } });
    const error = frameOf(await client.take(), 'error');
    assert.equal(error.error.code, 'validation_failed');
    assert.equal((await client.closed).code, closeCodes.unauthenticated);
  });

  const failures = [
    ['an unknown token', 'nonsense', closeCodes.unauthenticated],
    ['an expired token', 'token_expired', closeCodes.tokenExpired],
    ['a revoked session', 'session_revoked', closeCodes.sessionEnded],
    ['a disabled account', 'account_disabled', closeCodes.sessionEnded],
  ] as const;
  for (const [what, failure, code] of failures) {
    it(`closes ${code} for ${what}, by subprotocol or by frame`, async () => {
      const token = failure === 'nonsense' ? 'nonsense' : t.auth.failing(failure);
      const bySubprotocol = await TestClient.open(t.url, { token });
      assert.equal((await bySubprotocol.closed).code, code);
      const byFrame = await TestClient.open(t.url);
      byFrame.send({ id: 'x', op: 'auth', input: { body: { accessToken: token } } });
      const error = frameOf(await byFrame.take(), 'error');
      assert.equal(error.id, 'x');
      assert.equal(error.error.code, failure === 'nonsense' ? 'unauthenticated' : failure);
      assert.equal((await byFrame.closed).code, code);
    });
  }

  it('closes 1011 (resume) when authentication itself breaks, without blaming the token', async () => {
    const client = await TestClient.open(t.url, { token: t.auth.failing(new Error('database down')) });
    assert.equal((await client.closed).code, 1011);
  });

  it('refuses a browser page from an origin not allowed', async () => {
    const token = t.auth.issue('ada');
    const refused = await TestClient.open(t.url, { token, origin: 'https://evil.example' });
    assert.deepEqual(await refused.closed, { code: closeCodes.originNotAllowed, reason: 'origin not allowed' });
    const allowed = await TestClient.connect(t.url, token, { origin: 'https://chat.example.test' });
    await allowed.settle();
    await allowed.close();
  });

  it('accepts a page served by the server itself, at whatever address it was reached', async () => {
    const token = t.auth.issue('ada');
    const own = await TestClient.connect(t.url, token, { origin: new URL(t.url).origin });
    await own.settle();
    await own.close();
    const lookalike = await TestClient.open(t.url, { token, origin: `http://${new URL(t.url).hostname}.evil.example` });
    assert.equal((await lookalike.closed).code, closeCodes.originNotAllowed);
  });

  it('refuses a client that offers no encoding it speaks', async () => {
    const other = await TestClient.open(t.url, { protocols: ['natter.v9.xml'] });
    assert.equal(other.ws.protocol, 'natter.v9.xml');
    assert.equal((await other.closed).code, closeCodes.unsupportedProtocol);
    const none = await TestClient.open(t.url, { protocols: [] });
    assert.equal(none.ws.protocol, '');
    assert.equal((await none.closed).code, closeCodes.unsupportedProtocol);
  });

  it('caps connections per user', async () => {
    const token = t.auth.issue('cap');
    const first = await TestClient.connect(t.url, token);
    const second = await TestClient.connect(t.url, token);
    const third = await TestClient.open(t.url, { token });
    assert.equal((await third.closed).code, closeCodes.tooManyConnections);
    await first.close();
    await sleep(20);
    const again = await TestClient.connect(t.url, token);
    await Promise.all([second.close(), again.close()]);
  });

  it('answers upgrades on other paths with 404', async () => {
    const ws = new WebSocket(t.url.replace('/api/v1/ws', '/elsewhere'), ['natter.v1.json']);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode);
      });
      ws.on('error', () => {
        resolve(undefined);
      });
    });
    assert.equal(status, 404);
    ws.terminate();
  });

  it('leaves plain HTTP requests to the server', async () => {
    const status = await new Promise<number | undefined>((resolve) => {
      request(t.url.replace('ws:', 'http:'), (res) => {
        res.resume();
        resolve(res.statusCode);
      }).end();
    });
    assert.equal(status, 404);
  });
});

describe('token expiry and re-authentication', () => {
  let t: TestGateway;
  before(async () => {
    t = await startGateway();
  });
  after(async () => {
    await t.close();
  });

  it('closes tokenExpired when the token runs out', async () => {
    const client = await TestClient.connect(t.url, t.auth.issue('ada', 's1', 200));
    assert.deepEqual(await client.closed, { code: closeCodes.tokenExpired, reason: 'token expired' });
  });

  it('an auth frame with a fresh token for the same session keeps the socket open', async () => {
    const client = await TestClient.connect(t.url, t.auth.issue('ada', 's1', 250));
    const fresh = t.auth.issue('ada', 's1', 60_000);
    const data = (await client.call('auth', { body: { accessToken: fresh } })) as { expiresAt: string };
    assert.ok(Date.parse(data.expiresAt) > Date.now() + 50_000);
    await sleep(400);
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    await client.settle();
    await client.close();
  });

  it('refuses a token of another session or user, and a bad token, keeping the socket open', async () => {
    const client = await TestClient.connect(t.url, t.auth.issue('ada', 's1'));
    const otherSession = await client.request('auth', { body: { accessToken: t.auth.issue('ada', 's2') } });
    assert.equal(otherSession.type === 'error' && otherSession.error.code, 'forbidden');
    const otherUser = await client.request('auth', { body: { accessToken: t.auth.issue('bob', 's1') } });
    assert.equal(otherUser.type === 'error' && otherUser.error.code, 'forbidden');
    const expired = await client.request('auth', { body: { accessToken: t.auth.failing('token_expired') } });
    assert.equal(expired.type === 'error' && expired.error.code, 'token_expired');
    await client.settle();
    await client.close();
  });
});
