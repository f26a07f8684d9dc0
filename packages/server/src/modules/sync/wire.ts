import type { RoomEvent, UserEvent } from '@natter/protocol';
import type { StoredEvent } from '../../ports/index.ts';

/**
 * A stored event in its wire form. Done once per event before fan-out. A message's seq is the seq
 * of the event that created it, which is only known after the commit, so it is filled in here
 * rather than stored twice.
 */
export function toWire(event: StoredEvent): RoomEvent | UserEvent {
  const at = new Date(event.at).toISOString();
  if (event.stream === 'user') {
    return {
      stream: 'user',
      seq: event.seq,
      type: event.type,
      actorId: event.actorId,
      at,
      data: event.data,
    } as UserEvent;
  }
  let data = event.data;
  if (event.type === 'message.created') {
    const created = data as { message: Record<string, unknown> };
    data = { message: { ...created.message, seq: event.seq } };
  }
  return {
    stream: 'room',
    roomId: event.streamId,
    seq: event.seq,
    type: event.type,
    actorId: event.actorId,
    at,
    data,
  } as RoomEvent;
}
