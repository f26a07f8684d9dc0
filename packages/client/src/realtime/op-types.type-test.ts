// Compile-time checks of the realtime op types: `tsc` fails when they drift from the protocol.
// Nothing here runs; the function is exported only so it is not reported as unused.
import type { MyRoom } from '@natter/protocol';
import type { NatterClient } from '../natter-client.ts';
import { fetchChatState } from '../state/from-fetch.ts';
import type { RealtimeConnection } from './connection.ts';
import type { RealtimeOpName } from './op-types.ts';

/** Type assertions for RealtimeConnection.call and send; never called. */
export async function realtimeTypeChecks(connection: RealtimeConnection, client: NatterClient): Promise<void> {
  // Either transport can fill a ChatState. (Arrows rather than `.bind`: relating two generic
  // method types makes tsc compare every operation with every other, seconds per typecheck.)
  await fetchChatState((op, ...args) => connection.call(op, ...args), 'u1');
  await fetchChatState((op, ...args) => client.request(op, ...args), 'u1');
  const page = await connection.call('listMessages', { params: { roomId: 'r1' }, query: { before: 10 } });
  page.hasMoreBefore satisfies boolean;
  const mine = await connection.call('listMyRooms'); // no input needed
  mine.rooms satisfies MyRoom[];
  const me = await connection.call('getMe'); // the account endpoints are ops too
  me.email satisfies string;
  await connection.call('markRead', { params: { roomId: 'r1' }, body: { seq: 3 } });
  // Public endpoints are not realtime ops. (Asserted on the type: a failing generic call makes tsc
  // try every operation while building the error, seconds per typecheck.)
  const publicOps: Extract<'login' | 'register' | 'refresh', RealtimeOpName> = null as never;
  publicOps satisfies never;
  // @ts-expect-error listMessages needs its roomId
  await connection.call('listMessages');
  // @ts-expect-error a body of the wrong shape
  await connection.call('markRead', { params: { roomId: 'r1' }, body: { seq: 'three' } });
  const sent = await connection.send('r1', { body: 'hi', replyTo: 'm1' });
  sent.duplicate satisfies boolean;
  sent.message.seq satisfies number;
}
