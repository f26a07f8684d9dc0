import type { Role } from '@natter/protocol';

/** Who is calling, established from a verified access token and a live session. */
export interface Caller {
  userId: string;
  sessionId: string;
  role: Role;
}

/** Where a request came from, for sessions, throttling and logs. */
export interface Origin {
  ip: string;
  userAgent: string | null;
}
