/** How big each scenario is: the full bars of the issue, or a quick pass of everything. */
export interface Scale {
  name: 'quick' | 'full';
  floor: { connections: number; rate: number; windowMs: number };
  /** S1, S3 and S4 share one set of connections per system. */
  chat: {
    connections: number;
    loadProcesses: number;
    /** S3's stepped publish rates, messages/s; the steps stop at the first that misses a bar. */
    rates: readonly number[];
    windowMs: number;
    /** S4: connections dropped at once, and the time over which they come back. */
    drop: number;
    reconnectSpreadMs: number;
    concurrency: number;
  };
  bigRoom: { members: number; startRate: number; factor: number; maxSteps: number; windowMs: number };
  bodyBytes: number;
  /** Node flags for the systems' server processes, such as --cpu-prof. */
  serverNodeArgs?: readonly string[];
}

export const scales: Record<'quick' | 'full', Scale> = {
  quick: {
    name: 'quick',
    floor: { connections: 10, rate: 50, windowMs: 1500 },
    chat: {
      connections: 600,
      loadProcesses: 1,
      rates: [150, 600],
      windowMs: 2000,
      drop: 300,
      reconnectSpreadMs: 1000,
      concurrency: 100,
    },
    bigRoom: { members: 200, startRate: 50, factor: 3, maxSteps: 3, windowMs: 1500 },
    bodyBytes: 150,
  },
  full: {
    name: 'full',
    floor: { connections: 10, rate: 50, windowMs: 3000 },
    chat: {
      connections: 19_500,
      loadProcesses: 2,
      rates: [2500, 5000, 10_000, 15_000, 20_000],
      windowMs: 5000,
      drop: 10_000,
      reconnectSpreadMs: 5000,
      concurrency: 250,
    },
    bigRoom: { members: 1000, startRate: 25, factor: 1.5, maxSteps: 14, windowMs: 4000 },
    bodyBytes: 150,
  },
};
