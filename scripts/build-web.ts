// Builds the web app into packages/web/dist when the build is missing or older than its sources
// (the app, the SDK and the protocol it bundles). `npm start` runs this first; `--force` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'packages/web');
const built = join(web, 'dist/index.html');
const sources = [
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(web, 'package.json'),
  join(web, 'src'),
  join(web, 'public'),
  join(root, 'packages/client/src'),
  join(root, 'packages/protocol/src'),
];

/** The newest modification time under `path` (a file or a folder), skipping tests. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return path.includes('.test.') ? 0 : stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const force = process.argv.includes('--force');
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (force || stale) {
  const started = Date.now();
  process.stdout.write('natter: building the web app…\n');
  const { build } = await import('vite');
  await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
  process.stdout.write(`natter: web app built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
