// Reconstructed by the delivery-tests session after it overwrote this file by mistake: the exports
// and their behaviour are inferred from their use in test/integration/resume.test.ts.
import {
  bindChatState,
  fetchChatState,
  RealtimeConnection,
  type ChatState,
  type ConnectionState,
  type Cursor,
} from '@natter/client';
import type { Person } from './chat.ts';

/** Waits until `connection` is in `target` state (at once if it already is); throws after `timeoutMs`. */
export function reach(connection: RealtimeConnection, target: ConnectionState, timeoutMs = 10_000): Promise<void> {
  if (connection.state === target) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(`the connection did not reach "${target}" within ${timeoutMs} ms (it is "${connection.state}")`),
      );
    }, timeoutMs);
    const stop = connection.on('state', (state) => {
      if (state !== target) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** Everything `person` sees, fetched fresh over REST. */
export function freshState(person: Person): Promise<ChatState> {
  return fetchChatState((op, ...args) => person.client.request(op, ...args), person.userId);
}

/** Opens a connection for `person` that resumes from `cursor` and feeds `state`; resolves once it is live. */
export async function goLive(person: Person, state: ChatState, cursor: Cursor): Promise<RealtimeConnection> {
  const connection = new RealtimeConnection(person.client, { cursor, heartbeatMs: 0 });
  bindChatState(connection, state);
  await reach(connection, 'live');
  return connection;
}
