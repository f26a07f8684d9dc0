/** The three systems every scenario runs against. */
export const systemNames = ['natter', 'socketio', 'ws'] as const;
export type SystemName = (typeof systemNames)[number];

/** Natter's position in its streams, as `sync` takes it. */
export interface Cursor {
  user: number;
  rooms: Record<string, number>;
}

/** One connection of a scenario, as the orchestrator plans it and a load process opens it. */
export interface ConnSpec {
  /** Unique in the run; also the publisher id stamped into its messages. */
  id: number;
  /** Natter room id, or the room's name on the peers. */
  room: string;
  /** Natter access token; unused by the peers. */
  token?: string;
  /** Natter: where the connection starts following its streams. */
  cursor?: Cursor;
  /** Takes part in the open-loop publishing. */
  publisher: boolean;
  /** Parses every frame and records end-to-end latency; the others are counting sinks. */
  full: boolean;
  /** Source address in 127.0.0.0/8. */
  source: string;
}

/** Where the system under test listens. */
export interface Target {
  system: SystemName;
  host: string;
  port: number;
}

/** Spreads connections over source addresses, `perAddress` each (ephemeral ports run out otherwise). */
export function sourceAddress(index: number, perAddress = 2000): string {
  return `127.0.0.${2 + Math.floor(index / perAddress)}`;
}
