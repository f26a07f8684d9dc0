// The entry points as an operator meets them: real processes, real exit codes, real stderr.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serverV8Flags } from '../src/server-flags.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const natter = join(repo, 'packages/cli/bin/natter.js');
const testScript = join(repo, 'scripts/test.js');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node args` to completion, feeding `input` on standard input. */
function run(node: string, args: string[], options: { input?: string; cwd?: string } = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_')));
    const child = spawn(node, args, {
      cwd: options.cwd ?? repo,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The system Node, when it is older than the one Natter needs: the machine a newcomer may have. */
const oldNode = '/usr/bin/node';
const oldVersion = existsSync(oldNode) ? spawnSync(oldNode, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
const oldMajor = Number(/^v(\d+)\./.exec(oldVersion)?.[1] ?? NaN);
const skipOld =
  oldVersion === ''
    ? `${oldNode} is not installed; the old-Node check is skipped`
    : oldMajor >= 24
      ? `${oldNode} is ${oldVersion}, not older than 24; the old-Node check is skipped`
      : false;

describe('on a Node older than 24', { skip: skipOld }, () => {
  for (const [what, args] of [
    ['natter serve', [natter, 'serve']],
    ['npm test (scripts/test.js)', [testScript]],
  ] as const) {
    it(`${what} stops at once with one line naming the needed and found versions`, async () => {
      const exit = await run(oldNode, [...args]);
      assert.equal(exit.code, 1, exit.stderr);
      assert.equal(exit.stdout, '');
      assert.match(exit.stderr, /^[^\n]*needs Node\.js 24 or newer; found v\d+[^\n]*\n$/, 'exactly one line');
      assert.ok(exit.stderr.includes(`found ${oldVersion}`), exit.stderr);
    });
  }
});

describe('natter serve', () => {
  it('refuses a bad setting with exit code 2 and one line naming it', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'natter-cli-'));
    try {
      const exit = await run(process.execPath, [natter, 'serve', '--port', 'nope'], { cwd });
      assert.equal(exit.code, 2, exit.stderr);
      assert.equal(exit.stdout, '');
      assert.match(exit.stderr, /^[^\n]*NATTER_PORT[^\n]*\n$/, 'one line that names NATTER_PORT');
      assert.ok(exit.stderr.includes('nope'), 'and the value that was refused');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

/** The command line a running process was started with, where Linux shows it. */
async function commandLine(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((arg) => arg.length > 0);
}

const skipProc = existsSync('/proc/self/cmdline') ? false : 'no /proc here: the relaunch is not observable';

describe('natter serve relaunches itself with its V8 flags', { skip: skipProc }, () => {
  /** Starts `natter serve` on a free port and returns its pid's command line once it listens, then stops it. */
  async function servedCommandLine(nodeOptions?: string): Promise<{ args: string[]; code: number | null }> {
    const cwd = await mkdtemp(join(tmpdir(), 'natter-cli-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_')));
    if (nodeOptions === undefined) delete env.NODE_OPTIONS;
    else env.NODE_OPTIONS = nodeOptions;
    const child = spawn(process.execPath, [natter, 'serve', '--port', '0'], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const listening = new Promise<void>((resolve, reject) => {
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('natter is listening')) resolve();
        });
        child.once('exit', () => {
          reject(new Error(`natter serve exited before listening:\n${stdout}${stderr}`));
        });
      });
      await listening;
      const args = await commandLine(child.pid ?? 0);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return { args, code: await exited };
    } finally {
      child.kill('SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    }
  }

  it('in the same process, which still shuts down cleanly on SIGTERM', async () => {
    const { args, code } = await servedCommandLine();
    assert.deepEqual(args.slice(1, 2 + serverV8Flags.length), [...serverV8Flags, natter]);
    assert.deepEqual(args.slice(-3), ['serve', '--port', '0']);
    assert.equal(code, 0);
  });

  it("but not when the operator chose the flag's value", async () => {
    const { args } = await servedCommandLine('--max-semi-space-size=32');
    assert.deepEqual(args.slice(1), [natter, 'serve', '--port', '0']);
  });
});

describe('natter admin', () => {
  let dir = '';
  const storage = () => ['--data-dir', dir, '--database-url', `sqlite:${join(dir, 'natter.db')}`];
  const admin = (args: string[], input?: string) =>
    run(process.execPath, [natter, 'admin', ...args, ...storage()], {
      cwd: dir,
      ...(input === undefined ? {} : { input }),
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'natter-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates an administrator with the password from standard input, and lists them', async () => {
    const created = await admin(
      ['create-user', '--username', 'Alice', '--email', 'Alice@Example.test', '--display-name', 'Alice A.', '--admin'],
      'correct horse battery staple\n',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^created alice\talice@example\.test\tAlice A\.\t\(admin\)\t[\w-]+\n$/);

    const listed = await admin(['list-users']);
    assert.equal(listed.code, 0, listed.stderr);
    const id = created.stdout.trim().split('\t').at(-1);
    assert.equal(listed.stdout, `alice\talice@example.test\tAlice A.\t(admin)\t${id ?? ''}\n`);
  });

  it('refuses a guessable password and an empty standard input', async () => {
    const weak = await admin(['create-user', '--username', 'bob', '--email', 'bob@example.test'], 'password123\n');
    assert.notEqual(weak.code, 0);
    assert.match(weak.stderr, /^natter admin create-user: [^\n]+\n$/);
    const none = await admin(['create-user', '--username', 'bob', '--email', 'bob@example.test'], '');
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /password/);
    assert.doesNotMatch((await admin(['list-users'])).stdout, /\bbob\b/);
  });

  it('will not demote the last administrator', async () => {
    const refused = await admin(['set-role', 'alice', 'user']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /^natter admin set-role: [^\n]*last active administrator[^\n]*\n$/);
    assert.match((await admin(['list-users'])).stdout, /^alice\t.*\(admin\)/m, 'alice is still an admin');
  });
});
