import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { openStorage } from './adapters/open-storage.ts';
import { createOutboxMailer } from './adapters/mail/outbox-mailer.ts';
import { createSmtpMailer } from './adapters/mail/smtp-mailer.ts';
import type { Config } from './config/index.ts';
import { buildHttpApp } from './http/app.ts';
import { createMetrics } from './http/ops.routes.ts';
import { createLogger } from './logger.ts';
import { AccountService } from './modules/auth/account.service.ts';
import { SessionService } from './modules/auth/session.service.ts';
import { AccessTokens } from './modules/auth/tokens.ts';
import { UserService } from './modules/users/user.service.ts';
import {
  systemClock,
  type Clock,
  type EventBus,
  type Mailer,
  type PresenceReader,
  type Storage,
} from './ports/index.ts';
import { createMemoryBus } from './adapters/bus/memory-bus.ts';
import { accountOperations } from './api/account.operations.ts';
import { chatOperations, type ChatServices } from './api/chat.operations.ts';
import { createDispatcher } from './api/dispatcher.ts';
import type { Operations } from './api/operation.ts';
import type { ChatDeps } from './modules/chat-deps.ts';
import { ActivityService } from './modules/messages/activity.service.ts';
import { MessageService } from './modules/messages/message.service.ts';
import { PeopleService } from './modules/people/people.service.ts';
import { MembershipService } from './modules/rooms/membership.service.ts';
import { RoomService } from './modules/rooms/room.service.ts';
import { Committer } from './modules/sync/committer.ts';
import { SyncService } from './modules/sync/sync.service.ts';
import { toWire } from './modules/sync/wire.ts';
import { createRealtimeGateway } from './realtime/gateway.ts';
import { loadOrCreateSecret } from './secrets.ts';

/** Parts a test or a tool may supply instead of the ones built from config. */
export interface ServerOverrides {
  storage?: Storage;
  mailer?: Mailer;
  clock?: Clock;
  logger?: PinoLogger;
  bus?: EventBus;
}

/** A listening Natter instance. */
export interface RunningServer {
  /** Base URL it listens on, such as http://127.0.0.1:8080. */
  url: string;
  app: FastifyInstance;
  storage: Storage;
  logger: PinoLogger;
  /** Tells realtime clients to resume elsewhere, finishes in-flight requests and commits, closes storage and mail. Idempotent. */
  close(): Promise<void>;
}

/** Builds the account services on top of storage and mail. Shared with the admin CLI. */
export async function buildServices(
  config: Config,
  deps: { storage: Storage; mailer: Mailer; clock: Clock; logger: PinoLogger; bus?: EventBus },
) {
  const secret = config.jwtSecret ?? (await loadOrCreateSecret(config.dataDir, 'jwt-secret'));
  const tokens = new AccessTokens({ secret, ttlSeconds: config.accessTokenTtl, issuer: config.publicUrl });
  const sessions = new SessionService({ ...deps, tokens, sessionIdleDays: config.sessionIdleDays });
  const accounts = new AccountService({
    ...deps,
    sessions,
    logger: deps.logger.child({ module: 'accounts' }),
    publicUrl: config.publicUrl,
    registrationOpen: config.registration === 'open',
  });
  const users = new UserService({ ...deps, sessions });
  return { sessions, accounts, users };
}

/** Builds the chat services (people, rooms, messages, sync) over the event log. */
export function buildChatServices(deps: ChatDeps): ChatServices {
  const members = new MembershipService(deps);
  const rooms = new RoomService(deps, members);
  members.getRoom = (caller, roomId) => rooms.get(caller, roomId);
  return {
    people: new PeopleService(deps),
    rooms,
    members,
    messages: new MessageService(deps),
    activity: new ActivityService(deps),
    sync: new SyncService(deps),
  };
}

/** Opens the mailer the config asks for: SMTP when a server is set, the outbox folder otherwise. */
export function openMailer(config: Config, logger: PinoLogger): Mailer {
  const log = logger.child({ module: 'mail' });
  return config.smtpUrl === undefined
    ? createOutboxMailer({ dir: join(config.dataDir, 'outbox'), from: config.mailFrom, logger: log })
    : createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom, logger: log });
}

const hour = 3_600_000;

/** Composition root: builds adapters and services from config and starts listening. */
export async function startServer(config: Config, overrides: ServerOverrides = {}): Promise<RunningServer> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const clock = overrides.clock ?? systemClock;
  const storage =
    overrides.storage ??
    (await openStorage(config.databaseUrl, {
      poolSize: config.databasePoolSize,
      // SQLite: the fsync of every commit happens off the event loop (docs/performance.md).
      commitThread: true,
      // A pooled connection that dies while idle is replaced by the pool; it must not crash us.
      onIdleError: (error) => {
        logger.warn({ err: error }, 'idle database connection failed');
      },
    }));
  const mailer = overrides.mailer ?? openMailer(config, logger);
  const bus = overrides.bus ?? createMemoryBus(logger.child({ module: 'bus' }));
  const services = await buildServices(config, { storage, mailer, clock, logger, bus });

  // The gateway answers who is online; it is built after the services that ask, so they ask it
  // through this indirection.
  const presence: { current?: PresenceReader } = {};
  const committer = new Committer({ log: storage.log, bus, logger: logger.child({ module: 'commit' }) });
  const chat = buildChatServices({
    storage,
    committer,
    bus,
    clock,
    presence: { isOnline: (userId) => presence.current?.isOnline(userId) ?? false },
    limits: {
      messageMaxBytes: config.messageMaxBytes,
      groupMemberCap: config.groupMemberCap,
      channelMemberCap: config.channelMemberCap,
      syncLimit: config.syncLimit,
    },
  });
  services.accounts.beforeDelete = (userId) => chat.members.departAll(userId);
  const operations: Operations = { ...accountOperations(services), ...chatOperations(chat) };

  let shuttingDown = false;
  const metrics = createMetrics();
  const app = await buildHttpApp({
    logger,
    storage,
    operations,
    authenticate: (token) => services.sessions.authenticate(token),
    metrics,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    isShuttingDown: () => shuttingDown,
    webDir: config.webDir,
  });
  const gateway = createRealtimeGateway(app.server, {
    logger: logger.child({ module: 'realtime' }),
    authenticate: (token) => services.sessions.authenticateWithExpiry(token),
    dispatcher: createDispatcher(operations),
    sync: chat.sync,
    bus,
    toWire,
    presencePolicy: (watcherId, targetId) => chat.people.maySeePresence(watcherId, targetId),
    allowedOrigins: [new URL(config.publicUrl).origin, ...config.corsOrigins],
    limits: {
      maxFrameBytes: config.wsMaxFrameBytes,
      framesPerSecond: config.wsFramesPerSecond,
      maxConnectionsPerUser: config.wsMaxConnectionsPerUser,
      heartbeatSeconds: config.wsHeartbeatSeconds,
      softBufferBytes: config.wsSoftBufferBytes,
      hardBufferBytes: config.wsHardBufferBytes,
      fanoutSlice: config.fanoutSlice,
      messageMaxBytes: config.messageMaxBytes,
    },
    metrics: metrics.registry,
  });
  presence.current = gateway.presence;

  // Ended sessions, stale throttle counters and expired reset tokens are kept a day, then dropped.
  // (Transaction ids need no purge: a use older than txnRetentionDays no longer counts.)
  const housekeeping = setInterval(() => {
    const before = clock.now() - 24 * hour;
    Promise.all([
      storage.sessions.purgeEnded(before),
      storage.attempts.purge(before),
      storage.resetTokens.purgeExpired(before),
    ]).catch((error: unknown) => {
      logger.warn({ err: error }, 'housekeeping failed');
    });
  }, hour);
  housekeeping.unref();

  await app.listen({ host: config.host, port: config.port, backlog: config.listenBacklog });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ url: `http://${host}:${port}`, storage: storage.engine }, 'natter is listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      clearInterval(housekeeping);
      // Realtime clients first, with the close code that means "resume elsewhere"; then HTTP stops
      // accepting and finishes what is in flight; every commit already queued becomes durable.
      await gateway.close();
      await app.close();
      await committer.drain();
      await Promise.allSettled([storage.close(), mailer.close(), bus.close()]);
      logger.info({}, 'natter stopped');
    })());
  return { url: `http://${host}:${port}`, app, storage, logger, close };
}
