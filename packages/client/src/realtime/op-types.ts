import type { EndpointName, endpoints } from '@natter/protocol';
import type { EndpointArgs, EndpointInput, EndpointResponse } from '../endpoint-types.ts';

/** Every operation a signed-in client may call over the socket: the REST endpoints that are not public. */
export type RealtimeOpName = {
  [K in EndpointName]: (typeof endpoints)[K]['access'] extends 'public' ? never : K;
}[EndpointName];

/** What one operation takes: the same `params`, `query` and `body` as its REST endpoint. */
export type OpInput<N extends RealtimeOpName> = EndpointInput<N>;

/** What one operation answers with: the `data` of its result frame, typed as the REST answer. */
export type OpResponse<N extends RealtimeOpName> = EndpointResponse<N>;

/** The arguments after the operation name: the input may be left out when nothing in it is required. */
export type OpArgs<N extends RealtimeOpName> = EndpointArgs<N>;
