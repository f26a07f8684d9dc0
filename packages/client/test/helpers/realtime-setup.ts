// Wiring shared by the realtime tests: a fake server, a signed-in NatterClient, a connection with
// fast backoff, and a record of everything the connection emitted.
import type { AnyEvent, Cursor } from '@natter/protocol';
import { NatterClient } from '../../src/natter-client.ts';
import { RealtimeConnection } from '../../src/realtime/connection.ts';
import type {
  ConnectionState,
  EndedInfo,
  GapInfo,
  RealtimeOptions,
  RoomSnapshotInfo,
} from '../../src/realtime/connection-types.ts';
import { FakeRealtimeServer, until, type FakeRealtimeOptions } from './fake-realtime-server.ts';

/** Everything a connection emitted, in order. */
export interface Seen {
  readonly events: AnyEvent[];
  readonly states: ConnectionState[];
  readonly gaps: GapInfo[];
  readonly rooms: RoomSnapshotInfo[];
  readonly ended: EndedInfo[];
  readonly cursors: Cursor[];
  readonly errors: Error[];
}

/** A fake server with a connection to it. */
export interface Setup {
  readonly server: FakeRealtimeServer;
  readonly client: NatterClient;
  readonly connection: RealtimeConnection;
  readonly seen: Seen;
  /** Waits until the connection is live `times` times in all. */
  readonly live: (times?: number) => Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Closes what the tests of this file opened; call from afterEach. */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** Starts a fake server and connects to it; `prepare` runs before the connection opens. */
export async function connect(
  options: {
    server?: FakeRealtimeOptions;
    connection?: RealtimeOptions;
    prepare?: (server: FakeRealtimeServer) => void;
  } = {},
): Promise<Setup> {
  const server = await FakeRealtimeServer.start(options.server);
  cleanups.push(() => server.close());
  options.prepare?.(server);
  const client = new NatterClient({ baseUrl: server.baseUrl, session: server.issue() });
  const seen: Seen = { events: [], states: [], gaps: [], rooms: [], ended: [], cursors: [], errors: [] };
  const connection = new RealtimeConnection(client, {
    backoff: { baseMs: 20, maxMs: 40 },
    heartbeatMs: 0,
    onCursor: (cursor) => seen.cursors.push(cursor),
    ...options.connection,
  });
  cleanups.push(() => {
    connection.close();
  });
  connection.on('event', (event) => seen.events.push(event));
  connection.on('state', (state) => seen.states.push(state));
  connection.on('gap', (gap) => seen.gaps.push(gap));
  connection.on('room', (room) => seen.rooms.push(room));
  connection.on('ended', (info) => seen.ended.push(info));
  connection.on('error', (error) => seen.errors.push(error));
  const live = (times = 1) =>
    until(() => seen.states.filter((s) => s === 'live').length >= times, 3_000, `live #${times}`);
  return { server, client, connection, seen, live };
}

/** `roomId:seq` of each room event seen, for compact assertions. */
export function seqs(events: readonly AnyEvent[]): string[] {
  return events.map((event) => (event.stream === 'room' ? `${event.roomId}:${event.seq}` : `user:${event.seq}`));
}
