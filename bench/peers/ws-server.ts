// The raw `ws` peer: the ceiling of this machine for a broadcast server. The room is named in the
// URL; every text message from a member goes to every member, the sender included. Each message is
// framed once and the same bytes are queued to every recipient; each socket is written once per
// event-loop turn (PERFORMANCE-NOTES: that is what takes a core from ~130k to ~1M deliveries/s).
// Nothing is stored, nothing authenticated. Prints `listening <port>`.
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { encodeFrame, opcodes } from '../lib/ws-frames.ts';

interface Member {
  socket: Duplex;
  queue: Buffer[];
}

const rooms = new Map<string, Set<Member>>();
let dirty: Member[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const members = dirty;
  dirty = [];
  for (const member of members) {
    const queue = member.queue;
    member.queue = [];
    if (member.socket.destroyed) continue;
    if (queue.length === 1) member.socket.write(queue[0]);
    else member.socket.write(Buffer.concat(queue));
  }
}

function broadcast(room: Set<Member>, payload: Buffer): void {
  const frame = encodeFrame(opcodes.text, payload, false);
  for (const member of room) {
    if (member.queue.push(frame) === 1) dirty.push(member);
  }
  if (!scheduled && dirty.length > 0) {
    scheduled = true;
    setImmediate(flush);
  }
}

const server = createServer();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 65536, clientTracking: false });

server.on('upgrade', (request, socket, head) => {
  const name = new URL(request.url ?? '/', 'http://peer').searchParams.get('room') ?? '';
  wss.handleUpgrade(request, socket, head, (ws) => {
    const room = rooms.get(name) ?? new Set<Member>();
    rooms.set(name, room);
    const member: Member = { socket, queue: [] };
    room.add(member);
    ws.on('message', (data, isBinary) => {
      if (!isBinary && Buffer.isBuffer(data)) broadcast(room, data);
    });
    ws.on('error', () => {
      // The close event follows.
    });
    ws.on('close', () => {
      room.delete(member);
    });
  });
});

server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') console.log(`listening ${address.port}`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
