import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/main.ts';
import type { Clock, Storage } from '../../src/ports/index.ts';

/** A clock that runs with real time but can be pushed forward, to expire tokens in tests. */
export class TestClock implements Clock {
  #offset = 0;
  now(): number {
    return Date.now() + this.#offset;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.#offset += ms;
  }
}

/** A real Natter server on a random port, with its own data folder and storage. */
export interface TestServer extends RunningServer {
  clock: TestClock;
  dataDir: string;
}

/**
 * Starts Natter on 127.0.0.1:0 over `storage`, with settings given as NATTER_* variables.
 * Logs are silent unless NATTER_TEST_LOG_LEVEL is set, so a failing run can be read.
 */
export async function startTestServer(storage: Storage, env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'natter-test-'));
  const config = loadConfig({
    env: {
      NATTER_HOST: '127.0.0.1',
      NATTER_PORT: '0',
      NATTER_DATA_DIR: dataDir,
      NATTER_PUBLIC_URL: 'http://chat.example.test',
      NATTER_LOG_LEVEL: process.env.NATTER_TEST_LOG_LEVEL ?? 'silent',
      NATTER_LOG_FORMAT: 'json',
      ...env,
    },
    envFile: join(dataDir, 'no.env'),
  });
  const clock = new TestClock();
  const logger = createLogger({ level: config.logLevel, format: 'json' });
  const server = await startServer(config, { storage, clock, logger });
  return {
    ...server,
    clock,
    dataDir,
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
