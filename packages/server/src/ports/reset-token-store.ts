/** Single-use password reset tokens, stored as hashes only. */
export interface ResetTokenStore {
  /** Stores a token for a user. Earlier tokens of that user stay valid until used or expired. */
  create(token: { tokenHash: string; userId: string; createdAt: number; expiresAt: number }): Promise<void>;
  /**
   * Atomically spends a token: when it exists and has not expired at `now`, deletes it and every
   * other token of the same user and returns the user id; otherwise undefined. Two concurrent calls
   * with one token: exactly one gets the user id.
   */
  consume(tokenHash: string, now: number): Promise<string | undefined>;
  /** Deletes tokens that expired before `before`; returns how many. */
  purgeExpired(before: number): Promise<number>;
}
