import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Encoding, FrameType } from './codec.ts';

/**
 * Plain counters the hot path bumps; prom-client reads them only when scraped. A labelled
 * `inc()` per delivery would cost a hash lookup per recipient on a path meant to reach ~1M/s.
 */
export class GatewayStats {
  /** Client frames by op (known ops only; 'unknown', 'unreadable' and 'rate_limited' otherwise). */
  readonly framesIn = new Map<string, number>();
  /** Server frames queued to sockets, by frame type. */
  readonly framesOut: Record<FrameType, number> = {
    hello: 0,
    result: 0,
    error: 0,
    event: 0,
    typing: 0,
    presence: 0,
  };
  /** Typing and presence frames dropped above a socket's soft cap. */
  ephemeralDropped = 0;
  /** Connections closed because their outbound buffer passed the hard cap. */
  slowConsumerCloses = 0;
  /** Shared frames serialised, by encoding: compare with framesOut to see the fan-out factor. */
  readonly encodings: Record<Encoding, number> = { json: 0, msgpack: 0 };

  /** Counts one client frame under `label`. */
  frameIn(label: string): void {
    this.framesIn.set(label, (this.framesIn.get(label) ?? 0) + 1);
  }
}

/** The gateway's Prometheus metrics, registered on `registry`; `unregister` removes them again. */
export function registerGatewayMetrics(
  registry: Registry,
  stats: GatewayStats,
  connectionCount: () => number,
): { fanoutBatch: Histogram; unregister(): void } {
  const registers = [registry];
  const names = [
    'natter_ws_connections',
    'natter_ws_frames_in_total',
    'natter_ws_frames_out_total',
    'natter_ws_ephemeral_dropped_total',
    'natter_ws_slow_consumer_closes_total',
    'natter_ws_shared_encodings_total',
    'natter_ws_fanout_batch_seconds',
  ];
  // Each registers itself on `registry`; the registry is all that needs to hold them.
  new Gauge({
    name: 'natter_ws_connections',
    help: 'Open realtime connections on this instance.',
    registers,
    collect() {
      this.set(connectionCount());
    },
  });
  new Counter({
    name: 'natter_ws_frames_in_total',
    help: 'Client frames received, by op.',
    labelNames: ['type'],
    registers,
    collect() {
      this.reset();
      for (const [type, count] of stats.framesIn) this.inc({ type }, count);
    },
  });
  new Counter({
    name: 'natter_ws_frames_out_total',
    help: 'Server frames queued to sockets, by frame type.',
    labelNames: ['type'],
    registers,
    collect() {
      this.reset();
      for (const [type, count] of Object.entries(stats.framesOut)) this.inc({ type }, count);
    },
  });
  new Counter({
    name: 'natter_ws_ephemeral_dropped_total',
    help: 'Typing and presence frames dropped because a socket was above its soft buffer cap.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.ephemeralDropped);
    },
  });
  new Counter({
    name: 'natter_ws_slow_consumer_closes_total',
    help: 'Connections closed because their outbound buffer passed the hard cap.',
    registers,
    collect() {
      this.reset();
      this.inc(stats.slowConsumerCloses);
    },
  });
  new Counter({
    name: 'natter_ws_shared_encodings_total',
    help: 'Broadcast frames serialised and framed, by encoding (once per frame, not per recipient).',
    labelNames: ['encoding'],
    registers,
    collect() {
      this.reset();
      for (const [encoding, count] of Object.entries(stats.encodings)) this.inc({ encoding }, count);
    },
  });
  const fanoutBatch = new Histogram({
    name: 'natter_ws_fanout_batch_seconds',
    help: 'Time one fan-out batch held the event loop (one turn: at most fanoutSlice deliveries).',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers,
  });
  return {
    fanoutBatch,
    unregister() {
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
