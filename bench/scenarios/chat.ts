import { setTimeout as sleep } from 'node:timers/promises';
import type { LatencySummary } from '../lib/latency.ts';
import type { SystemName } from '../load/plan.ts';
import { roomsOf } from '../systems/topology.ts';
import type { Scale } from './scale.ts';
import { Session, type WindowStats } from './session.ts';

/** S1 for one system. */
export interface ConnectionsResult {
  requested: number;
  connected: number;
  connectMs: number;
  handshake: LatencySummary;
  ready: LatencySummary;
  emptyRssBytes: number;
  rssBytes: number;
  bytesPerConnection: number;
  loadCpuPercent: number;
}

/** One S3 rate. */
export interface ChatStep {
  rate: number;
  /** Messages accepted per second (acknowledged, for Natter; sent, for the peers). */
  acceptedPerSec: number;
  deliveriesPerSec: number;
  delivered: number;
  ack: LatencySummary | undefined;
  endToEnd: LatencySummary;
  serverCpuPercent: number;
  loadCpuPercent: number;
  clientBound: boolean;
  passed: boolean;
}

/** S4 for one system. */
export interface TroubleResult {
  rate: number;
  stalled: number;
  /** Healthy clients' delivery p99 with the stalled ones, against S3's at the same rate. */
  healthy: LatencySummary;
  baselineP99: number;
  serverRssBeforeStall: number;
  serverRssAfterStall: number;
  slowConsumerCloses: number;
  dropped: number;
  reconnected: number;
  reconnectMs: number;
  /** Attempts to come back that failed and were tried again, and how the failed ones closed. */
  retries: number;
  closesDuringReconnect: Record<string, number>;
  catchUp: LatencySummary;
  resumed: number;
  resumeGaps: number;
  resumeRepeats: number;
  lost: number;
  duplicates: number;
}

export interface ChatResult {
  s1: ConnectionsResult;
  s3: { connections: number; steps: ChatStep[]; best: ChatStep | undefined; lost: number; duplicates: number };
  s4: TroubleResult;
}

const ackBarMs = 50;
const deliveryBarMs = 100;

function chatStep(rate: number, stats: WindowStats, expected: number, windowMs: number, acks: boolean): ChatStep {
  const seconds = windowMs / 1000;
  const delivered = expected === 0 ? 1 : stats.deliveries / expected;
  const ack = acks ? stats.ack : undefined;
  const accepted = acks ? stats.acked : stats.sent;
  const passed =
    delivered >= 1 &&
    stats.endToEnd.p99 <= deliveryBarMs &&
    (ack === undefined || ack.p99 <= ackBarMs) &&
    accepted >= stats.sent * 0.999;
  return {
    rate,
    acceptedPerSec: Math.round(accepted / seconds),
    deliveriesPerSec: Math.round(stats.deliveries / seconds),
    delivered,
    ack,
    endToEnd: stats.endToEnd,
    serverCpuPercent: stats.serverCpuPercent,
    loadCpuPercent: stats.loadCpuPercent,
    clientBound: stats.clientBound,
    passed,
  };
}

/**
 * S1, S3 and S4 on one set of connections: rooms of 10, 5% of the connections in rooms of 100,
 * every connection a publisher, one in fifty a full client.
 */
export async function runChat(system: SystemName, scale: Scale): Promise<ChatResult> {
  const c = scale.chat;
  const topology = roomsOf({
    connections: c.connections,
    size: 10,
    bigSize: 100,
    bigShare: 0.05,
    publishEvery: 1,
    fullEvery: 50,
  });
  const session = await Session.start(system, topology, {
    loadProcesses: c.loadProcesses,
    serverNodeArgs: scale.serverNodeArgs ?? [],
  });
  const acks = system === 'natter';
  try {
    // S1: idle authenticated connections.
    await sleep(1000);
    const emptyRss = session.serverRss();
    await session.reset();
    const opened = await session.open(c.concurrency, 60_000);
    const connected = await session.snapshot();
    await sleep(2000);
    const rss = session.serverRss();
    const s1: ConnectionsResult = {
      requested: c.connections,
      connected: opened.ready,
      connectMs: opened.ms,
      handshake: connected.handshake,
      ready: connected.ready,
      emptyRssBytes: emptyRss,
      rssBytes: rss,
      bytesPerConnection: opened.ready > 0 ? Math.round((rss - emptyRss) / opened.ready) : 0,
      loadCpuPercent: connected.loadCpuPercent,
    };
    console.log(
      `  S1 ${system}: ${opened.ready}/${c.connections} in ${opened.ms} ms, handshake p99 ${s1.handshake.p99} ms, ` +
        `${(s1.bytesPerConnection / 1024).toFixed(1)} KB/connection`,
    );

    // S3: stepped rates.
    await session.warmUp(c.rates[0] ?? 100, 2000, scale.bodyBytes);
    const steps: ChatStep[] = [];
    const windows = new Map<number, WindowStats>();
    const attempts = c.rates.flatMap((rate) => [rate, rate]);
    for (let i = 0; i < attempts.length; i++) {
      const rate = attempts[i] ?? 0;
      // Each rate has a second attempt, used only when the first fails: the cores are shared,
      // and one scheduling hiccup should not end the steps.
      if (i % 2 === 1 && steps.at(-1)?.passed === true) continue;
      await session.reset();
      await session.publish(rate, c.windowMs, scale.bodyBytes);
      await session.settle();
      const stats = await session.snapshot();
      windows.set(rate, stats);
      const step = chatStep(rate, stats, await session.expectedDeliveries(), c.windowMs, acks);
      steps.push(step);
      console.log(
        `  S3 ${system} ${rate} msg/s: accepted ${step.acceptedPerSec}/s, delivered ${(step.delivered * 100).toFixed(2)}%, ` +
          `ack p99 ${step.ack?.p99 ?? 'n/a'} ms, delivery p99 ${step.endToEnd.p99} ms, server ${step.serverCpuPercent}% load ${step.loadCpuPercent}% CPU`,
      );
      if (!step.passed && i % 2 === 1) break;
    }
    const best = steps.filter((s) => s.passed).at(-1);
    const s3Final = await session.finalize();

    // S4: the best passing rate (or the lowest tried), with trouble.
    const rate = best?.rate ?? c.rates[0] ?? 100;
    const baselineP99 = windows.get(rate)?.endToEnd.p99 ?? 0;
    const stalledIds = session.specs.filter((s) => s.id % 20 === 7 && !s.full).map((s) => s.id);
    const rssBefore = session.serverRss();
    await session.stall(stalledIds);
    await session.reset();
    await session.publish(rate, c.windowMs, scale.bodyBytes);
    await session.settle();
    const stalledWindow = await session.snapshot();
    const rssAfter = session.serverRss();
    await session.expectedDeliveries();

    const stalled = new Set(stalledIds);
    const dropIds = session.specs
      .filter((s) => !stalled.has(s.id))
      .slice(0, c.drop)
      .map((s) => s.id);
    await session.reset();
    const started = performance.now();
    const [reconnected] = await Promise.all([
      session.reconnect(dropIds, c.reconnectSpreadMs, c.reconnectSpreadMs + 20_000),
      session.publish(rate, c.reconnectSpreadMs + 2000, scale.bodyBytes),
    ]);
    const reconnectMs = Math.round(performance.now() - started);
    await session.settle();
    const dropWindow = await session.snapshot();
    // The peers have no resume: what a dropped client missed is gone, by design. Count only the others.
    if (!acks) await session.exclude(dropIds);
    const final = await session.finalize();
    const s4: TroubleResult = {
      rate,
      stalled: stalledIds.length,
      healthy: stalledWindow.endToEnd,
      baselineP99,
      serverRssBeforeStall: rssBefore,
      serverRssAfterStall: rssAfter,
      slowConsumerCloses: (stalledWindow.closes['4020'] ?? 0) + (dropWindow.closes['4020'] ?? 0),
      dropped: dropIds.length,
      reconnected,
      reconnectMs,
      retries: dropWindow.retries,
      closesDuringReconnect: dropWindow.closes,
      catchUp: dropWindow.catchUp,
      resumed: dropWindow.resumed,
      resumeGaps: dropWindow.resumeGaps + dropWindow.seqGaps,
      resumeRepeats: dropWindow.resumeRepeats + dropWindow.seqRepeats,
      lost: final.lost,
      duplicates: final.duplicates,
    };
    console.log(
      `  S4 ${system}: healthy p99 ${s4.healthy.p99} ms (S3 ${baselineP99} ms), ${reconnected}/${dropIds.length} back in ${reconnectMs} ms, ` +
        `catch-up p99 ${s4.catchUp.p99} ms, retries ${s4.retries} (closes ${JSON.stringify(s4.closesDuringReconnect)}), ` +
        `resume gaps ${s4.resumeGaps} repeats ${s4.resumeRepeats}, lost ${s4.lost} dup ${s4.duplicates}`,
    );
    return {
      s1,
      s3: { connections: c.connections, steps, best, lost: s3Final.lost, duplicates: s3Final.duplicates },
      s4,
    };
  } finally {
    await session.stop();
  }
}
