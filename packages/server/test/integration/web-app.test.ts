// The web app's files as the server hands them out: the page under the strict policy, deep links
// answered with the page, hashed assets cached for good, and the API's own answers left alone.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { must } from '../helpers/suite.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { storageEngines } from '../helpers/storage.ts';

const sqlite = must(
  storageEngines.find((e) => e.name === 'sqlite'),
  'the SQLite engine',
);
const page = '<!doctype html><title>Natter</title><script type="module" src="/assets/app-3f2a.js"></script>';

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code ?? '';
}

describe('the web app', () => {
  let dir: string;
  let server: TestServer;
  let base: string;
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'natter-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), page);
    await writeFile(join(dir, 'assets', 'app-3f2a.js'), 'console.log("hi")');
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(dir, '.env'), 'SECRET=1');
    server = await startTestServer(await sqlite.open(), { NATTER_WEB_DIR: dir });
    base = server.url;
  });

  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves its page at / under a policy that allows no inline script or style, never cached', async () => {
    const response = await fetch(`${base}/`, { headers: html });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(await response.text(), page);
  });

  it('answers deep links with the page, so a room link survives a reload', async () => {
    for (const path of ['/r/0193abcd', '/r/0193abcd/m/0193ef01?x=1', '/contacts', '/reset-password']) {
      const response = await fetch(base + path, { headers: html });
      assert.equal(response.status, 200, path);
      assert.equal(await response.text(), page, path);
    }
  });

  it('caches hashed assets for a year and serves them with their type', async () => {
    const response = await fetch(`${base}/assets/app-3f2a.js`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const icon = await fetch(`${base}/favicon.svg`);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('cache-control'), 'no-cache');
  });

  it('keeps the API’s not-found answer for API paths, missing assets and non-page requests', async () => {
    const cases: [string, Record<string, string>][] = [
      ['/api/v1/nothing-here', html],
      ['/assets/missing-1234.js', html],
      ['/r/0193abcd', { accept: 'application/json' }],
      ['/healthz/extra', html],
      ['/.env', { accept: '*/*' }],
    ];
    for (const [path, headers] of cases) {
      const response = await fetch(base + path, { headers });
      assert.equal(response.status, 404, path);
      assert.equal(await errorCode(response), 'not_found', path);
    }
  });

  it('never hands out a dotfile from the folder', async () => {
    for (const accept of ['*/*', html.accept]) {
      const response = await fetch(`${base}/.env`, { headers: { accept } });
      assert.doesNotMatch(await response.text(), /SECRET/);
    }
  });

  it('refuses other methods on pages with the API’s error shape', async () => {
    const response = await fetch(`${base}/`, { method: 'POST', headers: { ...html, 'content-type': 'text/plain' } });
    assert.equal(response.status, 405);
    assert.equal(await errorCode(response), 'method_not_allowed');
  });
});

describe('a server without a built web app', () => {
  it('still runs its API and says not_found at /', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'natter-web-'));
    const server = await startTestServer(await sqlite.open(), { NATTER_WEB_DIR: empty });
    try {
      const response = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
      assert.equal(response.status, 404);
      assert.equal(await errorCode(response), 'not_found');
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
