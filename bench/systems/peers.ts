import { join } from 'node:path';
import type { SystemName } from '../load/plan.ts';
import { spawnServer, type ServerProcess } from '../lib/processes.ts';

const scripts: Record<Exclude<SystemName, 'natter'>, string> = {
  socketio: join(import.meta.dirname, '..', 'peers', 'socketio-server.ts'),
  ws: join(import.meta.dirname, '..', 'peers', 'ws-server.ts'),
};

/** Starts a peer server pinned to the server core; resolves once it prints its port. */
export async function startPeer(
  system: Exclude<SystemName, 'natter'>,
  port: number,
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const server = spawnServer(
    [...nodeArgs, scripts[system]],
    { ...process.env, BENCH_PORT: String(port) },
    process.cwd(),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${system} peer did not start:\n${server.output()}`));
    }, 15_000);
    server.child.stdout?.on('data', () => {
      if (server.output().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${system} peer exited:\n${server.output()}`));
    });
  });
  return server;
}
