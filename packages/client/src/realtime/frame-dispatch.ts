import type { ErrorFrame, HelloFrame, ResultFrame } from '@natter/protocol';
import type { RealtimeCodec, WireData } from './codec.ts';
import type { RealtimeEvents } from './connection-types.ts';
import type { Emitter } from './emitter.ts';
import type { Link } from './link.ts';
import { readServerFrame, type IncomingFrame } from './server-frames.ts';

/** What handling a server frame needs from the connection. */
export interface FrameHost {
  readonly codec: RealtimeCodec;
  readonly emitter: Emitter<RealtimeEvents>;
  /** The server greeted the socket. */
  greeted(link: Link, frame: HelloFrame): void;
  /** Settles the call a result or error answers; false when no call waits for it. */
  settle(frame: ResultFrame | ErrorFrame): boolean;
  /** A recoverable problem to report on `error`. */
  reportError(error: unknown): void;
}

type FrameHandlers = {
  readonly [T in IncomingFrame['type']]: (
    host: FrameHost,
    link: Link,
    frame: Extract<IncomingFrame, { type: T }>,
  ) => void;
};

const handlers: FrameHandlers = {
  hello: (host, link, frame) => {
    host.greeted(link, frame);
  },
  result: (host, _link, frame) => {
    host.settle(frame);
  },
  error: (host, _link, frame) => {
    // An error frame no call waits for (id null: the frame could not be read) is still reported.
    if (!host.settle(frame)) host.reportError(new Error(`${frame.error.code}: ${frame.error.message}`));
  },
  event: (_host, link, frame) => {
    if (link.ready) link.pipeline.push(frame);
  },
  typing: (host, _link, frame) => {
    host.emitter.emit('typing', frame);
  },
  presence: (host, _link, frame) => {
    host.emitter.emit('presence', frame);
  },
};

/** Decodes one message from a socket and hands it to the handler of its frame type. */
export function dispatchFrame(host: FrameHost, link: Link, data: WireData): void {
  if (link.closed) return;
  let frame: IncomingFrame | null;
  try {
    frame = readServerFrame(host.codec.decode(data));
  } catch (error) {
    host.reportError(new Error('Unreadable frame from the server', { cause: error }));
    return;
  }
  // Frame types this SDK does not know are ignored, as the protocol asks of clients.
  if (frame !== null)
    (handlers[frame.type] as (host: FrameHost, link: Link, frame: IncomingFrame) => void)(host, link, frame);
}
