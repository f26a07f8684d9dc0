// The operational surface: health and readiness, metrics, the API description and its browsable
// docs, security headers, request ids, CORS and which client address the server believes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { apiBase, endpoints, errorCodes, type AuthResult, type Endpoint, type EndpointName } from '@natter/protocol';
import type { Storage } from '../../src/ports/index.ts';
import { newPerson, randomIp, signUp } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { storageEngines } from '../helpers/storage.ts';
import { must, onEveryEngine } from '../helpers/suite.ts';

const chromium = '/usr/bin/chromium';

/** A server started for one test over `storage`, closed (with the storage) afterwards. */
async function withServer(
  storage: Storage,
  env: Record<string, string>,
  body: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await startTestServer(storage, env);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Content-Security-Policy as directive → sources. */
function cspOf(response: Response): Map<string, string[]> {
  const header = must(response.headers.get('content-security-policy'), 'a Content-Security-Policy');
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

function assertSecurityHeaders(response: Response, where: string): void {
  const csp = cspOf(response);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], where);
  const scripts = csp.get('script-src') ?? csp.get('default-src') ?? [];
  assert.ok(scripts.length > 0, `${where}: scripts are restricted`);
  assert.ok(
    !scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"),
    `${where}: ${scripts.join(' ')}`,
  );
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', where);
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer', where);
}

/** Test servers trust the loopback proxy, so each request can claim its own address. */
const testEnv = { NATTER_TRUST_PROXY: '127.0.0.1' };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

onEveryEngine('operational endpoints', {}, (server) => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(server().url + path, { headers: { 'x-forwarded-for': randomIp(), ...headers } });

  it('answers /healthz and, with the engine name, /readyz', async () => {
    const health = await get('/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', storage: server().storage.engine });
    assert.ok(['sqlite', 'postgres'].includes(server().storage.engine));
  });

  it('exposes Prometheus metrics: request durations by route and the default process metrics', async () => {
    await get('/healthz');
    await get(`${apiBase}/me`);
    const metrics = await get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    assert.match(text, /^# TYPE natter_http_request_duration_seconds histogram$/m);
    assert.match(
      text,
      /^natter_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/m,
    );
    assert.match(
      text,
      /^natter_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/me",status="401"\} [1-9]/m,
    );
    for (const name of [
      'natter_process_cpu_user_seconds_total',
      'natter_process_resident_memory_bytes',
      'natter_nodejs_eventloop_lag_seconds',
      'natter_nodejs_heap_size_used_bytes',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
  });

  it('describes every endpoint of the table in an OpenAPI 3.1.0 document', async () => {
    const response = await get('/api/openapi.json');
    assert.equal(response.status, 200);
    const doc = (await response.json()) as {
      openapi: string;
      info: { description: string };
      paths: Record<string, Record<string, { operationId?: string; summary?: string; security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    assert.deepEqual(
      operations.map((op) => op.operationId).sort(),
      Object.keys(endpoints).sort(),
      'exactly the table, nothing else (health and metrics stay out)',
    );
    for (const [name, def] of Object.entries(endpoints) as [EndpointName, Endpoint][]) {
      const op = doc.paths[apiBase + def.path]?.[def.method.toLowerCase()];
      assert.ok(op, `${def.method} ${def.path} is documented`);
      assert.equal(op.operationId, name);
      assert.equal(op.summary, def.summary);
      assert.deepEqual(op.security, def.access === 'public' ? undefined : [{ bearerAuth: [] }], name);
    }
    for (const [code, { status }] of Object.entries(errorCodes)) {
      assert.ok(doc.info.description.includes(`| \`${code}\` | ${status} |`), `the error table lists ${code}`);
    }
  });

  it('serves the API reference as HTML under a strict policy', async () => {
    for (const path of ['/api/docs', '/api/docs/']) {
      const docs = await get(path);
      assert.equal(docs.status, 200, path);
      assert.match(docs.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await docs.text(), /<div id="swagger-ui">/);
      assertSecurityHeaders(docs, path);
    }
  });

  it('sends security headers on API answers, successes and failures alike', async () => {
    const { client } = await signUp(server().url);
    const token = must(client.session).accessToken;
    for (const [path, headers, status] of [
      [`${apiBase}/me`, { authorization: `Bearer ${token}` }, 200],
      [`${apiBase}/me`, {}, 401],
      [`${apiBase}/nope`, {}, 404],
      ['/healthz', {}, 200],
      ['/api/openapi.json', {}, 200],
    ] as const) {
      const response = await get(path, headers);
      assert.equal(response.status, status, path);
      assertSecurityHeaders(response, `${path} ${status}`);
      await response.body?.cancel();
    }
  });

  it('tags every answer with its own x-request-id, the one the error body names', async () => {
    const seen = new Set<string>();
    const requests: [string, RequestInit, number][] = [
      ['/healthz', {}, 200],
      ['/metrics', {}, 200],
      ['/api/docs/', {}, 200],
      [
        `${apiBase}/auth/register`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(newPerson()) },
        201,
      ],
      [`${apiBase}/me`, {}, 401],
      [`${apiBase}/nope`, {}, 404],
      [`${apiBase}/auth/login`, {}, 405],
      [`${apiBase}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }, 400],
      [`${apiBase}/users/%ZZ`, {}, 400],
    ];
    for (const [path, init, status] of requests) {
      const response = await fetch(server().url + path, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string> | undefined),
          'x-forwarded-for': randomIp(),
          'x-request-id': 'forged-id',
        },
      });
      assert.equal(response.status, status, path);
      const id = must(response.headers.get('x-request-id'), `x-request-id on ${path}`);
      assert.match(id, uuid, 'the server makes its own id; a client cannot choose what the logs say');
      assert.ok(!seen.has(id), 'ids are unique');
      seen.add(id);
      const text = await response.text();
      if (status >= 400) assert.equal((JSON.parse(text) as { error: { requestId: string } }).error.requestId, id, path);
    }
  });

  it('is not ready, but still alive, once its storage is closed', async () => {
    const engine = must(storageEngines.find((e) => e.name === server().storage.engine));
    const real = await engine.open();
    // Closed under the running server by the test; the server's own close then finds it done.
    let closing: Promise<void> | undefined;
    const closeOnce = () => (closing ??= real.close());
    await withServer({ ...real, close: closeOnce }, testEnv, async (s) => {
      assert.equal((await fetch(`${s.url}/readyz`)).status, 200);
      await closeOnce();
      const ready = await fetch(`${s.url}/readyz`);
      assert.equal(ready.status, 503);
      assertServiceUnavailable(ready, await ready.text());
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    });
  });

  it('is not ready while its storage does not answer', async () => {
    const engine = must(storageEngines.find((e) => e.name === server().storage.engine));
    const real = await engine.open();
    const unreachable: Storage = {
      ...real,
      ping: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
    };
    await withServer(unreachable, testEnv, async (s) => {
      const ready = await fetch(`${s.url}/readyz`);
      assert.equal(ready.status, 503);
      const text = await ready.text();
      assertServiceUnavailable(ready, text);
      assert.ok(!text.includes('ECONNREFUSED'), 'the cause stays in the logs');
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    });
  });
});

function assertServiceUnavailable(response: Response, text: string): void {
  assert.equal(response.status, errorCodes.service_unavailable.status);
  const body = JSON.parse(text) as { error: { code: string; requestId: string } };
  assert.equal(body.error.code, 'service_unavailable');
  assert.equal(body.error.requestId, response.headers.get('x-request-id'));
}

const sqlite = must(storageEngines.find((e) => e.name === 'sqlite'));

describe('cross-origin requests', () => {
  const preflight = (url: string, origin: string, method: string) =>
    fetch(`${url}${apiBase}/me`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('are refused when NATTER_CORS_ORIGINS is empty', async () => {
    await withServer(await sqlite.open(), {}, async (s) => {
      const answer = await preflight(s.url, 'https://app.example.test', 'PATCH');
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
      const simple = await fetch(`${s.url}/healthz`, { headers: { origin: 'https://app.example.test' } });
      assert.equal(simple.status, 200);
      assert.equal(simple.headers.get('access-control-allow-origin'), null);
    });
  });

  it('are allowed from the configured origins only, for every method the API uses', async () => {
    await withServer(await sqlite.open(), { NATTER_CORS_ORIGINS: 'https://app.example.test' }, async (s) => {
      const allowed = await preflight(s.url, 'https://app.example.test', 'PATCH');
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.test');
      const methods = (allowed.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
      for (const method of new Set(Object.values(endpoints).map((e) => e.method))) {
        assert.ok(methods.includes(method), `${method} is allowed cross-origin: ${methods.join(',')}`);
      }
      const other = await preflight(s.url, 'https://other.example.test', 'PATCH');
      assert.equal(other.headers.get('access-control-allow-origin'), null);

      const simple = await fetch(`${s.url}/healthz`, { headers: { origin: 'https://app.example.test' } });
      assert.equal(simple.headers.get('access-control-allow-origin'), 'https://app.example.test');
      assert.match(simple.headers.get('vary') ?? '', /\bOrigin\b/);
      const foreign = await fetch(`${s.url}/healthz`, { headers: { origin: 'https://other.example.test' } });
      assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    });
  });
});

describe('client addresses', () => {
  async function sessionIp(url: string, forwardedFor: string): Promise<string | null> {
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor };
    const registered = await fetch(`${url}${apiBase}/auth/register`, {
      method: 'POST',
      headers,
      body: JSON.stringify(newPerson()),
    });
    assert.equal(registered.status, 201);
    const { accessToken } = (await registered.json()) as AuthResult;
    const list = await fetch(`${url}${apiBase}/me/sessions`, { headers: { authorization: `Bearer ${accessToken}` } });
    const { sessions } = (await list.json()) as { sessions: { ip: string | null }[] };
    return must(sessions[0]).ip;
  }

  it('ignores X-Forwarded-For when NATTER_TRUST_PROXY is empty', async () => {
    await withServer(await sqlite.open(), { NATTER_TRUST_PROXY: '' }, async (s) => {
      assert.equal(await sessionIp(s.url, '203.0.113.9'), '127.0.0.1');
    });
  });

  it('believes X-Forwarded-For from a trusted proxy', async () => {
    await withServer(await sqlite.open(), { NATTER_TRUST_PROXY: '127.0.0.1' }, async (s) => {
      assert.equal(await sessionIp(s.url, '203.0.113.9'), '203.0.113.9');
    });
  });
});

describe('the API reference in a browser', () => {
  const skip = existsSync(chromium) ? false : `${chromium} is not installed; the headless browser check is skipped`;

  it('renders every operation under the server’s Content-Security-Policy', { skip, timeout: 90_000 }, async () => {
    const profile = await mkdtemp(join(tmpdir(), 'natter-chromium-'));
    try {
      await withServer(await sqlite.open(), {}, async (s) => {
        // Async on purpose: a synchronous child would block this process, and the server in it.
        const { stdout, stderr } = await promisify(execFile)(
          chromium,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            `--user-data-dir=${profile}`,
            '--enable-logging=stderr',
            '--v=0',
            '--virtual-time-budget=10000',
            '--dump-dom',
            `${s.url}/api/docs/`,
          ],
          { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
        );
        assert.match(stdout, /class="swagger-ui/, 'Swagger UI mounted');
        for (const def of Object.values(endpoints) as Endpoint[]) {
          assert.ok(
            stdout.includes(def.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')),
            `the page shows "${def.summary}"`,
          );
        }
        // Chromium logs each policy violation; scripts must never need one.
        const violations = stderr.split('\n').filter((line) => /Content Security Policy/i.test(line));
        const scripts = violations.filter((line) => /script-src|the script|inline script|unsafe-eval/i.test(line));
        assert.deepEqual(scripts, [], 'no script was blocked');
      });
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
  });
});
