import { authSubprotocolPrefix, realtimePath, subprotocols } from '@natter/protocol';
import type { ConnSpec, Cursor, SystemName } from './plan.ts';

/** How a load connection speaks to one system: what it sends, and what each message it gets means. */
export interface Dialect {
  path(spec: ConnSpec): string;
  protocols(spec: ConnSpec): string[];
  /** Natter answers sends with a result after the commit; the peers do not acknowledge. */
  readonly acks: boolean;
  /** The text message that publishes `body` to the connection's room; `frameId` is for the ack. */
  publish(spec: ConnSpec, frameId: number, txnId: string, body: string): string;
  /** Classifies a message by its first bytes, without decoding it. */
  kind(buffer: Buffer, start: number, end: number): MessageKind;
}

/**
 * What a message is. `handshake` messages are answered by the connection's dialect-specific
 * steps (Natter's hello, Socket.IO's open and connect packets).
 */
export type MessageKind = 'delivery' | 'result' | 'error' | 'handshake' | 'ping' | 'other';

function startsWith(buffer: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  return buffer.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
}

const natterPrefixes = {
  event: Buffer.from('{"type":"event"'),
  result: Buffer.from('{"type":"result"'),
  error: Buffer.from('{"type":"error"'),
  hello: Buffer.from('{"type":"hello"'),
};

/** Natter's realtime protocol, JSON encoding, authenticated by subprotocol. */
export const natterDialect: Dialect = {
  path: () => realtimePath,
  protocols: (spec) => [subprotocols.json, `${authSubprotocolPrefix}${spec.token ?? ''}`],
  acks: true,
  publish: (spec, frameId, txnId, body) =>
    JSON.stringify({ id: frameId, op: 'sendMessage', input: { params: { roomId: spec.room }, body: { txnId, body } } }),
  kind(buffer, start, end) {
    if (startsWith(buffer, start, end, natterPrefixes.event)) return 'delivery';
    if (startsWith(buffer, start, end, natterPrefixes.result)) return 'result';
    if (startsWith(buffer, start, end, natterPrefixes.error)) return 'error';
    if (startsWith(buffer, start, end, natterPrefixes.hello)) return 'handshake';
    return 'other';
  },
};

/** The `sync` frame that starts live delivery from `cursor`. */
export function natterSyncFrame(frameId: number, cursor: Cursor): string {
  return JSON.stringify({ id: frameId, op: 'sync', input: { body: { cursor } } });
}

const seqKey = Buffer.from('"seq":');

/**
 * The stream seq of a Natter event frame, read without parsing: toWire puts `seq` right after the
 * stream and room id, so the first `"seq":` in the frame is the event's.
 */
export function natterEventSeq(buffer: Buffer, start: number, end: number): number {
  let at = buffer.indexOf(seqKey, start);
  if (at < 0 || at >= end) return -1;
  at += seqKey.length;
  let seq = 0;
  for (; at < end; at++) {
    const byte = buffer[at] ?? 0;
    if (byte < 0x30 || byte > 0x39) break;
    seq = seq * 10 + byte - 0x30;
  }
  return seq;
}

const socketIo = {
  event: Buffer.from('42['),
  ack: Buffer.from('43'),
  open: Buffer.from('0{'),
  connect: Buffer.from('40'),
};

/**
 * Socket.IO 4 over its WebSocket transport (Engine.IO 4): `0{…}` opens, `40` connects to the
 * default namespace, `2`/`3` are ping and pong, `42[…]` events, `43…` acks.
 */
export const socketIoDialect: Dialect = {
  path: () => '/socket.io/?EIO=4&transport=websocket',
  protocols: () => [],
  acks: false,
  publish: (spec, _frameId, _txnId, body) => `42${JSON.stringify(['msg', spec.room, body])}`,
  kind(buffer, start, end) {
    if (startsWith(buffer, start, end, socketIo.event)) return 'delivery';
    if (end - start === 1 && buffer[start] === 0x32) return 'ping';
    if (startsWith(buffer, start, end, socketIo.ack)) return 'result';
    if (startsWith(buffer, start, end, socketIo.open) || startsWith(buffer, start, end, socketIo.connect)) {
      return 'handshake';
    }
    return 'other';
  },
};

/** The raw ws broadcast server: the room is in the URL, every text message is a delivery. */
export const wsDialect: Dialect = {
  path: (spec) => `/?room=${encodeURIComponent(spec.room)}`,
  protocols: () => [],
  acks: false,
  publish: (_spec, _frameId, _txnId, body) => body,
  kind: () => 'delivery',
};

export const dialects: Record<SystemName, Dialect> = {
  natter: natterDialect,
  socketio: socketIoDialect,
  ws: wsDialect,
};
