import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

// The SQLite writer thread yields to the event loop when the two share one core (nice 10), and
// keeps the process's priority when it has a core of its own. Each case runs a server's storage in
// a child process, pinned to one core with taskset for the first, and reads every thread's nice
// value from /proc once the writer thread has answered a commit.

const storageModule = new URL('../../src/adapters/sqlite/sqlite-storage.ts', import.meta.url).href;
const child = `
import { readdirSync, readFileSync } from 'node:fs';
const { openSqliteStorage } = await import(${JSON.stringify(storageModule)});
const storage = await openSqliteStorage({ path: process.argv[2], commitThread: true });
await storage.log.commit([]);
const threads = readdirSync('/proc/self/task').map((tid) => {
  const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { tid: Number(tid), nice: Number(fields[16]) };
});
await storage.close();
console.log(JSON.stringify({ pid: process.pid, threads }));
`;

interface Threads {
  pid: number;
  threads: { tid: number; nice: number }[];
}

const linux = process.platform === 'linux';

/** The first CPU this process may run on, if taskset can pin a child to it. */
function pinnableCpu(): string | undefined {
  if (!linux) return undefined;
  const allowed = /^Cpus_allowed_list:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (allowed === undefined) return undefined;
  return spawnSync('taskset', ['-c', allowed, 'true']).status === 0 ? allowed : undefined;
}
const cpu = pinnableCpu();

function threadsOf(script: string, dbPath: string, pinTo: string | undefined): Threads {
  // A file, not -e: the writer thread inherits the process's flags, and --input-type breaks it.
  const node = [process.execPath, script, dbPath];
  const [command = '', ...args] = pinTo === undefined ? node : ['taskset', '-c', pinTo, ...node];
  // Without the test runner's variables, which would make the child a test file.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  const run = spawnSync(command, args, { encoding: 'utf8', env, timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Threads;
}

describe(
  'SQLite writer thread priority',
  { skip: linux ? false : 'thread priorities are read from Linux /proc' },
  () => {
    let dir: string;
    let script: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'natter-priority-'));
      script = join(dir, 'threads.mjs');
      await writeFile(script, child);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it(
      'yields to the event loop when the process has one core',
      { skip: cpu === undefined ? 'cannot pin a child to one CPU' : false },
      () => {
        const { pid, threads } = threadsOf(script, join(dir, 'one-core.db'), cpu);
        const main = threads.find((t) => t.tid === pid)?.nice ?? Number.NaN;
        const lowered = threads.filter((t) => t.nice !== main);
        assert.deepEqual(
          lowered.map((t) => t.nice),
          [Math.min(19, main + 10)],
          'one thread, the writer, runs 10 nicer than the event loop',
        );
      },
    );

    it(
      'keeps the process priority when it has a core of its own',
      { skip: availableParallelism() > 1 ? false : 'this machine has one core' },
      () => {
        const { pid, threads } = threadsOf(script, join(dir, 'cores.db'), undefined);
        const main = threads.find((t) => t.tid === pid)?.nice;
        assert.deepEqual(
          threads.filter((t) => t.nice !== main),
          [],
        );
      },
    );
  },
);
