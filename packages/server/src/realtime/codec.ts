import { subprotocols, type ServerFrame } from '@natter/protocol';
import { Packr, Unpackr } from 'msgpackr';
import * as wsModule from 'ws';
import type { RawData } from 'ws';

/** The wire encodings a connection chooses between with its subprotocol. */
export type Encoding = 'json' | 'msgpack';

/** The kind of a server frame, as counted in metrics. */
export type FrameType = ServerFrame['type'];

/** The encoding a subprotocol names, or undefined for any other subprotocol. */
export function encodingOf(protocol: string): Encoding | undefined {
  if (protocol === subprotocols.json) return 'json';
  if (protocol === subprotocols.msgpack) return 'msgpack';
  return undefined;
}

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

// ws exports Sender at runtime but @types/ws leaves it out; frame() is the one call we need, and a
// ws upgrade that dropped it must fail at boot rather than on the first broadcast.
const sender = (wsModule as unknown as { Sender?: { frame(data: Buffer, options: FrameOptions): Buffer[] } }).Sender;
if (sender === undefined) throw new Error('ws does not export Sender.frame');
const wsSender = sender;

// Plain MessagePack: without msgpackr's record extension any MessagePack library can read it.
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/**
 * Wraps a payload in one final, unmasked WebSocket frame: header and payload in a single buffer,
 * so the bytes can be queued to any number of sockets as they are.
 */
export function frameBytes(payload: Buffer, encoding: Encoding): Buffer {
  const parts = wsSender.frame(payload, {
    fin: true,
    rsv1: false,
    opcode: encoding === 'json' ? 1 : 2,
    mask: false,
    readOnly: true,
  });
  // Concatenating also copies msgpackr's output out of the buffer it packs into next.
  return Buffer.concat(parts);
}

/** Serialises and frames one server frame (JSON text or MessagePack binary). */
export function encodeFrame(frame: ServerFrame, encoding: Encoding): Buffer {
  const payload = encoding === 'json' ? Buffer.from(JSON.stringify(frame)) : packr.pack(frame);
  return frameBytes(payload, encoding);
}

/** Decodes a client frame's payload; throws when it is not JSON or MessagePack. */
export function decodePayload(data: RawData, encoding: Encoding): unknown {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return encoding === 'json' ? (JSON.parse(bytes.toString('utf8')) as unknown) : (unpackr.unpack(bytes) as unknown);
}
