import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { FrameReader, encodeFrame, opcodes, textFrame } from '../lib/ws-frames.ts';

/** Where and how to connect. */
export interface RawWebSocketOptions {
  host: string;
  port: number;
  /** Path and query of the upgrade request. */
  path: string;
  /** Offered in Sec-WebSocket-Protocol, in order. */
  protocols?: readonly string[];
  /** Source address in 127.0.0.0/8, so connections spread over more than one port range. */
  localAddress?: string;
}

/** What the owner of a socket hears. */
export interface RawWebSocketEvents {
  /** The server answered 101: frames may flow. */
  onOpen(): void;
  /** A text or binary message; the payload is `buffer[start, end)`, valid during the call only. */
  onMessage(opcode: number, buffer: Buffer, start: number, end: number): void;
  /** The socket is gone; `code` is the close frame's code when the server sent one. */
  onClose(code: number | undefined): void;
}

const guid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const headerEnd = Buffer.from('\r\n\r\n');

/**
 * A WebSocket client on a bare TCP socket. The load generator holds thousands of these in one
 * process, so it does no more than the protocol requires: the upgrade, a frame header reader,
 * masked writes, pong and close answers. Messages are handed over as views, undecoded.
 */
export class RawWebSocket {
  readonly #socket: Socket;
  readonly #events: RawWebSocketEvents;
  readonly #reader: FrameReader;
  #head: Buffer | undefined = Buffer.alloc(0);
  #expectedAccept = '';
  #closeCode: number | undefined;
  #closed = false;

  constructor(options: RawWebSocketOptions, events: RawWebSocketEvents) {
    this.#events = events;
    this.#reader = new FrameReader((opcode, buffer, start, end) => {
      this.#onFrame(opcode, buffer, start, end);
    });
    const key = randomBytes(16).toString('base64');
    this.#expectedAccept = createHash('sha1')
      .update(key + guid)
      .digest('base64');
    const socket = connect({
      host: options.host,
      port: options.port,
      noDelay: true,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    this.#socket = socket;
    const protocols = options.protocols?.length ? `Sec-WebSocket-Protocol: ${options.protocols.join(', ')}\r\n` : '';
    socket.write(
      `GET ${options.path} HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${protocols}\r\n`,
    );
    socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk);
    });
    socket.on('error', () => {
      // The close event follows and reports it.
    });
    socket.on('close', () => {
      this.#finish();
    });
  }

  /** Sends one text message. */
  send(text: string): void {
    if (!this.#closed) this.#socket.write(textFrame(text));
  }

  /** Stops reading: the kernel buffers fill, then the server's; the server sees a slow consumer. */
  pause(): void {
    this.#socket.pause();
  }

  /** Drops the TCP connection without a close handshake, like a lost network. */
  destroy(): void {
    this.#socket.destroy();
  }

  /** Bytes the kernel has not yet taken from us. */
  get writableLength(): number {
    return this.#socket.writableLength;
  }

  #onData(chunk: Buffer): void {
    if (this.#head === undefined) {
      this.#reader.push(chunk);
      return;
    }
    const head = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
    const end = head.indexOf(headerEnd);
    if (end < 0) {
      this.#head = head;
      return;
    }
    this.#head = undefined;
    const response = head.subarray(0, end).toString('latin1');
    const accept = /^sec-websocket-accept:\s*(\S+)/im.exec(response)?.[1];
    if (!response.startsWith('HTTP/1.1 101') || accept !== this.#expectedAccept) {
      this.#socket.destroy();
      return;
    }
    this.#events.onOpen();
    if (end + 4 < head.length) this.#reader.push(head.subarray(end + 4));
  }

  #onFrame(opcode: number, buffer: Buffer, start: number, end: number): void {
    switch (opcode) {
      case opcodes.text:
      case opcodes.binary:
        this.#events.onMessage(opcode, buffer, start, end);
        return;
      case opcodes.ping:
        this.#socket.write(encodeFrame(opcodes.pong, Buffer.from(buffer.subarray(start, end))));
        return;
      case opcodes.close:
        this.#closeCode = end - start >= 2 ? buffer.readUInt16BE(start) : undefined;
        this.#socket.end(encodeFrame(opcodes.close, Buffer.from(buffer.subarray(start, Math.min(end, start + 2)))));
        return;
      default:
        return;
    }
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.onClose(this.#closeCode);
  }
}
