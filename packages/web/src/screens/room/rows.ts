import type { Message, PendingSend } from '@natter/client';
import { dayKey, dayOf } from '../../ui/format.ts';

/** One line of the message log: a date separator, the unread divider, a message or a pending send. */
export type Row =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | { readonly kind: 'new'; readonly key: string }
  | { readonly kind: 'message'; readonly key: string; readonly message: Message; readonly compact: boolean }
  | {
      readonly kind: 'pending';
      readonly key: string;
      readonly send: PendingSend;
      readonly error: string | null;
      readonly compact: boolean;
    };

/** Messages by one person this close together share a header. */
const groupWindowMs = 5 * 60_000;

interface Previous {
  readonly senderId: string | null;
  readonly at: number;
  readonly day: string;
}

/**
 * The log's rows: a separator at each new day, the "New messages" divider before the first
 * message by someone else after `readSeq`, and consecutive messages of one sender grouped.
 */
export function buildRows(
  messages: readonly Message[],
  pending: readonly { send: PendingSend; error: string | null }[],
  options: { me: string; readSeq: number | null; now?: number },
): Row[] {
  const rows: Row[] = [];
  let previous = null as Previous | null;
  let dividerPlaced = false;
  let lastDay: string | null = null;
  for (const message of messages) {
    const day = dayKey(message.createdAt);
    const at = Date.parse(message.createdAt);
    if (lastDay !== day) {
      rows.push({ kind: 'day', key: `day-${day}`, label: dayOf(message.createdAt) });
      lastDay = day;
      previous = null;
    }
    if (
      !dividerPlaced &&
      options.readSeq !== null &&
      message.seq > options.readSeq &&
      message.senderId !== options.me &&
      message.deletedAt === null
    ) {
      dividerPlaced = true;
      rows.push({ kind: 'new', key: 'new-divider' });
      previous = null;
    }
    const compact =
      previous !== null &&
      previous.senderId === message.senderId &&
      at - previous.at < groupWindowMs &&
      message.replyTo === null &&
      message.forwardedFrom === null &&
      message.deletedAt === null;
    rows.push({ kind: 'message', key: message.id, message, compact });
    previous = message.deletedAt === null ? { senderId: message.senderId, at, day } : null;
  }
  const now = options.now ?? Date.now();
  const today = dayKey(new Date(now).toISOString());
  for (const { send, error } of pending) {
    if (lastDay !== today) {
      rows.push({ kind: 'day', key: `day-${today}`, label: dayOf(new Date(now).toISOString()) });
      lastDay = today;
      previous = null;
    }
    const compact =
      previous !== null &&
      previous.senderId === options.me &&
      now - previous.at < groupWindowMs &&
      send.request.replyTo === undefined &&
      send.request.forwardOf === undefined;
    rows.push({ kind: 'pending', key: send.txnId, send, error, compact });
    previous = { senderId: options.me, at: now, day: today };
  }
  return rows;
}
