#!/usr/bin/env node
// Plain JavaScript, so that an older Node can run this check and say what is wrong instead of
// failing on TypeScript it cannot strip.
const needed = 24;
const found = Number(process.versions.node.split('.')[0]);
if (found < needed) {
  process.stderr.write(`natter needs Node.js ${needed} or newer; found ${process.version}\n`);
  process.exit(1);
}
// The server's V8 flags are read only at start: `serve` starts over with them before it loads anything.
if (process.argv[2] === 'serve') (await import('../src/server-flags.ts')).relaunchWithServerFlags();
await import('../src/main.ts');
