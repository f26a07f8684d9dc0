import type { StoredEvent } from './event-log.ts';

/** What travels between the writers and the realtime gateways (in this process or across instances). */
export type BusMessage =
  /** Events just committed, in commit order. */
  | { kind: 'events'; events: StoredEvent[] }
  /** Ephemeral: never stored, dropped first under load. */
  | { kind: 'typing'; roomId: string; userId: string; typing: boolean }
  /** Ephemeral: a user's first connection opened or last one closed. */
  | { kind: 'presence'; userId: string; online: boolean }
  /**
   * Sessions ended (sign-out, revoke, password change, disabled account): gateways close their
   * connections. `sessionIds: 'all'` means every session of the user except `except`.
   */
  | { kind: 'sessions.ended'; userId: string; sessionIds: string[] | 'all'; except?: string };

/** Publishes and delivers BusMessages. In-process by default; RabbitMQ in cluster mode. */
export interface EventBus {
  /** Hands a message over; local subscribers hear it without waiting for any broker. */
  publish(message: BusMessage): void;
  /** Registers a handler; returns the function that removes it. */
  subscribe(handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}
