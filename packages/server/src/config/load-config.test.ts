import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, unknownVariables } from './load-config.ts';
import { settingsTable } from './settings-table.ts';

const noFile = '/nonexistent/.env';

describe('loadConfig', () => {
  it('has defaults that serve one machine from ./data on port 8080', () => {
    const c = loadConfig({ env: {}, envFile: noFile });
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, './data');
    assert.equal(c.databaseUrl, 'sqlite:./data/natter.db');
    assert.equal(c.publicUrl, 'http://localhost:8080');
    assert.equal(c.registration, 'open');
    assert.equal(c.jwtSecret, undefined);
    assert.deepEqual(c.trustProxy, []);
  });

  it('derives defaults from other settings', () => {
    const c = loadConfig({ env: { NATTER_DATA_DIR: '/srv/natter', NATTER_PORT: '9000' }, envFile: noFile });
    assert.equal(c.databaseUrl, 'sqlite:/srv/natter/natter.db');
    assert.equal(c.publicUrl, 'http://localhost:9000');
  });

  it('takes flags over environment over .env', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'natter-config-'));
    const envFile = join(dir, '.env');
    await writeFile(envFile, 'NATTER_PORT=1111\nNATTER_LOG_LEVEL=debug\nNATTER_HOST=from-file\n');
    const c = loadConfig({ argv: ['--port', '3333'], env: { NATTER_PORT: '2222', NATTER_LOG_LEVEL: 'warn' }, envFile });
    assert.equal(c.port, 3333);
    assert.equal(c.logLevel, 'warn');
    assert.equal(c.host, 'from-file');
    assert.equal(loadConfig({ argv: ['--port=4444'], env: {}, envFile }).port, 4444);
  });

  it('stops at a bad value with one line naming the setting and the problem', () => {
    assert.throws(
      () => loadConfig({ env: { NATTER_PORT: 'eighty' }, envFile: noFile }),
      (e: unknown) =>
        e instanceof ConfigError && e.message === 'setting NATTER_PORT (--port): "eighty" is not a whole number',
    );
    assert.throws(
      () => loadConfig({ env: { NATTER_PORT: '70000' }, envFile: noFile }),
      /NATTER_PORT.*outside 0\.\.65535/,
    );
    assert.throws(
      () => loadConfig({ env: { NATTER_REGISTRATION: 'maybe' }, envFile: noFile }),
      /not one of open, closed/,
    );
    assert.throws(() => loadConfig({ env: { NATTER_PUBLIC_URL: 'ftp://x' }, envFile: noFile }), /NATTER_PUBLIC_URL/);
    assert.throws(() => loadConfig({ env: { NATTER_TRUST_PROXY: '10.0.0.0/8, nope' }, envFile: noFile }), /has "nope"/);
    assert.throws(() => loadConfig({ env: { NATTER_ACCESS_TOKEN_TTL: '3600' }, envFile: noFile }), /outside 30\.\.900/);
  });

  it('never repeats a secret value in its error', () => {
    const secret = 'short-but-secret';
    assert.throws(
      () => loadConfig({ env: { NATTER_JWT_SECRET: secret }, envFile: noFile }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes(secret) && /at least 32/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ env: { NATTER_DATABASE_URL: 'mysql://root:hunter2@db/x' }, envFile: noFile }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('hunter2'),
    );
  });

  it('refuses unknown flags and flags without a value', () => {
    assert.throws(() => loadConfig({ argv: ['--prot', '1'], env: {}, envFile: noFile }), /unknown option --prot/);
    assert.throws(() => loadConfig({ argv: ['--port'], env: {}, envFile: noFile }), /--port needs a value/);
  });

  it('parses lists and normalises the public URL', () => {
    const c = loadConfig({
      env: {
        NATTER_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1',
        NATTER_CORS_ORIGINS: 'https://a.example, http://localhost:5173',
        NATTER_PUBLIC_URL: 'https://chat.example.com/',
      },
      envFile: noFile,
    });
    assert.deepEqual(c.trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1']);
    assert.deepEqual(c.corsOrigins, ['https://a.example', 'http://localhost:5173']);
    assert.equal(c.publicUrl, 'https://chat.example.com');
  });
});

describe('unknownVariables', () => {
  it('names NATTER_ variables no setting reads, except test ones', () => {
    assert.deepEqual(
      unknownVariables({ NATTER_PROT: '1', NATTER_PORT: '1', NATTER_TEST_POSTGRES_URL: 'x', HOME: '/' }),
      ['NATTER_PROT'],
    );
  });
});

describe('README', () => {
  it('holds the settings table generated from the settings', async () => {
    // Compared cell by cell: a Markdown formatter may pad the columns differently.
    const cells = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) =>
          line
            .split('|')
            .map((cell) => cell.trim().replace(/^:?-+:?$/, '---'))
            .join('|'),
        )
        .join('\n');
    const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
    assert.ok(
      cells(readme).includes(cells(settingsTable())),
      'README settings table is stale: run node scripts/settings-table.ts',
    );
  });
});
