// Summarises V8 CPU profiles (from `npm run bench -- --profile=<dir>`): self time by function and
// by file, so docs/performance.md can say where a server's time goes.
// Usage: node bench/tools/profile-summary.ts <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in microseconds per key, from a profile's samples. */
export function selfTimes(profile: Profile, keyOf: (node: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const key = keyOf(node);
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return out;
}

function shortUrl(url: string): string {
  const at = url.indexOf('/packages/');
  if (at >= 0) return url.slice(at + 1);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  return url === '' ? '(native)' : url.replace(/^node:/, 'node:');
}

function print(title: string, times: Map<string, number>, top: number): void {
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  console.log(`${title} (total ${(total / 1e6).toFixed(1)} s)`);
  for (const [key, micros] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
}

const [file, topArg] = process.argv.slice(2);
if (file !== undefined) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const top = Number(topArg ?? 25);
  print(
    'self time by function',
    selfTimes(
      profile,
      (n) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`,
    ),
    top,
  );
  console.log('');
  print(
    'self time by file',
    selfTimes(profile, (n) => shortUrl(n.callFrame.url)),
    top,
  );
}
