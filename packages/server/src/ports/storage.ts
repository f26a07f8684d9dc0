import type { AttemptStore } from './attempt-store.ts';
import type { EventLog } from './event-log.ts';
import type { PeopleReader, RoomReader } from './room-reader.ts';
import type { ResetTokenStore } from './reset-token-store.ts';
import type { SessionStore } from './session-store.ts';
import type { UserStore } from './user-store.ts';

/** Every store, backed by one database. */
export interface Storage {
  /** 'sqlite' or 'postgres': for logs and /readyz, never for branching in modules. */
  readonly engine: string;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly resetTokens: ResetTokenStore;
  readonly attempts: AttemptStore;
  /** The event log and every write to rooms, messages and people. */
  readonly log: EventLog;
  readonly rooms: RoomReader;
  readonly people: PeopleReader;
  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
  /** Closes connections; pending calls finish first. */
  close(): Promise<void>;
}

/** Thrown by a store when a unique field is already taken. */
export class UniqueViolation extends Error {
  /** The field that collided, such as 'username' or 'email'. */
  readonly field: string;
  constructor(field: string) {
    super(`unique violation on ${field}`);
    this.name = 'UniqueViolation';
    this.field = field;
  }
}
