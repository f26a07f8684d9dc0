import type { Connection } from './connection.ts';
import type { FanoutEngine } from './fanout.ts';
import type { Authenticated, GatewayDeps } from './gateway-deps.ts';
import type { GatewayStats } from './gateway-metrics.ts';
import type { PresenceTracker } from './presence-tracker.ts';
import type { EncodeListener } from './shared-frame.ts';

/** What the frame handlers share with the gateway. */
export interface GatewayContext {
  deps: GatewayDeps;
  fanout: FanoutEngine<Connection>;
  presence: PresenceTracker;
  stats: GatewayStats;
  onEncode: EncodeListener;
  /**
   * Lets a connection in after its first successful authentication: indexes it and counts it
   * online. False (and the connection closed) when the user has too many connections already.
   */
  admit(connection: Connection, auth: Authenticated): boolean;
}
