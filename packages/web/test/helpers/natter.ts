// A real Natter server serving a fresh build of the web app, for the end-to-end suite.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { openStorage } from '../../../server/src/adapters/open-storage.ts';
import { startTestServer, type TestServer } from '../../../server/test/helpers/server.ts';

const webRoot = join(import.meta.dirname, '..', '..');

let built: Promise<string> | undefined;

/**
 * Builds the web app once per test process into a private temporary folder, so test files running
 * in parallel never write the same dist (nor the one `npm start` serves). Vite 8 takes about a second.
 */
export function buildWebApp(): Promise<string> {
  // A build made beforehand (NATTER_E2E_WEB_DIR) is used as it is: handy while iterating on a test.
  const prebuilt = process.env.NATTER_E2E_WEB_DIR;
  if (prebuilt) return Promise.resolve(prebuilt);
  built ??= (async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'natter-web-e2e-'));
    process.once('exit', () => {
      rmSync(outDir, { recursive: true, force: true });
    });
    await build({
      configFile: join(webRoot, 'vite.config.ts'),
      build: { outDir, emptyOutDir: true, sourcemap: false },
      logLevel: 'warn',
    });
    return outDir;
  })();
  return built;
}

/** A running server and the folder its outbox mails land in. */
export interface Natter {
  readonly url: string;
  readonly server: TestServer;
  /** `<dataDir>/outbox`: without SMTP, each mail is an .eml file here. */
  readonly outbox: string;
  close(): Promise<void>;
}

/**
 * Starts Natter in this process on a random port, over an in-memory SQLite database, serving the
 * app built by {@link buildWebApp}. Every test file gets its own server, so the per-address
 * registration quota (10 an hour) is never shared between files; a realtime frame budget above a
 * fast typist's keeps bursts of sends from being throttled.
 */
export async function startNatter(env: Record<string, string> = {}): Promise<Natter> {
  const webDir = await buildWebApp();
  const server = await startTestServer(await openStorage('sqlite::memory:'), {
    NATTER_WEB_DIR: webDir,
    NATTER_WS_FRAMES_PER_SECOND: '200',
    ...env,
  });
  return {
    url: server.url,
    server,
    outbox: join(server.dataDir, 'outbox'),
    close: () => server.close(),
  };
}

/**
 * What a test file opened, closed in reverse order at the end even when setup failed half-way
 * (a server left open would keep the test process alive forever).
 */
export class Teardown {
  readonly #steps: (() => Promise<void>)[] = [];

  /** Remembers how to close `value` and returns it. */
  add<T>(value: T, close: (value: T) => Promise<void>): T {
    this.#steps.push(() => close(value));
    return value;
  }

  /** Closes everything, newest first; rethrows the first failure after trying them all. */
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
