// Bad input of every kind gets a precise 4xx in the one error shape, and the server keeps serving.
// Raw fetch throughout, so the test controls the bytes, the headers and the content type.
import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import { apiBase, endpoints, errorCodes, type AuthResult, type EndpointName, type ErrorCode } from '@natter/protocol';
import { SignJWT, UnsecuredJWT } from 'jose';
import { goodPassword, newPerson, randomIp, signUp } from '../helpers/people.ts';
import { must, onEveryEngine } from '../helpers/suite.ts';

const jwtSecret = 'bad-input-test-signing-key-0123456789';
const maxBodyBytes = 2048;
const publicUrl = 'http://chat.example.test';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface Request {
  body?: BodyInit;
  contentType?: string;
  token?: string;
  authorization?: string;
}

/** The parsed error body, with the checks every error answer must pass. */
function assertError(answer: Answer, code: ErrorCode, problemPath?: string): void {
  const where = `answer ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.equal(answer.status, errorCodes[code].status, where);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json\b/, where);
  const body = JSON.parse(answer.text) as {
    error: { code: string; message: string; requestId: string; details?: { problems?: { path: string }[] } };
  };
  assert.equal(body.error.code, code, where);
  assert.equal(typeof body.error.message, 'string');
  assert.match(body.error.requestId, /^[0-9a-f-]{36}$/, where);
  assert.equal(answer.headers.get('x-request-id'), body.error.requestId, 'the header and the body name one request');
  if (problemPath !== undefined) {
    const paths = (body.error.details?.problems ?? []).map((p) => p.path);
    assert.ok(paths.includes(problemPath), `expected a problem at ${problemPath}, got ${JSON.stringify(paths)}`);
  }
}

/** The properties of an endpoint's body schema, with their limits. */
function bodyProperties(name: EndpointName): Record<string, { maxLength?: number; pattern?: string }> {
  const def = endpoints[name];
  if (!('body' in def)) throw new Error(`${name} has no body`);
  return def.body.properties as Record<string, { maxLength?: number; pattern?: string }>;
}

/** Endpoints that take a JSON body, each with a body that passes its schema. */
const bodyTargets: { name: EndpointName; valid: () => Record<string, unknown> }[] = [
  { name: 'register', valid: () => ({ ...newPerson() }) },
  { name: 'login', valid: () => ({ login: 'someone', password: 'some password' }) },
  { name: 'refresh', valid: () => ({ refreshToken: 'r'.repeat(43) }) },
  { name: 'requestPasswordReset', valid: () => ({ email: 'someone@example.test' }) },
  { name: 'confirmPasswordReset', valid: () => ({ token: 't'.repeat(43), newPassword: goodPassword }) },
  { name: 'updateMe', valid: () => ({ displayName: 'Ada' }) },
  { name: 'changePassword', valid: () => ({ currentPassword: goodPassword, newPassword: 'another pass phrase' }) },
  { name: 'deleteMe', valid: () => ({ password: goodPassword }) },
];

onEveryEngine(
  'bad input',
  { NATTER_JWT_SECRET: jwtSecret, NATTER_MAX_BODY_BYTES: String(maxBodyBytes), NATTER_PUBLIC_URL: publicUrl },
  (server) => {
    let me: AuthResult | undefined;
    /** A signed-in person, made once: every body case on an authenticated endpoint uses its token. */
    async function session(): Promise<AuthResult> {
      me ??= must((await signUp(server().url)).client.session, 'session');
      return me;
    }

    async function send(method: string, path: string, request: Request = {}): Promise<Answer> {
      const headers = new Headers({ 'x-forwarded-for': randomIp() });
      if (request.contentType !== undefined) headers.set('content-type', request.contentType);
      if (request.token !== undefined) headers.set('authorization', `Bearer ${request.token}`);
      if (request.authorization !== undefined) headers.set('authorization', request.authorization);
      const response = await fetch(server().url + path, { method, headers, body: request.body ?? null });
      return { status: response.status, headers: response.headers, text: await response.text() };
    }

    /** Sends `body` to one of the body targets, signed in when the endpoint needs it. */
    async function sendBody(name: EndpointName, body: BodyInit, contentType = 'application/json'): Promise<Answer> {
      const def = endpoints[name];
      const token = def.access === 'public' ? undefined : (await session()).accessToken;
      return send(def.method, apiBase + def.path, { body, contentType, ...(token === undefined ? {} : { token }) });
    }

    afterEach(async () => {
      const health = await fetch(`${server().url}/healthz`);
      assert.equal(health.status, 200, 'the server still answers after the bad request');
      assert.deepEqual(await health.json(), { status: 'ok' });
    });

    for (const { name, valid } of bodyTargets) {
      const first = must(Object.keys(valid())[0], 'a field');

      it(`${name}: refuses bodies that are not JSON objects`, async () => {
        assertError(await sendBody(name, '{"a":'), 'invalid_json');
        assertError(await sendBody(name, JSON.stringify(valid()).slice(0, -1)), 'invalid_json');
        assertError(await sendBody(name, ''), 'invalid_json');
        assertError(await sendBody(name, '   '), 'invalid_json');
        for (const notAnObject of ['[]', '[{}]', '"text"', '42', 'true', 'null']) {
          assertError(await sendBody(name, notAnObject), 'validation_failed', 'body');
        }
      });

      it(`${name}: refuses content types other than JSON with 415`, async () => {
        const json = JSON.stringify(valid());
        assertError(await sendBody(name, json, 'text/plain'), 'unsupported_media_type');
        assertError(await sendBody(name, json, 'text/plain; charset=utf-8'), 'unsupported_media_type');
        assertError(await sendBody(name, `${first}=x`, 'application/x-www-form-urlencoded'), 'unsupported_media_type');
        const form = new FormData();
        form.set(first, 'x');
        const multipart = new Response(form);
        assertError(
          await sendBody(name, await multipart.text(), must(multipart.headers.get('content-type'))),
          'unsupported_media_type',
        );
        assertError(await sendBody(name, json, 'application/xml'), 'unsupported_media_type');
      });

      it(`${name}: refuses a body over NATTER_MAX_BODY_BYTES with 413, and takes one at the limit`, async () => {
        const padded = (bytes: number) => {
          const base = JSON.stringify({ ...valid(), pad: '' });
          return `${base.slice(0, -2)}${'x'.repeat(bytes - base.length)}"}`;
        };
        assert.equal(Buffer.byteLength(padded(maxBodyBytes)), maxBodyBytes);
        assertError(await sendBody(name, padded(maxBodyBytes + 1)), 'payload_too_large');
        assertError(await sendBody(name, padded(maxBodyBytes * 8)), 'payload_too_large');
        // At the limit the body is read and validated: the padding is an unknown field.
        assertError(await sendBody(name, padded(maxBodyBytes)), 'validation_failed', 'body/pad');
      });

      it(`${name}: names unknown fields, wrong types and operator objects`, async () => {
        assertError(
          await sendBody(name, JSON.stringify({ ...valid(), isAdmin: true })),
          'validation_failed',
          'body/isAdmin',
        );
        for (const wrong of [42, true, null, [], ['x'], {}, { $ne: null }, { $gt: '' }, { $regex: '.*' }]) {
          assertError(
            await sendBody(name, JSON.stringify({ ...valid(), [first]: wrong })),
            'validation_failed',
            `body/${first}`,
          );
        }
      });

      it(`${name}: refuses prototype-poisoning keys by name, and nothing is polluted`, async () => {
        const cases: [string, string][] = [
          [`{"__proto__":{"polluted":true},${JSON.stringify(valid()).slice(1)}`, 'body/__proto__'],
          [`{"\\u005f_proto__":{"polluted":true},${JSON.stringify(valid()).slice(1)}`, 'body/__proto__'],
          [
            `{"constructor":{"prototype":{"polluted":true}},${JSON.stringify(valid()).slice(1)}`,
            'body/constructor/prototype',
          ],
          [`{"${first}":{"__proto__":{"polluted":true}}}`, `body/${first}/__proto__`],
          [`{"nested":[{"deeper":{"__proto__":{"polluted":true}}}]}`, 'body/nested/0/deeper/__proto__'],
        ];
        for (const [body, path] of cases) assertError(await sendBody(name, body), 'validation_failed', path);
        assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype is untouched');
        // A key merely called "constructor" is an ordinary unknown field.
        assertError(
          await sendBody(name, JSON.stringify({ ...valid(), constructor: 'x' })),
          'validation_failed',
          'body/constructor',
        );
      });

      it(`${name}: refuses every string one character over its limit`, async () => {
        for (const [field, schema] of Object.entries(bodyProperties(name))) {
          if (schema.maxLength === undefined) continue;
          const body = { ...valid(), [field]: 'a'.repeat(schema.maxLength + 1) };
          assertError(await sendBody(name, JSON.stringify(body)), 'validation_failed', `body/${field}`);
        }
      });
    }

    it('refuses control characters and line breaks in display names and device labels', async () => {
      const bad = ['\u0000', 'bell\u0007', 'two\nlines', 'tab\there', 'cr\rhere', 'del\u007f', 'nel\u0085', '\u009f'];
      for (const value of bad) {
        const person = { ...newPerson() };
        assertError(
          await sendBody('register', JSON.stringify({ ...person, displayName: value })),
          'validation_failed',
          'body/displayName',
        );
        assertError(
          await sendBody('register', JSON.stringify({ ...person, deviceLabel: value })),
          'validation_failed',
          'body/deviceLabel',
        );
        assertError(
          await sendBody('updateMe', JSON.stringify({ displayName: `Ada${value}` })),
          'validation_failed',
          'body/displayName',
        );
      }
      // Line breaks are fine in a bio, which is not a single-line field.
      const bio = await sendBody('updateMe', JSON.stringify({ bio: 'two\nlines' }));
      assert.equal(bio.status, 200, bio.text);
    });

    it('refuses invalid email addresses', async () => {
      const bad = ['plainaddress', 'a@', '@example.test', 'a b@example.test', 'a@b@example.test', 'a@exa mple.test'];
      for (const email of bad) {
        assertError(
          await sendBody('register', JSON.stringify({ ...newPerson(), email })),
          'validation_failed',
          'body/email',
        );
        assertError(
          await sendBody('requestPasswordReset', JSON.stringify({ email })),
          'validation_failed',
          'body/email',
        );
      }
    });

    it('refuses a missing body where one is required', async () => {
      for (const { name } of bodyTargets) {
        const def = endpoints[name];
        const token = def.access === 'public' ? undefined : (await session()).accessToken;
        const answer = await send(def.method, apiBase + def.path, token === undefined ? {} : { token });
        assertError(answer, 'validation_failed', 'body');
      }
    });

    it('checks the search query string', async () => {
      const { accessToken: token } = await session();
      const search = (query: string) => send('GET', `${apiBase}/users/search${query}`, { token });
      assertError(await search(''), 'validation_failed', 'querystring/q');
      assertError(await search('?q='), 'validation_failed', 'querystring/q');
      assertError(await search(`?q=${'a'.repeat(65)}`), 'validation_failed', 'querystring/q');
      assertError(await search('?q=a&limit=abc'), 'validation_failed', 'querystring/limit');
      assertError(await search('?q=a&limit=1000'), 'validation_failed', 'querystring/limit');
      assertError(await search('?q=a&limit=0'), 'validation_failed', 'querystring/limit');
      assertError(await search('?q=a&limit=-1'), 'validation_failed', 'querystring/limit');
      assertError(await search('?q=a&limit=2.5'), 'validation_failed', 'querystring/limit');
      assertError(await search('?q=a&q=b'), 'validation_failed', 'querystring/q');
      assertError(await search('?q=a&limit=1&limit=2'), 'validation_failed', 'querystring/limit');
      assertError(await search('?q=a&sort=name'), 'validation_failed', 'querystring/sort');
      assertError(await search('?q=a&__proto__=x'), 'validation_failed', 'querystring/__proto__');
      assertError(await search('?q[$ne]=x'), 'validation_failed', 'querystring/q');
      const fine = await search(`?q=${'a'.repeat(64)}&limit=50`);
      assert.equal(fine.status, 200, fine.text);
      assert.deepEqual(JSON.parse(fine.text), { users: [] });
    });

    it('checks path ids before looking anything up', async () => {
      const { accessToken: token, user } = await session();
      const malformed = ['a.b', 'a%20b', '%00', 'a%2Fb', '..%2F..%2Fetc%2Fpasswd', '%F0%9F%98%80', 'x'.repeat(65)];
      for (const id of malformed) {
        assertError(await send('GET', `${apiBase}/users/${id}`, { token }), 'validation_failed', 'params/userId');
        assertError(
          await send('DELETE', `${apiBase}/me/sessions/${id}`, { token }),
          'validation_failed',
          'params/sessionId',
        );
      }
      // Longer than the router's own limit: the same answer, without naming the parameter.
      assertError(await send('GET', `${apiBase}/users/${'x'.repeat(300)}`, { token }), 'validation_failed', 'params');
      assertError(
        await send('DELETE', `${apiBase}/me/sessions/${'x'.repeat(300)}`, { token }),
        'validation_failed',
        'params',
      );
      // A broken percent-escape is not a path at all.
      assertError(await send('GET', `${apiBase}/users/%ZZ`, { token }), 'bad_request');
      assertError(await send('DELETE', `${apiBase}/me/sessions/%E0%A4%A`, { token }), 'bad_request');
      // Well-formed ids that name nothing are a different answer.
      assertError(await send('GET', `${apiBase}/users/${'0'.repeat(36)}`, { token }), 'user_not_found');
      assertError(await send('DELETE', `${apiBase}/me/sessions/nosuchsession`, { token }), 'session_not_found');
      const mine = await send('GET', `${apiBase}/users/${user.id}`, { token });
      assert.equal(mine.status, 200, mine.text);
    });

    it('refuses requests without a usable Authorization header', async () => {
      for (const authorization of [
        undefined,
        '',
        'Bearer',
        'Bearer ',
        'bearer',
        'Basic dXNlcjpwYXNz',
        'Token abc',
        'Bearer a b',
        'Bearer {"$ne":null}',
      ]) {
        const answer = await send('GET', `${apiBase}/me`, authorization === undefined ? {} : { authorization });
        assertError(answer, 'unauthenticated');
      }
      for (const token of ['garbage', 'a.b.c', 'e30.e30.', 'x'.repeat(4000)]) {
        assertError(await send('GET', `${apiBase}/me`, { token }), 'unauthenticated');
      }
    });

    it('refuses forged, tampered and expired access tokens, and takes a correctly signed one', async () => {
      const { accessToken, sessionId, user } = await session();
      const serverKey = new TextEncoder().encode(jwtSecret);
      const now = Math.floor(Date.now() / 1000);
      const claims = { sid: sessionId, typ: 'access' };
      const sign = (
        options: { key?: Uint8Array; alg?: string; aud?: string; iss?: string; exp?: number; typ?: string } = {},
      ) =>
        new SignJWT({ ...claims, typ: options.typ ?? 'access' })
          .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
          .setSubject(user.id)
          .setAudience(options.aud ?? 'natter')
          .setIssuer(options.iss ?? publicUrl)
          .setIssuedAt(now - 60)
          .setExpirationTime(options.exp ?? now + 300)
          .sign(options.key ?? serverKey);
      const getMe = (token: string) => send('GET', `${apiBase}/me`, { token });

      // The control: a token made by hand with the server's key works, so each refusal below is
      // for the one thing that differs.
      const control = await getMe(await sign());
      assert.equal(control.status, 200, control.text);

      const unsigned = new UnsecuredJWT(claims)
        .setSubject(user.id)
        .setAudience('natter')
        .setIssuer(publicUrl)
        .setIssuedAt(now - 60)
        .setExpirationTime(now + 300)
        .encode();
      assertError(await getMe(unsigned), 'unauthenticated');
      const otherKey = new TextEncoder().encode('another-key-that-is-long-enough-000000');
      assertError(await getMe(await sign({ key: otherKey })), 'unauthenticated');
      assertError(await getMe(await sign({ aud: 'someone-else' })), 'unauthenticated');
      assertError(await getMe(await sign({ iss: 'http://evil.example.test' })), 'unauthenticated');
      assertError(await getMe(await sign({ alg: 'HS512' })), 'unauthenticated');
      assertError(await getMe(await sign({ typ: 'refresh' })), 'unauthenticated');

      const [header, payload, signature] = accessToken.split('.');
      const forged = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(must(payload), 'base64url').toString()), sub: 'someone-else' }),
      ).toString('base64url');
      assertError(await getMe(`${must(header)}.${forged}.${must(signature)}`), 'unauthenticated');

      assertError(await getMe(await sign({ exp: now - 5 })), 'token_expired');
      // Correctly signed but for a session that does not exist.
      const ghost = await new SignJWT({ sid: 'no-such-session', typ: 'access' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setAudience('natter')
        .setIssuer(publicUrl)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(serverKey);
      assertError(await getMe(ghost), 'session_revoked');
    });

    it('answers unknown routes with not_found and known paths with the wrong method with 405', async () => {
      for (const [method, path] of [
        ['GET', `${apiBase}/nope`],
        ['POST', `${apiBase}/auth/nope`],
        ['GET', '/api/v2/me'],
        ['GET', '/nope'],
        ['GET', `${apiBase}/me/`],
        ['DELETE', `${apiBase}/me/sessions`.toUpperCase()],
      ] as const) {
        assertError(await send(method, path), 'not_found');
      }
      const wrong: [string, string, string[]][] = [
        ['GET', `${apiBase}/auth/login`, ['POST']],
        ['PUT', `${apiBase}/auth/register`, ['POST']],
        ['PUT', `${apiBase}/me`, ['GET', 'HEAD', 'PATCH', 'DELETE']],
        ['POST', `${apiBase}/users/search`, ['GET', 'HEAD']],
        ['POST', `${apiBase}/me/sessions/abc`, ['DELETE']],
        ['DELETE', '/healthz', ['GET', 'HEAD']],
      ];
      for (const [method, path, allowed] of wrong) {
        const answer = await send(method, path);
        assertError(answer, 'method_not_allowed');
        const allow = (answer.headers.get('allow') ?? '').split(',').map((m) => m.trim());
        assert.deepEqual(allow.sort(), [...allowed].sort(), `Allow for ${method} ${path}`);
      }
    });
  },
);
