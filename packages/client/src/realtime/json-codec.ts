import { subprotocols } from '@natter/protocol';
import type { RealtimeCodec } from './codec.ts';

const decoder = new TextDecoder();

/** JSON over text frames: the default, readable in any browser's network panel. */
export const jsonCodec: RealtimeCodec = {
  subprotocol: subprotocols.json,
  encode: (frame) => JSON.stringify(frame),
  decode: (data) => JSON.parse(typeof data === 'string' ? data : decoder.decode(data)) as unknown,
};
