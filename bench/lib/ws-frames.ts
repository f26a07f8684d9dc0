import { randomFillSync } from 'node:crypto';

/** WebSocket opcodes the harness cares about (RFC 6455 §5.2). */
export const opcodes = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/**
 * Called once per complete message. The payload is `buffer[start, end)`: a view, valid only during
 * the call, so a sink that merely counts never copies or decodes anything.
 */
export type MessageHandler = (opcode: number, buffer: Buffer, start: number, end: number) => void;

/**
 * Incremental reader of server-to-client WebSocket frames, written for the load generator's sinks:
 * it reads the 2–14 byte header, and hands over a view of the payload. TCP delivers frames cut at
 * arbitrary points and many per chunk; the unread tail of a chunk is kept until the next one.
 * Fragmented messages (FIN clear) are reassembled; control frames may arrive between fragments.
 * Masked frames (which servers never send) are unmasked, so the reader also serves tests.
 */
export class FrameReader {
  readonly #onMessage: MessageHandler;
  #rest: Buffer | undefined;
  #fragments: Buffer[] = [];
  #fragmentOpcode = 0;

  constructor(onMessage: MessageHandler) {
    this.#onMessage = onMessage;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.#rest?.length ?? 0;
  }

  /** Feeds one chunk as read from the socket. Throws on a frame length the harness cannot hold. */
  push(chunk: Buffer): void {
    const buffer = this.#rest === undefined ? chunk : Buffer.concat([this.#rest, chunk]);
    this.#rest = undefined;
    let offset = 0;
    const length = buffer.length;
    while (length - offset >= 2) {
      const b0 = buffer[offset] ?? 0;
      const b1 = buffer[offset + 1] ?? 0;
      let size = b1 & 0x7f;
      let header = 2;
      if (size === 126) {
        if (length - offset < 4) break;
        size = buffer.readUInt16BE(offset + 2);
        header = 4;
      } else if (size === 127) {
        if (length - offset < 10) break;
        const big = buffer.readBigUInt64BE(offset + 2);
        if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('frame too large');
        size = Number(big);
        header = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      if (masked) header += 4;
      if (length - offset < header + size) break;
      const start = offset + header;
      const end = start + size;
      if (masked) unmask(buffer, start - 4, start, end);
      this.#frame((b0 & 0x80) !== 0, b0 & 0x0f, buffer, start, end);
      offset = end;
    }
    if (offset < length) this.#rest = buffer.subarray(offset);
  }

  #frame(fin: boolean, opcode: number, buffer: Buffer, start: number, end: number): void {
    if (opcode >= 8) {
      this.#onMessage(opcode, buffer, start, end);
      return;
    }
    if (fin && opcode !== opcodes.continuation && this.#fragments.length === 0) {
      this.#onMessage(opcode, buffer, start, end);
      return;
    }
    if (opcode !== opcodes.continuation) this.#fragmentOpcode = opcode;
    // Copied: the chunk the view points into is reused once this call returns.
    this.#fragments.push(Buffer.from(buffer.subarray(start, end)));
    if (!fin) return;
    const whole = Buffer.concat(this.#fragments);
    this.#fragments = [];
    this.#onMessage(this.#fragmentOpcode, whole, 0, whole.length);
  }
}

function unmask(buffer: Buffer, keyAt: number, start: number, end: number): void {
  for (let i = start; i < end; i++) buffer[i] = (buffer[i] ?? 0) ^ (buffer[keyAt + ((i - start) & 3)] ?? 0);
}

const maskPool = Buffer.alloc(4096);
let maskOffset = maskPool.length;

/** Four bytes of masking key, drawn from a pool refilled with random bytes (RFC 6455 §5.3). */
function nextMask(): Buffer {
  if (maskOffset + 4 > maskPool.length) {
    randomFillSync(maskPool);
    maskOffset = 0;
  }
  const key = maskPool.subarray(maskOffset, maskOffset + 4);
  maskOffset += 4;
  return key;
}

/**
 * One complete frame (FIN set). Clients must mask what they send; `mask: false` builds the
 * unmasked frames a server sends, for tests and the peers.
 */
export function encodeFrame(opcode: number, payload: Buffer, mask = true): Buffer {
  const size = payload.length;
  const lengthBytes = size < 126 ? 0 : size < 65536 ? 2 : 8;
  const header = 2 + lengthBytes + (mask ? 4 : 0);
  const frame = Buffer.allocUnsafe(header + size);
  frame[0] = 0x80 | opcode;
  const maskBit = mask ? 0x80 : 0;
  if (lengthBytes === 0) frame[1] = maskBit | size;
  else if (lengthBytes === 2) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(size, 2);
  } else {
    frame[1] = maskBit | 127;
    frame.writeBigUInt64BE(BigInt(size), 2);
  }
  if (!mask) {
    payload.copy(frame, header);
    return frame;
  }
  const key = nextMask();
  key.copy(frame, header - 4);
  for (let i = 0; i < size; i++) frame[header + i] = (payload[i] ?? 0) ^ (key[i & 3] ?? 0);
  return frame;
}

/** A masked text frame. */
export function textFrame(text: string): Buffer {
  return encodeFrame(opcodes.text, Buffer.from(text));
}
