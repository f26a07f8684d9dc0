// `npm run bench` (the full scenarios of issue 5) and `npm run bench -- --quick` (all of them,
// small). Options: --systems=natter,socketio,ws  --only=floor,s2,chat  --profile=<dir> (servers run
// with --cpu-prof).
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderTable } from './lib/report.ts';
import { cores } from './lib/processes.ts';
import { renderChart } from './lib/svg-chart.ts';
import { systemNames, type SystemName } from './load/plan.ts';
import { runBigRoom } from './scenarios/big-room.ts';
import { runChat } from './scenarios/chat.ts';
import { runFloor } from './scenarios/floor.ts';
import { scales } from './scenarios/scale.ts';
import { chartPanels, scenarioTables, type BenchResults } from './scenarios/tables.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    systems: { type: 'string', default: systemNames.join(',') },
    only: { type: 'string', default: 'floor,s2,chat' },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
    profile: { type: 'string' },
  },
});

const scale = {
  ...scales[values.quick ? 'quick' : 'full'],
  // --profile=<dir>: every server process writes a V8 CPU profile there when it stops.
  ...(values.profile === undefined ? {} : { serverNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] }),
};
const systems = values.systems
  .split(',')
  .filter((s): s is SystemName => (systemNames as readonly string[]).includes(s));
const only = new Set(values.only.split(','));
const started = performance.now();
const results: BenchResults = {
  startedAt: new Date().toISOString(),
  mode: scale.name,
  machine: {
    cpus: availableParallelism(),
    node: process.version,
    pinned: cores.pinned,
    platform: process.platform,
    // The cores are shared with whoever else works on this machine; a busy start explains noise.
    loadAverageAtStart: loadavg()[0] ?? 0,
  },
  systems,
  floor: undefined,
  bigRoom: {},
  chat: {},
  durationMs: 0,
};

console.log(`natter bench (${scale.name}) against ${systems.join(', ')}; pinned: ${cores.pinned}`);
if (only.has('floor')) {
  results.floor = await runFloor(scale);
  const f = results.floor.endToEnd;
  console.log(`harness latency floor (ws peer, ${results.floor.rate} msg/s): p50 ${f.p50} ms, p99 ${f.p99} ms`);
}
if (only.has('s2')) {
  for (const system of systems) results.bigRoom[system] = await runBigRoom(system, scale);
}
if (only.has('chat')) {
  for (const system of systems) results.chat[system] = await runChat(system, scale);
}
results.durationMs = Math.round(performance.now() - started);

console.log('');
for (const table of scenarioTables(results)) console.log(`${renderTable(table, systems)}\n`);

// Quick runs are smoke tests: kept out of the committed results.
const outDir = scale.name === 'quick' ? join(values.out, 'quick') : values.out;
await mkdir(outDir, { recursive: true });
const stamp = results.startedAt.replace(/[:.]/g, '-');
const name = stamp;
await writeFile(
  join(outDir, `${name}.json`),
  `${JSON.stringify({ ...results, tables: scenarioTables(results) }, null, 2)}\n`,
);
await writeFile(
  join(outDir, `${name}.svg`),
  renderChart(`Natter bench ${results.startedAt} (${scale.name})`, chartPanels(results), systems),
);
console.log(`results: ${join(outDir, name)}.{json,svg} (${(results.durationMs / 1000).toFixed(0)} s)`);
