import type { ClientFrame } from '@natter/protocol';

/** What a WebSocket hands over: text, or bytes (binaryType is set to 'arraybuffer'). */
export type WireData = string | ArrayBuffer | Uint8Array;

/** Turns client frames into WebSocket messages and server messages back into values; one per subprotocol. */
export interface RealtimeCodec {
  /** The `Sec-WebSocket-Protocol` name that asks the server for this encoding. */
  readonly subprotocol: string;
  /** One client frame as a text or binary message. */
  encode(frame: ClientFrame): string | Uint8Array<ArrayBuffer>;
  /** One received message as an unchecked value; throws when it is not readable in this encoding. */
  decode(data: WireData): unknown;
}
