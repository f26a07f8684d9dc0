#!/usr/bin/env node
// Plain JavaScript, so that an older Node can run this check and say what is wrong instead of
// failing on TypeScript it cannot strip.
const needed = 24;
const found = Number(process.versions.node.split('.')[0]);
if (found < needed) {
  process.stderr.write(`natter needs Node.js ${needed} or newer; found ${process.version}\n`);
  process.exit(1);
}
await import('../src/main.ts');
