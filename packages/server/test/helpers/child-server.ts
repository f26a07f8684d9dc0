// A real `natter serve` in a child process, for tests that must kill the server the hard way
// (SIGKILL: no shutdown hook runs, nothing is flushed) and start it again on the same data.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

const natterBin = join(import.meta.dirname, '..', '..', '..', 'cli', 'bin', 'natter.js');

/**
 * A TCP port nobody listens on right now. The server is given it explicitly (not port 0) so that it
 * comes back on the same port after a restart, where reconnecting clients look for it.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('the probe server has no port');
  return address.port;
}

/** A database a child server can be pointed at by URL, and how to remove it afterwards. */
export interface ChildDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for `engine`. SQLite: a file in `dataDir`. PostgreSQL: a new schema in the test
 * database, selected by the URL itself (`?options=-c search_path=<schema>`, which pg passes to the
 * server at connection start), because `natter serve` takes no schema setting.
 */
export async function childDatabase(engine: 'sqlite' | 'postgres', dataDir: string): Promise<ChildDatabase> {
  if (engine === 'sqlite') return { url: `sqlite:${join(dataDir, 'natter.db')}`, drop: () => Promise.resolve() };
  const base = process.env.NATTER_TEST_POSTGRES_URL;
  if (base === undefined) throw new Error('NATTER_TEST_POSTGRES_URL is not set');
  const schema = `natter_crash_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  // The migrations create tables in the first schema of the search path; it must exist first.
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.href, drop: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

/** What to start. */
export interface ChildServerOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string;
  /** NATTER_* settings; the parent's NATTER_* variables are not passed on. */
  readonly env?: Record<string, string>;
  readonly readyTimeoutMs?: number;
}

/** A running child server. */
export interface ChildServer {
  readonly url: string;
  readonly pid: number | undefined;
  /** Everything the child wrote to stdout and stderr so far, for a failure message. */
  output(): string;
  /** SIGKILL; resolves once the process is gone. Safe to call more than once. */
  kill(): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts `natter serve` and resolves once /readyz answers 200; kills it and throws if it never does. */
export async function spawnServer(options: ChildServerOptions): Promise<ChildServer> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_')));
  const child = spawn(
    process.execPath,
    [
      natterBin,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--data-dir',
      options.dataDir,
      '--database-url',
      options.databaseUrl,
    ],
    // The data folder as working directory, so no .env of the repository is read.
    { cwd: options.dataDir, env: { ...inherited, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const server: ChildServer = {
    url: `http://127.0.0.1:${options.port}`,
    pid: child.pid,
    output: () => chunks.join(''),
    kill: async () => {
      if (!exited(child)) child.kill('SIGKILL');
      await gone;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exited(child)) {
      throw new Error(`natter serve exited (${String(child.exitCode ?? child.signalCode)}):\n${server.output()}`);
    }
    try {
      const response = await fetch(`${server.url}/readyz`);
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`natter serve was not ready in time:\n${server.output()}`);
    }
    await sleep(50);
  }
}
