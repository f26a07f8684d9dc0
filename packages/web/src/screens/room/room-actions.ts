import type { Message } from '@natter/client';

/** What a message's buttons do; the room view implements them once for every message. */
export interface RoomActions {
  reply(message: Message): void;
  startEdit(messageId: string): void;
  /** Closes the inline editor (after a save or a cancel) and gives the composer focus back. */
  endEdit(): void;
  /** Opens the emoji picker for a message. */
  pickReaction(message: Message): void;
  toggleReaction(message: Message, emoji: string): void;
  askDelete(message: Message): void;
  forward(message: Message): void;
  jumpTo(messageId: string): void;
  retry(txnId: string): void;
  discard(txnId: string): void;
  focusComposer(): void;
}
