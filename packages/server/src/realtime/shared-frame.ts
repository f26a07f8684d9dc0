import type { AnyEvent, ServerFrame } from '@natter/protocol';
import type { StoredEvent } from '../ports/index.ts';
import { encodeFrame, type Encoding, type FrameType } from './codec.ts';

/** Called once each time a shared frame is serialised, so metrics can show fan-out efficiency. */
export type EncodeListener = (type: FrameType, encoding: Encoding) => void;

/**
 * A server frame serialised and framed at most once per encoding, on first use, and then queued to
 * every recipient as the same bytes. Never serialise per recipient: this is the fan-out's whole
 * performance story (PERFORMANCE-NOTES, "WebSocket with ws").
 */
export class SharedFrame {
  readonly type: FrameType;
  readonly #build: () => ServerFrame;
  readonly #onEncode: EncodeListener;
  #json: Buffer | undefined;
  #msgpack: Buffer | undefined;

  constructor(type: FrameType, build: () => ServerFrame, onEncode: EncodeListener) {
    this.type = type;
    this.#build = build;
    this.#onEncode = onEncode;
  }

  /** The framed bytes for `encoding`, built on first request. */
  bytes(encoding: Encoding): Buffer {
    if (encoding === 'json') return (this.#json ??= this.#encode('json'));
    return (this.#msgpack ??= this.#encode('msgpack'));
  }

  #encode(encoding: Encoding): Buffer {
    this.#onEncode(this.type, encoding);
    return encodeFrame(this.#build(), encoding);
  }
}

/** A logged event ready for delivery: its stream position, its wire form and its shared frame. */
export class PreparedEvent {
  readonly stream: 'room' | 'user';
  /** The room id, or the user id for user events. */
  readonly streamId: string;
  readonly seq: number;
  readonly frame: SharedFrame;
  /**
   * Room events of the same bus message, by room. A `room.joined` or `room.left` takes its room's
   * events from here, because the writer may publish them before the user event that announces them.
   */
  siblings: ReadonlyMap<string, readonly PreparedEvent[]> | undefined;
  #wire: AnyEvent | undefined;
  readonly #toWire: () => AnyEvent;

  private constructor(
    stream: 'room' | 'user',
    streamId: string,
    seq: number,
    toWire: () => AnyEvent,
    onEncode: EncodeListener,
  ) {
    this.stream = stream;
    this.streamId = streamId;
    this.seq = seq;
    this.#toWire = toWire;
    this.frame = new SharedFrame('event', () => ({ type: 'event', event: this.wire }), onEncode);
  }

  /** From the bus: converted to its wire form on first use, once for every recipient. */
  static fromStored(
    stored: StoredEvent,
    toWire: (event: StoredEvent) => AnyEvent,
    onEncode: EncodeListener,
  ): PreparedEvent {
    return new PreparedEvent(stored.stream, stored.streamId, stored.seq, () => toWire(stored), onEncode);
  }

  /** From a gap fill, already in wire form. `streamId` names the user for user events. */
  static fromWire(wire: AnyEvent, streamId: string, onEncode: EncodeListener): PreparedEvent {
    const id = wire.stream === 'room' ? wire.roomId : streamId;
    return new PreparedEvent(wire.stream, id, wire.seq, () => wire, onEncode);
  }

  /** The event as clients see it. */
  get wire(): AnyEvent {
    return (this.#wire ??= this.#toWire());
  }
}
