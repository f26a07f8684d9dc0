/** Who is online, as the realtime gateways know it. */
export interface PresenceReader {
  /** True while the user has at least one open realtime connection (on any instance). */
  isOnline(userId: string): boolean;
}
