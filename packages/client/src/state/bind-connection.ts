import type { RealtimeConnection } from '../realtime/connection.ts';
import type { ChatState } from './chat-state.ts';

/**
 * Feeds a ChatState from a connection: logged events, the room snapshots a sync reports, and
 * presence. Returns the function that stops it. Gaps are left to the app, which decides how much
 * history to page in (then passes the pages to `applyHistoryPage`).
 */
export function bindChatState(connection: Pick<RealtimeConnection, 'on'>, state: ChatState): () => void {
  const stops = [
    connection.on('event', (event) => {
      state.apply(event);
    }),
    connection.on('room', ({ roomId, room }) => {
      state.applyRoom(roomId, room);
    }),
    connection.on('presence', (presence) => {
      state.applyPresence(presence);
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
