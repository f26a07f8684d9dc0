import type { Message } from '@natter/client';

/** What the composer of one room held when the user left it: kept in memory while the app runs. */
export interface Draft {
  readonly text: string;
  readonly replyTo: Message | null;
}

const drafts = new Map<string, Draft>();

export function draftOf(roomId: string): Draft {
  return drafts.get(roomId) ?? { text: '', replyTo: null };
}

export function saveDraft(roomId: string, draft: Draft): void {
  if (draft.text === '' && draft.replyTo === null) drafts.delete(roomId);
  else drafts.set(roomId, draft);
}
