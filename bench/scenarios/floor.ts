import type { LatencySummary } from '../lib/latency.ts';
import { roomsOf } from '../systems/topology.ts';
import type { Scale } from './scale.ts';
import { Session } from './session.ts';

/** The harness's own latency floor. */
export interface FloorResult {
  system: string;
  rate: number;
  endToEnd: LatencySummary;
  loadCpuPercent: number;
}

/**
 * Measures the harness's own latency at low load, against the raw ws peer (the thinnest server
 * there is): whatever it shows is the floor under every other number.
 */
export async function runFloor(scale: Scale): Promise<FloorResult> {
  const { connections, rate, windowMs } = scale.floor;
  const topology = roomsOf({ connections, size: connections, publishEvery: 1, fullEvery: 1 });
  const session = await Session.start('ws', topology, { loadProcesses: 1 });
  try {
    await session.open(connections);
    await session.reset();
    await session.publish(rate, windowMs, scale.bodyBytes);
    await session.settle(1000);
    const stats = await session.snapshot();
    return { system: 'ws', rate, endToEnd: stats.endToEnd, loadCpuPercent: stats.loadCpuPercent };
  } finally {
    await session.stop();
  }
}
