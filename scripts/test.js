// `npm test`: every unit, contract and integration suite, on Node's own test runner.
// Plain JavaScript so the Node version check runs first, on any Node.
import './require-node.js';
import { spawnSync } from 'node:child_process';

const patterns = process.argv.slice(2);
const files =
  patterns.length > 0
    ? patterns
    : ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'];

for (const [name, what] of [['NATTER_TEST_POSTGRES_URL', 'PostgreSQL']]) {
  if (!process.env[name]) process.stdout.write(`note: ${name} is not set, so the ${what} suites are skipped\n`);
}

const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-timeout=180000', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
