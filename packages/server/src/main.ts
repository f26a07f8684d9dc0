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
import { systemClock, type Clock, type Mailer, type Storage } from './ports/index.ts';
import { loadOrCreateSecret } from './secrets.ts';

/** Parts a test or a tool may supply instead of the ones built from config. */
export interface ServerOverrides {
  storage?: Storage;
  mailer?: Mailer;
  clock?: Clock;
  logger?: PinoLogger;
}

/** A listening Natter instance. */
export interface RunningServer {
  /** Base URL it listens on, such as http://127.0.0.1:8080. */
  url: string;
  app: FastifyInstance;
  storage: Storage;
  logger: PinoLogger;
  /** Stops accepting, finishes in-flight requests, closes storage and mail. Idempotent. */
  close(): Promise<void>;
}

/** Builds the domain services on top of storage and mail. Shared with the admin CLI. */
export async function buildServices(
  config: Config,
  deps: { storage: Storage; mailer: Mailer; clock: Clock; logger: PinoLogger },
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
      // A pooled connection that dies while idle is replaced by the pool; it must not crash us.
      onIdleError: (error) => {
        logger.warn({ err: error }, 'idle database connection failed');
      },
    }));
  const mailer = overrides.mailer ?? openMailer(config, logger);
  const services = await buildServices(config, { storage, mailer, clock, logger });

  let shuttingDown = false;
  const app = await buildHttpApp({
    logger,
    storage,
    ...services,
    metrics: createMetrics(),
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    isShuttingDown: () => shuttingDown,
  });

  // Ended sessions, stale throttle counters and expired reset tokens are kept a day, then dropped.
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

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ url: `http://${host}:${port}`, storage: storage.engine }, 'natter is listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      clearInterval(housekeeping);
      await app.close();
      await Promise.allSettled([storage.close(), mailer.close()]);
      logger.info({}, 'natter stopped');
    })());
  return { url: `http://${host}:${port}`, app, storage, logger, close };
}
