// Every entry point runs this first. It is plain JavaScript so that an older Node can parse it
// and say what is wrong, instead of failing on TypeScript syntax it cannot strip.
const needed = 24;
const found = Number(process.versions.node.split('.')[0]);
if (found < needed) {
  process.stderr.write(`natter needs Node.js ${needed} or newer; found ${process.version}\n`);
  process.exit(1);
}
