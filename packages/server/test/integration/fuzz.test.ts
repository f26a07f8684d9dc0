// Property tests over the whole endpoint table: whatever arrives (bodies, content types, query
// strings, path parameters, with or without a token), the answer is never a 5xx, every 4xx is the
// one error shape with a known code, and a 2xx happens only for input the schemas accept and only
// with a body the response schema accepts. New endpoints are fuzzed without touching this file.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import {
  apiBase,
  endpoints,
  errorCodes,
  ErrorBody,
  isErrorCode,
  type AuthResult,
  type Endpoint,
  type EndpointName,
} from '@natter/protocol';
import type { TSchema } from 'typebox';
import { goodPassword, newPerson, randomIp, signUp } from '../helpers/people.ts';
import { must, onEveryEngine } from '../helpers/suite.ts';

const numRuns = Number(process.env.NATTER_TEST_FUZZ_RUNS ?? 150);

// ajv-formats ships CommonJS whose default export TypeScript sees one level deep.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
/** As on the server: bodies keep their JSON types; query and path text is coerced. */
const ajv = {
  strict: addFormats(new Ajv({ allErrors: true, strict: false })),
  coercing: addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: true })),
};
const compiled = { strict: new Map<TSchema, ValidateFunction>(), coercing: new Map<TSchema, ValidateFunction>() };
function validator(schema: TSchema, mode: 'strict' | 'coercing' = 'strict'): ValidateFunction {
  let check = compiled[mode].get(schema);
  if (!check) {
    check = ajv[mode].compile(schema);
    compiled[mode].set(schema, check);
  }
  return check;
}
const isErrorBody = validator(ErrorBody);

/** One generated request. Bodies are exact text, so keys like `__proto__` survive. */
interface Probe {
  method: string;
  params: Record<string, string>;
  /** Whether params go into the path percent-encoded (else raw, possibly changing the route). */
  encodeParams: boolean;
  query: string;
  body: { text: string | Uint8Array<ArrayBuffer>; contentType: string | undefined } | undefined;
  auth: 'token' | 'none' | 'garbage';
}

/** A person the properties act as, kept signed in and kept the server's only administrator. */
interface Actor {
  userId: string;
  username: string;
  password: string;
  session: AuthResult;
}

type Json = unknown;

/** Realistic input for one endpoint, which the probes then mutate. */
interface Template {
  body?: fc.Arbitrary<Record<string, Json>>;
  params?: fc.Arbitrary<Record<string, string>>;
}

/** JSON.stringify, typed as it behaves: undefined (and functions) serialise to nothing. */
function jsonText(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/** An object as JSON text, built by hand so that any key, `__proto__` included, is kept as is. */
function objectText(entries: [string, Json][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v) ?? 'null'}`).join(',')}}`;
}

/** A value that passes a schema, for endpoints without a hand-written template. */
function sampleOf(schema: TSchema): Json {
  const s = schema as { anyOf?: TSchema[]; const?: Json; type?: string; properties?: Record<string, TSchema> } & {
    format?: string;
    minLength?: number;
    minimum?: number;
  };
  if (s.anyOf?.[0]) return sampleOf(s.anyOf[0]);
  if (s.const !== undefined) return s.const;
  if (s.type === 'object') {
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sampleOf(v)]));
  }
  if (s.type === 'string') {
    if (s.format === 'email') return 'someone@example.test';
    if (s.format === 'date-time') return new Date(0).toISOString();
    return 'abc'.padEnd(s.minLength ?? 0, 'a');
  }
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  if (s.type === 'boolean') return false;
  return null;
}

/** One of the values `choices()` gives at generation time (they change as the actor signs in again). */
function pick<T>(choices: () => T[]): fc.Arbitrary<T> {
  return fc.nat().map((n) => {
    const all = choices();
    return must(all[n % all.length], 'a choice');
  });
}

const nastyKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '$ne', '$gt', 'toString', 'hasOwnProperty', '', ' '),
  fc.string({ maxLength: 12 }),
);

/** Bodies that pass the schema, or come close, mutated in one place or not at all. */
function mutated(template: fc.Arbitrary<Record<string, Json>>): fc.Arbitrary<string> {
  const mutation = fc.oneof(
    fc.constant({ kind: 'as-is' as const }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
    fc.record({ kind: fc.constant('extra' as const), key: nastyKey, value: fc.jsonValue({ maxDepth: 2 }) }),
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  );
  return fc.tuple(template, mutation).map(([base, m]) => {
    const entries = Object.entries(base);
    const at = 'at' in m && entries.length > 0 ? m.at % entries.length : -1;
    if (m.kind === 'replace' && at >= 0) entries[at] = [must(entries[at])[0], m.value];
    if (m.kind === 'drop' && at >= 0) entries.splice(at, 1);
    if (m.kind === 'extra') entries.push([m.key, m.value]);
    return objectText(entries);
  });
}

/** True when the probe sends a non-empty body whose declared type is certainly not JSON. */
function refusedType(probe: Probe): boolean {
  const type = probe.body?.contentType;
  const notJson = ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'];
  return type !== undefined && notJson.includes(type) && (probe.body?.text.length ?? 0) > 0;
}

/** Where the router sends a request, worked out independently of the server. */
type Route =
  | { kind: 'endpoint'; name: EndpointName; params: Record<string, string> }
  | { kind: 'bad-url' }
  | { kind: 'other-methods'; allowed: string[] }
  | { kind: 'none' };

/**
 * Raw or unlucky parameters can reach another route than the one a probe aimed at
 * (`/users/search` is not getUser); the router prefers the route with fewer parameters.
 */
function routeOf(method: string, pathname: string): Route {
  // The router decodes the whole path first, so a broken escape anywhere is a bad URL.
  try {
    decodeURIComponent(pathname);
  } catch {
    return { kind: 'bad-url' };
  }
  const matches = (Object.keys(endpoints) as EndpointName[]).flatMap((name) => {
    const def: Endpoint = endpoints[name];
    const found = new RegExp(`^${apiBase}${def.path.replace(/\{\w+\}/g, '([^/]*)')}$`).exec(pathname);
    if (!found) return [];
    const names = [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => must(m[1]));
    return [{ name, def, raw: names.map((p, i): [string, string] => [p, must(found[i + 1])]) }];
  });
  const own = matches.filter((m) => m.def.method === method).sort((a, b) => a.raw.length - b.raw.length)[0];
  if (!own) {
    const allowed = [...new Set(matches.flatMap((m) => (m.def.method === 'GET' ? ['GET', 'HEAD'] : [m.def.method])))];
    return allowed.length > 0 ? { kind: 'other-methods', allowed } : { kind: 'none' };
  }
  const params = Object.fromEntries(own.raw.map(([p, v]) => [p, decodeURIComponent(v)]));
  return { kind: 'endpoint', name: own.name, params };
}

onEveryEngine('fuzzing every endpoint', {}, (server) => {
  let actor: Actor;
  let bystander: { userId: string; username: string; email: string };

  async function fetchAs(
    path: string,
    init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> },
  ): Promise<Response> {
    return fetch(server().url + path, {
      ...init,
      redirect: 'manual',
      headers: { 'x-forwarded-for': randomIp(), ...init.headers },
    });
  }

  async function signIn(username: string, password: string): Promise<AuthResult> {
    const response = await fetchAs(`${apiBase}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: username, password }),
    });
    assert.equal(response.status, 200, `signing the actor in again: ${await response.clone().text()}`);
    return (await response.json()) as AuthResult;
  }

  /** Signs the actor in again when a fuzzed request ended its session (logout, revoke, reuse...). */
  async function keepActorSignedIn(): Promise<void> {
    const me = await fetchAs(`${apiBase}/me`, { headers: { authorization: `Bearer ${actor.session.accessToken}` } });
    if (me.status === 200) {
      const role = ((await me.json()) as { role: string }).role;
      assert.equal(role, 'admin', 'the actor stays the only administrator');
      return;
    }
    await me.body?.cancel();
    actor.session = await signIn(actor.username, actor.password);
  }

  before(async () => {
    const admin = await signUp(server().url);
    actor = {
      userId: admin.userId,
      username: admin.person.username,
      password: admin.person.password,
      session: must(admin.client.session),
    };
    const other = await signUp(server().url);
    bystander = { userId: other.userId, username: other.person.username, email: other.person.email };
  });

  const anyId = fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/));
  const userIds = pick(() => [actor.userId, bystander.userId, '0'.repeat(36)]);
  /** Hand-written templates where a realistic value matters; the rest come from the schema. */
  const templates: Partial<Record<EndpointName, Template>> = {
    register: {
      body: fc
        .record(
          { displayName: fc.string({ maxLength: 70 }), deviceLabel: fc.string({ maxLength: 10 }) },
          { requiredKeys: [] },
        )
        .map((extra) => ({ ...newPerson(), ...extra })),
    },
    login: {
      body: fc.record({
        login: fc.oneof(
          pick(() => [bystander.username, bystander.email]),
          fc.string({ minLength: 1, maxLength: 40 }),
        ),
        password: fc.oneof(fc.constant(goodPassword), fc.string({ minLength: 1, maxLength: 40 })),
      }),
    },
    refresh: {
      body: fc.record({
        refreshToken: fc.oneof(
          pick(() => [actor.session.refreshToken]),
          fc.string(),
        ),
      }),
    },
    requestPasswordReset: {
      body: fc.record({
        email: fc.oneof(
          pick(() => [bystander.email]),
          fc.emailAddress(),
        ),
      }),
    },
    changePassword: {
      body: fc.record({
        currentPassword: fc.oneof(
          pick(() => [actor.password]),
          fc.string({ minLength: 1, maxLength: 20 }),
        ),
        newPassword: fc.string({ minLength: 8, maxLength: 40 }),
      }),
    },
    deleteMe: {
      body: fc.record({
        password: fc.oneof(
          pick(() => [actor.password]),
          fc.string({ maxLength: 20 }),
        ),
      }),
    },
    updateMe: {
      body: fc.record({ displayName: fc.string({ maxLength: 70 }), bio: fc.string() }, { requiredKeys: [] }),
    },
    adminUpdateUser: {
      params: fc.record({ userId: fc.oneof(userIds, anyId) }),
      body: fc.record({ role: fc.constantFrom('admin', 'user'), disabled: fc.boolean() }, { requiredKeys: [] }),
    },
    getUser: { params: fc.record({ userId: fc.oneof(userIds, anyId) }) },
    revokeSession: {
      params: fc.record({
        sessionId: fc.oneof(
          pick(() => [actor.session.sessionId]),
          anyId,
        ),
      }),
    },
  };

  function probes(name: EndpointName): fc.Arbitrary<Probe> {
    const def: Endpoint = endpoints[name];
    const template = templates[name];
    const validBody = template?.body ?? fc.constant((def.body ? sampleOf(def.body) : {}) as Record<string, Json>);
    const bodyText = fc.oneof(
      { weight: 4, arbitrary: mutated(validBody) },
      { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      {
        weight: 2,
        arbitrary: fc.array(fc.tuple(nastyKey, fc.jsonValue({ maxDepth: 2 })), { maxLength: 6 }).map(objectText),
      },
      {
        weight: 1,
        arbitrary: fc.anything().map((v) => {
          // Not everything serialises: BigInt throws, undefined gives nothing. Those send "".
          try {
            return jsonText(v) ?? '';
          } catch {
            return '';
          }
        }),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => new Uint8Array(bytes)) },
    );
    const contentType = fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      { weight: 2, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    );
    const paramNames = [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => must(m[1]));
    const validParams = template?.params ?? fc.constant(Object.fromEntries(paramNames.map((p) => [p, 'abc'])));
    const params = fc.oneof(
      { weight: 3, arbitrary: validParams },
      { weight: 2, arbitrary: fc.record(Object.fromEntries(paramNames.map((p) => [p, fc.string({ maxLength: 80 })]))) },
    );
    const validQuery = def.query ? (sampleOf(def.query) as Record<string, Json>) : {};
    const queryEntries = fc.oneof(
      fc.constant(Object.entries(validQuery).map(([k, v]): [string, string] => [k, String(v)])),
      fc
        .record(
          { q: fc.string({ minLength: 1, maxLength: 64 }), limit: fc.integer({ min: 1, max: 60 }).map(String) },
          { requiredKeys: ['q'] },
        )
        .map(Object.entries),
      fc.array(fc.tuple(fc.oneof(nastyKey, fc.constantFrom('q', 'limit', 'after')), fc.string({ maxLength: 70 })), {
        maxLength: 5,
      }),
    );
    const query = fc.oneof(
      {
        weight: 4,
        arbitrary: queryEntries.map((entries) => (entries.length ? `?${new URLSearchParams(entries).toString()}` : '')),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((raw) => `?${raw}`) },
    );
    return fc.record({
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant(def.method) },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
      ),
      params,
      encodeParams: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      query,
      body: fc.option(fc.record({ text: bodyText, contentType }), { freq: 6, nil: undefined }),
      auth: fc.oneof(
        { weight: 4, arbitrary: fc.constant('token' as const) },
        { weight: 1, arbitrary: fc.constantFrom('none' as const, 'garbage' as const) },
      ),
    });
  }

  function urlOf(def: Endpoint, probe: Probe): URL {
    const path = def.path.replace(/\{(\w+)\}/g, (_, p: string) => {
      const value = probe.params[p] ?? '';
      return probe.encodeParams ? encodeURIComponent(value) : value;
    });
    // The URL parser normalises as fetch does ("..", spaces, fragments), so checks see what was sent.
    return new URL(server().url + apiBase + path + probe.query);
  }

  async function send(url: URL, probe: Probe): Promise<{ response: Response; text: string }> {
    const headers: Record<string, string> = {};
    if (probe.auth === 'token') headers.authorization = `Bearer ${actor.session.accessToken}`;
    if (probe.auth === 'garbage') headers.authorization = 'Bearer not.a.token';
    const withBody = probe.body !== undefined && probe.method !== 'GET';
    if (withBody && probe.body?.contentType !== undefined) headers['content-type'] = probe.body.contentType;
    const response = await fetchAs(url.pathname + url.search, {
      method: probe.method,
      headers,
      ...(withBody ? { body: probe.body?.text ?? null } : {}),
    });
    return { response, text: await response.text() };
  }

  /** The property: what a client may rely on, whatever it sent. Returns the endpoint that succeeded. */
  function check(probe: Probe, url: URL, response: Response, text: string): EndpointName | undefined {
    const where = `${probe.method} ${url.pathname}${url.search} → ${response.status} ${text.slice(0, 300)}`;
    assert.ok(response.status < 500, `no 5xx: ${where}`);
    assert.ok(
      (response.status >= 200 && response.status < 300) || (response.status >= 400 && response.status < 500),
      where,
    );
    const route = routeOf(probe.method, url.pathname);
    if (route.kind === 'endpoint' && probe.method !== 'GET' && refusedType(probe)) {
      assert.equal(response.status, 415, `a body that is not JSON is refused by type: ${where}`);
    }
    if (response.status >= 400) {
      assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/, where);
      const body = JSON.parse(text) as { error: { code: string; requestId: string } };
      assert.ok(isErrorBody(body), `error shape: ${where}`);
      assert.ok(isErrorCode(body.error.code), `known code: ${where}`);
      assert.equal(errorCodes[body.error.code].status, response.status, where);
      assert.equal(response.headers.get('x-request-id'), body.error.requestId, where);
      // Whatever the body, a request no route takes is told so, and which methods the path has.
      if (route.kind === 'none') assert.equal(body.error.code, 'not_found', where);
      if (route.kind === 'bad-url') assert.equal(body.error.code, 'bad_request', where);
      if (route.kind === 'other-methods') {
        assert.equal(body.error.code, 'method_not_allowed', where);
        const allow = (response.headers.get('allow') ?? '').split(', ');
        assert.deepEqual(allow.sort(), route.allowed.sort(), where);
      }
      return undefined;
    }
    assert.equal(route.kind, 'endpoint', `only a routed request succeeds: ${where}`);
    const { name, params } = route;
    const def: Endpoint = endpoints[name];
    assert.equal(response.status, def.status, where);
    if (def.response === null) assert.equal(text, '', where);
    else assert.ok(validator(def.response)(JSON.parse(text)), `response schema of ${name}: ${where}`);
    // A success means the input passed the schemas: the server never acts on input they refuse.
    if (def.body) {
      const raw = probe.body?.text;
      assert.ok(raw !== undefined, `a body was required: ${where}`);
      const parsed: Json = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
      assert.ok(validator(def.body)(parsed), `the body passed ${name}'s schema: ${where}`);
    }
    if (def.query) {
      const seen: Record<string, string | string[]> = {};
      for (const [k, v] of url.searchParams) {
        const prior = seen[k];
        seen[k] = prior === undefined ? v : [prior, v].flat();
      }
      assert.ok(validator(def.query, 'coercing')(seen), `the query passed ${name}'s schema: ${where}`);
    }
    if (def.params)
      assert.ok(validator(def.params, 'coercing')(params), `the params passed ${name}'s schema: ${where}`);
    return name;
  }

  /** Keeps the world the next run expects: the actor signed in, known password, only admin. */
  async function afterwards(succeeded: EndpointName | undefined, probe: Probe, text: string): Promise<void> {
    if (succeeded === 'changePassword' && probe.body !== undefined) {
      const raw = probe.body.text;
      const sent = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)) as { newPassword: string };
      actor.password = sent.newPassword;
    }
    if (succeeded === 'adminUpdateUser') {
      const user = JSON.parse(text) as { id: string; role: string };
      if (user.id !== actor.userId && user.role === 'admin') {
        const demoted = await fetchAs(`${apiBase}/admin/users/${user.id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${actor.session.accessToken}`, 'content-type': 'application/json' },
          body: '{"role":"user"}',
        });
        assert.equal(demoted.status, 200, await demoted.text());
      }
    }
    await keepActorSignedIn();
  }

  for (const name of Object.keys(endpoints) as EndpointName[]) {
    const def: Endpoint = endpoints[name];
    it(`${name} (${def.method} ${def.path}) answers any input with a valid success or a known error`, async () => {
      await fc.assert(
        fc.asyncProperty(probes(name), async (probe) => {
          const url = urlOf(def, probe);
          const { response, text } = await send(url, probe);
          await afterwards(check(probe, url, response, text), probe, text);
        }),
        { numRuns },
      );
    });
  }

  it('is still healthy and ready after the properties', async () => {
    const health = await fetchAs('/healthz', {});
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetchAs('/readyz', {});
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
  });
});
