import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratorRequest } from '../load/protocol.ts';

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The cores: the system under test gets core 0, the load processes core 1 (when taskset exists). */
export const cores = { server: '0', load: '1', pinned: hasTaskset } as const;

/** `command args` wrapped in taskset for `core`, when taskset is available. */
export function pinned(core: string, command: string, args: readonly string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', core, command, ...args]] : [command, [...args]];
}

/** CPU time (user + system) of a process, in milliseconds, from /proc; 0 where there is no /proc. */
export function cpuMillis(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in bytes, from /proc; 0 where there is no /proc. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/** Samples a process's CPU over a window: percent of one core. */
export class CpuWindow {
  readonly #pid: number;
  #cpu = 0;
  #at = 0;
  constructor(pid: number) {
    this.#pid = pid;
    this.start();
  }
  start(): void {
    this.#cpu = cpuMillis(this.#pid);
    this.#at = performance.now();
  }
  percent(): number {
    const wall = performance.now() - this.#at;
    return wall > 0 ? ((cpuMillis(this.#pid) - this.#cpu) / wall) * 100 : 0;
  }
}

/** A load process, driven by request/response over IPC. */
export class Generator {
  readonly child: ChildProcess;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(index: number) {
    const script = join(import.meta.dirname, '..', 'load', 'generator.ts');
    // fork() cannot be wrapped in taskset, so the child pins itself right after it starts.
    this.child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env } });
    const pid = this.child.pid;
    if (hasTaskset && pid !== undefined) spawnSync('taskset', ['-pc', cores.load, String(pid)]);
    this.child.on('message', (message: { requestId: number; ok: boolean; result?: unknown; error?: string }) => {
      const waiter = this.#waiting.get(message.requestId);
      if (waiter === undefined) return;
      this.#waiting.delete(message.requestId);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`load process ${index}: ${message.error ?? 'failed'}`));
    });
    this.child.on('exit', (code) => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(`load process ${index} exited (${code})`));
      this.#waiting.clear();
    });
  }

  /** Sends a request; resolves with the process's answer. */
  request<T>(request: GeneratorRequest): Promise<T> {
    const requestId = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...request, requestId });
    });
  }

  /** Ends the process. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}

/** A server under test in its own process, pinned to the server core. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node args` pinned to the server core and waits for `ready` to resolve. */
export function spawnServer(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ServerProcess {
  const [command, argv] = pinned(cores.server, process.execPath, args);
  const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return {
    child,
    pid: child.pid ?? 0,
    output: () => chunks.join(''),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
