import type { ConnSpec } from '../load/plan.ts';
import { sourceAddress } from '../load/plan.ts';

/** Rooms of a scenario, by member connection indices; one user per connection. */
export interface Topology {
  connections: number;
  rooms: { name: string; members: number[] }[];
  /** Connections that publish. */
  publishers: ReadonlySet<number>;
  /** Connections that parse every frame and measure latency. */
  full: ReadonlySet<number>;
}

/**
 * `connections` members in rooms of `size`, except that the first `bigShare` of the connections
 * are in rooms of `bigSize` (S3's "5% in rooms of 100"). Every `publishEvery`-th member of a room
 * publishes, and `fullPerRoom` members of each room are full clients (spread over rooms by `fullEvery`).
 */
export function roomsOf(options: {
  connections: number;
  size: number;
  bigSize?: number;
  bigShare?: number;
  publishEvery: number;
  fullEvery: number;
}): Topology {
  const rooms: Topology['rooms'] = [];
  const publishers = new Set<number>();
  const full = new Set<number>();
  const bigCount = Math.floor(options.connections * (options.bigShare ?? 0));
  let next = 0;
  while (next < options.connections) {
    const size = next < bigCount ? (options.bigSize ?? options.size) : options.size;
    const members: number[] = [];
    for (let i = 0; i < size && next < options.connections; i++) members.push(next++);
    rooms.push({ name: `r${rooms.length}`, members });
  }
  let position = 0;
  for (const room of rooms) {
    room.members.forEach((member, i) => {
      if (i % options.publishEvery === 0) publishers.add(member);
      if (position++ % options.fullEvery === 0) full.add(member);
    });
  }
  return { connections: options.connections, rooms, publishers, full };
}

/** Connection specs for the peers, which know rooms by name and need no accounts. */
export function peerSpecs(topology: Topology): ConnSpec[] {
  const specs: ConnSpec[] = [];
  for (const room of topology.rooms) {
    for (const id of room.members) {
      specs.push({
        id,
        room: room.name,
        publisher: topology.publishers.has(id),
        full: topology.full.has(id),
        source: sourceAddress(id),
      });
    }
  }
  return specs.sort((a, b) => a.id - b.id);
}
