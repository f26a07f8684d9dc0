import type { Clock, EventBus, PresenceReader, Storage } from '../ports/index.ts';
import type { Committer } from './sync/committer.ts';

/** Limits the chat services enforce, from config. */
export interface ChatLimits {
  messageMaxBytes: number;
  groupMemberCap: number;
  channelMemberCap: number;
  syncLimit: number;
}

/** What the room, message, people and sync services share. */
export interface ChatDeps {
  storage: Storage;
  committer: Committer;
  bus: EventBus;
  clock: Clock;
  presence: PresenceReader;
  limits: ChatLimits;
}

/** Unread counts above this show as this (a sidebar shows "999+"). */
export const unreadCap = 1000;
