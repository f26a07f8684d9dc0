import type { LatencySummary } from '../lib/latency.ts';
import type { SystemName } from '../load/plan.ts';
import { roomsOf } from '../systems/topology.ts';
import type { Scale } from './scale.ts';
import { Session } from './session.ts';

/** One publish rate of S2. */
export interface BigRoomStep {
  rate: number;
  deliveriesPerSec: number;
  /** Deliveries over those the accepted messages should have produced (1 = all delivered). */
  delivered: number;
  endToEnd: LatencySummary;
  serverCpuPercent: number;
  loadCpuPercent: number;
  clientBound: boolean;
}

/** S2 for one system. */
export interface BigRoomResult {
  members: number;
  steps: BigRoomStep[];
  /** The best step with p99 ≤ 50 ms and everything delivered, if any. */
  best: BigRoomStep | undefined;
  lost: number;
  duplicates: number;
}

export const latencyBarMs = 50;

/**
 * S2, one room of `members`: the publish rate goes up by `factor` each step until p99 passes
 * 50 ms, delivery falls short (twice running at the same rate), or the steps run out. Throughput is what arrived per second of
 * publishing, stragglers included; latency comes from the full clients.
 */
export async function runBigRoom(system: SystemName, scale: Scale): Promise<BigRoomResult> {
  const { members, startRate, factor, maxSteps, windowMs } = scale.bigRoom;
  const every = Math.max(1, Math.round(members / 20));
  const topology = roomsOf({ connections: members, size: members, publishEvery: every, fullEvery: every });
  const session = await Session.start(system, topology, {
    loadProcesses: 1,
    serverNodeArgs: scale.serverNodeArgs ?? [],
  });
  try {
    const opened = await session.open(scale.chat.concurrency);
    if (opened.ready < members) throw new Error(`S2 ${system}: only ${opened.ready} of ${members} connected`);
    await session.warmUp(startRate, 1500, scale.bodyBytes);
    const steps: BigRoomStep[] = [];
    let rate = startRate;
    let retried = false;
    for (let i = 0; i < maxSteps; i++) {
      await session.reset();
      await session.publish(rate, windowMs, scale.bodyBytes);
      await session.settle();
      const stats = await session.snapshot();
      const expected = await session.expectedDeliveries();
      const step: BigRoomStep = {
        rate: Math.round(rate),
        deliveriesPerSec: Math.round(stats.deliveries / (windowMs / 1000)),
        delivered: expected === 0 ? 1 : stats.deliveries / expected,
        endToEnd: stats.endToEnd,
        serverCpuPercent: stats.serverCpuPercent,
        loadCpuPercent: stats.loadCpuPercent,
        clientBound: stats.clientBound,
      };
      steps.push(step);
      console.log(
        `  S2 ${system} ${step.rate} msg/s: ${step.deliveriesPerSec} deliveries/s, p99 ${step.endToEnd.p99} ms, ` +
          `delivered ${(step.delivered * 100).toFixed(2)}%, server ${step.serverCpuPercent}% load ${step.loadCpuPercent}% CPU`,
      );
      if (step.endToEnd.p99 > latencyBarMs || step.delivered < 1) {
        // These cores are shared: one scheduling hiccup can fail a step. A rate fails only twice in a row.
        if (retried) break;
        retried = true;
        continue;
      }
      retried = false;
      rate *= factor;
    }
    const final = await session.finalize();
    const passing = steps.filter((s) => s.endToEnd.p99 <= latencyBarMs && s.delivered >= 1);
    const best = passing.reduce<BigRoomStep | undefined>(
      (a, s) => (a === undefined || s.deliveriesPerSec > a.deliveriesPerSec ? s : a),
      undefined,
    );
    return { members, steps, best, lost: final.lost, duplicates: final.duplicates };
  } finally {
    await session.stop();
  }
}
