import { after, before, describe } from 'node:test';
import { startTestServer, type TestServer } from './server.ts';
import { storageEngines } from './storage.ts';

/** Test servers trust the loopback proxy so tests can speak from many addresses (see people.ts). */
export const testServerEnv = { NATTER_TRUST_PROXY: '127.0.0.1' };

/**
 * Declares `body` once per storage engine, each with its own real server over a fresh database.
 * `server()` is valid inside tests. Engines without a configured database are skipped visibly.
 */
export function onEveryEngine(
  title: string,
  env: Record<string, string> | (() => Promise<Record<string, string>>),
  body: (server: () => TestServer) => void,
): void {
  for (const engine of storageEngines) {
    describe(`${title} [${engine.name}]`, { skip: engine.skip }, () => {
      let running: TestServer | undefined;
      before(async () => {
        const extra = typeof env === 'function' ? await env() : env;
        running = await startTestServer(await engine.open(), { ...testServerEnv, ...extra });
      });
      after(async () => {
        await running?.close();
      });
      body(() => {
        if (!running) throw new Error('the test server is not running');
        return running;
      });
    });
  }
}

/** The value, asserting it is there: a test's version of a non-null assertion, with a message. */
export function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}
