// `npm run lint`: eslint and prettier's check run side by side, since each leaves most of the
// second core idle. Each one's output is printed whole when it ends, so the two never interleave.
// Both keep caches in node_modules/.cache (see README, "Development"); a clean tree runs cold.
import { spawn } from 'node:child_process';

interface Check {
  readonly name: string;
  readonly args: readonly string[];
}

const checks: readonly Check[] = [
  {
    name: 'eslint',
    args: [
      'node_modules/eslint/bin/eslint.js',
      '--max-warnings=0',
      '--cache',
      '--cache-strategy',
      'content',
      '--cache-location',
      'node_modules/.cache/eslint/',
      '.',
    ],
  },
  {
    name: 'prettier',
    args: ['node_modules/prettier/bin/prettier.cjs', '--check', '--cache', '--cache-strategy', 'content', '.'],
  },
];

function run(check: Check): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, check.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', (error) => {
      process.stderr.write(`${check.name}: ${error.message}\n`);
      resolve(false);
    });
    child.on('close', (code, signal) => {
      const text = Buffer.concat(output).toString();
      if (text.length > 0) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      const ok = code === 0;
      if (!ok) process.stderr.write(`${check.name} failed (${signal ?? `exit ${String(code)}`})\n`);
      resolve(ok);
    });
  });
}

const results = await Promise.all(checks.map(run));
process.exitCode = results.every(Boolean) ? 0 : 1;
