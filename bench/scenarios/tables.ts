import type { LatencySummary } from '../lib/latency.ts';
import type { Row, ScenarioTable } from '../lib/report.ts';
import type { Panel } from '../lib/svg-chart.ts';
import type { SystemName } from '../load/plan.ts';
import type { BigRoomResult } from './big-room.ts';
import type { ChatResult } from './chat.ts';
import type { FloorResult } from './floor.ts';

/** Everything one run measured. */
export interface BenchResults {
  startedAt: string;
  mode: 'quick' | 'full';
  machine: { cpus: number; node: string; pinned: boolean; platform: string; loadAverageAtStart: number };
  systems: SystemName[];
  floor: FloorResult | undefined;
  bigRoom: Partial<Record<SystemName, BigRoomResult>>;
  chat: Partial<Record<SystemName, ChatResult>>;
  durationMs: number;
}

type Pick = (system: SystemName) => number | undefined;

function row(systems: readonly SystemName[], label: string, better: Row['better'], pick: Pick, note?: string): Row {
  return {
    label,
    better,
    values: Object.fromEntries(systems.map((s) => [s, pick(s)])),
    ...(note === undefined ? {} : { note }),
  };
}

function clientBound(results: BenchResults): string | undefined {
  const bound = results.systems.filter(
    (s) =>
      results.bigRoom[s]?.best?.clientBound === true ||
      results.chat[s]?.s3.best?.clientBound === true ||
      (results.bigRoom[s]?.steps.at(-1)?.clientBound ?? false),
  );
  return bound.length === 0 ? undefined : `client-bound: ${bound.join(', ')}`;
}

/** One table per scenario, Natter first. */
export function scenarioTables(results: BenchResults): ScenarioTable[] {
  const systems = results.systems;
  const chat = (s: SystemName) => results.chat[s];
  const big = (s: SystemName) => results.bigRoom[s];
  const tables: ScenarioTable[] = [];
  if (systems.some((s) => chat(s))) {
    tables.push({
      title: `S1 connections (${chat(systems[0] ?? 'natter')?.s1.requested ?? 0} idle, authenticated where the system authenticates)`,
      rows: [
        row(systems, 'connected', 'higher', (s) => chat(s)?.s1.connected),
        row(systems, 'connect all (s)', 'lower', (s) => {
          const ms = chat(s)?.s1.connectMs;
          return ms === undefined ? undefined : ms / 1000;
        }),
        row(systems, 'handshake p99 (ms)', 'lower', (s) => chat(s)?.s1.handshake.p99),
        row(systems, 'RSS per connection (KB)', 'lower', (s) => {
          const b = chat(s)?.s1.bytesPerConnection;
          return b === undefined ? undefined : b / 1024;
        }),
      ],
    });
  }
  if (systems.some((s) => big(s))) {
    tables.push({
      title: `S2 big room (${big(systems[0] ?? 'natter')?.members ?? 0} members, p99 ≤ 50 ms, all delivered)`,
      rows: [
        row(systems, 'deliveries/s', 'higher', (s) => big(s)?.best?.deliveriesPerSec ?? 0, clientBound(results)),
        row(systems, 'publish rate (msg/s)', 'higher', (s) => big(s)?.best?.rate),
        row(systems, 'p50 at that rate (ms)', 'lower', (s) => big(s)?.best?.endToEnd.p50),
        row(systems, 'p99 at that rate (ms)', 'lower', (s) => big(s)?.best?.endToEnd.p99),
        row(systems, 'server CPU (%)', 'lower', (s) => big(s)?.best?.serverCpuPercent),
        row(systems, 'load CPU (%)', 'lower', (s) => big(s)?.best?.loadCpuPercent),
        row(systems, 'lost', 'lower', (s) => big(s)?.lost),
        row(systems, 'duplicates', 'lower', (s) => big(s)?.duplicates),
      ],
    });
  }
  if (systems.some((s) => chat(s))) {
    const best = (s: SystemName) => chat(s)?.s3.best;
    tables.push({
      title: `S3 realistic chat (${chat(systems[0] ?? 'natter')?.s3.connections ?? 0} connections, rooms of 10 and 100)`,
      rows: [
        row(systems, 'messages/s accepted+delivered', 'higher', (s) => best(s)?.acceptedPerSec ?? 0),
        row(systems, 'deliveries/s', 'higher', (s) => best(s)?.deliveriesPerSec),
        row(systems, 'send→ack p99 (ms)', 'lower', (s) => best(s)?.ack?.p99, 'Natter only: acked = durable'),
        row(systems, 'send→delivery p50 (ms)', 'lower', (s) => best(s)?.endToEnd.p50),
        row(systems, 'send→delivery p99 (ms)', 'lower', (s) => best(s)?.endToEnd.p99),
        row(systems, 'server CPU (%)', 'lower', (s) => best(s)?.serverCpuPercent),
        row(systems, 'load CPU (%)', 'lower', (s) => best(s)?.loadCpuPercent),
        row(systems, 'lost', 'lower', (s) => chat(s)?.s3.lost),
        row(systems, 'duplicates', 'lower', (s) => chat(s)?.s3.duplicates),
      ],
    });
    const s4 = (s: SystemName) => chat(s)?.s4;
    const natterOnly = (s: SystemName, value: number | undefined) => (s === 'natter' ? value : undefined);
    tables.push({
      title: 'S4 trouble (5% stop reading, then a mass drop and reconnect)',
      rows: [
        row(systems, 'publish rate (msg/s)', 'higher', (s) => s4(s)?.rate),
        row(systems, 'healthy p99 with stalled (ms)', 'lower', (s) => s4(s)?.healthy.p99),
        row(systems, 'healthy p99 ÷ S3 p99', 'lower', (s) => {
          const r = s4(s);
          return r === undefined || r.baselineP99 === 0 ? undefined : r.healthy.p99 / r.baselineP99;
        }),
        row(systems, 'server RSS growth while stalled (MB)', 'lower', (s) => {
          const r = s4(s);
          return r === undefined ? undefined : (r.serverRssAfterStall - r.serverRssBeforeStall) / 1048576;
        }),
        row(systems, 'slow-consumer closes', 'higher', (s) => natterOnly(s, s4(s)?.slowConsumerCloses)),
        row(systems, 'reconnected', 'higher', (s) => s4(s)?.reconnected),
        row(systems, 'all back (s)', 'lower', (s) => {
          const ms = s4(s)?.reconnectMs;
          return ms === undefined ? undefined : ms / 1000;
        }),
        row(
          systems,
          'catch-up p99 (ms)',
          'lower',
          (s) => natterOnly(s, s4(s)?.catchUp.p99),
          'peers: rejoin, no resume',
        ),
        row(systems, 'resume gaps', 'lower', (s) => natterOnly(s, s4(s)?.resumeGaps)),
        row(systems, 'resume duplicates', 'lower', (s) => natterOnly(s, s4(s)?.resumeRepeats)),
        row(systems, 'lost (healthy clients)', 'lower', (s) => s4(s)?.lost),
        row(systems, 'duplicates', 'lower', (s) => s4(s)?.duplicates),
      ],
    });
  }
  return tables;
}

const percentiles = ['p50', 'p90', 'p99', 'p99.9'];
const spread = (l: LatencySummary | undefined) =>
  l === undefined ? percentiles.map(() => undefined) : [l.p50, l.p90, l.p99, l.p999];

/** The chart's panels: throughput and latency percentiles per system. */
export function chartPanels(results: BenchResults): Panel[] {
  const per = <T>(pick: (s: SystemName) => T) => Object.fromEntries(results.systems.map((s) => [s, pick(s)]));
  return [
    {
      title: 'S2 big room: deliveries/s at p99 ≤ 50 ms',
      unit: 'deliveries/s',
      series: ['deliveries/s'],
      values: per((s) => [results.bigRoom[s]?.best?.deliveriesPerSec]),
    },
    {
      title: 'S2 big room: latency at that rate',
      unit: 'ms',
      series: percentiles,
      values: per((s) => spread(results.bigRoom[s]?.best?.endToEnd)),
    },
    {
      title: 'S3 chat: messages/s accepted and delivered',
      unit: 'messages/s',
      series: ['messages/s'],
      values: per((s) => [results.chat[s]?.s3.best?.acceptedPerSec]),
    },
    {
      title: 'S3 chat: send→delivery at that rate',
      unit: 'ms',
      series: percentiles,
      values: per((s) => spread(results.chat[s]?.s3.best?.endToEnd)),
    },
    {
      title: 'S1: server RSS per idle connection',
      unit: 'KB',
      series: ['KB/connection'],
      values: per((s) => {
        const b = results.chat[s]?.s1.bytesPerConnection;
        return [b === undefined ? undefined : b / 1024];
      }),
    },
    {
      title: 'S4: healthy p99 and catch-up p99',
      unit: 'ms',
      series: ['healthy p99', 'catch-up p99'],
      values: per((s) => [
        results.chat[s]?.s4.healthy.p99,
        s === 'natter' ? results.chat[s]?.s4.catchUp.p99 : undefined,
      ]),
    },
  ];
}
