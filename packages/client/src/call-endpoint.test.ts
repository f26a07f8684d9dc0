import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorReply, startTestServer, type Reply, type TestServer } from '../test/helpers/fake-natter-server.ts';
import { buildUrl, callEndpoint, type Transport } from './call-endpoint.ts';
import { NatterApiError, NatterNetworkError, NatterResponseError, unexpectedResponseCode } from './errors.ts';

void describe('buildUrl', () => {
  void it('encodes each path parameter as one segment', () => {
    assert.equal(
      buildUrl('http://h', '/users/{userId}', { userId: 'a/b c?é#' }),
      'http://h/api/v1/users/a%2Fb%20c%3F%C3%A9%23',
    );
  });

  void it('keeps a base path prefix and drops trailing slashes', () => {
    assert.equal(buildUrl('http://h/natter//', '/me'), 'http://h/natter/api/v1/me');
  });

  void it('builds the query from defined values only, encoded', () => {
    const url = new URL(buildUrl('http://h', '/users/search', {}, { q: 'a&b=c d', limit: 5, after: undefined }));
    assert.deepEqual(
      [...url.searchParams],
      [
        ['q', 'a&b=c d'],
        ['limit', '5'],
      ],
    );
    assert.equal(url.search, '?q=a%26b%3Dc+d&limit=5');
  });

  void it('refuses a missing path parameter instead of sending a request to the wrong URL', () => {
    assert.throws(() => buildUrl('http://h', '/users/{userId}', {}), TypeError);
  });
});

void describe('callEndpoint', () => {
  let server: TestServer;
  let transport: Transport;
  let reply: Reply = { status: 200, json: {} };

  before(async () => {
    server = await startTestServer(() => reply);
    transport = { baseUrl: server.baseUrl, fetch: (url, init) => fetch(url, init) };
  });
  after(() => server.close());

  const lastRequest = () => server.requests.at(-1);

  void it('sends params and query on the wire encoded', async () => {
    reply = { status: 200, json: { users: [] } };
    await callEndpoint(transport, 'searchUsers', { query: { q: 'bob smith&co', limit: 3 } });
    assert.equal(lastRequest()?.rawUrl, '/api/v1/users/search?q=bob+smith%26co&limit=3');
    reply = { status: 200, json: { id: 'x', username: 'x', displayName: 'X', bio: '' } };
    await callEndpoint(transport, 'getUser', { params: { userId: 'we/ird id' } });
    assert.equal(lastRequest()?.rawUrl, '/api/v1/users/we%2Fird%20id');
  });

  void it('sends JSON with content-type only when the endpoint has a body', async () => {
    reply = { status: 200, json: { message: 'ok' } };
    await callEndpoint(transport, 'requestPasswordReset', { body: { email: 'a@example.com' } });
    assert.equal(lastRequest()?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(lastRequest()?.body ?? ''), { email: 'a@example.com' });

    reply = { status: 204 };
    await callEndpoint(transport, 'logout', undefined, { accessToken: 't' });
    assert.equal(lastRequest()?.method, 'POST');
    assert.equal(lastRequest()?.headers['content-type'], undefined);
    assert.equal(lastRequest()?.body, '');
  });

  void it('presents the access token to user endpoints and never to public ones', async () => {
    reply = { status: 200, json: { sessions: [] } };
    await callEndpoint(transport, 'listSessions', undefined, { accessToken: 'tok' });
    assert.equal(lastRequest()?.headers.authorization, 'Bearer tok');
    reply = { status: 200, json: { message: 'ok' } };
    await callEndpoint(transport, 'requestPasswordReset', { body: { email: 'a@example.com' } }, { accessToken: 'tok' });
    assert.equal(lastRequest()?.headers.authorization, undefined);
  });

  void it('returns the parsed answer, and undefined for a bodiless one', async () => {
    reply = { status: 200, json: { revoked: 2 } };
    assert.deepEqual(await callEndpoint(transport, 'revokeOtherSessions', undefined, { accessToken: 't' }), {
      revoked: 2,
    });
    // A bodiless endpoint resolves to undefined, even if something sent a body anyway.
    reply = { status: 200, text: 'ok' };
    const settled = await Promise.allSettled([
      callEndpoint(transport, 'revokeSession', { params: { sessionId: 's' } }),
    ]);
    assert.deepEqual(settled, [{ status: 'fulfilled', value: undefined }]);
  });

  void it('turns an error answer into NatterApiError with its code, details and requestId', async () => {
    reply = errorReply(404, 'user_not_found', 'No such user.', { userId: 'nobody' });
    const error = await callEndpoint(transport, 'getUser', { params: { userId: 'nobody' } }).catch((e: unknown) => e);
    assert.ok(error instanceof NatterApiError);
    assert.equal(error.code, 'user_not_found');
    assert.equal(error.status, 404);
    assert.equal(error.message, 'No such user.');
    assert.deepEqual(error.details, { userId: 'nobody' });
    assert.match(error.requestId ?? '', /^req-\d+$/);
  });

  void it('maps a non-Natter error page to unexpected_response, keeping the status', async () => {
    reply = { status: 502, text: '<html>Bad Gateway</html>', headers: { 'x-request-id': 'edge-1' } };
    const error = await callEndpoint(transport, 'getMe').catch((e: unknown) => e);
    assert.ok(error instanceof NatterApiError);
    assert.equal(error.code, unexpectedResponseCode);
    assert.equal(error.status, 502);
    assert.equal(error.requestId, 'edge-1');
  });

  void it('refuses a 2xx answer that is not JSON instead of returning it', async () => {
    reply = { status: 200, text: '<!doctype html><title>Natter</title>' };
    await assert.rejects(callEndpoint(transport, 'getMe'), (error: unknown) => {
      assert.ok(error instanceof NatterResponseError);
      assert.equal(error.status, 200);
      assert.match(error.message, /instead of a JSON object/);
      return true;
    });
  });

  void it('throws NatterNetworkError, wrapping the cause, when nothing answers', async () => {
    const closed = await startTestServer(() => reply);
    await closed.close();
    const error = await callEndpoint({ ...transport, baseUrl: closed.baseUrl }, 'getMe').catch((e: unknown) => e);
    assert.ok(error instanceof NatterNetworkError);
    assert.ok(error.cause instanceof Error);
  });

  void it('hands an abort reason back unwrapped', async () => {
    const reason = new Error('user navigated away');
    await assert.rejects(callEndpoint(transport, 'getMe', undefined, { signal: AbortSignal.abort(reason) }), reason);
  });
});
